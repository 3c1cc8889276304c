"""`atlas backup` and `atlas restore` end to end, on this run's engine (SQLite; PostgreSQL when
ATLAS_DATABASE_URL points at it): a backup taken while submissions are written restores the same
API output and rows, is private, keeps stories sealed, and is refused when damaged.

Each command runs as a real `atlas` process on throwaway databases (SQLite files, or PostgreSQL
databases named after this run's and dropped at the end), never on pytest's test database.
"""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import pyrage
import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("ATLAS_DATABASE_URL", "")
POSTGRES = SERVER_URL.startswith(("postgres:", "postgresql:"))
MAGIC = b"PGDMP" if POSTGRES else b"SQLite format 3\x00"


class Databases:
    """Throwaway databases: SQLite files, or PostgreSQL databases beside this run's."""

    def __init__(self, tmp: Path):
        self.tmp, self.created = tmp, []

    def _admin(self):
        import psycopg
        return psycopg.connect(SERVER_URL, autocommit=True)

    def new(self, label: str) -> str:
        if not POSTGRES:
            return f"sqlite:///{self.tmp / label}.sqlite3"
        url = urlsplit(SERVER_URL)
        name = f"{url.path.lstrip('/')}_bk_{os.getpid()}_{label}"
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return urlunsplit(url._replace(path="/" + name))

    def sql(self, statement: str) -> None:
        with self._admin() as conn:
            conn.execute(statement)

    def drop_all(self) -> None:
        if self.created:
            with self._admin() as conn:
                for name in self.created:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Site:
    """Runs `atlas` and the probe against a database URL, under the usual umask 022."""

    def __init__(self, tmp: Path, story_public_key: str):
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DJANGO_SETTINGS_MODULE", "ATLAS_DATABASE_URL",
                                 "ATLAS_BACKUP_RECIPIENT", "DJANGO_ALLOW_ASYNC_UNSAFE")}
        self.env.update(ATLAS_DATA_DIR=str(tmp / "var"), ATLAS_SECRET_KEY="k" * 60,
                        ATLAS_SEMANTIC_SEARCH="false", ATLAS_STORY_PUBLIC_KEY=story_public_key)

    def environment(self, url, **extra):
        return {**self.env, "ATLAS_DATABASE_URL": url, **extra}

    def atlas(self, *args, url, check=True, stdin=None, **extra):
        out = subprocess.run([sys.executable, "-m", "atlas", *map(str, args)], cwd=ROOT,
                             env=self.environment(url, **extra), input=stdin, capture_output=True,
                             text=True, umask=0o022, timeout=300)
        if check:
            assert out.returncode == 0, out.stderr
        return out

    def probe(self, url, counts=False) -> dict:
        out = subprocess.run([sys.executable, "-m", "tests.backups.probe"]
                             + (["--counts"] if counts else []), cwd=ROOT,
                             env=self.environment(url), capture_output=True, text=True,
                             timeout=300)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)


class Writer:
    """tests/backups/writer.py in a process of its own; counts the pairs it has written."""

    def __init__(self, site, url, stop: Path, marker: str):
        self.stop, self.lines = stop, []
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.backups.writer", str(stop),
                                      marker], cwd=ROOT, env=site.environment(url),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=lambda: self.lines.extend(self.proc.stdout), daemon=True).start()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 120
        while len(self.lines) < count:
            assert self.proc.poll() is None, self.proc.stderr.read()
            assert time.monotonic() < deadline, "the writer wrote too little"
            time.sleep(0.05)

    def finish(self) -> None:
        self.stop.touch()
        assert self.proc.wait(timeout=60) == 0, self.proc.stderr.read()


