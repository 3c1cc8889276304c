"""The parts of atlas/backups that need no database process: keys, private files, messages."""

import os
import stat

import pyrage
import pytest
from django.db import connection

from atlas.backups import BackupError, sealing
from atlas.backups.services import _private_file, backup_create, rows_text
from atlas.cli import build_parser


def test_help_lists_backup_and_restore():
    help_text = build_parser().format_help()
    assert "backup" in help_text and "restore" in help_text


def test_a_private_file_is_0600_whatever_the_umask(tmp_path):
    for umask in (0o022, 0o000, 0o277):
        old = os.umask(umask)
        try:
            with _private_file(tmp_path, "x") as path:
                assert oct(stat.S_IMODE(path.stat().st_mode)) == "0o600", oct(umask)
                path.write_bytes(b"written by the owner")
        finally:
            os.umask(old)
        assert not path.exists()


def test_a_recipient_that_is_not_a_public_key_is_refused_with_what_it_was():
    good = pyrage.x25519.Identity.generate().to_public()
    assert len(sealing.recipients_parse([str(good), f" {good} "])) == 2
    with pytest.raises(BackupError, match="'age1nope' is not an age public key"):
        sealing.recipients_parse(["age1nope"])
    with pytest.raises(BackupError, match="'AGE-SECRET-KEY-1X' is not an age public key"):
        sealing.recipients_parse(["AGE-SECRET-KEY-1X"])


def test_a_key_file_without_a_private_key_is_refused(tmp_path):
    empty = tmp_path / "key.txt"
    empty.write_text("# public key: age1...\n")
    with pytest.raises(BackupError, match="holds no age private key"):
        sealing.identities_load([empty])
    with pytest.raises(BackupError, match="cannot read the key file"):
        sealing.identities_load([tmp_path / "missing.txt"])
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("AGE-SECRET-KEY-1NOTAKEY\n")
    with pytest.raises(BackupError, match="holds a damaged private key"):
        sealing.identities_load([damaged])


def test_rows_are_summed_and_the_largest_tables_named():
    rows = {f"t{i}": i for i in range(1, 9)}
    assert rows_text(rows, most=2) == "36 rows in 8 tables: 8 in t8, 7 in t7, 6 more tables"
    assert rows_text({"auth_user": 1}) == "1 row in 1 table: 1 in auth_user"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the in-memory test database of SQLite")
def test_an_in_memory_database_is_refused(tmp_path):
    with pytest.raises(BackupError, match="in-memory SQLite database cannot be backed up"):
        backup_create(path=tmp_path / "b")
    assert list(tmp_path.iterdir()) == []
