"""`kill -9` of `atlas import` and of `atlas harvest` in the middle of their write: nothing is
half-written. On SQLite the file passes `PRAGMA integrity_check`; on both databases every
table has the rows it had before. The suite's PostgreSQL run (ATLAS_DATABASE_URL set) runs them
against PostgreSQL."""

import os
import subprocess
import sys

import pytest

from tests.dataio.processes import (ROOT, PostgresTarget, SqliteTarget, StubSource, atlas,
                                    kill_while_writing, migrated_sqlite_file, tools_csv)

# On PostgreSQL the processes write to the test database: committed, then flushed after the test.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    return migrated_sqlite_file(tmp_path_factory.mktemp("migrated"))


@pytest.fixture
def target(tmp_path, request):
    if os.environ.get("ATLAS_DATABASE_URL"):
        return PostgresTarget(tmp_path)
    return SqliteTarget(tmp_path, request.getfixturevalue("migrated"))


def _start(target, *args):
    return subprocess.Popen([sys.executable, "-m", "atlas", *map(str, args)], env=target.env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def test_atlas_import_killed_in_the_middle_of_its_write_leaves_every_table_as_it_was(
        target, tmp_path):
    atlas(target.env, "import", ROOT / "atlas/data/organisations.csv")
    atlas(target.env, "import", tools_csv(tmp_path / "few.csv", 5))
    target.setup()
    before = target.counts()
    assert before["catalogue_tool"] == 5
    # 10,000 tools, the first five of them changed: created, updated and deleted rows at once.
    process = _start(target, "import", tools_csv(tmp_path / "many.csv", 10_000))
    kill_while_writing(process, target, "import", unchanged="catalogue_tool",
                       before=before["catalogue_tool"])
    assert target.integrity() == "ok"
    assert target.counts() == before


def test_atlas_harvest_killed_in_the_middle_of_its_write_leaves_every_table_as_it_was(
        target, tmp_path):
    source = StubSource(800)
    try:
        atlas(target.env, "import", ROOT / "atlas/data/organisations.csv")
        target.setup()
        before = target.counts()
        process = _start(target, "harvest", source.url)
        kill_while_writing(process, target, "harvest", unchanged="submissions_submission",
                           before=before["submissions_submission"])
    finally:
        source.stop()
    assert target.integrity() == "ok"
    assert target.counts() == before
