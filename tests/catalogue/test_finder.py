""""Which tool fits us?": answers become filters; constraints rank and explain; unknown is no."""

import pytest

pytestmark = pytest.mark.django_db


def entry(item, value):
    return {"item": item, "value": value, "source_url": "https://s.example/" + item,
            "source_title": "", "note": ""}


@pytest.fixture
def shelters(tool_factory):
    tool_factory("Known Free Offline", slug="known", purposes=["victim-support"], users=["ngos"],
                 countries=["KE"], cost="free", languages=["sw"],
                 profile=[entry("offline", "yes")])
    tool_factory("Unknown Everything", slug="unknown", purposes=["victim-support"],
                 users=["ngos"], countries=["global"])
    tool_factory("Paid Offline", slug="paid", purposes=["victim-support"], users=["ngos"],
                 countries=["KE"], cost="paid", profile=[entry("offline", "yes")])
    tool_factory("Elsewhere", slug="elsewhere", purposes=["victim-support"], users=["ngos"],
                 countries=["BR"], cost="free")
    tool_factory("Police only", slug="police", purposes=["victim-support"],
                 users=["law-enforcement"], countries=["KE"], cost="free")


def test_answers_filter_like_the_list_and_constraints_rank_with_unknown_never_met(client,
                                                                                   shelters):
    page = client.get("/finder/?role=ngo&country=KE&need=victim-support&constraint=free"
                      "&constraint=offline&constraint=language&language=sw")
    html = page.content.decode()
    assert page.status_code == 200
    order = [slug for slug in ("known", "paid", "unknown") if f"/tools/{slug}/" in html]
    assert order == ["known", "paid", "unknown"]
    positions = [html.index(f"/tools/{slug}/") for slug in order]
    assert positions == sorted(positions)  # ranked by constraints known to be met
    assert "/tools/elsewhere/" not in html and "/tools/police/" not in html
    assert "Free of charge: unknown" in html  # the global tool: no cost known, said so
    assert "In Swahili: yes" in html
    assert "3 tools fit what you do" in html
    assert 'href="/tools/?' in html and "country=KE" in html and "user=ngos" in html


def test_victims_data_kept_at_home_needs_a_source_that_says_so(client, tool_factory):
    tool_factory("Self hosted", slug="self", purposes=["training"], countries=["global"],
                 processes_victim_data="yes", profile=[entry("hosting", "self-hosted")])
    tool_factory("Cloud somewhere", slug="cloud", purposes=["training"], countries=["BD"],
                 processes_victim_data="yes", profile=[entry("hosting", "vendor-cloud")])
    html = client.get("/finder/?need=training&country=BD&constraint=data_home").content.decode()
    assert "Victims&#x27; data stays in Bangladesh: yes" in html or \
        "Victims' data stays in Bangladesh: yes" in html
    assert html.index("/tools/self/") < html.index("/tools/cloud/")
    assert "stays in Bangladesh: unknown" in html


def test_unknown_answers_are_named_and_nothing_is_searched(client, shelters):
    page = client.get("/finder/?role=spy&country=XX&constraint=cheap")
    assert page.status_code == 400
    html = page.content.decode()
    for value in ("spy", "XX", "cheap"):
        assert value in html
    assert "tools fit what you do" not in html


def test_the_finder_works_in_french_without_javascript(client, shelters):
    html = client.get("/fr/finder/?role=ngo&constraint=free").content.decode()
    assert "<form" in html and "<script" not in html.split("</header>")[1].split("<footer")[0]
    assert "Quel outil nous convient ?" in html
