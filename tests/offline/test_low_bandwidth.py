"""Low bandwidth: revalidation instead of downloads, fingerprinted static files cached for a
year, and the first screen of each key page in the first TCP round trip's worth of HTML."""

import re

import pytest
from django.core.management import call_command
from django.test import RequestFactory, override_settings

pytestmark = pytest.mark.django_db

# Ten TCP segments of 1,434 bytes: what a server may send before the first acknowledgement.
FIRST_ROUND_TRIP = 14_336
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def kenya_tool(default_dataset):
    from atlas.catalogue.models import Tool
    return Tool.objects.filter(deployments__country="KE").order_by("name").first()


@pytest.mark.parametrize("path", ["/", "/tools/", "/fr/tools/?purpose=reporting-hotline",
                                  "/helplines/KE/", "/organisations/", "/map/"])
def test_pages_send_an_etag_and_answer_not_modified_when_revalidated(client, default_dataset,
                                                                    path):
    first = client.get(path)
    assert first.status_code == 200
    assert first["ETag"]
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    changed = client.get(path, HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200


def _first_screen_offsets(html: bytes, markers):
    return {marker: html.find(marker.encode()) for marker in markers}


@pytest.mark.parametrize("language", ["", "/ar", "/ru"])
def test_the_heading_and_search_or_help_arrive_in_the_first_14_kb(client, kenya_tool, language):
    pages = {
        f"{language}/": ["<h1", 'id="home-q"'],
        f"{language}/tools/": ["<h1", 'id="q"', 'type="submit"'],
        f"{language}/tools/?q=hotline&region=africa": ["<h1", 'id="q"'],
        f"{language}{kenya_tool.get_absolute_url()}": ["<h1", 'class="lead"'],
        f"{language}/helplines/KE/": ["<h1", "116"],
    }
    late = {}
    for path, markers in pages.items():
        html = client.get(path).content
        offsets = _first_screen_offsets(html, markers)
        bad = {m: o for m, o in offsets.items() if not 0 <= o < FIRST_ROUND_TRIP}
        if bad:
            late[path] = bad
    assert late == {}


def test_fingerprinted_static_files_are_cached_for_a_year_as_immutable(tmp_path, client):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES,
                           WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.contrib.staticfiles.storage import staticfiles_storage
        from whitenoise.middleware import WhiteNoiseMiddleware
        hashed = staticfiles_storage.url("atlas/css/atlas.css")
        assert re.search(r"/atlas\.[0-9a-f]{12}\.css$", hashed)
        middleware = WhiteNoiseMiddleware(lambda request: None)
        response = middleware(RequestFactory().get(hashed, HTTP_ACCEPT_ENCODING="gzip"))
        assert response.status_code == 200
        assert "immutable" in response["Cache-Control"]
        assert "max-age=31536000" in response["Cache-Control"]
        assert response["Content-Encoding"] in ("gzip", "br")
        plain = middleware(RequestFactory().get("/static/atlas/css/atlas.css"))
        assert "immutable" not in plain["Cache-Control"]
        # Pages link the fingerprinted name.
        home = client.get("/")
        assert f'href="{hashed}"' in home.content.decode()
