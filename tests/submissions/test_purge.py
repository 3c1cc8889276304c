"""Old closed proposals are purged like stories, and SQLite overwrites what is deleted."""

import datetime
import sqlite3

import pytest
from django.utils import timezone

from atlas.accounts.models import AuditEvent
from atlas.cli import main
from atlas.settings.base import database_from_url
from atlas.submissions.models import Submission
from atlas.submissions.services import (story_excerpt_publish, submission_create,
                                        submission_reject, submissions_purge)

pytestmark = pytest.mark.django_db
MARKER = "PLAINTEXT-MARKER-7731"


def _aged(submission, days):
    then = timezone.now() - datetime.timedelta(days=days)
    Submission.objects.filter(pk=submission.pk).update(received_on=then.date(), reviewed_at=then
                                                       if submission.reviewed_at else None)


@pytest.fixture
def closed(curator, tool_factory):
    tool = tool_factory("Harbour Watch")
    made = {
        "old rejected tool": submission_create(kind="tool", payload={"name": MARKER}),
        "old rejected correction": submission_create(kind="correction", tool=tool,
                                                     payload={"changes": {"status": "dormant"}}),
        "old rejected solution": submission_create(kind="solution", payload={"description": MARKER}),
        "old published solution": submission_create(kind="solution",
                                                    payload={"description": MARKER}),
        "old pending tool": submission_create(kind="tool", payload={"name": "pending"}),
        "recent rejected tool": submission_create(kind="tool", payload={"name": "recent"}),
    }
    for key in ("old rejected tool", "old rejected correction", "old rejected solution",
                "recent rejected tool"):
        made[key] = submission_reject(submission=made[key], user=curator, reason="no source")
    story_excerpt_publish(user=curator, text="An excerpt", submission=made["old published solution"])
    made["old published solution"].refresh_from_db()
    for key, submission in made.items():
        if key.startswith("old"):
            _aged(submission, 200)
    return made


def test_purge_reports_with_dry_run_then_deletes_only_old_closed_proposals(closed, capsys):
    with pytest.raises(SystemExit):
        main(["submissions", "purge", "--days", "180", "--dry-run"])
    assert "4 closed submissions are older than 180 days" in capsys.readouterr().out
    assert Submission.objects.count() == 6
    with pytest.raises(SystemExit):
        main(["submissions", "purge", "--days", "180"])
    assert "Deleted 4 closed submissions" in capsys.readouterr().out
    left = set(Submission.objects.values_list("pk", flat=True))
    assert left == {closed["old pending tool"].pk, closed["recent rejected tool"].pk}
    from atlas.submissions.models import StoryExcerpt
    assert StoryExcerpt.objects.get().text == "An excerpt"  # the published excerpt stays
    assert AuditEvent.objects.filter(action="purge", object_id__startswith="4 older").exists()


def test_a_proposal_rejected_recently_is_kept_however_old(closed, curator):
    late = submission_create(kind="tool", payload={"name": "late"})
    Submission.objects.filter(pk=late.pk).update(
        received_on=datetime.date.today() - datetime.timedelta(days=400))
    submission_reject(submission=Submission.objects.get(pk=late.pk), user=curator, reason="x")
    submissions_purge(older_than_days=180, commit=True)
    assert Submission.objects.filter(pk=late.pk).exists()


def test_sqlite_connections_overwrite_deleted_content(tmp_path):
    from django.db.backends.sqlite3.base import DatabaseWrapper
    config = database_from_url(f"sqlite:///{tmp_path / 'atlas.sqlite3'}")
    # Set explicitly: some SQLite builds (Debian's) have it on by default, many do not.
    assert "PRAGMA secure_delete=ON;" in config["OPTIONS"]["init_command"]
    wrapper = DatabaseWrapper({**config, "TIME_ZONE": None, "AUTOCOMMIT": True, "ATOMIC_REQUESTS":
                               False, "CONN_HEALTH_CHECKS": False, "TEST": {}}, "purge-test")
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1
        cursor.execute("CREATE TABLE t (x TEXT)")
        cursor.execute("INSERT INTO t VALUES (%s)", [MARKER * 50])
        cursor.execute("DELETE FROM t")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wrapper.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert MARKER.encode() not in raw
    assert sqlite3.connect(tmp_path / "atlas.sqlite3").execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_a_scheduled_purge_written_with_commit_still_runs(closed, capsys):
    """--commit, which purges once needed to write, is accepted and changes nothing."""
    with pytest.raises(SystemExit) as exit_:
        main(["submissions", "purge", "--days", "180", "--commit"])
    assert exit_.value.code == 0 and "Deleted 4 closed submissions" in capsys.readouterr().out
