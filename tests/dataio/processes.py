"""Running `atlas` commands as separate processes on a database the test can read too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli_env(data_dir: Path, database_url: str) -> dict:
    """The environment of an `atlas` command working on database_url."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "atlas.settings.dev",
           "ATLAS_DATABASE_URL": database_url, "ATLAS_DATA_DIR": str(data_dir),
           "ATLAS_SEMANTIC_SEARCH": "false"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def atlas(env: dict, *args, timeout=300) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "atlas", *map(str, args)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def migrated_sqlite_file(directory: Path) -> Path:
    """A migrated SQLite database file, to be copied by each test (migrating takes seconds)."""
    path = directory / "atlas.sqlite3"
    atlas(cli_env(directory, f"sqlite:///{path}"), "manage", "migrate", "--verbosity", "0")
    return path
