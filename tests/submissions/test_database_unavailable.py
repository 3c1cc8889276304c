"""A submission or a sign-in while the database cannot write: the form comes back with what was
typed and "try again in a minute" (503), never a 500 (issues 14.2 and 15.5).

Here the write is made to fail in-process, for every form; test_database_unavailable_served.py
does it for real, on a SQLite file whose write lock another process holds, or that is read-only.
"""

import logging

import pytest
from django.db import OperationalError

from atlas.submissions.models import Submission
from tests.submissions.flooding import STORY
from tests.submissions.test_public_forms import VALID_TOOL


def refuse_writes(monkeypatch, *names):
    def locked(**kwargs):
        raise OperationalError("database is locked")
    for name in names:
        monkeypatch.setattr(f"atlas.submissions.views.{name}", locked)


@pytest.fixture
def one_a_minute(settings, story_key):
    settings.ATLAS_SUBMISSIONS_PER_MINUTE = 1
    settings.ATLAS_HELPLINE_REPORTS_PER_MINUTE = 1
    return settings


def assert_given_back(response, *texts):
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "cannot store submissions just now" in page and "again in a minute" in page
    for text in texts:
        assert text in page, text


def test_a_story_the_database_cannot_take_comes_back_with_its_text(client, one_a_minute,
                                                                   monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="atlas.submissions.gate")
    with monkeypatch.context() as patched:
        refuse_writes(patched, "story_submit")
        for _ in range(2):
            assert_given_back(client.post("/submit/story/", STORY), STORY["text"])
    # Logged once, without the story; its budget was given back, so it goes in now.
    warnings = [r.getMessage() for r in caplog.records if r.name == "atlas.submissions.gate"]
    assert len(warnings) == 1 and "database is locked" in warnings[0]
    assert STORY["text"] not in caplog.text
    assert client.post("/submit/story/", STORY).status_code == 302
    assert Submission.objects.count() == 1


def test_a_tool_solution_or_correction_the_database_cannot_take_comes_back(client, one_a_minute,
                                                                           monkeypatch,
                                                                           tool_factory):
    tool = tool_factory("Harbour Watch", short_description="Lets port workers report abuse at sea.")
    refuse_writes(monkeypatch, "submission_create")
    assert_given_back(client.post("/submit/tool/", {**VALID_TOOL, "name": "Quay Watch"}),
                      "Quay Watch", VALID_TOOL["description"])
    solution = {"title": "SMS check-ins", "description": "Weekly SMS check-ins with workers "
                "kept contact during lockdowns.", "countries": "PH", "tools": "", "url": ""}
    assert_given_back(client.post("/submit/solution/", solution), solution["description"])
    correction = {"name": "Harbour Watch", "description": "Lets port workers report abuse at "
                  "sea and in ports.", "countries": "", "status": "dormant", "cost": "unknown",
                  "access": "unknown", "source_url": "https://news.example/harbour"}
    assert_given_back(client.post(f"/submit/correction/{tool.slug}/", correction),
                      "report abuse at sea and in ports.")


def test_a_helpline_report_the_database_cannot_take_offers_the_button_again(client, one_a_minute,
                                                                            monkeypatch):
    from atlas.helplines.models import Channel
    from tests.factories import make_helpline
    make_helpline(country="GB", name="Referral Helpline", kind="modern-slavery-helpline",
                  channels=[{"kind": "phone", "value": "0800 808 3733", "dial": "+448008083733",
                             "source_url": "https://s.example/sa"}])
    channel = Channel.objects.get()
    refuse_writes(monkeypatch, "submission_create")
    assert_given_back(client.post("/helplines/GB/report/", {"channel": channel.pk}),
                      f'name="channel" value="{channel.pk}"')


def test_a_sign_in_the_database_cannot_take_says_try_again_and_signs_nobody_in(client, editor,
                                                                             monkeypatch):
    from tests.accounts.fixtures import PASSWORD

    def locked(**kwargs):
        raise OperationalError("database is locked")
    # The last write of signing in fails, after the session was made and last_login set.
    monkeypatch.setattr("atlas.accounts.views.audit_record", locked)
    response = client.post("/account/login/", {"username": "editor", "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "try again in a minute" in page and 'value="editor"' in page
    assert not response.cookies.get("sessionid")
    editor.refresh_from_db()
    assert editor.last_login is None  # nothing of it was kept
    assert client.get("/account/").status_code == 302  # not signed in
    monkeypatch.undo()
    assert client.post("/account/login/", {"username": "editor", "password": PASSWORD}
                       ).status_code == 302