def identity_file(path: Path) -> str:
    """An age key file as age-keygen writes it; returns its public key."""
    identity = pyrage.x25519.Identity.generate()
    path.write_text(f"# public key: {identity.to_public()}\n{identity}\n")
    return str(identity.to_public())


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from nacl.encoding import Base64Encoder
    from nacl.public import PrivateKey

    tmp = tmp_path_factory.mktemp("backups")
    story_key = PrivateKey.generate()
    site = Site(tmp, story_key.public_key.encode(Base64Encoder).decode())
    dbs = Databases(tmp)
    try:
        source = dbs.new("source")
        site.atlas("load-default", url=source)
        # An account with a second factor: its TOTP seed is in every backup (docs/backups.md).
        site.atlas("accounts", "create", "alice", "--password-stdin", url=source,
                   stdin="a-long-enough-passphrase\n")
        before = site.probe(source, counts=True)
        recipient = identity_file(tmp / "backup-key.txt")
        marker = "Plaintext-of-a-story-" + os.urandom(6).hex()
        writer = Writer(site, source, tmp / "stop", marker)
        try:
            writer.wait_for(3)
            written_before = len(writer.lines)
            plain, sealed = tmp / "atlas.backup", tmp / "atlas.backup.age"
            site.atlas("backup", plain, url=source)
            site.atlas("backup", sealed, url=source, ATLAS_BACKUP_RECIPIENT=recipient)
            writer.wait_for(len(writer.lines) + 3)
        finally:
            writer.finish()
        after = site.probe(source)
        restored = dbs.new("restored")
        site.atlas("restore", plain, url=restored)
        yield SimpleNamespace(
            tmp=tmp, site=site, dbs=dbs, source=source, restored=restored, plain=plain,
            sealed=sealed, key_file=tmp / "backup-key.txt", marker=marker, story_key=story_key,
            before=before, after=after, restored_probe=site.probe(restored),
            written_before=written_before, written=len(writer.lines))
    finally:
        dbs.drop_all()


def test_a_backup_taken_while_submissions_are_written_restores_the_same_api_and_rows(world):
    source, restored, before = world.after, world.restored_probe, world.before
    assert world.written > world.written_before >= 3  # writes went on around the backups
    assert restored["api"] == source["api"] and restored["export"] == source["export"]
    assert len(restored["api"]["tools"]) == source["tables"]["catalogue_tool"] > 100
    assert len(restored["api"]["helplines"]) == source["tables"]["helplines_helpline"] > 100
    assert set(restored["tables"]) == set(source["tables"])
    written = {t for t, n in source["tables"].items() if n != before["tables"].get(t)}
    assert "submissions_submission" in written
    for table, count in source["tables"].items():
        if table in written:  # the backup is the database at one moment between two writes
            assert before["tables"][table] < restored["tables"][table] <= count, table
        else:
            assert restored["tables"][table] == count, table
    assert restored["tables"]["otp_totp_totpdevice"] == 1
    # Each restored submission is the source's, as stored: nothing half-written.
    assert restored["submissions"]
    assert all(source["submissions"][pk] == row for pk, row in restored["submissions"].items())


def test_backup_files_are_private_from_their_creation_under_a_umask_of_022(world):
    for path in (world.plain, world.sealed):
        assert oct(stat.S_IMODE(path.stat().st_mode)) == "0o600"
    assert not [p.name for p in world.tmp.iterdir() if p.name.startswith(".")]  # no leftovers


def _backup_text(path: Path) -> bytes:
    """The bytes a reader of the backup sees; a pg_dump archive is compressed, so as SQL."""
    if not POSTGRES:
        return path.read_bytes()
    return subprocess.run(["pg_restore", "--file=-", str(path)], capture_output=True,
                          check=True).stdout


