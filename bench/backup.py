"""Backup benchmark: `atlas backup` and `atlas restore` of synthetic catalogues while submissions
are written, as an operator runs them.

    .venv/bin/python bench/backup.py                       # SQLite, 10,000 and 100,000 tools
    .venv/bin/python bench/backup.py --sizes 10000 --postgres postgres://postgres@127.0.0.1/bench

For each size: a fresh database with the default organisations and a CSV of that many tools (the
default dataset recombined, as bench/load.py makes it); then, while a writer process submits a
tool proposal every 20 ms, `atlas backup` plain and encrypted to an age key, each timed as a whole
process (wall seconds, peak memory), with the slowest submission written during it against the
median one; then `atlas restore` into an empty database. PostgreSQL runs create and drop
databases named after the given one.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

WRITER = """
import sys, time
from atlas.cli import setup_django
setup_django()
from atlas.submissions.services import submission_create
while True:
    start = time.monotonic()
    submission_create(kind="tool", payload={"name": "Benchmark proposal", "description": "x"})
    print(start, time.monotonic(), flush=True)
    time.sleep(0.02)
"""


def run(cmd, env) -> tuple[float, float, float, float, str]:
    """(start, end, wall seconds, peak memory in MB, output) of one process."""
    start = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", *map(str, cmd)], env=env,
                          capture_output=True, text=True)
    end = time.monotonic()
    if done.returncode:
        raise SystemExit(f"{cmd} failed:\n{done.stdout}\n{done.stderr}")
    rss = int(re.search(r"MAXRSS (\d+)", done.stderr).group(1)) / 1024
    return start, end, end - start, rss, done.stdout + done.stderr


class Databases:
    def __init__(self, work: Path, postgres: str | None):
        self.work, self.postgres, self.made = work, postgres, []

    def _sql(self, statement: str) -> None:
        import psycopg
        with psycopg.connect(self.postgres, autocommit=True) as conn:
            conn.execute(statement)

    def new(self, label: str) -> str:
        if not self.postgres:
            return f"sqlite:///{self.work / label}.sqlite3"
        url = urlsplit(self.postgres)
        name = f"{url.path.lstrip('/')}_{label}"
        self._sql(f'DROP DATABASE IF EXISTS "{name}"')
        self._sql(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return urlunsplit(url._replace(path="/" + name))

    def drop(self) -> None:
        for name in self.made:
            self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(size: int, postgres: str | None) -> None:
    import pyrage

    from load import synthetic_csv

    work = Path(tempfile.mkdtemp(prefix="atlas-backup-"))
    dbs = Databases(work, postgres)
    base = {**os.environ, "ATLAS_DATA_DIR": str(work / "var"), "ATLAS_HTTPS": "false",
            "ATLAS_SEMANTIC_SEARCH": "false"}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        env = {**base, "ATLAS_DATABASE_URL": dbs.new(f"b{size}")}
        csv_path = work / "tools.csv"
        synthetic_csv(size, csv_path)
        run([BIN / "atlas", "import", ROOT / "atlas/data/organisations.csv"], env)
        run([BIN / "atlas", "import", csv_path], env)
        recipient = str(pyrage.x25519.Identity.generate().to_public())
        writes: list[tuple[float, float]] = []
        writer = subprocess.Popen([sys.executable, "-c", WRITER], env=env, text=True,
                                  stdout=subprocess.PIPE)
        threading.Thread(target=lambda: writes.extend(
            tuple(map(float, line.split())) for line in writer.stdout), daemon=True).start()
        time.sleep(3)
        results = []
        try:
            for label, extra in (("plain", []), ("age", ["--recipient", recipient])):
                dest = work / f"backup-{label}"
                start, end, wall, rss, _out = run([BIN / "atlas", "backup", dest, *extra], env)
                results.append((label, dest, start, end, wall, rss))
            time.sleep(1)
        finally:
            writer.terminate()
            writer.wait()
        latencies = [b - a for a, b in writes]
        median = statistics.median(latencies) * 1000
        engine = "PostgreSQL" if postgres else "SQLite"
        for label, dest, start, end, wall, rss in results:
            during = [b - a for a, b in writes if a < end and b > start]
            print(f"{engine:<10} {size:>7} {'backup ' + label:<15} {wall:>7.1f} {rss:>8.0f} "
                  f"{dest.stat().st_size / 1e6:>8.1f}  {len(during):>4} writes during it, "
                  f"slowest {max(during, default=0) * 1000:.0f} ms (median of all "
                  f"{median:.0f} ms)", flush=True)
        target = {**base, "ATLAS_DATABASE_URL": dbs.new(f"r{size}")}
        _s, _e, wall, rss, _out = run([BIN / "atlas", "restore", work / "backup-plain"], target)
        print(f"{engine:<10} {size:>7} {'restore':<15} {wall:>7.1f} {rss:>8.0f}", flush=True)
    finally:
        dbs.drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--postgres", help="a PostgreSQL URL: run on PostgreSQL instead of SQLite")
    args = parser.parse_args()
    print(f"{'engine':<10} {'tools':>7} {'run':<15} {'wall s':>7} {'peak MB':>8} {'file MB':>8}"
          f"  (load {os.getloadavg()[0]:.2f})")
    for size in map(int, args.sizes.split(",")):
        measure(size, args.postgres)
    return 0


if __name__ == "__main__":
    sys.exit(main())
