"""Nothing outside the database dates a submission: random ids, no log line for submission pages."""

import logging

import pytest
from django.test import RequestFactory

from atlas.submissions.models import Submission
from atlas.submissions.services import story_submit, submission_create
from atlas.web.accesslog import is_submission_path


@pytest.mark.django_db
def test_submission_ids_do_not_tell_the_order_of_arrival(settings):
    from atlas.submissions.stories import keypair_generate
    settings.ATLAS_STORY_PUBLIC_KEY = keypair_generate()[1]
    ids = [submission_create(kind="solution", payload={"title": f"s{i}"}).pk for i in range(12)]
    ids += [story_submit(story={"text": f"story {i}", "consent": "analysis-only"}).pk
            for i in range(12)]
    assert ids != sorted(ids) and ids[:12] != sorted(ids[:12]) and ids[12:] != sorted(ids[12:])
    assert all(len(str(i)) == 16 and i < 2**53 for i in ids)  # same length; exact in JavaScript
    assert len(set(ids)) == len(ids)
    # The curators' pages and the sealed stories' JSON use these ids.
    assert Submission.objects.filter(pk__in=ids).count() == 24


@pytest.mark.parametrize("path, private", [
    ("/submit/", True), ("/submit/story/", True), ("/fr/submit/tool/", True),
    ("/zh-hans/submit/correction/x/", True), ("/tools/harbour-watch/contact/", True),
    ("/ar/tools/harbour-watch/contact/", True), ("/submit/thanks/", True),
    ("/helplines/KE/report/", True), ("/fr/helplines/KE/report/", True),
    ("/helplines/KE/", False),
    ("/tools/", False), ("/tools/harbour-watch/", False), ("/about/", False),
    ("/stories/", False), ("/fr/", False), ("/api/v1/tools", False)])
def test_submission_paths_are_recognised_in_every_language(path, private):
    assert is_submission_path(path) is private


def _console_filter():
    for handler in logging.getLogger().handlers:
        for f in handler.filters:
            if type(f).__name__ == "SubmissionWarningFilter":
                return f
    raise AssertionError("the console handler has no SubmissionWarningFilter")


def test_djangos_warnings_about_refused_submissions_are_not_logged():
    keep = _console_filter()
    rf = RequestFactory()

    def record(path, level):
        r = logging.LogRecord("django.request", level, __file__, 1, "Bad Request: %s", (path,), None)
        r.request = rf.post(path)
        return r
    assert not keep.filter(record("/submit/story/", logging.WARNING))
    assert not keep.filter(record("/es/tools/x/contact/", logging.WARNING))
    assert keep.filter(record("/tools/", logging.WARNING))
    assert keep.filter(record("/submit/story/", logging.ERROR))  # operators must see errors


def test_a_submission_given_back_for_a_database_outage_leaves_no_timed_line(client, story_key,
                                                                           monkeypatch, caplog):
    """The form answered 503 on purpose (the text is given back): Django's "Service Unavailable"
    line would date the attempt to the second. The outage itself is logged once, by the gate."""
    from django.db import OperationalError

    def locked(**kwargs):
        raise OperationalError("database is locked")
    monkeypatch.setattr("atlas.submissions.views.story_submit", locked)
    caplog.set_level(logging.WARNING)
    story = {"text": "A story that the database cannot take just now.", "country": "",
             "tools": "", "consent": "analysis-only", "contact": ""}
    assert client.post("/submit/story/", story).status_code == 503
    keep = _console_filter()
    passed = [r for r in caplog.records if keep.filter(r)]
    assert [r.name for r in passed] == ["atlas.submissions.gate"]
    assert "/submit/story/" not in passed[0].getMessage()


def test_atlas_serve_runs_gunicorn_with_the_access_logger():
    from atlas.cli import gunicorn_command
    command = gunicorn_command(host="127.0.0.1", port="8000", workers="2", threads="2")
    assert command[command.index("--logger-class") + 1] == "atlas.web.accesslog.AccessLogger"
    fmt = command[command.index("--access-logformat") + 1]
    assert "%(h)s" not in fmt and "%(a)s" not in fmt and "%(f)s" not in fmt