def test_stories_stay_ciphertext_in_the_backup_and_in_the_restored_database(world):
    from atlas.submissions.stories import story_open
    text = _backup_text(world.plain)
    assert world.marker[::-1].encode() in text  # the proposals' plain names: the search works
    assert world.marker.encode() not in text
    stories = [row for row in world.restored_probe["submissions"].values() if row[0] == "story"]
    assert stories and not [row for row in stories if world.marker in row[3]]
    opened = [story_open(sealed=row[3], key=world.story_key)["story"] for row in stories]
    assert all(story.startswith(world.marker) for story in opened)


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(world):
    out = world.site.atlas("restore", world.plain, url=world.source, check=False)
    assert out.returncode == 2
    assert "is not empty" in out.stderr and "in catalogue_tool" in out.stderr
    assert "--force" in out.stderr and "Nothing was changed" in out.stderr
    assert world.site.probe(world.source, counts=True)["tables"] == world.after["tables"]
    forced = world.site.atlas("restore", world.plain, "--force", url=world.restored)
    assert "It replaced" in forced.stdout
    assert world.site.probe(world.restored, counts=True)["tables"] == \
        world.restored_probe["tables"]


def test_an_encrypted_backup_is_unreadable_without_its_key_and_restores_with_it(world):
    data = world.sealed.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n")
    assert MAGIC not in data and world.marker[::-1].encode() not in data
    target = world.dbs.new("from_sealed")
    out = world.site.atlas("restore", world.sealed, url=target, check=False)
    assert out.returncode == 2 and "is encrypted: pass --identity" in out.stderr
    identity_file(world.tmp / "another-key.txt")
    out = world.site.atlas("restore", world.sealed, "--identity", world.tmp / "another-key.txt",
                           url=target, check=False)
    assert out.returncode == 2 and "cannot decrypt" in out.stderr
    assert world.site.probe(target, counts=True)["tables"] == {}
    world.site.atlas("restore", world.sealed, "--identity", world.key_file, url=target)
    assert not list((world.tmp / "var").glob(".atlas-*"))  # no decrypted copy is left behind
    restored = world.site.probe(target)
    assert restored["api"] == world.after["api"] and restored["export"] == world.after["export"]


@pytest.mark.skipif(not shutil.which("age-keygen"), reason="Debian's age is not installed")
def test_backups_and_keys_work_with_the_age_command_without_the_atlas(world):
    def age(*args):
        return subprocess.run(["age", *map(str, args)], capture_output=True, check=True).stdout

    assert age("--decrypt", "--identity", world.key_file, world.sealed).startswith(MAGIC)
    key_file = world.tmp / "made-by-age-keygen.txt"
    subprocess.run(["age-keygen", "-o", key_file], capture_output=True, check=True)
    public = subprocess.run(["age-keygen", "-y", key_file], capture_output=True, text=True,
                            check=True).stdout.strip()
    sealed = world.tmp / "to-age-keygen-key.age"
    world.site.atlas("backup", sealed, "--recipient", public, url=world.restored)
    assert age("--decrypt", "--identity", key_file, sealed).startswith(MAGIC)
    from atlas.backups.sealing import identities_load
    assert len(identities_load([key_file])) == 1


