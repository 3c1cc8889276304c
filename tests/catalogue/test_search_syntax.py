"""The search grammar of docs/search.md: words, phrases, exclusions and OR, on either database."""

import pytest

from atlas.catalogue.search import parse_query, text_match
from atlas.catalogue.selectors import tool_search, tool_search_ids

pytestmark = pytest.mark.django_db


def names(q, **kwargs):
    return sorted(t.name for t in tool_search(q=q, per_page=100, **kwargs).tools)


@pytest.fixture
def catalogue(tool_factory):
    tool_factory("Police Reporter", short_description="Officers file reports from the field.")
    tool_factory("Case Desk", short_description="Police and prosecutors share case files.",
                 organisations=["Justice Lab"])
    tool_factory("Text Line", short_description="Survivors ask for help by SMS.")
    tool_factory("Mechanism Map", short_description="Referral mechanisms between services.")
    tool_factory("Child Helpline Finder", short_description="Finds the child helpline nearby.")
    tool_factory("Helpline Directory", short_description="Every helpline, including for a child.")


def test_a_minus_before_a_word_leaves_out_the_tools_that_word_finds(catalogue):
    assert names("helpline") == ["Child Helpline Finder", "Helpline Directory"]
    assert names("helpline -directory") == ["Child Helpline Finder"]
    assert names("help -police") == ["Child Helpline Finder", "Helpline Directory", "Text Line"]


def test_a_query_of_exclusions_only_lists_every_other_tool(catalogue):
    result = tool_search(q="-police")
    assert result.count == 4
    assert names("-police") == ["Child Helpline Finder", "Helpline Directory", "Mechanism Map",
                                "Text Line"]
    assert names("-police -helpline") == ["Mechanism Map", "Text Line"]
    assert names("-police", sort="relevance") == names("-police", sort="name")


def test_an_excluded_word_is_a_prefix_like_any_typed_word(catalogue):
    assert names("-pol -mech -child") == ["Text Line"]


def test_a_minus_before_a_quoted_phrase_leaves_out_only_that_phrase(catalogue):
    assert names('helpline -"child helpline"') == ["Helpline Directory"]


def test_a_hyphen_inside_a_word_or_alone_is_not_an_exclusion(tool_factory):
    tool_factory("Forced Labour Index", short_description="Anti-trafficking indicators.")
    tool_factory("Fair Wage", short_description="Trafficking in supply chains.")
    assert names("anti-trafficking") == ["Forced Labour Index"]
    assert names("trafficking - anti") == ["Forced Labour Index"]


def test_or_in_capitals_finds_tools_matching_either_side(catalogue):
    assert names("sms OR mechanisms") == ["Mechanism Map", "Text Line"]
    assert names('sms OR "case files" OR nothingness') == ["Case Desk", "Text Line"]


def test_or_binds_its_two_neighbours_before_the_other_words_apply(catalogue):
    # "child helpline OR police" means child AND (helpline OR police)
    assert names("child helpline OR police") == ["Child Helpline Finder", "Helpline Directory"]


def test_lowercase_or_and_a_dangling_or_are_ordinary_words(tool_factory):
    ore = tool_factory("Ore Tracer", short_description="Traces ore from mines.")
    tool_factory("Sms Gateway", short_description="Sends texts.")

    def by_words(q):  # word matches only: the spelling fallback would find "Sms Gateway"
        return text_match(parse_query(q))

    assert by_words("sms or gateway") == []
    assert by_words("OR") == by_words("tracer OR") == by_words("OR OR tracer") == [ore.pk]
    assert by_words("sms OR -gateway") == []


def test_a_word_matches_at_the_start_of_words_only(catalogue):
    assert names("sms") == ["Text Line"]  # not "mechanisms"
    assert names("anisms") == []


def test_a_quoted_word_matches_that_whole_word_only(catalogue):
    assert names("mechanism") == ["Mechanism Map"]  # "Mechanism" and "mechanisms"
    assert names('"mechanism"') == ["Mechanism Map"]
    assert names('"mechanisms"') == ["Mechanism Map"]
    assert names('"mechanis"') == []


