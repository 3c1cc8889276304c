"""Corrections to a tool's responsible-technology profile: proposed on the correction form, one
row per item, each changed answer resting on its own page; reviewed and applied like any
correction, with a revision."""

import re

import pytest

from atlas.catalogue import profile
from atlas.catalogue.models import Tool
from atlas.submissions.models import Submission
from atlas.revisions.services import revision_revert
from tests.submissions.helpers import form_data, revisions_of

pytestmark = pytest.mark.django_db

OFFLINE = {"item": "offline", "value": "yes", "source_url": "https://lantern.example/offline",
           "source_title": "Offline mode", "note": "works without a connection"}
COST = {"item": "cost", "value": "free", "source_url": "https://lantern.example/pricing",
        "source_title": "", "note": ""}


@pytest.fixture
def lantern(tool_factory):
    return tool_factory("Lantern", slug="lantern", organisations=["Editor Org"], cost="free",
                        short_description="Lets shelters keep case notes on a phone.",
                        profile=[OFFLINE, COST])


def url(tool):
    return f"/submit/correction/{tool.slug}/"


def sms_count(client):
    return client.get("/tools.json?basic_phone=sms").json()["count"]


def propose(client, tool, **rows):
    """Send the correction form as published, with some fields changed."""
    data = {**form_data(client, url(tool)), **rows}
    return client.post(url(tool), data)


SMS = {"profile-basic_phone-value": ["sms"],
       "profile-basic_phone-source_url": "https://lantern.example/sms",
       "profile-basic_phone-note": "Text LANTERN to 1234"}


def test_the_form_shows_every_profile_item_in_its_group_with_the_answer_published_now(
        client, lantern):
    html = client.get(url(lantern)).content.decode()
    for label in profile.GROUPS.values():
        assert f"<legend>{label}</legend>" in html
    for item in profile.ITEMS:
        assert f"<legend>{item.label}</legend>" in html, item.code
        assert f'id="id_profile-{item.code}-source_url"' in html
        assert f'<label for="id_profile-{item.code}-source_url">' in html
    rows = re.findall(r'<p class="profile-now">(.*?)</p>', html, re.S)
    assert len(rows) == len(profile.ITEMS)
    assert sum("Unknown" in row for row in rows) == len(profile.ITEMS) - 2
    assert any('Yes (<a href="https://lantern.example/offline"' in row for row in rows)
    # the published answer is the one selected, its source and quote prefilled
    assert '<option value="yes" selected>Yes</option>' in html
    assert 'value="https://lantern.example/offline"' in html
    # an item that repeats has a row to add one more
    assert "<legend>Evaluation of its effect: another one</legend>" not in html  # none yet


def test_the_public_proposes_a_profile_change_and_only_the_changed_item_is_stored(client, lantern):
    response = propose(client, lantern, **SMS)
    assert response.status_code == 302, response.content.decode()[-3000:]
    submission = Submission.objects.get()
    assert submission.kind == "correction" and submission.organisation is None
    assert submission.payload["changes"] == {}
    assert submission.payload["profile"] == {"basic_phone": [{
        "item": "basic_phone", "value": ["sms"], "source_url": "https://lantern.example/sms",
        "source_title": "", "note": "Text LANTERN to 1234"}]}


def test_an_organisation_editors_profile_correction_is_marked_as_coming_from_it(
        client, editor, lantern):
    client.force_login(editor)
    response = propose(client, lantern, **SMS)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.organisation.name == "Editor Org" and submission.submitted_by == editor
    assert list(submission.payload["profile"]) == ["basic_phone"]


