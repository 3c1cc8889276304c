"""In a real browser: the JSON-LD data block breaks no CSP rule, downloads follow the filters,
and the API docs page needs nothing from outside."""

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(tool_factory):
    tool_factory("Cotton Tracer", organisations=["Nairobi Watch"], countries=["KE", "BR"],
                 purposes=["supply-chain-transparency"], licence="MIT", slug="cotton-tracer")
    tool_factory("Brazil Hotline", countries=["BR"], purposes=["reporting-hotline"],
                 slug="brazil-hotline")


def _watch(page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("http://localhost", "data:")) else None)
    return problems, outside


def test_tool_page_embeds_json_ld_without_any_csp_error(page, live_server, catalogue):
    problems, outside = _watch(page)
    response = page.goto(f"{live_server.url}/tools/cotton-tracer/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    blocks = page.locator('script[type="application/ld+json"]')
    assert blocks.count() == 1
    data = json.loads(blocks.first.text_content())
    assert data["@type"] == "SoftwareApplication" and data["name"] == "Cotton Tracer"
    assert data["url"] == f"{live_server.url}/tools/cotton-tracer/"
    page.wait_for_load_state("networkidle")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not outside, outside


def test_download_links_on_the_tools_page_follow_the_current_filters(page, live_server,
                                                                      catalogue):
    page.goto(f"{live_server.url}/tools/?country=KE")
    link = page.get_by_role("link", name="CSV")
    assert link.get_attribute("href") == "/exports/tools.csv?country=KE"
    with page.expect_download() as info:
        link.click()
    text = open(info.value.path(), encoding="utf-8").read()
    assert "cotton-tracer" in text and "brazil-hotline" not in text


def test_api_docs_page_loads_nothing_from_outside_and_has_no_errors(page, live_server):
    problems, outside = _watch(page)
    page.goto(f"{live_server.url}/api/v1/docs")
    assert page.locator("h3 code", has_text="GET /api/v1/tools/{slug}").count() == 1
    page.wait_for_load_state("networkidle")
    assert not problems and not outside, (problems, outside)
