"""Public pages send Last-Modified from the data's change stamps (issue 7: low bandwidth), or the
process's start when that is later (a deploy); forms and pages for one visitor do not."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

pytestmark = pytest.mark.django_db


def _last_change():
    from atlas.api.http import data_last_modified
    return data_last_modified()


@pytest.fixture
def catalogue(tool_factory, organisation_factory, monkeypatch):
    """A small catalogue whose change stamps lie an hour back (so a write moves them), served by
    a process started before that."""
    from atlas.derived import pages
    monkeypatch.setattr(pages, "STARTED_AT", 0)
    organisation_factory("Nairobi Watch", headquarters_country="KE")
    tool_factory("Cotton Tracer", organisations=["Nairobi Watch"], countries=["KE"],
                 purposes=["supply-chain-transparency"], slug="cotton-tracer")
    from tests.factories import make_helpline
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")
    from atlas.derived.models import Stamp
    earlier = timezone.now() - timedelta(hours=1)
    Stamp.objects.filter(scope="catalogue").update(changed_at=earlier)
    Stamp.objects.filter(scope="helplines").update(changed_at=earlier - timedelta(hours=1))
    return earlier


@pytest.mark.parametrize("path", ["/", "/tools/", "/fr/tools/cotton-tracer/", "/organisations/",
                                  "/helplines/KE/", "/map/", "/insights/", "/about/"])
def test_a_public_page_is_last_modified_when_the_catalogue_last_changed(client, catalogue, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Last-Modified"] == http_date(catalogue.timestamp())
    assert response["ETag"]  # still the primary validator


def test_if_modified_since_the_last_change_answers_not_modified(client, catalogue):
    first = client.get("/tools/cotton-tracer/")
    again = client.get("/tools/cotton-tracer/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    assert again.content == b""
    older = http_date(catalogue.timestamp() - 60)
    assert client.get("/tools/cotton-tracer/", HTTP_IF_MODIFIED_SINCE=older).status_code == 200


def test_an_etag_that_no_longer_matches_wins_over_if_modified_since(client, catalogue):
    first = client.get("/tools/")
    again = client.get("/tools/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
                       HTTP_IF_NONE_MATCH='"an-older-page"')
    assert again.status_code == 200  # e.g. the templates changed on a deploy


def test_a_catalogue_write_moves_last_modified_forward(client, catalogue, tool_factory):
    before = client.get("/tools/")["Last-Modified"]
    tool_factory("Fresh Tool", countries=["KE"], purposes=["training"], slug="fresh-tool")
    after = client.get("/tools/")
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before)
    assert after["Last-Modified"] == http_date(_last_change().timestamp())
    stale = client.get("/tools/", HTTP_IF_MODIFIED_SINCE=before)
    assert stale.status_code == 200


def test_a_helpline_change_moves_the_helplines_page_forward(client, catalogue):
    from tests.factories import make_helpline
    before = client.get("/helplines/KE/")["Last-Modified"]
    make_helpline(country="KE", name="Kenya Anti-Trafficking Line", kind="trafficking-hotline",
                  number="0800", source_url="https://example.org/ke2")
    assert parse_http_date(client.get("/helplines/KE/")["Last-Modified"]) > parse_http_date(before)


def test_another_process_s_write_shows_on_the_next_request(client, catalogue):
    from atlas.derived.models import Stamp
    before = client.get("/tools/")["Last-Modified"]
    later = timezone.now()
    # Written directly, as another process would: no signal, nothing in this process's memory.
    Stamp.objects.filter(scope="catalogue").update(value="another-process", changed_at=later)
    assert before != http_date(later.timestamp())
    assert client.get("/tools/")["Last-Modified"] == http_date(later.timestamp())


def test_a_deploy_moves_last_modified_forward(client, catalogue, monkeypatch):
    """The templates or translations may have changed: a client holding only a date must not be
    told that its copy from before the deploy is current."""
    from atlas.derived import pages
    before = client.get("/tools/")["Last-Modified"]
    monkeypatch.setattr(pages, "STARTED_AT", timezone.now().timestamp() + 5)
    response = client.get("/tools/", HTTP_IF_MODIFIED_SINCE=before)
    assert response.status_code == 200
    assert parse_http_date(response["Last-Modified"]) > parse_http_date(before)


@pytest.mark.parametrize("path", ["/submit/tool/", "/submit/story/", "/account/login/"])
def test_forms_send_no_last_modified(client, catalogue, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("Last-Modified")
    # and so are never answered 304 from a date
    again = client.get(path, HTTP_IF_MODIFIED_SINCE=http_date(timezone.now().timestamp() + 60))
    assert again.status_code == 200


def test_pages_for_a_signed_in_visitor_send_no_last_modified(client, catalogue,
                                                             django_user_model):
    user = django_user_model.objects.create_user("reader", password="x" * 12)
    client.force_login(user)
    response = client.get("/tools/")
    assert response.status_code == 200
    assert not response.has_header("Last-Modified")


def test_publishing_a_story_excerpt_moves_the_stories_page_forward(client, catalogue,
                                                                     django_user_model):
    """The stories page changes when a curator publishes an excerpt: its own stamp moves, so a
    client holding the older page is not told it is current."""
    from atlas.submissions.models import StoryExcerpt
    first = client.get("/stories/")
    assert first.status_code == 200 and first.has_header("ETag")
    assert first["Last-Modified"] == http_date(catalogue.timestamp())
    StoryExcerpt.objects.create(text="A worker reported through the hotline.", countries=["KE"])
    again = client.get("/stories/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
                       HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert b"A worker reported through the hotline." in again.content
