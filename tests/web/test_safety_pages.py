"""The safety note on every page type a person at risk may reach; base-uri; the 500 page."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

NOTE = 'id="safety-note-heading"'


@pytest.fixture
def tool(tool_factory, settings):
    from atlas.submissions.stories import keypair_generate
    from tests.factories import make_helpline
    settings.ATLAS_STORY_PUBLIC_KEY = keypair_generate()[1]  # the story form is open
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")
    return tool_factory("Harbour Watch", organisations=["Harbour Trust"], countries=["KE"])


def page_types(tool):
    return ["/", "/tools/", "/tools/?q=harbour", f"/tools/{tool.slug}/",
            f"/tools/{tool.slug}/history/", "/organisations/", "/organisations/harbour-trust/",
            "/map/", "/insights/", "/about/", "/helplines/", "/helplines/KE/", "/stories/",
            "/submit/", "/submit/tool/", f"/submit/correction/{tool.slug}/", "/submit/solution/",
            "/submit/story/", f"/tools/{tool.slug}/contact/", "/submit/thanks/",
            "/account/login/", "/fr/", "/ar/tools/", "/es/submit/story/"]


def test_every_page_type_shows_the_safety_note_once(client, tool):
    for url in page_types(tool):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert html.count(NOTE) == 1, url
        assert 'id="quick-exit"' in html, url


def test_forms_show_the_safety_note_before_the_form(client, tool):
    for url in ("/submit/tool/", "/submit/story/", "/submit/solution/",
                f"/submit/correction/{tool.slug}/", "/helplines/"):
        html = client.get(url).content.decode()
        assert html.index(NOTE) < html.index("<form"), url


def test_the_not_found_page_shows_the_safety_note(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and NOTE in response.content.decode()


def test_csp_forbids_any_base_element(client, db):
    csp = client.get("/")["Content-Security-Policy"]
    assert "base-uri 'none'" in csp


@override_settings(ROOT_URLCONF="tests.web.urls", ATLAS_QUICK_EXIT_URL="https://weather.example/")
def test_the_server_error_page_keeps_the_quick_exit(db):
    client = Client(raise_request_exception=False)
    for url, lang in (("/broken/", "en"),):
        response = client.get(url)
        assert response.status_code == 500
        html = response.content.decode()
        assert 'id="quick-exit" href="https://weather.example/"' in html
        assert "quick-exit.js" in html and f'lang="{lang}"' in html
        assert "Server error" in html
