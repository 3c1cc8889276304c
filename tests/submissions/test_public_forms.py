"""Public submission forms: validation, honeypot, size cap, rate limit, duplicates, no tracking."""

import logging
import re

import pytest

from atlas.submissions.models import Submission

VALID_TOOL = {
    "name": "Harbour Watch", "organisation": "Harbour Trust", "website": "https://harbour.example",
    "description": "Lets port workers report signs of forced labour on fishing vessels.",
    "purposes": ["worker-voice"], "technologies": ["mobile-app"], "countries": "TH, ID",
    "source_url": "https://harbour.example/about", "note": "",
}


def test_a_valid_tool_proposal_is_stored_pending_in_the_import_format(client, db):
    response = client.post("/submit/tool/", VALID_TOOL)
    assert response.status_code == 302 and response["Location"] == "/submit/thanks/"
    s = Submission.objects.get()
    assert (s.kind, s.status) == ("tool", "pending")
    assert s.payload["countries"] == ["TH", "ID"]
    assert s.payload["organization"] == [{"name": "Harbour Trust", "role": "owner"}]
    assert s.payload["description"].startswith("Lets port workers")


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "This field is required."),
    ("name", "x" * 201, "at most 200 characters"),
    ("website", "javascript:alert(1)", "starting with http:// or https://"),
    ("source_url", "ftp://files.example/x", "starting with http:// or https://"),
    ("source_url", "data:text/html,<script>alert(1)</script>", "starting with http:// or https://"),
    ("description", "too short", "at least 20 characters"),
    ("purposes", ["not-a-purpose"], "Select a valid choice"),
    ("countries", "KE, XX, Narnia", "Unknown country codes: XX, Narnia"),
])
def test_bad_input_is_answered_on_the_form_and_nothing_is_stored(client, db, field, value, message):
    response = client.post("/submit/tool/", {**VALID_TOOL, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert f'id="id_{field}_errors"' in html
    # The field points at its errors first, then at its help text, if it has one.
    described_by = re.search(rf'aria-describedby="(id_{field}_errors[^"]*)"', html).group(1)
    for element_id in described_by.split():
        assert f'id="{element_id}"' in html, element_id
    assert 'aria-invalid="true"' in html
    assert not Submission.objects.exists()


def test_a_filled_honeypot_gets_thanks_but_nothing_is_stored(client, db):
    response = client.post("/submit/tool/", {**VALID_TOOL, "homepage": "http://spam.example"})
    assert response.status_code == 302 and response["Location"] == "/submit/thanks/"
    assert not Submission.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client, db):
    html = client.get("/submit/tool/").content.decode()
    assert re.search(r'class="field honeypot"\s+aria-hidden="true"', html)
    assert 'name="homepage"' in html and 'tabindex="-1"' in html


def test_oversized_submissions_are_refused_with_413(client, db):
    response = client.post("/submit/tool/", {**VALID_TOOL, "note": "x" * 300_000})
    assert response.status_code == 413
    assert not Submission.objects.exists()


def test_beyond_its_budget_a_form_answers_429_with_the_form_and_its_text(client, db, settings):
    settings.ATLAS_SUBMISSIONS_PER_MINUTE = 3
    for i in range(3):
        assert client.post("/submit/tool/", {**VALID_TOOL, "name": f"Harbour Watch {i} "
                                             f"{'abcdefgh'[i] * 5}"}).status_code == 302
    response = client.post("/submit/tool/", {**VALID_TOOL, "name": "Another one entirely"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Many submissions are arriving just now" in page
    assert 'value="Another one entirely"' in page
    assert Submission.objects.count() == 3


def test_a_proposal_like_an_existing_tool_asks_is_this_x(client, tool_factory):
    existing = tool_factory("Harbour Watch App", website="https://www.harbour.example/")
    response = client.post("/submit/tool/", {**VALID_TOOL, "name": "Harbor Watch"})
    html = response.content.decode()
    assert response.status_code == 200 and "Is this Harbour Watch App?" in html
    assert 'name="not_duplicate"' in html and not Submission.objects.exists()
    # The submitter says it is a different tool: stored, and flagged for the curator.
    response = client.post("/submit/tool/", {**VALID_TOOL, "name": "Harbor Watch",
                                             "duplicates_shown": "1", "not_duplicate": "on"})
    assert response.status_code == 302
    assert Submission.objects.get().duplicates == [existing.slug]


def test_duplicates_are_found_by_name_website_or_description(tool_factory):
    from atlas.submissions.duplicates import tool_duplicates
    a = tool_factory("Stop The Traffik Tool", website="https://stopthetraffik.example/app")
    b = tool_factory("Labour Link", short_description="A hotline that connects migrant workers "
                     "with lawyers in their own language.")
    c = tool_factory("Shared Host Tool", website="https://github.com/orgone/tool")
    assert tool_duplicates(name="STOP the traffik tool")[0][0] == a
    assert tool_duplicates(name="Something else", website="http://stopthetraffik.example")[0] == (a, "website")
    assert tool_duplicates(name="Other", description="A hotline that connects migrant workers "
                           "with lawyers in their own languages.")[0] == (b, "description")
    # Two projects on GitHub are not duplicates because they share a host.
    assert tool_duplicates(name="Unrelated", website="https://github.com/other/thing") == []
    assert tool_duplicates(name="Unrelated", website="https://github.com/orgone/x")[0][0] == c


def test_no_ip_address_user_agent_or_referrer_is_stored_or_logged(client, db, caplog):
    caplog.set_level(logging.DEBUG)
    markers = {"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "MarkerAgent/9.9",
               "HTTP_REFERER": "https://referrer-marker.example/"}
    client.post("/submit/tool/", VALID_TOOL, **markers)
    client.post("/submit/tool/", {**VALID_TOOL, "name": ""}, **markers)
    from tests.submissions.scan import database_text
    dump = database_text()
    for value in ("203.0.113.77", "MarkerAgent", "referrer-marker"):
        assert value not in dump
        assert value not in caplog.text
    assert Submission.objects.count() == 1


def test_submission_dates_are_kept_to_the_day(client, db):
    import datetime
    client.post("/submit/tool/", VALID_TOOL)
    field = Submission._meta.get_field("received_on")
    assert field.get_internal_type() == "DateField"
    assert Submission.objects.get().received_on == datetime.date.today()
    assert not [f for f in Submission._meta.fields if f.get_internal_type() == "DateTimeField"
                and f.name != "reviewed_at"]


def test_a_correction_stores_only_the_changed_fields(client, tool_factory):
    tool = tool_factory("Harbour Watch", short_description="Lets port workers report abuse at sea.",
                        status="active")
    page = client.get(f"/submit/correction/{tool.slug}/")
    assert page.status_code == 200 and "Lets port workers report abuse at sea." in page.content.decode()
    data = {"name": "Harbour Watch", "website": "", "description": "Lets port workers report "
            "abuse at sea and in ports.", "long_description": "", "countries": "", "status": "dormant",
            "cost": "unknown", "access": "unknown", "licence": "", "source_repository": "",
            "source_url": "https://news.example/harbour", "note": "It moved."}
    response = client.post(f"/submit/correction/{tool.slug}/", data)
    assert response.status_code == 302
    s = Submission.objects.get()
    assert s.tool == tool and s.kind == "correction"
    assert s.payload["changes"] == {"description": data["description"], "status": "dormant"}


def test_a_correction_that_changes_nothing_is_refused_with_a_message(client, tool_factory):
    tool = tool_factory("Harbour Watch", short_description="Lets port workers report abuse at sea.")
    data = {"name": "Harbour Watch", "description": "Lets port workers report abuse at sea.",
            "countries": "", "status": "unknown", "cost": "unknown", "access": "unknown",
            "source_url": "https://news.example/harbour"}
    response = client.post(f"/submit/correction/{tool.slug}/", data)
    assert response.status_code == 400 and "You have not changed anything" in response.content.decode()


def test_a_correction_for_an_unknown_tool_is_404(client, db):
    assert client.get("/submit/correction/no-such-tool/").status_code == 404


def test_a_solution_with_unknown_related_tools_is_refused(client, tool_factory):
    harbour = tool_factory("Harbour Watch")
    data = {"title": "SMS check-ins", "description": "Weekly SMS check-ins with workers kept "
            "contact during lockdowns.", "countries": "PH", "topics": ["remote-support"],
            "tools": "Harbour Watch, Imaginary Tool", "url": ""}
    response = client.post("/submit/solution/", data)
    assert response.status_code == 400 and "Not tools in the Atlas: Imaginary Tool" in response.content.decode()
    response = client.post("/submit/solution/", {**data, "tools": "harbour watch"})
    assert response.status_code == 302
    assert Submission.objects.get().payload["tools"] == [harbour.slug]


def test_submission_forms_are_never_cached(client, tool_factory):
    tool = tool_factory()
    for url in ("/submit/tool/", "/submit/story/", "/submit/solution/",
                f"/submit/correction/{tool.slug}/"):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_duplicate_detection_sees_a_tool_as_soon_as_it_is_published(tool_factory):
    from atlas.submissions.duplicates import tool_duplicates
    tool_factory("Something Else Entirely")
    assert tool_duplicates(name="Harbour Watch") == []
    harbour = tool_factory("Harbour Watch")
    assert tool_duplicates(name="Harbour Watch") == [(harbour, "name")]
