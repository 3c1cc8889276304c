"""The page cache never serves what a write changed, a 304 for changed content, a cookie or a
signed-in visitor's page, and cannot be filled without bound (atlas/derived/pages.py)."""

import json

import pytest
from django.core.cache import caches

from atlas.dataio.imports import import_file
from atlas.derived.pages import CACHE_ALIAS, MAX_QUERY_CHARS
from tests.factories import make_helpline
from atlas.revisions.models import Revision
from atlas.revisions.services import revision_revert
from atlas.submissions.services import submission_approve, submission_create
from tests.accounts.fixtures import curator, curator_client, sign_in_verified  # noqa: F401

pytestmark = pytest.mark.django_db

LANGUAGES = ["", "/fr", "/es", "/ar", "/ru", "/zh-hans"]
OLD, NEW = "Harbour Watch", "Harbour Lookout"


@pytest.fixture
def catalogue(tool_factory, organisation_factory):
    organisation_factory("Harbour Trust", headquarters_country="KE")
    tool = tool_factory(OLD, slug="harbour-watch", organisations=["Harbour Trust"],
                        countries=["KE"], purposes=["worker-voice"], status="active",
                        short_description="Lets port workers report abuse at sea.")
    tool_factory("Cotton Tracer", slug="cotton-tracer", countries=["IN"],
                 purposes=["supply-chain-transparency"])
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")
    return tool


def pages_showing_the_tool():
    """Every page that shows a tool's name, in every language where it has one."""
    pages = []
    for lang in LANGUAGES:
        pages += [f"{lang}/tools/harbour-watch/", f"{lang}/tools/", f"{lang}/tools/?q=port",
                  f"{lang}/organisations/harbour-trust/", f"{lang}/tools/?country=KE"]
    return pages + ["/tools.json", "/tools/harbour-watch.json", "/api/v1/tools",
                    "/api/v1/tools/harbour-watch", "/map/countries/KE.json", "/feeds/tools.atom",
                    "/exports/tools.csv", "/api/v1/organisations/harbour-trust"]


def pages_showing_the_organisation():
    pages = []
    for lang in LANGUAGES:
        pages += [f"{lang}/tools/harbour-watch/", f"{lang}/tools/", f"{lang}/organisations/",
                  f"{lang}/organisations/harbour-trust/"]
    return pages + ["/api/v1/tools/harbour-watch", "/api/v1/organisations/harbour-trust",
                    "/map/data.json"]


def contents(client, pages):
    return {page: client.get(page).content.decode() for page in pages}


def warm(client, pages, expected):
    """Ask every page twice (the second answer comes from the cache) and check it shows
    `expected`: the cache holds every page before the write."""
    first = contents(client, pages)
    again = contents(client, pages)
    for page in pages:
        assert expected in again[page], page
        assert again[page] == first[page], page
    assert len(caches[CACHE_ALIAS]._cache) >= len(pages)


def rename_by_import(tool, tmp_path, **_kw):
    path = tmp_path / "tools.json"
    path.write_text(json.dumps({"tools": [{
        "slug": tool.slug, "name": NEW, "organization": "Harbour Trust",
        "description": tool.short_description, "purposes": "worker-voice", "countries": "KE",
        "status": "active", "source_url": "https://example.org/source"}]}))
    report = import_file(path)
    assert report.written and report.updated == 1, [str(p) for p in report.problems]


def rename_by_approval(tool, curator, **_kw):
    correction = submission_create(kind="correction", tool=tool,
                                   payload={"changes": {"name": NEW}, "note": ""})
    submission_approve(submission=correction, user=curator)


def rename_by_harvest_approval(tool, curator, **_kw):
    """A correction a harvest filed (it carries its origin) approved in the review queue."""
    origin = {"instance": "https://other-atlas.example", "remote_slug": tool.slug,
              "api_url": f"https://other-atlas.example/api/v1/tools/{tool.slug}"}
    correction = submission_create(kind="correction", tool=tool, payload={
        "changes": {"name": NEW}, "note": "harvested", "origin": origin})
    submission_approve(submission=correction, user=curator)


WRITES = {"import": rename_by_import, "curator approval": rename_by_approval,
          "harvest approval": rename_by_harvest_approval}


@pytest.mark.parametrize("write", WRITES)
def test_a_write_changes_the_next_answer_of_every_page_showing_the_record(
        client, catalogue, curator, tmp_path, write):  # noqa: F811
    pages = pages_showing_the_tool()
    warm(client, pages, OLD)
    WRITES[write](catalogue, curator=curator, tmp_path=tmp_path)
    after = contents(client, pages)
    for page in pages:
        assert NEW in after[page], page


def test_a_revert_changes_the_next_answer_of_every_page_showing_the_record(
        client, catalogue, curator):  # noqa: F811
    rename_by_approval(catalogue, curator)
    pages = pages_showing_the_tool()
    warm(client, pages, NEW)
    revision_revert(revision=Revision.objects.get(), user=curator)
    after = contents(client, pages)
    for page in pages:
        assert OLD in after[page] and NEW not in after[page], page


