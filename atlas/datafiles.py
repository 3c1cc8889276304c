"""The data directory and the SQLite database files are private to the account that runs the Atlas.

They hold TOTP seeds, session keys, password hashes and sealed stories: `var/` is 0700 and the
database, its WAL and shared-memory files 0600. SQLite gives the -wal and -shm files the mode of
the database file, so creating the database file 0600 before anything opens it is enough; files
left more open by an older version are tightened at every start (`atlas` commands) and reported
by `atlas manage check --deploy` (atlas.E002).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register

DIR_MODE, FILE_MODE = 0o700, 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def data_dir() -> Path:
    from atlas.settings.base import DATA_DIR
    return DATA_DIR


def sqlite_databases() -> list[Path]:
    """The SQLite database file of every configured SQLite database (existing or not)."""
    files = []
    for db in settings.DATABASES.values():
        name = str(db.get("NAME") or "")
        if db.get("ENGINE") == "django.db.backends.sqlite3" and name and ":memory:" not in name \
                and not name.startswith("file:"):
            files.append(Path(name))
    return files


def sqlite_files() -> list[Path]:
    """Each database file and its companions (WAL, shared memory, rollback journal)."""
    return [Path(f"{db}{suffix}") for db in sqlite_databases() for suffix in SQLITE_COMPANIONS]


def _too_open(path: Path, mode: int) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & ~mode != 0


def private_files() -> list[tuple[Path, int]]:
    """(path, the most open mode allowed) for every private path that exists."""
    paths = [(data_dir(), DIR_MODE)]
    paths += [(path, FILE_MODE) for path in sqlite_files()]
    paths += [(data_dir() / "secret_key", FILE_MODE)]
    return [(path, mode) for path, mode in paths if path.exists()]


def data_files_secure() -> list[str]:
    """Create the data directory and the SQLite database file private, and tighten any that are
    more open; returns what was tightened. PermissionError if a file is not ours to change."""
    fixed = []
    directory = data_dir()
    directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for path in sqlite_databases():
        if not path.exists() and path.parent.is_dir():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for path, mode in private_files():
        if _too_open(path, mode):
            os.chmod(path, stat.S_IMODE(path.stat().st_mode) & mode)
            fixed.append(f"{path} (now {oct(stat.S_IMODE(path.stat().st_mode))[2:]})")
    return fixed


@register(Tags.security, deploy=True)
def data_files_private(app_configs, **kwargs):
    return [Error(f"{path} can be read by other accounts on this machine "
                  f"(mode {oct(stat.S_IMODE(path.stat().st_mode))[2:]}).",
                  hint=f"chmod {oct(mode)[2:]} {path} (any `atlas` command does it).",
                  id="atlas.E002")
            for path, mode in private_files() if _too_open(path, mode)]
