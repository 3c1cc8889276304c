"""The world map in a real browser (Debian's chromium through Playwright) against a live server."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNFILLED = "#e9ecef"  # atlas.geo.selectors.BINS[0]


@pytest.fixture
def catalogue(tool_factory, organisation_factory):
    organisation_factory("Nairobi Watch", headquarters_country="KE")
    tool_factory("Cotton Tracer", organisations=["Nairobi Watch"], countries=["KE", "BR"],
                 purposes=["supply-chain-transparency"], slug="cotton-tracer")
    tool_factory("Hotline Trainer", countries=["KE"], purposes=["training"],
                 slug="hotline-trainer")
    tool_factory("Amazon Monitor", countries=["BR"], purposes=["supply-chain-transparency"],
                 slug="amazon-monitor")
    from tests.factories import make_helpline
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")


@pytest.fixture
def map_page(page, live_server, catalogue):
    """The map page, fully drawn, with every console error and request recorded."""
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/map/")
    page.locator('#world-map path[data-code="KE"]').wait_for()
    page.errors, page.requests = errors, requests
    return page


def fill_of(page, code):
    return page.locator(f'#world-map path[data-code="{code}"]').get_attribute("fill")


def wait_for_fill(page, code, fill):
    # A function, not a string: the page's CSP forbids eval, which string predicates need.
    page.wait_for_function(
        "([code, fill]) => document.querySelector(`#world-map path[data-code=\"${code}\"]`)"
        ".getAttribute('fill') === fill", arg=[code, fill])


def test_map_loads_with_no_console_error_and_every_request_to_its_own_server(map_page,
                                                                            live_server):
    map_page.wait_for_load_state("networkidle")
    assert map_page.errors == []
    assert map_page.requests, "the page made no request at all"
    foreign = [u for u in map_page.requests if not u.startswith(live_server.url + "/")]
    assert foreign == []
    # Exactly what bench/pageweight.py counts; shapes and counts come from their own endpoints.
    paths = sorted(u[len(live_server.url):] for u in map_page.requests)
    assert paths == sorted([
        "/map/", "/map/data.json", "/static/geo/countries.json", "/static/geo/map.css",
        "/static/geo/map.js", "/static/atlas/css/atlas.css", "/static/atlas/js/quick-exit.js",
        "/static/vendor/leaflet/leaflet.css", "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet.markercluster/MarkerCluster.css",
        "/static/vendor/leaflet.markercluster/MarkerCluster.Default.css",
        "/static/vendor/leaflet.markercluster/leaflet.markercluster.js"])
    assert fill_of(map_page, "KE") != UNFILLED
    assert fill_of(map_page, "FR") == UNFILLED


def test_clicking_a_country_opens_its_panel_with_its_tools(map_page):
    map_page.locator('#world-map path[data-code="KE"]').click()
    panel = map_page.locator("#country-panel")
    panel.get_by_role("heading", name="Kenya").wait_for()
    tools = panel.locator("[data-slot=tools] a")
    assert sorted(tools.all_inner_texts()) == ["Cotton Tracer", "Hotline Trainer"]
    assert tools.first.get_attribute("href") == "/tools/cotton-tracer/"
    assert panel.locator("[data-slot=organisations] a").all_inner_texts() == ["Nairobi Watch"]
    assert "Childline Kenya" in panel.locator("[data-slot=helplines]").inner_text()


def test_applying_a_filter_recolours_the_map_and_changes_the_url_without_reloading(map_page):
    map_page.evaluate("window.notReloaded = true")
    before = fill_of(map_page, "BR")
    assert before != UNFILLED
    map_page.locator("[data-facets] a", has_text="Training").click()
    map_page.wait_for_url(re.compile(r"/map/\?purpose=training$"))
    wait_for_fill(map_page, "BR", UNFILLED)
    assert fill_of(map_page, "KE") != UNFILLED
    assert map_page.evaluate("window.notReloaded") is True
    rows = map_page.locator("[data-country-rows] tr")
    assert rows.count() == 1 and "Kenya" in rows.first.inner_text()
    # The back button restores the unfiltered map.
    map_page.go_back()
    wait_for_fill(map_page, "BR", before)
    assert map_page.errors == []


def test_keyboard_alone_reaches_a_country_and_opens_its_panel(map_page):
    map_page.locator("#world-map").focus()
    for _ in range(10):
        map_page.keyboard.press("Tab")
        if map_page.evaluate("document.activeElement.dataset.code"):
            break
    code = map_page.evaluate("document.activeElement.dataset.code")
    assert code in {"KE", "BR"}, "Tab never reached a country on the map"
    map_page.keyboard.press("Enter")
    title = map_page.locator("#country-panel-title")
    title.wait_for()
    assert title.inner_text() == {"KE": "Kenya", "BR": "Brazil"}[code]
    assert map_page.evaluate("document.activeElement.id") == "country-panel-title"
    map_page.keyboard.press("Escape")
    assert map_page.locator("#country-panel").is_hidden()
    assert map_page.evaluate("document.activeElement.dataset.code") == code


def test_the_table_of_countries_opens_the_same_panel(map_page):
    map_page.locator("[data-country-rows] tr[data-code=BR] button").click()
    panel = map_page.locator("#country-panel")
    panel.get_by_role("heading", name="Brazil").wait_for()
    assert sorted(panel.locator("[data-slot=tools] a").all_inner_texts()) == [
        "Amazon Monitor", "Cotton Tracer"]


def test_a_configured_tile_layer_is_requested_from_its_url(page, live_server, catalogue,
                                                            settings):
    # Any same-origin image stands in for a tile server here.
    settings.ATLAS_TILE_URL = (live_server.url
                               + "/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}")
    tiles = []
    page.on("request", lambda r: tiles.append(r.url) if "layers.png?z=" in r.url else None)
    page.goto(f"{live_server.url}/map/")
    page.locator('#world-map path[data-code="KE"]').wait_for()
    page.locator("#world-map img.leaflet-tile-loaded").first.wait_for()
    assert tiles


def test_an_address_with_an_unknown_filter_explains_it_and_still_draws_the_map(
        page, live_server, catalogue):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/map/?purpose=flying&purpose=training")
    page.locator('#world-map path[data-code="KE"]').wait_for()
    page.wait_for_load_state("networkidle")
    assert "purpose=flying" in page.locator("[role=alert]").inner_text()
    assert page.locator("[data-country-rows] tr").count() == 1  # Kenya, for "training"
    assert page.url.endswith("/map/?purpose=flying&purpose=training")  # no reload loop
    assert errors == []
