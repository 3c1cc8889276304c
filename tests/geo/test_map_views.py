"""The map page, its JSON twin and the country panel endpoint."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(tool_factory, organisation_factory):
    organisation_factory("Nairobi Watch", headquarters_country="KE")
    organisation_factory("Lisbon Labs", headquarters_country="PT")
    organisation_factory("Nowhere Org")  # no headquarters: no marker
    tool_factory("Cotton Tracer", organisations=["Nairobi Watch"], countries=["KE", "BR"],
                 purposes=["supply-chain-transparency"], slug="cotton-tracer")
    tool_factory("Hotline Trainer", organisations=["Lisbon Labs", "Nowhere Org"],
                 countries=["KE", "global"], purposes=["training"], slug="hotline-trainer")
    tool_factory("Amazon Monitor", countries=["BR", "SG"],
                 purposes=["supply-chain-transparency"], slug="amazon-monitor")
    tool_factory("Everywhere App", countries=["global"], purposes=["training"],
                 slug="everywhere-app")
    from tests.factories import make_helpline
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")


def counts(data):
    return {c["code"]: c["count"] for c in data["countries"]}


def test_map_data_counts_the_matching_tools_deployed_in_each_country(client, catalogue):
    data = client.get("/map/data.json").json()
    assert counts(data) == {"BR": 2, "KE": 2, "SG": 1}
    assert data["count"] == 4
    assert data["global_count"] == 2  # shown apart, never added to every country
    assert [c["bin"] for c in data["countries"]] == [2, 2, 1]
    assert data["legend"][0] == {"label": "0", "color": "#e9ecef", "low": 0, "high": 0}


def test_map_data_obeys_the_same_filters_as_the_tools_list(client, catalogue):
    data = client.get("/map/data.json?purpose=supply-chain-transparency").json()
    assert counts(data) == {"BR": 2, "KE": 1, "SG": 1}
    assert data["query"] == "purpose=supply-chain-transparency"
    # Each country's link opens the tools list with the same filters, listing as many tools.
    for country in data["countries"]:
        listed = client.get(country["tools_url"].replace("/tools/", "/tools.json")).json()
        assert listed["count"] == country["count"], country["code"]
    data = client.get("/map/data.json?q=amazon").json()
    assert counts(data) == {"BR": 1, "SG": 1}


def test_map_data_has_facets_with_toggle_links_for_the_filter_sidebar(client, catalogue):
    data = client.get("/map/data.json?purpose=training").json()
    purpose = next(f for f in data["facets"] if f["param"] == "purpose")
    training = next(v for v in purpose["values"] if v["value"] == "training")
    assert training["selected"] and training["toggle_query"] == ""


def test_map_data_places_the_headquarters_of_the_organisations_behind_matching_tools(
        client, catalogue):
    data = client.get("/map/data.json").json()
    markers = {m["name"]: m for m in data["organisations"]}
    assert set(markers) == {"Nairobi Watch", "Lisbon Labs"}
    assert markers["Nairobi Watch"]["url"] == "/organisations/nairobi-watch/"
    assert -5 < markers["Nairobi Watch"]["lat"] < 5 and 33 < markers["Nairobi Watch"]["lng"] < 42
    data = client.get("/map/data.json?purpose=supply-chain-transparency").json()
    assert [m["name"] for m in data["organisations"]] == ["Nairobi Watch"]


def test_map_data_gives_a_position_for_countries_too_small_for_a_shape(client, catalogue):
    singapore = next(c for c in client.get("/map/data.json").json()["countries"]
                     if c["code"] == "SG")
    assert singapore["lat"] == pytest.approx(1.36, abs=0.2)


def test_map_data_refuses_unknown_filters_and_says_which(client, catalogue):
    response = client.get("/map/data.json?purpose=flying&country=QQ")
    assert response.status_code == 400
    fields = {(e["field"], e["value"]) for e in response.json()["errors"]}
    assert fields == {("purpose", "flying"), ("country", "QQ")}


def test_map_data_query_count_does_not_grow_with_the_catalogue(client, tool_factory,
                                                               django_assert_max_num_queries):
    for i in range(30):
        tool_factory(f"Tool {i}", organisations=[f"Org {i}"], countries=["KE", "UG"])
    client.get("/map/data.json")  # builds the facet index once
    with django_assert_max_num_queries(6):
        data = client.get("/map/data.json").json()
    assert counts(data) == {"KE": 30, "UG": 30}


def test_country_panel_lists_matching_tools_organisations_based_there_and_helplines(
        client, catalogue):
    data = client.get("/map/countries/KE.json").json()
    assert data["name"] == "Kenya"
    assert [t["name"] for t in data["tools"]] == ["Cotton Tracer", "Hotline Trainer"]
    assert data["tools"][0]["url"] == "/tools/cotton-tracer/"
    assert [o["name"] for o in data["organisations"]] == ["Nairobi Watch"]
    assert [h["name"] for h in data["helplines"]] == ["Childline Kenya"]
    assert data["helplines_url"] == "/helplines/KE/"
    assert data["global_count"] == 2


def test_country_panel_obeys_the_filters(client, catalogue):
    data = client.get("/map/countries/ke.json?purpose=training").json()
    assert [t["name"] for t in data["tools"]] == ["Hotline Trainer"]
    assert data["organisations"] == []  # Nairobi Watch is behind no matching tool
    assert data["tools_url"] == "/tools/?purpose=training&country=KE"


def test_country_panel_for_an_unknown_country_is_404_and_bad_filters_400(client, catalogue):
    assert client.get("/map/countries/QQ.json").status_code == 404
    assert client.get("/map/countries/KE.json?cost=cheap").status_code == 400


def test_map_page_without_javascript_has_a_table_of_countries_with_counts_and_links(
        client, catalogue):
    html = client.get("/map/").content.decode()
    rows = re.findall(r'<tr data-code="(\w\w)"><th scope="row">([^<]+)</th><td><a href="([^"]+)">'
                      r'(\d+) tools?</a>', html)
    assert [(code, name, href, n) for code, name, href, n in rows] == [
        ("BR", "Brazil", "/tools/?country=BR", "2"),
        ("KE", "Kenya", "/tools/?country=KE", "2"),
        ("SG", "Singapore", "/tools/?country=SG", "1"),
    ]
    assert 'href="/helplines/KE/"' in html
    assert 'href="/tools/?country=global"' in html  # the tools offered globally


def test_map_page_reads_its_data_from_the_endpoint_not_from_inline_data(client, catalogue):
    html = client.get("/map/").content.decode()
    assert 'data-endpoint="/map/data.json"' in html
    assert 'data-shapes="/static/geo/countries.json"' in html
    assert re.search(r'<script src="/static/geo/map.js" type="module">', html)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag
    assert "Cotton Tracer" not in html  # tool names come from the panel endpoint


def test_map_page_filters_are_links_that_keep_the_query_string(client, catalogue):
    html = client.get("/map/?purpose=training").content.decode()
    assert 'aria-current="true"' in html
    assert '<tr data-code="KE">' in html and '<tr data-code="BR">' not in html
    assert 'href="/tools/?purpose=training&amp;country=KE"' in html


def test_map_page_explains_unknown_filters_instead_of_failing(client, catalogue):
    response = client.get("/map/?purpose=flying")
    assert response.status_code == 200
    assert "<code>purpose=flying</code>" in response.content.decode()


def test_map_page_has_no_tile_layer_unless_configured(client, catalogue, settings):
    assert 'data-tile-url=""' in client.get("/map/").content.decode()
    settings.ATLAS_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert ('data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"'
            in client.get("/map/").content.decode())


def test_map_page_is_translated(client, catalogue):
    response = client.get("/fr/map/")
    assert response.status_code == 200
    assert 'data-endpoint="/fr/map/data.json"' in response.content.decode()


def test_map_pages_send_the_strict_csp_and_no_cookie(client, catalogue):
    for url in ["/map/", "/map/data.json", "/map/countries/KE.json", "/fr/map/"]:
        response = client.get(url)
        assert response.status_code == 200
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp
        assert not response.cookies


def test_a_catalogue_write_shows_on_the_map_at_once_despite_the_search_cache(client, catalogue,
                                                                            tool_factory):
    assert counts(client.get("/map/data.json").json())["KE"] == 2
    tool_factory("Third Kenyan Tool", countries=["KE"], slug="third-kenyan-tool")
    assert counts(client.get("/map/data.json").json())["KE"] == 3


def test_the_same_filters_asked_again_do_not_load_the_tools_again(client, catalogue,
                                                                  django_assert_max_num_queries):
    client.get("/map/data.json?purpose=training")
    with django_assert_max_num_queries(1):  # the catalogue stamp only
        data = client.get("/map/data.json?purpose=training").json()
    assert counts(data) == {"KE": 1}
