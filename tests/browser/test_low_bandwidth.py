"""Low bandwidth in a real browser: every key task works with JavaScript off, and a tool page
and a country's helplines print on one page."""

import re
import statistics

import pytest

from tests.browser.helpers import results_total

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js_page(new_page):
    return new_page(java_script_enabled=False)


def test_search_filter_open_a_tool_and_its_helplines_work_with_javascript_disabled(
        no_js_page, live_server, default_dataset):
    page = no_js_page
    page.goto(live_server.url + "/")
    page.locator("#home-q").fill("hotline")
    page.locator("#home-q").press("Enter")
    assert "/tools/?q=hotline" in page.url
    before = results_total(page)
    region = page.locator(".facets details", has_text="Region")
    region.locator("summary").click()  # <details> opens without JavaScript
    region.locator("a", has_text="Africa").click()
    assert "region=africa" in page.url
    after = results_total(page)
    assert 0 < after < before
    page.locator(".tool-list .tool-card h3 a").first.click()
    assert page.locator("main h1").count() == 1
    helplines = page.locator(".deployments a[href^='/helplines/']").first
    helplines.click()
    assert re.search(r"/helplines/[A-Z]{2}/$", page.url)
    assert page.locator("main h1").inner_text().startswith("Helplines in")
    # The other pages of the Atlas read and navigate without JavaScript too.
    for path, ready in [("/map/", "#country-table tbody tr"), ("/insights/", "main h1"),
                        ("/organisations/", "table.data tbody tr"), ("/fr/helplines/", "main h1")]:
        page.goto(live_server.url + path)
        assert page.locator(ready).count() > 0, path


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def typical_tool():
    """The tool whose page has the median amount of text: what a visitor usually prints."""
    from atlas.catalogue.models import Tool
    tools = sorted(Tool.objects.all(), key=lambda t: len(t.long_description) +
                   len(t.short_description))
    return tools[len(tools) // 2]


def test_a_typical_tool_page_and_a_country_s_helplines_print_on_one_page(page, live_server,
                                                                         default_dataset):
    from atlas.helplines.models import Helpline
    from django.db.models import Count
    counts = Helpline.objects.values("country").annotate(n=Count("id"))
    median = statistics.median_low([c["n"] for c in counts])
    busy = next(c["country"] for c in counts.order_by("country") if c["n"] == median)
    printed = {}
    for path in [typical_tool().get_absolute_url(), "/helplines/KE/", f"/helplines/{busy}/",
                 f"/ar/helplines/KE/"]:
        page.goto(live_server.url + path)
        printed[path] = pdf_pages(page.pdf(format="A4"))
    assert printed == {path: 1 for path in printed}