def test_a_phrase_matches_its_words_in_order_within_one_field(catalogue):
    assert names('"child helpline"') == ["Child Helpline Finder"]
    assert names('"helpline child"') == []
    # "Text Line" ends the name and "Survivors" starts the description: not a phrase.
    assert names('"line survivors"') == []


def test_the_spelling_fallback_never_brings_back_an_excluded_tool(catalogue):
    spelt = tool_search(q="Polise Reportr")
    assert [t.name for t in spelt.tools] == ["Police Reporter"] and spelt.suggestion
    excluded = tool_search(q="Polise Reportr -officers")
    assert excluded.tools == [] and excluded.suggestion == ""
    assert tool_search(q="Polise Reportr -sms").suggestion == "Police Reporter"


def test_the_meaning_fallback_never_brings_back_an_excluded_tool(catalogue, monkeypatch):
    from atlas.catalogue.models import Tool
    from atlas.catalogue.search import semantic
    everything = {pk: 0.9 for pk in Tool.objects.values_list("pk", flat=True)}
    asked = []

    def meaning(q, index):
        asked.append(q)
        return dict(everything)

    monkeypatch.setattr(semantic, "semantic_match", meaning)
    found = tool_search_ids(q="signalement des abus -police")
    assert asked == ["signalement des abus"]  # the meaning of the words kept, not of "-police"
    assert sorted(Tool.objects.get(pk=pk).name for pk in found) == [
        "Child Helpline Finder", "Helpline Directory", "Mechanism Map", "Text Line"]


def test_both_sides_of_an_or_are_highlighted(catalogue):
    result = tool_search(q="sms OR referral")
    marks = {t.name: result.highlights[t.pk]["description"] for t in result.tools}
    assert marks == {"Text Line": "Survivors ask for help by <mark>SMS</mark>.",
                     "Mechanism Map": "<mark>Referral</mark> mechanisms between services."}


@pytest.mark.parametrize("q, expected", [
    ("детей", "Russian Tool"),  # й: the parser once folded it to и, the index kept it
    ("الأطفال", "Arabic Tool"),  # أ: the parser once folded it to ا
    ("Straße", "German Tool"),
    ("한국", "Korean Tool"),
])
def test_words_with_letters_the_parser_folds_are_found_in_their_language(tool_factory, q,
                                                                          expected):
    tool_factory("Russian Tool", short_description="Помощь для детей.")
    tool_factory("Arabic Tool", short_description="حماية الأطفال")
    tool_factory("German Tool", short_description="Hilfe auf der Straße.")
    tool_factory("Korean Tool", short_description="한국 상담 전화")
    tool_factory("Korean Other", short_description="하루 상담")
    assert names(q) == [expected]


def test_the_parsed_query_is_groups_of_alternatives_and_exclusions():
    parsed = parse_query('child "help line" OR sms -police -"case files" anti-trafficking')
    assert parsed.as_dict() == {
        "groups": [[{"words": ["child"], "quoted": False}],
                   [{"words": ["help", "line"], "quoted": True},
                    {"words": ["sms"], "quoted": False}],
                   [{"words": ["anti", "trafficking"], "quoted": False}]],
        "excluded": [{"words": ["police"], "quoted": False},
                     {"words": ["case", "files"], "quoted": True}],
    }
    assert parsed.text == 'child "help line" sms anti-trafficking'


@pytest.mark.parametrize("q", ["", "-", " - ", '""', "***", "OR", "-OR", '-""', "\x00"])
def test_queries_with_nothing_to_search_for_never_fail(catalogue, q):
    tool_search(q=q)  # no exception
    text_match(parse_query(q))


def test_the_api_and_the_tools_page_leave_out_what_a_minus_excludes(catalogue, client):
    police = client.get("/api/v1/tools?q=police").json()["count"]
    others = client.get("/api/v1/tools", {"q": "-police"}).json()["count"]
    assert (police, others) == (2, 4)
    page = client.get("/tools/", {"q": "-police"}).content.decode()
    assert "Mechanism Map" in page and "Police Reporter" not in page
