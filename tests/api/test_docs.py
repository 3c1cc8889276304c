"""docs/api.md and docs/data-format.md document every endpoint and export format, and every
curl example in them runs."""

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver

from atlas.api import urls as api_urls
from atlas.catalogue.exporters import EXPORTERS

DOCS = Path(__file__).resolve().parents[2] / "docs"
API_MD = (DOCS / "api.md").read_text(encoding="utf-8")
DATA_FORMAT_MD = (DOCS / "data-format.md").read_text(encoding="utf-8")
CURL_URLS = re.findall(r"curl [^\n]*?'http://127\.0\.0\.1:8000(/[^']*)'([^\n]*)", API_MD)


def _route_patterns(patterns, prefix=""):
    """Every route of atlas.api.urls as a regex over paths (converters become wildcards)."""
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _route_patterns(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield "/" + route, "^/" + re.sub(r"<[^>]+>", r"[^/?]+", re.escape(route)
                                             .replace(r"\<", "<").replace(r"\>", ">")) + r"(\?|$)"


ROUTES = list(_route_patterns(api_urls.urlpatterns))


def test_the_route_list_covers_the_api_exports_feeds_sitemap_and_robots():
    routes = {route for route, _ in ROUTES}
    for expected in ["/api/v1/tools", "/api/v1/tools/<slug>", "/api/v1/openapi.json",
                     "/exports/tools.<str:fmt>", "/feeds/tools.atom", "/sitemap.xml",
                     "/robots.txt"]:
        assert expected in routes


@pytest.mark.parametrize("route, regex", ROUTES, ids=[r for r, _ in ROUTES])
def test_every_endpoint_has_a_curl_example_in_the_api_docs(route, regex):
    assert any(re.match(regex, path) for path, _rest in CURL_URLS), \
        f"{route} has no `curl 'http://127.0.0.1:8000{route}...'` example in docs/api.md"


def test_every_openapi_path_is_documented(client, db):
    for path in client.get("/api/v1/openapi.json").json()["paths"]:
        assert f"`GET {path}" in API_MD or f"GET {path}`" in API_MD, path


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_every_export_format_is_documented(fmt):
    assert any(path.startswith(f"/exports/tools.{fmt}") for path, _ in CURL_URLS), fmt
    assert f"atlas export --format {fmt}" in API_MD, fmt
    assert re.search(rf"^### `{fmt}`", DATA_FORMAT_MD, re.MULTILINE), \
        f"docs/data-format.md has no '### `{fmt}`' section"


@pytest.mark.django_db
def test_every_curl_example_runs_against_the_default_dataset(client, default_dataset):
    assert len(CURL_URLS) > 20
    for path, rest in CURL_URLS:
        headers = {"HTTP_ACCEPT_LANGUAGE": "fr"} if "Accept-Language: fr" in rest else {}
        if "If-None-Match" in rest:
            continue  # needs an ETag from a previous answer: tested in test_api.py
        response = client.get(path, **headers)
        expected = 400 if "# 400" in rest else 200
        assert response.status_code == expected, (path, response.content[:300])
