"""Import benchmark: `atlas import` of synthetic catalogues, as an operator runs it.

    .venv/bin/python bench/import.py                  # 10,000 and 100,000 tools
    .venv/bin/python bench/import.py --sizes 100000

For each size: a fresh SQLite database with the default organisations, then `atlas import` of a
CSV of that many tools (the default dataset recombined, as bench/load.py makes it), timed as a
whole process (wall seconds, peak memory); then the same file again (nothing to change). The
import reports how long it held the database's write lock, the figure that decides how long the
site's own writes (submissions, logins) may have to wait.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
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


def main() -> int:
    from load import synthetic_csv

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    print(f"{'tools':>8} {'run':<10} {'wall s':>8} {'lock s':>8} {'peak MB':>8}  result"
          f"   (load {os.getloadavg()[0]:.2f})")
    for size in map(int, args.sizes.split(",")):
        work = Path(tempfile.mkdtemp(prefix="atlas-import-"))
        env = {**os.environ, "ATLAS_DATA_DIR": str(work), "ATLAS_HTTPS": "false"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        csv_path = work / "tools.csv"
        synthetic_csv(size, csv_path)
        run([BIN / "atlas", "import", ROOT / "atlas/data/organisations.csv"], env)
        for label in ("first", "again"):
            wall, rss, out = run([BIN / "atlas", "import", csv_path], env)
            lock = re.search(r"write lock was held ([\d.]+) s", out)
            summary = re.search(r"imported: ([^;]+)", out)
            print(f"{size:>8} {label:<10} {wall:>8.1f} {float(lock.group(1)) if lock else 0:>8.1f} "
                  f"{rss:>8.0f}  {summary.group(1) if summary else out[-200:]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