def _damaged(path: Path, how: str, dest: Path) -> Path:
    data = bytearray(path.read_bytes())
    if how == "overwritten":  # one whole 4 KiB page of a SQLite file, or zlib data in pg_dump's
        middle = len(data) // 2 // 4096 * 4096
        data[middle:middle + 4096] = b"\xa5" * 4096
    else:
        data = data[:len(data) // 2]
    dest.write_bytes(bytes(data))
    return dest


@pytest.mark.parametrize("backup,how", [("plain", "cut"), ("plain", "overwritten"),
                                        ("sealed", "cut"), ("sealed", "overwritten")])
def test_a_damaged_backup_is_refused_and_the_database_is_left_as_it_was(world, backup, how):
    damaged = _damaged(getattr(world, backup), how, world.tmp / f"damaged-{backup}-{how}")
    out = world.site.atlas("restore", damaged, "--force", "--identity", world.key_file,
                           url=world.restored, check=False)
    assert out.returncode == 2, out.stdout
    assert out.stderr.startswith("error: ") and "nothing was changed" in out.stderr.lower()
    assert "Traceback" not in out.stderr
    assert world.site.probe(world.restored, counts=True)["tables"] == \
        world.restored_probe["tables"]


def test_a_file_of_the_other_engine_or_no_backup_at_all_is_refused(world):
    other = world.tmp / "other-engine.backup"
    if POSTGRES:
        conn = sqlite3.connect(other)
        conn.execute("CREATE TABLE django_migrations (id integer)")
        conn.close()
    else:
        other.write_bytes(b"PGDMP" + bytes(200))
    out = world.site.atlas("restore", other, "--force", url=world.restored, check=False)
    assert out.returncode == 2
    assert "a backup restores into the engine it came from" in out.stderr
    assert "`atlas export` and `atlas import`" in out.stderr
    notes = world.tmp / "notes.txt"
    notes.write_text("not a backup\n")
    out = world.site.atlas("restore", notes, "--force", url=world.restored, check=False)
    assert out.returncode == 2 and "is not a backup of the Atlas" in out.stderr
    assert world.site.probe(world.restored, counts=True)["tables"] == \
        world.restored_probe["tables"]


def test_backup_never_replaces_a_file_unless_forced_and_dates_a_file_in_a_directory(world):
    kept = world.tmp / "kept.backup"
    kept.write_bytes(b"an earlier backup")
    out = world.site.atlas("backup", kept, url=world.restored, check=False)
    assert out.returncode == 2 and "already exists; pass --force" in out.stderr
    assert kept.read_bytes() == b"an earlier backup"
    directory = world.tmp / "nightly"
    directory.mkdir()
    world.site.atlas("backup", directory, url=world.restored)
    [made] = directory.iterdir()
    engine = "postgresql" if POSTGRES else "sqlite"
    assert made.name.startswith(f"atlas-{engine}-") and made.read_bytes().startswith(MAGIC)
    assert oct(stat.S_IMODE(made.stat().st_mode)) == "0o600"


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL roles and extensions")
def test_the_database_owner_restores_where_a_superuser_created_the_unaccent_extension(world):
    role = f"{urlsplit(SERVER_URL).path.lstrip('/')}_bk_{os.getpid()}_owner"
    target = world.dbs.new("owned")
    name = urlsplit(target).path.lstrip("/")
    world.dbs.sql(f'DROP ROLE IF EXISTS "{role}"')
    world.dbs.sql(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'owner-only-here'")
    try:
        world.dbs.sql(f'ALTER DATABASE "{name}" OWNER TO "{role}"')
        import psycopg
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION unaccent")  # by the superuser of this run's URL
            conn.execute(f'GRANT ALL ON SCHEMA public TO "{role}"')
        url = urlsplit(target)
        as_owner = urlunsplit(url._replace(
            netloc=f"{role}:owner-only-here@{url.hostname}:{url.port or 5432}"))
        world.site.atlas("restore", world.plain, url=as_owner)
        assert world.site.probe(as_owner, counts=True)["tables"]["catalogue_tool"] == \
            world.restored_probe["tables"]["catalogue_tool"]
    finally:
        world.dbs.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        world.dbs.created.remove(name)
        world.dbs.sql(f'DROP ROLE IF EXISTS "{role}"')


def test_a_database_that_does_not_answer_is_named_without_a_traceback(world):
    url = world.dbs.new("gone")
    if POSTGRES:
        world.dbs.sql(f'DROP DATABASE "{urlsplit(url).path.lstrip("/")}"')
    else:
        url = f"sqlite:///{world.tmp / 'no-such-directory' / 'atlas.sqlite3'}"
    for args in (("backup", world.tmp), ("restore", world.plain)):
        out = world.site.atlas(*args, url=url, check=False)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert out.stderr.startswith("error: cannot reach the ") and "Nothing was changed" in \
            out.stderr