def test_an_admin_save_changes_every_page_showing_the_organisation(
        client, curator_client, catalogue, organisation_factory):  # noqa: F811
    pages = pages_showing_the_organisation()
    warm(client, pages, "Harbour Trust")
    org = catalogue.roles.get().organisation
    response = curator_client.post(f"/admin/catalogue/organisation/{org.pk}/change/", {
        "name": "Harbour Trust International", "aliases": "[]", "kind": "ngo", "website": "",
        "headquarters_country": "KE", "source_url": "", "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    after = contents(client, pages)
    for page in pages:
        assert "Harbour Trust International" in after[page], page


def test_a_helpline_admin_save_changes_the_helpline_pages(client, curator_client, catalogue):  # noqa: F811,E501
    from atlas.helplines.models import Helpline
    pages = [f"{lang}/helplines/KE/" for lang in LANGUAGES] + ["/api/v1/helplines?country=KE",
                                                                "/map/countries/KE.json"]
    warm(client, pages, "116")
    from tests.helplines.admin_forms import admin_form
    helpline = Helpline.objects.get()
    response = curator_client.post(f"/admin/helplines/helpline/{helpline.pk}/change/",
                                   admin_form([{"value": "1195"}],
                                              existing=[c.pk for c in helpline.channels.all()],
                                              name="Childline Kenya", kind="child-helpline"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    for page, html in contents(client, pages).items():
        assert "1195" in html, page


def test_a_changed_page_is_never_answered_not_modified(client, catalogue, curator):  # noqa: F811
    pages = ["/tools/harbour-watch/", "/fr/tools/", "/api/v1/tools/harbour-watch"]
    held = {page: client.get(page) for page in pages}
    for page, response in held.items():
        assert client.get(page, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    rename_by_approval(catalogue, curator)
    for page, response in held.items():
        again = client.get(page, HTTP_IF_NONE_MATCH=response["ETag"],
                           HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        assert again.status_code == 200 and NEW in again.content.decode(), page
        assert again["ETag"] != response["ETag"]


def test_a_revalidation_costs_one_query_and_no_rendering(client, catalogue,
                                                          django_assert_num_queries):
    etag = client.get("/tools/")["ETag"]
    with django_assert_num_queries(1):  # the data stamps
        assert client.get("/tools/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(1):
        assert client.get("/tools/").status_code == 200


def test_no_cached_answer_carries_a_cookie_or_a_signed_in_visitor_s_page(
        client, curator_client, catalogue):  # noqa: F811
    # The curator asks first: what they see (a button with their CSRF token) is never kept...
    staff = curator_client.get("/tools/harbour-watch/")
    assert "Mark as verified" in staff.content.decode()
    public = client.get("/tools/harbour-watch/")
    assert "Mark as verified" not in public.content.decode()
    assert not public.cookies and not public.has_header("Set-Cookie")
    # ... and the public page, now kept, is not what the curator gets
    assert "Mark as verified" in curator_client.get("/tools/harbour-watch/").content.decode()
    # A page that sets a cookie (a form's CSRF token) is never kept.
    form = client.get("/submit/tool/")
    assert form.cookies and "no-store" in form["Cache-Control"]
    cache = caches[CACHE_ALIAS]
    kept = [cache.get(key.split(":", 2)[-1]) for key in list(cache._cache)]
    assert kept and all(entry is not None for entry in kept)
    assert not any(b"csrfmiddlewaretoken" in entry.body for entry in kept)
    assert not any(name.lower() == "set-cookie" for entry in kept for name, _v in entry.headers)


def test_signed_in_requests_never_read_the_cache(client, curator_client, catalogue):  # noqa: F811
    client.get("/tools/")
    cache = caches[CACHE_ALIAS]
    entries = len(cache._cache)
    assert curator_client.get("/tools/").status_code == 200
    assert len(cache._cache) == entries  # nothing stored for the signed-in request


def test_the_query_string_cannot_fill_the_cache_without_bound(client, catalogue, settings):
    settings.CACHES = {**settings.CACHES, CACHE_ALIAS: {
        **settings.CACHES[CACHE_ALIAS], "OPTIONS": {"MAX_ENTRIES": 20, "CULL_FREQUENCY": 2}}}
    caches[CACHE_ALIAS].clear()
    for i in range(200):
        assert client.get(f"/tools/?q=port&n={i}").status_code == 200
        assert len(caches[CACHE_ALIAS]._cache) <= 20
    # addresses longer than the limit are answered but never kept
    caches[CACHE_ALIAS].clear()
    long_query = "q=" + "x" * (MAX_QUERY_CHARS + 1)
    assert client.get(f"/tools/?{long_query}").status_code == 200
    assert len(caches[CACHE_ALIAS]._cache) == 0


def test_parameters_in_another_order_are_the_same_page(client, catalogue):
    first = client.get("/tools/?purpose=worker-voice&country=KE")
    cache = caches[CACHE_ALIAS]
    entries = len(cache._cache)
    second = client.get("/tools/?country=KE&purpose=worker-voice")
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert len(cache._cache) == entries


def test_gzip_is_served_to_clients_that_ask_and_is_the_same_page(client, catalogue):
    import gzip
    plain = client.get("/tools/")
    packed = client.get("/tools/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert not client.get("/tools/", HTTP_ACCEPT_ENCODING="gzip;q=0").has_header(
        "Content-Encoding")


@pytest.mark.urls("tests.derived.urls")
def test_a_clock_dependent_page_is_kept_only_until_it_says(client, catalogue, monkeypatch):
    """A view that sets valid_until (a helpline's "open now") is not served from the cache, nor
    answered 304, after that moment."""
    import datetime

    from django.utils import timezone

    from tests.derived import urls
    urls.SERVED.clear()
    first = client.get("/open-now/")
    assert client.get("/open-now/").content == first.content == b"<p>Open now (1)</p>"
    assert client.get("/open-now/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert not first.has_header("Last-Modified")  # a date would outlive the page
    later = timezone.now() + datetime.timedelta(seconds=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = client.get("/open-now/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again.content == b"<p>Open now (2)</p>"
