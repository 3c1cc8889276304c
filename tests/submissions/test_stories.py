"""Stories are sealed on arrival: no plaintext of a story or its contact details is ever stored."""

import json
import logging
import sqlite3

import pytest
from django.db import connection

from atlas.cli import main
from atlas.submissions.models import Submission
from atlas.submissions.stories import story_open
from tests.submissions.scan import database_text

MARKER = "ZEBRA-MARKER-7f3a9c"
CONTACT = "marker-contact-5521@example.org"


def story_post(**extra):
    return {"text": f"During the lockdown {MARKER} recruiters moved to messaging apps.",
            "country": "PH", "topics": ["online-recruitment"], "tools": "",
            "consent": "analysis-only", "contact": CONTACT, **extra}


def test_a_story_with_a_marker_leaves_no_plaintext_in_any_table_or_the_database_file(
        client, story_key, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    response = client.post("/submit/story/", story_post())
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.kind == "story" and submission.payload == {}
    dump = database_text()
    assert MARKER not in dump and CONTACT not in dump
    assert MARKER not in caplog.text and CONTACT not in caplog.text
    if connection.vendor == "sqlite":
        # The database file as a backup would copy it, byte for byte.
        connection.ensure_connection()
        raw = connection.connection.serialize()
        copy = tmp_path / "backup.sqlite3"
        copy.write_bytes(raw)
        text_dump = "\n".join(connection.connection.iterdump())
        assert "submissions_submission" in text_dump and MARKER not in text_dump
        assert raw and MARKER.encode() not in raw and CONTACT.encode() not in raw
        assert sqlite3.connect(copy).execute(
            "SELECT count(*) FROM submissions_submission").fetchone() == (1,)
    # ... and the curators' private key opens it.
    story = story_open(sealed=submission.sealed, key=story_key)
    assert MARKER in story["text"] and story["contact"] == CONTACT
    assert story["consent"] == "analysis-only" and story["country"] == "PH"


def test_without_a_public_key_no_story_is_accepted(client, db, settings, tmp_path, monkeypatch):
    settings.ATLAS_STORY_PUBLIC_KEY = ""
    monkeypatch.setattr("atlas.submissions.stories.public_key_path",
                        lambda: tmp_path / "missing")
    page = client.get("/submit/story/")
    assert "cannot receive stories yet" in page.content.decode() and b"<textarea" not in page.content
    client.post("/submit/story/", story_post())
    assert not Submission.objects.exists()


@pytest.mark.parametrize("field, value, message", [
    ("consent", "", "This field is required."),
    ("consent", "sell-it", "Select a valid choice"),
    ("country", "ZZ", "Select a valid choice"),
    ("text", "x" * 10001, "at most 10000 characters"),
    ("topics", ["nope"], "Select a valid choice"),
])
def test_story_fields_are_validated(client, story_key, field, value, message):
    response = client.post("/submit/story/", story_post(**{field: value}))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Submission.objects.exists()


def test_keys_generate_then_stories_export_opens_them(tmp_path, db, settings, monkeypatch, capsys):
    monkeypatch.setattr("atlas.submissions.stories.public_key_path", lambda: tmp_path / "pub")
    settings.ATLAS_STORY_PUBLIC_KEY = ""
    private = tmp_path / "curators.key"
    with pytest.raises(SystemExit) as exit_:
        main(["keys", "generate", "--private-key", str(private)])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "Move the private key off this server" in out
    assert (private.stat().st_mode & 0o777) == 0o600 and (tmp_path / "pub").exists()
    # A second run refuses to replace the key silently.
    with pytest.raises(SystemExit) as exit_:
        main(["keys", "generate", "--private-key", str(tmp_path / "other.key")])
    assert exit_.value.code == 2

    from django.test import Client
    from django.core.cache import cache
    cache.clear()
    assert Client().post("/submit/story/", story_post()).status_code == 302
    output = tmp_path / "stories.json"
    with pytest.raises(SystemExit) as exit_:
        main(["stories", "export", "--key", str(private), "--output", str(output)])
    assert exit_.value.code == 0
    stories = json.loads(output.read_text())["stories"]
    assert len(stories) == 1 and MARKER in stories[0]["text"] and stories[0]["contact"] == CONTACT
    from atlas.accounts.models import AuditEvent
    event = AuditEvent.objects.get(action="story-open")
    assert event.object_id == "1 exported" and MARKER not in str(event.__dict__)


def test_export_with_the_wrong_key_fails_clearly(tmp_path, story_key, client, capsys):
    from atlas.submissions.stories import keypair_generate
    client.post("/submit/story/", story_post())
    pk = Submission.objects.get().pk
    wrong = tmp_path / "wrong.key"
    wrong.write_text(keypair_generate()[0])
    with pytest.raises(SystemExit) as exit_:
        main(["stories", "export", "--key", str(wrong)])
    assert exit_.value.code == 1
    assert f"cannot open stories {pk} " in capsys.readouterr().err
    (tmp_path / "garbage.key").write_text("not a key")
    with pytest.raises(SystemExit) as exit_:
        main(["stories", "export", "--key", str(tmp_path / "garbage.key")])
    assert exit_.value.code == 2


def test_purge_reports_with_dry_run_and_deletes_old_unpublished_stories(
        story_key, client, capsys):
    import datetime
    client.post("/submit/story/", story_post())
    client.post("/submit/story/", story_post())
    old = Submission.objects.order_by("id").first()
    Submission.objects.filter(pk=old.pk).update(
        received_on=datetime.date.today() - datetime.timedelta(days=40))
    with pytest.raises(SystemExit):
        main(["stories", "purge", "--days", "30", "--dry-run"])
    assert "1 unpublished stories" in capsys.readouterr().out
    assert Submission.objects.count() == 2
    with pytest.raises(SystemExit):
        main(["stories", "purge", "--days", "30"])
    assert list(Submission.objects.values_list("pk", flat=True)) != [old.pk]
    assert Submission.objects.count() == 1


def test_the_browser_gets_only_ciphertext_and_fetching_it_is_audited(curator_client, curator,
                                                                    client, story_key):
    from atlas.accounts.models import AuditEvent
    client.post("/submit/story/", story_post())
    page = curator_client.get("/curate/stories/open/")
    csp = page["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in csp and "'unsafe-eval'" not in csp and "unsafe-inline" not in csp
    assert "wasm-unsafe-eval" not in curator_client.get("/curate/")["Content-Security-Policy"]
    data = curator_client.get("/curate/stories/sealed.json")
    assert "no-store" in data["Cache-Control"]
    [item] = data.json()["stories"]
    assert MARKER not in data.content.decode() and CONTACT not in data.content.decode()
    assert MARKER in story_open(sealed=item["sealed"], key=story_key)["text"]
    assert AuditEvent.objects.get(action="story-open").actor == curator
