"""Organisations and helplines keep a revision history like tools: admin changes, history, revert."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from atlas.accounts.models import AuditEvent
from atlas.catalogue.models import Organisation
from atlas.helplines.models import Helpline
from atlas.revisions.models import Revision
from atlas.revisions.records import record_type
from atlas.revisions.services import record_save, revision_revert
from tests.factories import make_helpline
from tests.helplines.admin_forms import admin_form
from tests.submissions.helpers import revisions_of

pytestmark = pytest.mark.django_db

@pytest.fixture
def hotline():
    return make_helpline(country="KE", name="Counter-trafficking line", kind="trafficking-hotline",
                         number="1195", topics=["trafficking"], languages=["en", "sw"],
                         opening_hours="24/7", timezone="Africa/Nairobi",
                         source_url="https://example.org/ke")


def numbers(helpline):
    return [c.value for c in helpline.channels.all()]


def channel_ids(helpline):
    return [c.pk for c in helpline.channels.all()]


def with_numbers(helpline, *values):
    """The helpline's record with these numbers as its channels."""
    record = record_type(Helpline).snapshot(helpline)
    return {**record, "channels": [{**record["channels"][0], "value": v} for v in values]}


def test_a_helpline_changed_in_the_admin_is_a_revision_and_a_curator_reverts_it(
        client, curator_client, curator, hotline):
    url = f"/admin/helplines/helpline/{hotline.pk}/change/"
    page = curator_client.get(url).content.decode()
    assert "Numbers and addresses on record" in page and "1195" in page  # beside the form
    response = curator_client.post(url, admin_form([{"kind": "phone",
                                                     "value": "+254 700 000 000"}],
                                                   existing=channel_ids(hotline)))
    assert response.status_code == 302, response.content.decode()[-3000:]
    hotline.refresh_from_db()
    assert numbers(hotline) == ["+254 700 000 000"]
    revision = revisions_of(hotline).get()
    assert revision.action == "update" and revision.changed_by == curator
    assert revision.before["channels"][0]["value"] == "1195"
    assert revision.after["channels"][0]["value"] == "+254 700 000 000"
    assert revision.changed_fields == ["channels"]
    assert revision.record_key == "KE/Counter-trafficking line"
    assert AuditEvent.objects.filter(action="change", actor=curator, object_type="helpline",
                                     object_id="KE/Counter-trafficking line").exists()

    # the public helplines page links to the history, which shows who changed what: the old
    # number and the new one side by side
    assert "/helplines/KE/history/" in client.get("/helplines/KE/").content.decode()
    history = client.get("/helplines/KE/history/").content.decode()
    assert "Counter-trafficking line" in history and "by a curator" in history
    assert "1195" in history and "+254 700 000 000" in history
    assert "Restore the version" not in history
    assert "Restore the version" in curator_client.get("/helplines/KE/history/").content.decode()

    response = curator_client.post(f"/curate/revisions/{revision.pk}/revert/")
    assert response.status_code == 302 and response["Location"] == "/helplines/KE/history/"
    hotline.refresh_from_db()
    assert numbers(hotline) == ["1195"]
    assert revisions_of(hotline).first().action == "revert"
    assert AuditEvent.objects.filter(action="revert", object_type="helpline").exists()


