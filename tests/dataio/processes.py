"""Running `atlas` commands as separate processes on a database the test can read too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import closing
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


# --- Databases that a test and an `atlas` process both use ------------------------------------

COUNTED = ["catalogue_tool", "catalogue_organisation", "catalogue_toolorganisation",
           "catalogue_deployment", "catalogue_source", "catalogue_searchbacklog",
           "submissions_submission", "api_harvestedrecord"]


class SqliteTarget:
    """A SQLite file: a copy of a migrated one. Writing = a write transaction holds the lock
    and has put more than `deep` bytes in the write-ahead log (which setup() empties): well into
    the write, past its first statements."""

    # Measured: 10,000 tools of tools_csv are 2.8 MB of log, their relations 5 MB more; 800
    # proposals of StubSource 13 MB, written in batches of 500 (the first 8.3 MB).
    deep = {"import": 3_500_000, "harvest": 9_000_000}

    def __init__(self, directory: Path, migrated: Path):
        import shutil
        self.path = directory / "atlas.sqlite3"
        shutil.copy(migrated, self.path)
        self.env = cli_env(directory, f"sqlite:///{self.path}")
        self.wal = Path(f"{self.path}-wal")

    def _connect(self, timeout=10):
        import sqlite3
        return sqlite3.connect(self.path, timeout=timeout, isolation_level=None)

    def setup(self):
        """After the test's own setup: the log emptied, so any growth is the process's."""
        with closing(self._connect()) as db:
            assert db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0

    def counts(self) -> dict:
        with closing(self._connect()) as db:
            return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}

    def unchanged(self, table, before) -> bool:
        import sqlite3
        try:
            with closing(self._connect(timeout=1)) as db:
                return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == before
        except sqlite3.OperationalError:  # stopped while it locked out readers (a checkpoint)
            return False

    def integrity(self) -> str:
        with closing(self._connect()) as db:
            return "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))

    def writing(self, kind: str) -> bool:
        import sqlite3
        if not (self.wal.exists() and self.wal.stat().st_size > self.deep[kind]):
            return False
        with closing(self._connect(timeout=0)) as db:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True  # "database is locked": another process is in a write transaction
            db.execute("ROLLBACK")
            return False

    def finished(self):
        pass


class PostgresTarget:
    """The test's own PostgreSQL database (the test commits: transactional_db). Writing = the
    process's session is in a transaction whose last statement is one of the kind's writes."""

    # The import's copy of the tools' relations (after the tools), the harvest's proposals.
    PATTERNS = {"import": r'^INSERT INTO "catalogue_(toolorganisation|deployment|source)" .*'
                          r'FROM atlas_stage_',
                "harvest": r'^INSERT INTO "submissions_submission" '}

    def __init__(self, directory: Path):
        from django.db import connection
        s = connection.settings_dict
        self.name = f"atlas-kill-{os.getpid()}-{directory.name}"[:60]
        url = (f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or 'localhost'}:"
               f"{s['PORT'] or 5432}/{s['NAME']}")
        self.env = {**cli_env(directory, url), "PGAPPNAME": self.name}

    def _query(self, sql, params=()):
        from django.db import connection
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def setup(self):
        pass

    def counts(self) -> dict:
        return {t: self._query(f"SELECT count(*) FROM {t}")[0][0] for t in COUNTED}

    def unchanged(self, table, before) -> bool:
        return self.counts()[table] == before

    def integrity(self) -> str:
        return "ok"  # PostgreSQL has no equivalent check; the row counts are compared

    def writing(self, kind: str) -> bool:
        return bool(self._query(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND xact_start IS NOT "
            "NULL AND state IN ('active', 'idle in transaction') AND query ~ %s",
            [self.name, self.PATTERNS[kind]]))

    def finished(self, timeout=120):
        """Wait until the killed process's session is gone (its transaction rolled back)."""
        deadline = time.monotonic() + timeout
        while self._query("SELECT 1 FROM pg_stat_activity WHERE application_name = %s",
                          [self.name]):
            assert time.monotonic() < deadline, "the killed process's session did not end"
            time.sleep(0.1)