def test_the_curator_sees_each_profile_answer_now_and_proposed_with_its_source(
        client, curator_client, lantern):
    propose(client, lantern, **SMS, **{"profile-offline-value": "no",
                                       "profile-offline-source_url": "https://l.example/faq",
                                       "profile-offline-note": ""})
    submission = Submission.objects.get()
    page = curator_client.get(f"/curate/submissions/{submission.pk}/").content.decode()
    table = page[page.index('id="profile-changes"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td></tr>",
                      table, re.S)
    assert [r[0] for r in rows] == ["Reach: Works offline or on low bandwidth",
                                    "Reach: Reachable from a basic phone"]
    (_, offline_now, offline_new), (_, phone_now, phone_new) = rows
    assert "Yes" in offline_now and 'href="https://lantern.example/offline"' in offline_now
    assert "“works without a connection”" in offline_now
    assert "No" in offline_new and 'href="https://l.example/faq"' in offline_new
    assert "Unknown" in phone_now
    assert "SMS" in phone_new and 'href="https://lantern.example/sms"' in phone_new
    assert "“Text LANTERN to 1234”" in phone_new


def test_approving_applies_the_answer_with_its_source_a_revision_and_the_facet_counts(
        client, curator_client, curator, lantern):
    assert sms_count(client) == 0
    propose(client, lantern, **SMS)
    submission = Submission.objects.get()
    response = curator_client.post(f"/curate/submissions/{submission.pk}/approve/")
    assert response.status_code == 302
    lantern.refresh_from_db()
    assert profile.values(lantern.profile, "basic_phone") == ["sms"]
    assert profile.values(lantern.profile, "offline") == ["yes"]  # the rest stays
    page = client.get("/tools/lantern/").content.decode()
    start = page.index('id="profile-heading"')
    section = page[start:page.index("</table>", start)]
    # The markup's whitespace is the template's (wrapped lines); what shows is the text.
    assert re.search(r"Reachable from a basic phone</th>\s*<td>\s*SMS</td>\s*<td>\s*<a\s+"
                     r'href="https://lantern.example/sms"', section)
    revision = revisions_of(lantern).get()
    assert revision.submission == submission and revision.changed_by == curator
    assert revision.changed_fields == ["profile"]
    assert sms_count(client) == 1
    # the revision carries the profile: reverting it takes the answer back
    revision_revert(revision=revision, user=curator)
    lantern.refresh_from_db()
    assert profile.values(lantern.profile, "basic_phone") == [] and sms_count(client) == 0


def test_a_mirrored_item_keeps_its_tool_field_in_step_and_removing_it_makes_it_unknown(
        client, curator, lantern):
    from atlas.submissions.services import submission_approve
    propose(client, lantern, **{"profile-cost-value": "paid",
                                "profile-cost-source_url": "https://lantern.example/price-2"})
    submission_approve(submission=Submission.objects.get(), user=curator)
    lantern.refresh_from_db()
    assert lantern.cost == "paid" and profile.values(lantern.profile, "cost") == ["paid"]
    assert client.get("/tools.json?cost=paid").json()["count"] == 1
    propose(client, lantern, **{"profile-cost-value": ""})
    submission_approve(submission=Submission.objects.filter(status="pending").get(), user=curator)
    lantern.refresh_from_db()
    assert lantern.cost == "unknown" and profile.values(lantern.profile, "cost") == []
    rows = profile.rows(lantern.profile, lantern)
    assert [r["entries"] for r in rows if r["item"].code == "cost"] == [[]]


def test_removing_an_item_makes_it_unknown_on_the_tool_page(client, curator, lantern):
    from atlas.submissions.services import submission_approve
    response = propose(client, lantern, **{"profile-offline-value": ""})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.payload["profile"] == {"offline": []}
    submission_approve(submission=submission, user=curator)
    lantern.refresh_from_db()
    assert [e["item"] for e in lantern.profile] == ["cost"]
    page = client.get("/tools/lantern/").content.decode()
    assert re.search(r"Works offline or on low bandwidth</th>\s*<td>Unknown</td>", page)


@pytest.mark.parametrize("rows, field, message", [
    ({"profile-hosting-value": "moon", "profile-hosting-source_url": "https://l.example/h"},
     "hosting-value", "Unknown value; expected one of: self-hosted, vendor-cloud"),
    ({"profile-basic_phone-value": ["sms", "fax"],
      "profile-basic_phone-source_url": "https://l.example/p"},
     "basic_phone-value", "Unknown value; expected one of: sms, ussd"),
    ({"profile-languages-value": "en, xx", "profile-languages-source_url": "https://l.example/l"},
     "languages-value", "Unknown ISO 639-1 language code"),
    ({"profile-languages-value": "eng", "profile-languages-source_url": "https://l.example/l"},
     "languages-value", "Unknown ISO 639-1 language code"),
    ({"profile-licence-value": "Not-A-Licence",
      "profile-licence-source_url": "https://l.example/l"},
     "licence-value", "Not an SPDX licence id"),
    ({"profile-hosting_country-value": "ZZ",
      "profile-hosting_country-source_url": "https://l.example/c"},
     "hosting_country-value", "Unknown ISO 3166-1 alpha-2 country code"),
    ({"profile-dpia-value": "yes"}, "dpia-source_url", "Give the web address of the page"),
    ({"profile-dpia-value": "yes", "profile-dpia-source_url": "ftp://l.example/dpia"},
     "dpia-source_url", "URL scheme &#x27;ftp&#x27; is not allowed"),
    ({"profile-dpia-value": "yes", "profile-dpia-source_url": "javascript:alert(1)"},
     "dpia-source_url", "URL scheme &#x27;javascript&#x27; is not allowed"),
    ({"profile-dpia-value": "yes", "profile-dpia-source_url": "owner/repo:docs/dpia.md"},
     "dpia-source_url", "Enter a web address starting with http:// or https://."),
    ({"profile-offline-value": "no", "profile-offline-source_url": ""},
     "offline-source_url", "Give the web address of the page"),
    ({"profile-dpia-source_url": "https://l.example/dpia"},
     "dpia-value", "Choose the answer this page states"),
])
def test_a_bad_profile_answer_is_refused_on_its_field_and_nothing_is_stored(
        client, lantern, rows, field, message):
    response = propose(client, lantern, **{**SMS, **rows})
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.search(rf'<ul class="errors" id="id_profile-{field}_errors">(.*?)</ul>', html,
                       re.S)
    assert errors and message in errors.group(1), html[-4000:]
    # the field points at its message, which the summary at the top announces
    assert re.search(rf'aria-invalid="true" aria-describedby="id_profile-{field}_errors', html)
    assert "Some profile answers need attention" in html
    assert not Submission.objects.exists()


def test_a_correction_that_changes_nothing_in_the_fields_or_the_profile_is_refused(client,
                                                                                   lantern):
    response = propose(client, lantern)
    assert response.status_code == 400
    assert "You have not changed anything" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_field_change_still_needs_its_confirming_page_but_a_profile_change_does_not(
        client, lantern):
    response = propose(client, lantern, description="Lets shelters keep case notes offline.")
    assert response.status_code == 400
    assert 'id="id_source_url_errors"' in response.content.decode()
    assert propose(client, lantern, **SMS).status_code == 302


def test_a_form_sent_without_profile_rows_leaves_the_profile_as_it_is(client, lantern):
    """A page loaded before the profile rows existed, or a client that leaves them out."""
    data = {k: v for k, v in form_data(client, url(lantern)).items()
            if not k.startswith("profile-")}
    data.update(description="Lets shelters keep case notes on any phone.",
                source_url="https://lantern.example/news")
    assert client.post(url(lantern), data).status_code == 302
    assert "profile" not in Submission.objects.get().payload


def test_a_second_evaluation_is_added_beside_the_first(client, curator, tool_factory):
    from atlas.submissions.services import submission_approve
    study = {"item": "evaluation", "value": "self-reported",
             "source_url": "https://l.example/report", "source_title": "", "note": ""}
    tool = tool_factory("Lantern", slug="lantern", profile=[study],
                        short_description="Lets shelters keep case notes on a phone.")
    html = client.get(url(tool)).content.decode()
    assert "<legend>Evaluation of its effect: another one</legend>" in html
    response = propose(client, tool, **{
        "profile-evaluation-2-value": "independent-evaluation",
        "profile-evaluation-2-source_url": "https://uni.example/study"})
    assert response.status_code == 302, re.findall(r'class="errors"[^>]*>(.*?)</ul>',
                                                   response.content.decode())
    submission_approve(submission=Submission.objects.get(), user=curator)
    tool.refresh_from_db()
    assert profile.values(tool.profile, "evaluation") == ["independent-evaluation",
                                                         "self-reported"]


def test_the_same_evaluation_twice_is_refused(client, tool_factory):
    study = {"item": "evaluation", "value": "self-reported",
             "source_url": "https://l.example/report", "source_title": "", "note": ""}
    tool = tool_factory("Lantern", slug="lantern", profile=[study],
                        short_description="Lets shelters keep case notes on a phone.")
    response = propose(client, tool, **{"profile-evaluation-2-value": "self-reported",
                                        "profile-evaluation-2-source_url": "https://l.example/b"})
    assert response.status_code == 400
    assert 'id="id_profile-evaluation-2-value_errors"' in response.content.decode()
    assert not Submission.objects.exists()


def test_an_approval_changes_only_the_proposed_items_of_the_profile_as_it_is_by_then(
        client, curator, lantern):
    from atlas.catalogue.services import tool_profiles_set
    from atlas.submissions.services import submission_approve
    propose(client, lantern, **SMS)
    newer = {**OFFLINE, "value": "no", "source_url": "https://lantern.example/offline-2"}
    tool_profiles_set({"lantern": [newer, COST]})  # an import after the correction was sent
    submission_approve(submission=Submission.objects.get(), user=curator)
    lantern.refresh_from_db()
    assert [(e["item"], e["value"]) for e in lantern.profile] == [
        ("offline", "no"), ("basic_phone", ["sms"]), ("cost", "free")]


def test_edit_then_approve_shows_the_proposed_answers_and_publishes_the_curators_version(
        client, curator_client, lantern):
    propose(client, lantern, **SMS)
    submission = Submission.objects.get()
    edit = f"/curate/submissions/{submission.pk}/edit/"
    data = form_data(curator_client, edit)
    assert data["profile-basic_phone-value"] == ["sms"]
    assert data["profile-basic_phone-source_url"] == "https://lantern.example/sms"
    data["profile-basic_phone-value"] = ["sms", "ussd"]
    response = curator_client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    lantern.refresh_from_db()
    assert profile.values(lantern.profile, "basic_phone") == ["sms", "ussd"]
    assert Tool.objects.get(slug="lantern").cost == "free"


def test_a_published_answer_resting_on_a_repository_file_is_kept_as_it_is(client, tool_factory):
    """The import takes "owner/repo:path" as a source; the form shows it and leaves it alone."""
    in_repo = {**OFFLINE, "source_url": "lantern/lantern-app:README.md"}
    tool = tool_factory("Lantern", slug="lantern", profile=[in_repo],
                        short_description="Lets shelters keep case notes on a phone.")
    html = client.get(url(tool)).content.decode()
    field = re.search(r'<input [^>]*name="profile-offline-source_url"[^>]*>', html).group(0)
    # a type=url input could not hold it (the HTML checker refuses the page)
    assert 'type="text"' in field and 'value="lantern/lantern-app:README.md"' in field
    assert propose(client, tool, **SMS).status_code == 302
    assert list(Submission.objects.get().payload["profile"]) == ["basic_phone"]
