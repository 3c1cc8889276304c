"""The exported static copy, opened from disk (file://) in Chromium: browsing, search, the map."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def offline_page(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    return page


def test_the_copy_opened_from_disk_searches_filters_and_opens_a_tool_with_no_console_error(
        offline_page, exported_site):
    page = offline_page
    page.goto((exported_site.dest / "index.html").as_uri())
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tools").click()
    page.wait_for_url(re.compile(r"/tools/index\.html$"))
    page.locator("#q").fill("cotton")
    page.locator("form.search button[type=submit]").click()
    page.wait_for_url(re.compile(r"/search/index\.html\?q=cotton"))
    # The results are drawn once the records are unpacked (asynchronously): wait for them.
    results = page.locator("[data-offline-results] .tool-card h3 a")
    expect(results).to_have_text(["Cotton Tracer"])
    # A facet computed in the browser narrows the results, as on the server.
    page.locator("#q").fill("")
    page.locator("form.search button[type=submit]").click()
    page.wait_for_url(re.compile(r"/search/index\.html\?q=$"))
    page.locator("[data-offline-facets] a", has_text="Training").click()
    page.wait_for_url("**purpose=training**")
    expect(results).to_have_text(["Hotline Trainer"])
    results.first.click()
    page.wait_for_url(re.compile(r"/tools/hotline-trainer/index\.html$"))
    assert page.locator("main h1").inner_text() == "Hotline Trainer"
    page.get_by_role("link", name="Kenya").first.wait_for()
    assert page.errors == []


def test_the_copy_in_french_searches_in_french_labels(offline_page, exported_site):
    page = offline_page
    page.goto((exported_site.dest / "fr" / "search" / "index.html").as_uri() + "?q=cotton")
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.locator("[data-offline-results] .tool-card h3 a")).to_have_text(["Cotton Tracer"])
    assert page.errors == []


def test_the_map_draws_from_its_exported_data_and_opens_a_country_panel_offline(
        offline_page, exported_site):
    page = offline_page
    page.goto((exported_site.dest / "map" / "index.html").as_uri())
    kenya = page.locator('#world-map path[data-code="KE"]')
    kenya.wait_for()
    # The copy cannot filter the map: its filters are hidden, and the facets are one link to
    # the search page, which has them (after the map script has drawn its data).
    page.locator("[data-summary]").wait_for()
    assert not page.locator("[data-filter-form]").is_visible()
    expect(page.locator("aside.facets a")).to_have_count(1)
    assert page.locator("aside.facets a").get_attribute("href") == "../search/index.html"
    assert not page.locator("[data-facet-list]").is_visible()
    kenya.click()
    panel_tool = page.locator("#country-panel [data-slot=tools] a", has_text="Cotton Tracer")
    panel_tool.wait_for()
    panel_tool.click()
    page.wait_for_url(re.compile(r"/tools/cotton-tracer/index\.html$"))
    assert page.errors == []


def test_every_list_page_and_helpline_page_of_the_copy_opens_from_disk(offline_page,
                                                                      exported_site):
    page = offline_page
    page.goto((exported_site.dest / "tools" / "index.html").as_uri())
    page.get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"/tools/page/2/index\.html$"))
    assert page.locator(".tool-card").count() > 0
    page.goto((exported_site.dest / "helplines" / "index.html").as_uri())
    page.get_by_role("link", name="Kenya").first.click()
    page.wait_for_url(re.compile(r"/helplines/KE/index\.html$"))
    # The page's own lines, with the bundle's navigation and safety note around them.
    expect(page.locator("nav.languages")).to_be_visible()
    assert page.locator("main .safety-note").count() == 1
    assert "Childline Kenya" in page.locator("main").inner_text()
    assert page.errors == []


def test_a_country_s_helplines_open_from_disk_without_javascript(new_page, exported_site):
    page = new_page(java_script_enabled=False)
    page.goto((exported_site.dest / "fr" / "helplines" / "KE" / "index.html").as_uri())
    assert "Childline Kenya" in page.locator("main").inner_text()
    expect(page.locator("#quick-exit")).to_be_visible()


@pytest.mark.parametrize("language", ["", "ar"])
def test_the_copy_s_own_search_page_and_map_have_no_accessibility_violation(
        offline_page, exported_site, language):
    page = offline_page
    root = exported_site.dest / language if language else exported_site.dest
    found = {}
    for path, ready in [("search/index.html?q=tracer&country=KE", ".tool-card"),
                        ("map/index.html", '#world-map path[data-code="KE"]'),
                        ("offline/index.html", "main h1")]:
        page.goto((root / path.split("?")[0]).as_uri() + ("?" + path.split("?")[1]
                                                         if "?" in path else ""))
        page.locator(ready).first.wait_for(state="attached")
        violations = run_axe(page)
        if violations:
            found[path] = violations
    # (axe itself logs errors here: it tries to read the stylesheets with XHR, which file:// refuses.)
    assert found == {}
