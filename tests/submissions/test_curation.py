"""The review queue: approve, reject, edit then approve; revisions, revert, verify; audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from atlas.accounts.models import AuditEvent
from atlas.catalogue.models import Tool
from atlas.catalogue.selectors import tool_search
from atlas.revisions.models import Revision
from atlas.revisions.services import revision_revert, tool_verify_by_curator
from atlas.submissions.models import StoryExcerpt, Submission
from atlas.submissions.services import (story_excerpt_publish, submission_approve,
                                        submission_create, submission_reject)
from tests.submissions.helpers import revisions_of

PROPOSAL = {"name": "Harbour Watch", "website": "https://harbour.example",
            "description": "Lets port workers report signs of forced labour on fishing vessels.",
            "purposes": ["worker-voice"], "technologies": ["mobile-app"], "users": [],
            "exploitation": ["labour-trafficking"], "countries": ["TH"],
            "source_url": "https://harbour.example/about",
            "organization": [{"name": "Harbour Trust", "role": "owner"}], "note": "hello"}


def proposal(**changes):
    return submission_create(kind="tool", payload={**PROPOSAL, **changes})


def test_approving_a_new_tool_creates_it_searchable_with_a_revision_and_audit(curator):
    submission = submission_approve(submission=proposal(), user=curator)
    tool = Tool.objects.get(name="Harbour Watch")
    assert submission.status == "approved" and submission.tool == tool
    assert tool.slug == "harbour-watch" and tool.deployments.get().country == "TH"
    assert tool.roles.get().organisation.name == "Harbour Trust"
    assert tool.sources.get().url == "https://harbour.example/about"
    assert tool in tool_search(q="harbour").tools
    revision = revisions_of(tool).get()
    assert revision.action == "create" and revision.changed_by == curator and revision.before is None
    # the organisation the approval created has its own first revision
    organisation = tool.roles.get().organisation
    assert revisions_of(organisation).get().action == "create"
    assert revisions_of(organisation).get().submission == submission
    assert AuditEvent.objects.filter(action="approve", actor=curator,
                                     object_id=str(submission.pk)).exists()


def test_approving_never_overwrites_an_existing_tool_with_the_same_name(curator, tool_factory):
    existing = tool_factory("Harbour Watch", slug="harbour-watch")
    submission_approve(submission=proposal(), user=curator)
    assert Tool.objects.filter(name="Harbour Watch").count() == 2
    existing.refresh_from_db()
    assert existing.short_description.startswith("A tool numbered")


def test_only_curators_may_approve_and_the_refusal_is_audited(editor):
    with pytest.raises(PermissionDenied):
        submission_approve(submission=proposal(), user=editor)
    assert AuditEvent.objects.filter(action="permission-denied", actor=editor).exists()
    assert not Tool.objects.exists()


def test_a_submission_is_reviewed_once(curator):
    submission = proposal()
    submission_reject(submission=submission, user=curator, reason="Not a tech tool")
    with pytest.raises(ValidationError):
        submission_approve(submission=submission, user=curator)


def test_rejecting_needs_a_reason_and_keeps_it(curator_client, curator):
    submission = proposal()
    response = curator_client.post(f"/curate/submissions/{submission.pk}/reject/", {"reason": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = curator_client.post(f"/curate/submissions/{submission.pk}/reject/",
                                   {"reason": "Already listed under another name"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.reason) == ("rejected", "Already listed under another name")
    assert AuditEvent.objects.filter(action="reject").exists() and not Tool.objects.exists()


def test_the_queue_lists_pending_submissions_by_kind_and_flags_duplicates(curator_client):
    proposal(name="Flagged")
    Submission.objects.update(duplicates=["something"])
    submission_create(kind="solution", payload={"title": "SMS check-ins", "description": "x" * 30})
    html = curator_client.get("/curate/").content.decode()
    assert "Flagged" in html and "possible duplicate" in html and "SMS check-ins" in html


def test_a_correction_shows_a_field_by_field_diff_and_approving_applies_it(
        client, curator_client, curator, tool_factory):
    tool = tool_factory("Harbour Watch", short_description="Lets port workers report abuse at sea.",
                        status="active", purposes=["worker-voice"])
    data = {"name": "Harbour Watch", "description": "Lets port workers report abuse at sea and "
            "in ports.", "purposes": ["worker-voice", "reporting-hotline"], "countries": "",
            "status": "dormant", "cost": "unknown", "access": "unknown",
            "source_url": "https://news.example/harbour"}
    assert client.post(f"/submit/correction/{tool.slug}/", data).status_code == 302
    submission = Submission.objects.get()
    page = curator_client.get(f"/curate/submissions/{submission.pk}/").content.decode()
    assert "<th scope=\"row\">status</th><td>active</td><td>dormant</td>" in page
    assert "<th scope=\"row\">purposes</th>" in page and "<th scope=\"row\">name</th>" not in page
    assert curator_client.post(f"/curate/submissions/{submission.pk}/approve/").status_code == 302
    tool.refresh_from_db()
    assert tool.status == "dormant" and tool.purposes == ["worker-voice", "reporting-hotline"]
    assert tool.short_description.endswith("in ports.")
    revision = revisions_of(tool).get()
    assert set(revision.changed_fields) == {"status", "purposes", "description"}


def test_edit_then_approve_publishes_the_curators_version(curator_client):
    submission = proposal()
    page = curator_client.get(f"/curate/submissions/{submission.pk}/edit/")
    assert page.status_code == 200 and 'value="Harbour Watch"' in page.content.decode()
    form = {**PROPOSAL, "name": "Harbour Watch (Thailand)", "countries": "TH, KH",
            "organisation": "Harbour Trust", "note": ""}
    form.pop("organization")
    response = curator_client.post(f"/curate/submissions/{submission.pk}/edit/", form)
    assert response.status_code == 302
    tool = Tool.objects.get()
    assert tool.name == "Harbour Watch (Thailand)"
    assert sorted(tool.deployments.values_list("country", flat=True)) == ["KH", "TH"]


def test_the_edit_form_validates_like_the_public_form(curator_client):
    submission = proposal()
    form = {**PROPOSAL, "website": "javascript:alert(1)", "countries": "TH"}
    response = curator_client.post(f"/curate/submissions/{submission.pk}/edit/", form)
    assert response.status_code == 400 and not Tool.objects.exists()


def test_history_is_on_the_tool_page_and_a_curator_can_revert(client, curator_client, curator,
                                                                tool_factory):
    tool = tool_factory("Harbour Watch", short_description="Lets port workers report abuse at sea.",
                        status="active")
    correction = submission_create(kind="correction", tool=tool,
                                   payload={"changes": {"status": "discontinued"}, "note": ""})
    submission_approve(submission=correction, user=curator)
    tool_page = client.get(tool.get_absolute_url()).content.decode()
    assert f"/tools/{tool.slug}/history/" in tool_page and f"/submit/correction/{tool.slug}/" in tool_page
    # the latest changes are listed on the public tool page itself: who, when, which fields
    recent = tool_page.split('id="revisions-heading"')[1].split("</section>")[0]
    assert "changed" in recent and "by a curator" in recent and "(status)" in recent
    history = client.get(f"/tools/{tool.slug}/history/").content.decode()
    assert "changed" in history and "discontinued" in history and "curator" in history
    assert "Restore the version" not in history  # the public cannot revert
    revision = Revision.objects.get()
    assert "Restore the version" in curator_client.get(f"/tools/{tool.slug}/history/").content.decode()
    assert curator_client.post(f"/curate/revisions/{revision.pk}/revert/").status_code == 302
    tool.refresh_from_db()
    assert tool.status == "active"
    assert Revision.objects.first().action == "revert"
    assert AuditEvent.objects.filter(action="revert").exists()


def test_a_creation_cannot_be_reverted(curator):
    submission_approve(submission=proposal(), user=curator)
    tool = Tool.objects.get()
    with pytest.raises(ValidationError, match="created the record"):
        revision_revert(revision=revisions_of(tool).get(), user=curator)


def test_a_curator_marks_a_tool_verified_from_the_page(client, curator_client, curator, tool_factory):
    tool = tool_factory("Harbour Watch")
    page = curator_client.get(tool.get_absolute_url()).content.decode()
    assert "Mark as verified" in page and "Mark as verified" not in client.get(
        tool.get_absolute_url()).content.decode()
    assert curator_client.post(f"/curate/tools/{tool.slug}/verify/").status_code == 302
    tool.refresh_from_db()
    assert tool.verified_by == curator and tool.verified_at is not None
    assert "Last verified on" in client.get(tool.get_absolute_url()).content.decode()
    assert AuditEvent.objects.filter(action="verify", object_id=tool.slug).exists()


def test_verifying_needs_the_permission(editor, tool_factory):
    with pytest.raises(PermissionDenied):
        tool_verify_by_curator(tool=tool_factory(), user=editor)


def test_a_published_excerpt_is_listed_and_filtered_on_the_stories_page(client, curator):
    story_excerpt_publish(user=curator, text="Recruiters moved to messaging apps during lockdowns.",
                          countries=["PH"], topics=["online-recruitment"])
    story_excerpt_publish(user=curator, text="A hotline moved to WhatsApp and kept helping people.",
                          countries=["KE"], topics=["remote-support"])
    html = client.get("/stories/").content.decode()
    assert "messaging apps" in html and "WhatsApp" in html
    html = client.get("/stories/?country=ph").content.decode()
    assert "messaging apps" in html and "WhatsApp" not in html
    html = client.get("/stories/?topic=remote-support&country=<script>").content.decode()
    assert "WhatsApp" in html and "messaging apps" not in html


def test_publishing_an_excerpt_for_a_story_approves_it(curator_client, story_key, client):
    client.post("/submit/story/", {"text": "A long enough story about lockdowns.",
                                   "consent": "publish-anonymised"})
    submission = Submission.objects.get()
    response = curator_client.post(f"/curate/submissions/{submission.pk}/publish/", {
        "text": "An anonymised excerpt written by a curator.", "countries": "PH",
        "topics": ["lockdown-isolation"], "tools": ""})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "approved"
    assert StoryExcerpt.objects.get().submission == submission


def test_the_admin_action_approves_through_the_same_service(client, curator):
    from tests.accounts.fixtures import sign_in_verified
    sign_in_verified(client, curator)
    submission = proposal()
    response = client.post("/admin/submissions/submission/", {
        "action": "approve", "_selected_action": [submission.pk]})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "approved" and Tool.objects.get().name == "Harbour Watch"
    assert revisions_of(Tool.objects.get()).get().changed_by == curator


def test_the_stories_page_names_countries_topics_and_tools_and_has_a_json_twin(
        client, curator, tool_factory):
    tool = tool_factory("Harbour Watch")
    story_excerpt_publish(user=curator, text="Recruiters moved to messaging apps during lockdowns.",
                          countries=["PH"], topics=["online-recruitment"], tools=[tool.slug])
    story_excerpt_publish(user=curator, text="A hotline moved to WhatsApp and kept helping people.",
                          countries=["KE"], topics=["remote-support"])
    html = client.get("/stories/?country=PH").content.decode()
    assert "Philippines" in html and "Recruitment moved online" in html
    assert f'href="/tools/{tool.slug}/"' in html and "/stories.json?country=PH" in html
    data = client.get("/stories.json?country=PH").json()
    assert data["count"] == 1 and data["filters"] == {"country": "PH", "topic": ""}
    assert data["stories"][0]["tools"] == [tool.slug]
    bad = client.get("/stories.json?topic=nonsense")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "topic"
    html = client.get("/stories/?country=XX").content.decode()
    assert "unknown ISO 3166-1 alpha-2 country code" in html and "WhatsApp" in html


def test_the_curator_reads_a_harvested_proposal_with_labels_origin_and_new_organisations(
        curator_client):
    submission = proposal(
        slug="harbour-watch", aliases=["HW", "Harbour"], long_description="Longer text here.",
        sources=[{"url": "https://harbour.example/report", "title": "Annual report",
                  "date_read": "2026-01-05"}],
        deployments=[{"country": "TH", "year": 2021, "note": "pilot", "source_url": "",
                      "organisation": ""}],
        organization=[{"name": "Field Partner", "role": "implementer"}],
        origin={"instance": "https://atlas.example.org", "remote_slug": "harbour-watch-2",
                "url": "https://atlas.example.org/api/v1/tools/harbour-watch-2"},
        new_organisations=[{"slug": "field-partner", "name": "Field Partner", "aliases": [],
                            "kind": "government", "website": "https://partner.example",
                            "headquarters_country": "TH", "source_url": ""}])
    page = curator_client.get(f"/curate/submissions/{submission.pk}/").content.decode()
    assert ('<a href="https://atlas.example.org/api/v1/tools/harbour-watch-2" '
            'rel="noreferrer noopener nofollow">Harvested from https://atlas.example.org</a>') in page
    assert "<dt>Aliases</dt><dd>HW; Harbour</dd>" in page
    assert "<dt>Long description (Markdown)</dt><dd>Longer text here.</dd>" in page
    assert "<dt>Organisations</dt><dd>Field Partner [implementer]</dd>" in page
    assert "<dt>Where it is used</dt><dd>TH, 2021, pilot</dd>" in page
    assert "https://harbour.example/report Annual report 2026-01-05" in page
    assert "<dt>Note</dt><dd>hello</dd>" in page
    new = page.split('id="new-organisations"')[1].split("</section>")[0]
    assert "<h3>Field Partner</h3>" in new and "<dt>Kind</dt><dd>government</dd>" in new
    assert "<dt>Headquarters country</dt><dd>TH</dd>" in new
    assert "<dt>origin</dt>" not in page and "<dt>new_organisations</dt>" not in page
    assert "remote_slug" not in page  # no raw payload dump


def test_an_origin_that_is_not_a_web_address_is_not_linked(curator_client):
    submission = proposal(origin={"instance": "elsewhere", "url": "javascript:alert(1)"})
    page = curator_client.get(f"/curate/submissions/{submission.pk}/").content.decode()
    assert "Harvested from elsewhere" in page and "javascript:" not in page


def test_curators_read_the_services_refusals_in_their_language(curator):
    from django.utils import translation
    submission = proposal()
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        submission_reject(submission=submission, user=curator, reason=" ")
    assert refused.value.messages == ["Indiquez le motif du rejet."]
    submission_reject(submission=submission, user=curator, reason="Not a tech tool")
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        submission_approve(submission=submission, user=curator)
    assert refused.value.messages == ["Esta contribución ya ha sido revisada."]
