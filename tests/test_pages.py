"""Every page renders, sends the security headers and keeps its query count flat."""

import pytest
from django.db import DatabaseError

from atlas.derived.pages import clear_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_catalogue(tool_factory):
    for i in range(5):
        tool_factory(f"Tool {i}", organisations=[f"Org {i}", "Shared Org"], countries=["KE", "UG"],
                     purposes=["training"], slug=f"tool-{i}")
    from tests.factories import make_helpline
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")


PAGES = ["/", "/tools/", "/tools/?q=tool&purpose=training", "/tools/tool-1/", "/organisations/",
         "/organisations/shared-org/", "/helplines/", "/helplines/KE/", "/about/", "/fr/tools/",
         "/tools.json", "/tools/tool-1.json"]


@pytest.mark.parametrize("url", PAGES)
def test_page_renders_with_csp_and_no_cookie(client, small_catalogue, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert not response.cookies  # anonymous visitors get no cookie


@pytest.mark.parametrize("url", [u for u in PAGES if not u.endswith(".json")])
def test_pages_have_no_inline_script_or_style_and_no_external_assets(client, small_catalogue, url):
    html = client.get(url).content.decode()
    import re
    for tag in re.findall(r"<script[^>]*>", html):
        # JSON-LD data blocks are never executed, so CSP does not apply to them.
        assert "src=" in tag or tag == '<script type="application/ld+json">', tag
    assert "<style" not in html and " style=" not in html
    # Scripts, stylesheets, images: all from this host (links to other sites are fine).
    for tag, ref in re.findall(r'<(script|link|img|iframe|source)\b[^>]*?(?:src|href)="([^"]*)"', html):
        assert ref.startswith(("/", "http://testserver/", "data:")), (tag, ref)
    assert 'id="quick-exit"' in html and "helplines/" in html  # quick exit and help on every page


def test_list_page_query_count_does_not_grow_with_results(client, tool_factory,
                                                          django_assert_max_num_queries):
    for i in range(30):
        tool_factory(f"Tool {i}", organisations=[f"Org {i}"], countries=["KE"])
    client.get("/tools/")  # builds the facet index once
    # stamp, text match, name and organisation matches for ranking, the page, its organisations
    # and deployments: seven, however many tools match.
    with django_assert_max_num_queries(7):
        response = client.get("/tools/?q=tool&country=KE")
    assert response.status_code == 200 and b"Org 19" in response.content


def test_detail_page_query_count(client, small_catalogue, django_assert_num_queries):
    client.get("/tools/tool-1/")
    clear_pages()  # the first request warmed the index; the page itself is rendered again
    # stamps, tool, organisations, deployments, sources, similar tools, recent revisions
    with django_assert_num_queries(7):
        assert client.get("/tools/tool-1/").status_code == 200


def test_unknown_tool_is_404(client, db):
    assert client.get("/tools/nope/").status_code == 404
    assert client.get("/helplines/QQ/").status_code == 404


def test_bad_filters_are_reported_not_500(client, small_catalogue):
    response = client.get("/tools/?purpose=nope&page=abc")
    assert response.status_code == 200
    assert b"purpose=nope" in response.content
    json_response = client.get("/tools.json?purpose=nope&page=0")
    assert json_response.status_code == 400
    assert {e["field"] for e in json_response.json()["errors"]} == {"purpose", "page"}


def test_tool_page_shows_verification_state_and_sources(client, small_catalogue, admin_user):
    from atlas.catalogue.models import Tool
    from atlas.catalogue.services import tool_verify
    html = client.get("/tools/tool-1/").content.decode()
    assert "Not yet verified" in html and "https://example.org/source" in html
    tool_verify(tool=Tool.objects.get(slug="tool-1"), user=admin_user)
    assert "Last verified on" in client.get("/tools/tool-1/").content.decode()


def test_facet_links_toggle_in_the_html(client, small_catalogue):
    html = client.get("/tools/?purpose=training").content.decode()
    assert 'href="?" aria-current="true"' in html or 'href="?"' in html


def test_healthz(client, db, monkeypatch):
    assert client.get("/healthz").status_code == 200
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise DatabaseError("down")
    monkeypatch.setattr(CursorWrapper, "execute", broken)
    assert client.get("/healthz").status_code == 503


def test_long_description_markdown_is_sanitised(client, tool_factory):
    tool_factory("X", slug="x", long_description="**bold** <script>alert(1)</script> "
                 "[a](javascript:alert(2)) <img src=x onerror=alert(3)>")
    html = client.get("/tools/x/").content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html and "onerror" not in html