def kill_while_writing(process: subprocess.Popen, target, kind: str, *, unchanged: str,
                       before: int, timeout=600) -> None:
    """SIGKILL the process in the middle of its write: seen writing, stopped (SIGSTOP), seen
    still writing with nothing committed in table `unchanged`, then killed. Bounded in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the process ended ({process.returncode}) before it was seen "
                                 f"writing:\n{process.stderr.read()[-3000:]}")
        if target.writing(kind):
            os.kill(process.pid, signal.SIGSTOP)
            # A signal is delivered asynchronously: wait until the process has really stopped,
            # or it may commit between the checks below and the kill.
            os.waitpid(process.pid, os.WUNTRACED)
            if target.writing(kind) and target.unchanged(unchanged, before):
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=60)
                target.finished()
                return
            os.kill(process.pid, signal.SIGCONT)
        time.sleep(0.005)
    process.kill()
    raise AssertionError(f"not seen writing within {timeout} s")


def tools_csv(path: Path, count: int) -> Path:
    """`count` short tools, each with organisations (some new) and five deployments: most of
    an import's write is then its tools' relations, after the tools themselves."""
    countries = ["KE", "UG", "TZ", "NG", "GH", "IN", "BR", "FR", "US", "PH"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("name,organization,description,countries,source_url\n")
        for i in range(count):
            orgs = f"Marinus Analytics [owner]; New Org {i // 100} [funder]"
            places = ";".join(countries[(i + k) % len(countries)] for k in range(5))
            fh.write(f"Killed Tool {i},{orgs},Finds things number {i}.,{places},"
                     f"https://t{i}.example/about\n")
    return path


class StubSource:
    """Another Atlas's API as a harvest reads it, for `count` generated tools, on 127.0.0.1."""

    def __init__(self, count: int):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        tools = {f"remote-{i}": _remote_tool(i) for i in range(count)}
        summaries = [{k: v for k, v in t.items() if k not in DETAIL_ONLY} for t in tools.values()]

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - http.server's naming
                path, _, query = self.path.partition("?")
                if path == "/api/v1/tools":
                    page = int(dict(p.split("=") for p in query.split("&")).get("page", 1))
                    results = summaries[(page - 1) * 100:page * 100]
                    more = page * 100 < len(summaries)
                    data = {"count": len(summaries), "page": page, "num_pages": 1,
                            "next": f"/api/v1/tools?per_page=100&page={page + 1}" if more
                            else None, "previous": None, "suggestion": None,
                            "results": results, "facets": []}
                else:
                    data = tools.get(path.rsplit("/", 1)[-1])
                body = json.dumps(data).encode()
                self.send_response(200 if data else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


DETAIL_ONLY = {"long_description", "languages", "source_repository", "survivor_involvement",
               "processes_victim_data", "deployments", "sources"}


def _remote_tool(i: int) -> dict:
    slug = f"remote-{i}"
    return {
        "slug": slug, "name": f"Remote Tool {i}", "aliases": [], "url": f"/tools/{slug}/",
        "short_description": f"Harvested tool number {i}.", "website": "",
        "organisations": [], "purposes": [], "technologies": [], "users": [],
        "exploitation": [], "countries": ["KE"], "headquarters_country": "", "cost": "unknown",
        "access": "unknown", "status": "unknown", "open_source": "unknown", "licence": "",
        "year_launched": None, "verified": False, "verified_at": None, "evidence": [],
        "created_at": "2024-01-01T00:00:00+00:00", "updated_at": "2024-01-01T00:00:00+00:00",
        "long_description": "A long description. " * 750, "languages": [],
        "source_repository": "", "survivor_involvement": "unknown",
        "processes_victim_data": "unknown", "deployments": [],
        "sources": [{"url": f"https://r{i}.example", "title": "", "date_read": None}]}