def test_the_admin_checks_a_helpline_as_the_importer_does(curator_client, hotline):
    url = f"/admin/helplines/helpline/{hotline.pk}/change/"
    response = curator_client.post(url, admin_form(
        [{"value": "800SAVE"}], existing=channel_ids(hotline), country="QQ"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "unknown ISO 3166-1 alpha-2 country code" in page
    hotline.refresh_from_db()
    assert numbers(hotline) == ["1195"] and not Revision.objects.exists()
    response = curator_client.post(url, admin_form([{"value": "800SAVE"}],
                                                   existing=channel_ids(hotline)))
    assert response.status_code == 200
    assert "letters in a number" in response.content.decode()
    assert numbers(hotline) == ["1195"] and not Revision.objects.exists()


def test_a_helpline_added_in_the_admin_has_a_creation_revision_that_cannot_be_reverted(
        curator_client, curator):
    response = curator_client.post("/admin/helplines/helpline/add/", admin_form(
        [{"value": "116"}], country="UG", name="Sauti 116", timezone="Africa/Kampala"))
    assert response.status_code == 302, response.content.decode()[-3000:]
    helpline = Helpline.objects.get(country="UG")
    assert numbers(helpline) == ["116"]
    revision = revisions_of(helpline).get()
    assert revision.action == "create" and revision.before is None
    with pytest.raises(ValidationError, match="created the record"):
        revision_revert(revision=revision, user=curator)


def test_saving_unchanged_writes_no_revision_and_deleting_is_not_offered(curator_client, hotline):
    url = f"/admin/helplines/helpline/{hotline.pk}/change/"
    assert curator_client.post(url, admin_form([{"value": "1195"}],
                                               existing=channel_ids(hotline))).status_code == 302
    assert not Revision.objects.exists()
    assert curator_client.post(f"/admin/helplines/helpline/{hotline.pk}/delete/",
                               {"post": "yes"}).status_code == 403
    assert Helpline.objects.filter(pk=hotline.pk).exists()


def test_reverting_a_renamed_helpline_restores_that_same_record(curator, hotline):
    record = {**record_type(Helpline).snapshot(hotline), "name": "Trafficking line 1195"}
    record_save(user=curator, model=Helpline, record=record, instance=hotline)
    revision_revert(revision=revisions_of(hotline).get(), user=curator)
    assert list(Helpline.objects.values_list("pk", "name")) == [
        (hotline.pk, "Counter-trafficking line")]


def test_a_helpline_moved_to_another_country_stays_in_the_old_country_s_history(
        client, curator, hotline):
    """A hijacked account moving a number out of a country must not erase the trace there."""
    record = {**with_numbers(hotline, "999"), "country": "UG", "timezone": "Africa/Kampala"}
    record_save(user=curator, model=Helpline, record=record, instance=hotline)
    assert not Helpline.objects.filter(country="KE").exists()
    kenya = client.get("/helplines/KE/history/").content.decode()
    assert "1195" in kenya and "999" in kenya and "by a curator" in kenya
    assert "999" in client.get("/helplines/UG/history/").content.decode()
    assert "999" not in client.get("/helplines/TZ/history/").content.decode()


def test_a_revert_is_checked_by_the_importer_rules_again(curator, hotline):
    record_save(user=curator, model=Helpline, record=with_numbers(hotline, "116"),
                instance=hotline)
    revision = revisions_of(hotline).get()
    # An earlier version that would not pass `atlas import` today is not restored.
    revision.before = {**revision.before, "website": "javascript:alert(1)"}
    revision.save()
    with pytest.raises(ValidationError, match="website"):
        revision_revert(revision=revision, user=curator)
    hotline.refresh_from_db()
    assert numbers(hotline) == ["116"]


def test_only_users_with_the_permission_change_or_revert_records(editor, curator, hotline):
    record = with_numbers(hotline, "999")
    with pytest.raises(PermissionDenied):
        record_save(user=editor, model=Helpline, record=record, instance=hotline)
    record_save(user=curator, model=Helpline, record=record, instance=hotline)
    with pytest.raises(PermissionDenied):
        revision_revert(revision=revisions_of(hotline).get(), user=editor)
    hotline.refresh_from_db()
    assert numbers(hotline) == ["999"]
    assert AuditEvent.objects.filter(action="permission-denied", actor=editor).count() == 2


def test_an_organisation_changed_in_the_admin_has_a_history_linked_from_its_page(
        client, curator_client, curator, organisation_factory):
    org = organisation_factory("Harbour Trust", website="https://harbour.example")
    response = curator_client.post(f"/admin/catalogue/organisation/{org.pk}/change/", {
        "name": "Harbour Trust International", "aliases": '["HTI"]', "kind": "ngo",
        "website": "https://harbour.example", "headquarters_country": "th", "source_url": "",
        "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    org.refresh_from_db()
    assert org.name == "Harbour Trust International" and org.aliases == ["HTI"]
    assert org.headquarters_country == "TH" and org.slug == "harbour-trust"
    revision = revisions_of(org).get()
    assert set(revision.changed_fields) == {"name", "aliases", "headquarters_country"}
    page = client.get(org.get_absolute_url()).content.decode()
    assert f"/organisations/{org.slug}/history/" in page
    history = client.get(f"/organisations/{org.slug}/history/").content.decode()
    assert "Harbour Trust International" in history and "headquarters country" in history
    assert curator_client.post(f"/curate/revisions/{revision.pk}/revert/")["Location"] == (
        f"/organisations/{org.slug}/history/")
    org.refresh_from_db()
    assert org.name == "Harbour Trust" and org.aliases == [] and org.headquarters_country == ""


def test_the_admin_refuses_an_organisation_slug_that_exists(curator_client, organisation_factory):
    organisation_factory("Harbour Trust")
    response = curator_client.post("/admin/catalogue/organisation/add/", {
        "slug": "harbour-trust", "name": "Another", "aliases": "[]", "kind": "ngo",
        "website": "", "headquarters_country": "", "source_url": "", "_save": "Save"})
    assert response.status_code == 200 and Organisation.objects.count() == 1
    assert not Revision.objects.exists()


def test_history_pages_answer_404_for_unknown_records(client):
    assert client.get("/organisations/nobody/history/").status_code == 404
    assert client.get("/helplines/QQ/history/").status_code == 404
