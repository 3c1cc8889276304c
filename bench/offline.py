"""Offline copy benchmark: `atlas export-site` of the default dataset, its size and its time.

    .venv/bin/python bench/offline.py            # default dataset, every language, with --zip
    .venv/bin/python bench/offline.py --keep     # and keep the copy (its path is printed)

Loads the default dataset into a temporary SQLite file, then runs the real command in another
process (production settings, as an operator would) and prints pages, bytes unzipped and zipped,
wall and CPU seconds (the command's process and its worker processes), the load average around
the run, and bytes by kind of file. Exits 1 when the copy misses issue 7's targets: under 15 MB
unzipped and under 60 s.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 15_000_000
MAX_SECONDS = 60.0


def _atlas(env, *args):
    out = subprocess.run([sys.executable, "-m", "atlas", *args], env=env, cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stdout[-2000:] + out.stderr[-2000:])
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _kind(site: Path, path: Path) -> str:
    """Which part of the copy a file belongs to, across languages."""
    parts = path.relative_to(site).parts
    if parts[0] in {"ar", "zh-hans", "fr", "ru", "es"} and len(parts) > 1:
        parts = parts[1:]
    section = parts[0] if len(parts) > 1 else "(home)"
    if section == "tools" and len(parts) > 2 and parts[1] == "page":
        section = "tools (list pages)"
    return f"{section} {path.suffix or '(none)'}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the exported copy")
    parser.add_argument("--jobs", type=int, help="passed to export-site (default: CPUs)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="atlas-offline-bench-"))
    env = {**os.environ, "ATLAS_DATABASE_URL": f"sqlite:///{tmp / 'atlas.sqlite3'}",
           "ATLAS_DATA_DIR": str(tmp / "var"), "PYTHONWARNINGS": "ignore"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _atlas(env, "load-default")
    site = tmp / "site"
    command = ["export-site", str(site), "--zip"]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]

    load_before = os.getloadavg()
    cpu_before, started = _children_cpu(), time.perf_counter()
    out = _atlas(env, *command)
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    load_after = os.getloadavg()

    pages = int(re.search(r"Exported (\d+) pages", out.stdout).group(1))
    files = [p for p in site.rglob("*") if p.is_file()]
    unzipped = sum(p.stat().st_size for p in files)
    zipped = (tmp / "site.zip").stat().st_size
    by_kind = collections.Counter()
    for path in files:
        by_kind[_kind(site, path)] += path.stat().st_size

    print(f"command: atlas {' '.join(command)}")
    print(f"pages: {pages:,}  files: {len(files):,}")
    print(f"bytes unzipped: {unzipped:,} ({unzipped / 1e6:.1f} MB)")
    print(f"bytes zipped: {zipped:,} ({zipped / 1e6:.1f} MB)")
    print(f"wall: {wall:.1f} s  CPU: {cpu:.1f} s (export-site and its workers)")
    print(f"load average before: {load_before[0]:.2f}  after: {load_after[0]:.2f} "
          f"(1 min); {os.cpu_count()} CPUs")
    print("bytes by kind of file (all languages):")
    for kind, size in by_kind.most_common():
        print(f"  {kind:28} {size / 1e6:6.2f} MB")

    if args.keep:
        print(f"copy kept in {site}")
    else:
        shutil.rmtree(tmp)
    missed = []
    if unzipped >= MAX_BYTES:
        missed.append(f"{unzipped / 1e6:.1f} MB unzipped, over {MAX_BYTES / 1e6:.0f} MB")
    if wall >= MAX_SECONDS:
        missed.append(f"{wall:.1f} s, over {MAX_SECONDS:.0f} s")
    for line in missed:
        print(f"TARGET MISSED: {line}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
