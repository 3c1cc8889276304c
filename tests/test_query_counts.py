"""Every public page, JSON twin, export and API endpoint answers in a number of queries that does
not grow with the records it shows (issue 12, point 10).

Each address is measured with a few tools, then with many more: after a warm-up request (the
facet index and the memoised derived data are built once per change of the catalogue, not per
request) and with the page cache emptied, so the page is rendered again. A loop that queries once
per tool, organisation or deployment makes the second count larger.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atlas.derived.pages import clear_pages
from tests.factories import make_helpline

pytestmark = pytest.mark.django_db

PROFILE = [{"item": item, "value": value, "source_url": "https://example.org/p",
            "source_title": "P", "note": ""} for item, value in [("basic_phone", ["sms"]),
                                                                ("cost", "free")]]

URLS = [
    "/", "/about/", "/tools/", "/tools/?q=tool&purpose=training", "/tools/?country=KE&sort=name",
    "/fr/tools/", "/tools.json", "/tools/tool-1/", "/tools/tool-1.json", "/fr/tools/tool-1/",
    "/tools/tool-1/history/", "/compare/?tools=tool-1,tool-2", "/compare.json?tools=tool-1,tool-2",
    "/finder/", "/finder/?role=ngo&country=KE&constraint=free", "/organisations/",
    "/organisations/shared-org/", "/organisations/shared-org/history/", "/helplines/",
    "/helplines/KE/", "/helplines/KE/history/", "/embed/helplines/", "/map/", "/map/data.json",
    "/map/countries/KE.json", "/insights/", "/insights/data.json", "/insights/coverage.csv",
    "/insights/coverage/africa/", "/insights/purpose.csv", "/stories/", "/stories.json",
    "/feeds/tools.atom", "/sitemap.xml", "/exports/tools.csv", "/exports/tools.geojson",
    "/api/v1/tools", "/api/v1/tools?country=KE&per_page=50", "/api/v1/tools/tool-1",
    "/api/v1/organisations", "/api/v1/organisations/shared-org", "/api/v1/countries",
    "/api/v1/helplines", "/api/v1/helplines?country=KE", "/api/v1/vocabularies",
]


def _tools(tool_factory, start, stop):
    for i in range(start, stop):
        tool_factory(f"Tool {i}", organisations=[f"Org {i}", "Shared Org"],
                     countries=["KE", "UG", "BR"][: 1 + i % 3], purposes=["training"],
                     profile=PROFILE, slug=f"tool-{i}")


def _queries(client, url) -> int:
    client.get(url)  # builds what is derived once per catalogue change
    clear_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries)


def test_no_page_or_endpoint_makes_more_queries_for_more_records(client, tool_factory):
    _tools(tool_factory, 0, 3)
    for n, country in enumerate(["KE", "KE", "UG"]):
        make_helpline(country=country, name=f"Line {n}", number="116",
                      source_url="https://example.org/l")
    few = {url: _queries(client, url) for url in URLS}
    _tools(tool_factory, 3, 23)
    for n in range(3, 12):
        make_helpline(country="KE", name=f"Line {n}", number="116",
                      source_url="https://example.org/l")
    many = {url: _queries(client, url) for url in URLS}
    grown = {url: (few[url], many[url]) for url in URLS if many[url] > few[url]}
    assert grown == {}
    # And none is a query storm even at a fixed size (the most today: 9, a tool page in French).
    assert {url: n for url, n in many.items() if n > 15} == {}
