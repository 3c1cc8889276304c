"""Disjunctive facet counts agree with brute-force counting over the same data."""

import random

import pytest

from atlas.catalogue import vocabularies as v
from atlas.catalogue.filters import FACETS
from atlas.catalogue.selectors import tool_search
from atlas.core.countries import region_of

pytestmark = pytest.mark.django_db
COUNTRIES = ["KE", "UG", "IN", "BD", "GB", "US", "BR", "MX", "FR"]


def tool_values(tool):
    """Facet values of a tool computed directly from the model, independently of the index."""
    countries = [d.country for d in tool.deployments.all()]
    return {
        "purpose": set(tool.purposes), "technology": set(tool.technologies),
        "user": set(tool.users), "exploitation": set(tool.exploitation),
        "country": set(countries) | ({"global"} if tool.is_global else set()),
        "region": {region_of(c) for c in countries} | ({"global"} if tool.is_global else set()),
        "cost": {tool.cost}, "access": {tool.access}, "status": {tool.status},
        "open_source": {tool.open_source},
        "language": set(tool.languages), "victim_data": {tool.processes_victim_data},
        "survivors": {tool.survivor_involvement}, "data_protection": data_protection(tool),
        **{param: {x for e in tool.profile if e["item"] == param
                   for x in (e["value"] if isinstance(e["value"], list) else [e["value"]])}
           for param in ("basic_phone", "offline", "self_hostable", "evaluation")},
    }


def data_protection(tool):
    said = {(e["item"], e["value"]) for e in tool.profile if isinstance(e["value"], str)}
    if ("privacy_policy", "yes") in said or ("dpia", "yes") in said:
        return {"published"}
    return {"not-published"} if ("privacy_policy", "no") in said else set()


def random_profile(rng):
    """Some of the profile items the facets read, each with a source; others left unknown."""
    entries = []
    if rng.random() < .6:
        entries.append({"item": "basic_phone", "value": rng.sample(["sms", "ussd", "ivr", "voice"],
                                                                   rng.randint(1, 2))})
    for item in ("offline", "self_hostable"):
        if rng.random() < .5:
            entries.append({"item": item, "value": rng.choice(["yes", "no"])})
    for item in ("privacy_policy", "dpia"):
        if rng.random() < .4:
            entries.append({"item": item, "value": rng.choice(["yes", "no"])})
    for kind in rng.sample(["independent-evaluation", "peer-reviewed", "self-reported"],
                           rng.randint(0, 2)):
        entries.append({"item": "evaluation", "value": kind})
    return [{**e, "source_url": "https://example.org/p", "source_title": "", "note": ""}
            for e in entries]


def brute_force(tools, selected, param, value):
    n = 0
    for tool in tools:
        values = tool_values(tool)
        ok = all(values[p] & set(chosen) for p, chosen in selected.items() if p != param)
        if ok and value in values[param]:
            n += 1
    return n


@pytest.fixture
def random_catalogue(tool_factory):
    rng = random.Random(7)
    for i in range(60):
        tool_factory(f"Tool {i}",
                     purposes=rng.sample(list(v.PURPOSES.terms), rng.randint(0, 3)),
                     technologies=rng.sample(list(v.TECHNOLOGIES.terms), rng.randint(0, 2)),
                     users=rng.sample(list(v.USERS.terms), rng.randint(0, 2)),
                     exploitation=rng.sample(list(v.EXPLOITATION.terms), rng.randint(0, 2)),
                     countries=rng.sample(COUNTRIES, rng.randint(0, 3)) + (["global"] if i % 9 == 0 else []),
                     cost=rng.choice(list(v.COST.terms)), status=rng.choice(list(v.STATUS.terms)),
                     licence=rng.choice(["", "MIT", "proprietary"]),
                     languages=rng.sample(["en", "fr", "sw", "bn"], rng.randint(0, 2)),
                     processes_victim_data=rng.choice(["yes", "no", "unknown"]),
                     survivor_involvement=rng.choice(["yes", "no", "unknown"]),
                     profile=random_profile(rng))
    from atlas.catalogue.selectors import tools_with_relations
    return list(tools_with_relations())


