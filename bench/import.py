"""Import benchmark: `atlas import` of synthetic catalogues, as an operator runs it.

    .venv/bin/python bench/import.py                  # 10,000 and 100,000 tools
    .venv/bin/python bench/import.py --sizes 100000
    .venv/bin/python bench/import.py --sizes 0 --harvest 2000,10000

For each size: a fresh SQLite database with the default organisations, then `atlas import` of a
CSV of that many tools (the default dataset recombined, as bench/load.py makes it), timed as a
whole process (wall seconds, peak memory); then the same file again (nothing to change), then
with every description changed (every tool updated). The import reports the longest time it held
the database's write lock; meanwhile a probe, as the site's own writes (submissions, logins)
would, opens a tiny write transaction every 20 ms and reports the longest it had to wait: the
figure that decides whether a visitor's submission waits or fails. With --harvest, the same probe
watches `atlas harvest` of that many tools from another Atlas's API (a stub served on 127.0.0.1,
tests/dataio/processes.py) into a fresh database with the default organisations.
"""

from __future__ import annotations

import argparse
import os
import re
import csv
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))


def run(cmd, env) -> tuple[float, float, str]:
    """(wall seconds, peak memory in MB, stderr) of one process."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", *map(str, cmd)], env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{cmd} failed:\n{done.stdout}\n{done.stderr}")
    rss = int(re.search(r"MAXRSS (\d+)", done.stderr).group(1)) / 1024
    return wall, rss, done.stdout + done.stderr


class WriterProbe:
    """A writer beside the import: BEGIN IMMEDIATE; COMMIT every 20 ms, the longest wait kept."""

    def __init__(self, database: Path):
        self.database, self.longest = database, 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        connection = sqlite3.connect(self.database, timeout=300, isolation_level=None)
        while not self.stop.is_set():
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("COMMIT")
            self.longest = max(self.longest, time.perf_counter() - started)
            time.sleep(0.02)
        connection.close()

    def reset(self) -> float:
        longest, self.longest = self.longest, 0.0
        return longest

    def close(self):
        self.stop.set()
        self.thread.join()


def changed_descriptions(source: Path, target: Path) -> None:
    with open(source, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows, header = list(reader), reader.fieldnames
    with open(target, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows({**row, "description": row["description"] + " (Revised.)"}
                         for row in rows)


def main() -> int:
    from load import synthetic_csv

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--no-changed", action="store_true",
                        help="skip the third run (every description changed)")
    parser.add_argument("--harvest", default="", help="harvest sizes, e.g. 2000,10000")
    args = parser.parse_args()
    print(f"{'tools':>8} {'run':<10} {'wall s':>8} {'lock s':>8} {'waited s':>9} {'peak MB':>8}"
          f"  result   (load {os.getloadavg()[0]:.2f})")
    for size in [n for n in map(int, args.sizes.split(",")) if n]:
        work = Path(tempfile.mkdtemp(prefix="atlas-import-"))
        env = {**os.environ, "ATLAS_DATA_DIR": str(work), "ATLAS_HTTPS": "false"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("ATLAS_DATABASE_URL", None)
        csv_path = work / "tools.csv"
        synthetic_csv(size, csv_path)
        run([BIN / "atlas", "import", ROOT / "atlas/data/organisations.csv"], env)
        runs = [("first", csv_path), ("again", csv_path)]
        if not args.no_changed:
            changed_descriptions(csv_path, work / "changed.csv")
            runs.append(("changed", work / "changed.csv"))
        probe = WriterProbe(work / "atlas.sqlite3")
        for label, path in runs:
            probe.reset()
            wall, rss, out = run([BIN / "atlas", "import", path], env)
            waited = probe.reset()
            lock = re.search(r"write lock was held ([\d.]+) s", out)
            summary = re.search(r"imported: ([^;]+)", out)
            print(f"{size:>8} {label:<10} {wall:>8.1f} {float(lock.group(1)) if lock else 0:>8.1f} "
                  f"{waited:>9.2f} {rss:>8.0f}  {summary.group(1) if summary else out[-200:]}"
                  f"   (load {os.getloadavg()[0]:.2f})", flush=True)
        probe.close()
    for size in [int(n) for n in args.harvest.split(",") if n]:
        harvest(size)
    return 0


def harvest(size: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.dataio.processes import StubSource

    work = Path(tempfile.mkdtemp(prefix="atlas-harvest-"))
    env = {**os.environ, "ATLAS_DATA_DIR": str(work), "ATLAS_HTTPS": "false"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("ATLAS_DATABASE_URL", None)
    run([BIN / "atlas", "import", ROOT / "atlas/data/organisations.csv"], env)
    source = StubSource(size)
    probe = WriterProbe(work / "atlas.sqlite3")
    wall, rss, out = run([BIN / "atlas", "harvest", source.url], env)
    probe.close()
    source.stop()
    summary = re.search(r"proposed (\d+) new tools", out)
    print(f"{size:>8} {'harvest':<10} {wall:>8.1f} {'':>8} {probe.longest:>9.2f} {rss:>8.0f}  "
          f"{summary.group(1) if summary else out[-200:]} proposals   "
          f"(load {os.getloadavg()[0]:.2f})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