@pytest.mark.parametrize("selected", [
    {},
    {"purpose": ["victim-support"]},
    {"purpose": ["victim-support", "training"], "region": ["africa"]},
    {"country": ["KE", "global"], "cost": ["free", "unknown"], "open_source": ["yes"]},
    {"technology": ["mobile-app"], "status": ["active"], "user": ["ngos", "workers"]},
    {"basic_phone": ["sms", "ussd"], "offline": ["yes"], "language": ["sw"]},
    {"evaluation": ["independent-evaluation"], "victim_data": ["no", "unknown"],
     "self_hostable": ["yes"]},
    {"victim_data": ["yes"], "survivors": ["no", "unknown"], "data_protection": ["published"]},
])
def test_facet_counts_match_brute_force(random_catalogue, selected):
    result = tool_search(**selected)
    expected_total = sum(1 for t in random_catalogue
                         if all(tool_values(t)[p] & set(c) for p, c in selected.items()))
    assert result.count == expected_total
    checked = 0
    for facet in result.facets:
        for fv in facet.values:
            assert fv.count == brute_force(random_catalogue, selected, facet.param, fv.value), \
                (facet.param, fv.value)
            checked += 1
        listed = {fv.value for fv in facet.values}
        universe = set().union(*(tool_values(t)[facet.param] for t in random_catalogue))
        for value in universe - listed:  # hidden values really give no result
            assert brute_force(random_catalogue, selected, facet.param, value) == 0
    assert checked >= 5


def test_facet_values_with_no_results_are_hidden_unless_selected(random_catalogue):
    result = tool_search(country=["KE"])
    country_facet = next(f for f in result.facets if f.param == "country")
    assert "AQ" not in [fv.value for fv in country_facet.values]
    result = tool_search(country=["AQ"])
    country_facet = next(f for f in result.facets if f.param == "country")
    assert [fv.value for fv in country_facet.values if fv.selected] == ["AQ"]
    assert result.count == 0


def test_toggle_links_add_and_remove_a_value(random_catalogue):
    result = tool_search(purpose=["training"], page=2)
    purpose = next(f for f in result.facets if f.param == "purpose")
    training = next(fv for fv in purpose.values if fv.value == "training")
    assert training.selected and training.toggle_query == ""
    other = next(fv for fv in purpose.values if fv.value != "training")
    assert other.toggle_query == f"purpose=training&purpose={other.value}"


def test_every_facet_is_listed_in_order(random_catalogue):
    assert [f.param for f in tool_search().facets] == [f.param for f in FACETS]


def test_index_follows_writes(tool_factory):
    assert tool_search(q="zebra").count == 0
    tool_factory("Zebra", purposes=["training"])
    assert tool_search(q="zebra").count == 1
    assert tool_search(purpose=["training"]).count == 1


@pytest.mark.parametrize("params", [
    {}, {"q": "a b"}, {"q": "x", "purpose": ("training",), "country": ("KE", "UG"), "sort": "name"},
    {"purpose": ("training", "worker-voice"), "open_source": ("yes",), "page": 3},
])
def test_fast_toggler_agrees_with_toggle(params):
    from atlas.catalogue.filters import ToolFilters
    filters = ToolFilters(**params)
    for facet in FACETS:
        toggle = filters.toggler(facet.param)
        for value in ("training", "KE", "yes", "africa"):
            assert toggle(value) == filters.toggle(facet.param, value)


def test_search_is_right_when_tool_ids_have_gaps(tool_factory):
    from atlas.catalogue.services import tool_delete
    tools = [tool_factory(f"Gap tool {i}", purposes=["training"]) for i in range(5)]
    tool_delete(tool=tools[2])  # ids are no longer contiguous
    result = tool_search(q="gap", purpose=["training"])
    assert result.count == 4
    assert sorted(t.name for t in result.tools) == [f"Gap tool {i}" for i in (0, 1, 3, 4)]


def test_one_letter_terms_match_whole_words_only(tool_factory):
    tool_factory("Plan A", short_description="Backup.")
    tool_factory("Alpha", short_description="Another.")
    assert [t.name for t in tool_search(q="a").tools] == ["Plan A"]
