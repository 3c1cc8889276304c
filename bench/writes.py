"""Writes while reading: what a curator's write costs the servers, at 10,000 and 100,000 tools.

    .venv/bin/python bench/writes.py                          # 10,000 and 100,000 tools, 30 s runs
    .venv/bin/python bench/writes.py --sizes 10000 --seconds 20
    .venv/bin/python bench/writes.py --sizes 100000 --keep /tmp/atlas-100k   # reuse the import

Every write moves the catalogue stamp, so each server process brings its derived data (the
facet index first) up to date, and every cached page's key changes. For each size, all on
127.0.0.1 and bounded in time (about 8 minutes at 10,000 tools, 12 at 100,000 plus the import):
1. A SQLite catalogue of that many synthetic tools (bench/load.py's `atlas import`), served by
   `atlas serve` with its defaults (2 processes x 2 threads).
2. The derived data, timed in a separate process on the same database (wall and CPU time): each
   builder the catalogue stamp empties, and the facet index updated for one changed tool.
3. Quiet probes: a curator write, then five pages twice, one request at a time (all cache misses
   at first, since the stamp moved), three times: the first requests pay for the process they
   land on.
4. The load test's mix (bench/load.py, wrk) for --seconds read-only, then with one curator write
   every --every seconds, then with a helpline write instead (it moves the helplines stamp, so it
   empties the page cache as any write does, but leaves the facet index alone: what the emptied
   page cache costs by itself); --rounds rounds, interleaved; p50/p95/p99 of each run and the
   ratio of the median p99s.

A curator write is `record_save` (atlas/submissions/services.py), the admin's path: a tool's
status changed, a revision and an audit record kept, in a writer process of its own. The load
generator shares the machine's cores with the servers: the load average is printed with every
figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

PROBES = ["/tools/?q=hotline", "/", "/map/data.json", "/insights/", "/api/v1/tools?q=app"]


# --- The writer and the rebuild timer (run as subprocesses with Django set up) ---------------

def writer_main() -> int:
    """Reads "write" lines on stdin; for each, one curator write; answers "done <ms>"."""
    from atlas.cli import setup_django
    setup_django()
    from django.contrib.auth import get_user_model

    from atlas.catalogue.models import Tool
    from atlas.revisions.records import tool_snapshot
    from atlas.revisions.services import record_save

    user = get_user_model().objects.filter(username="bench-curator").first() or \
        get_user_model().objects.create_superuser("bench-curator", "bench@localhost", None)
    from atlas.helplines.models import Helpline
    from atlas.helplines.services import helpline_save

    ids = list(Tool.objects.order_by("pk").values_list("pk", flat=True)[:50])
    helpline = Helpline.objects.order_by("pk").first()
    if helpline is None:  # a synthetic catalogue has none
        from atlas.helplines.services import helpline_upsert
        helpline, _result = helpline_upsert(country="KE", name="Bench helpline",
                                            kind="child-helpline", notes="")
    n = 0
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] != "write":
            continue
        start = time.perf_counter()
        if command[1:] == ["helpline"]:  # moves the helplines stamp only: the page cache empties
            helpline.refresh_from_db()
            note = " (checked)"
            helpline_save(helpline=helpline, notes=helpline.notes.removesuffix(note)
                          if helpline.notes.endswith(note) else helpline.notes + note)
        else:
            tool = Tool.objects.get(pk=ids[n % len(ids)])
            record = tool_snapshot(tool.pk)
            record["status"] = "dormant" if record.get("status") != "dormant" else "active"
            record_save(user=user, model=Tool, record=record, instance=tool)
        n += 1
        print(f"done {(time.perf_counter() - start) * 1000:.0f}", flush=True)
    return 0


def rebuild_main() -> int:
    """Prints, as JSON, how long each derived value the catalogue stamp empties takes to build
    in one process: [wall ms, CPU ms], the best of three (one for a whole build)."""
    from atlas.cli import setup_django
    setup_django()
    import gc

    from atlas.catalogue import selectors
    from atlas.catalogue.search import index, semantic
    from atlas.derived import stamps

    def timed(call, times=3):
        best = None
        for _ in range(times):
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            took = [(time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000]
            best = took if best is None or took[1] < best[1] else best
        return best

    out = {}
    with stamps.request_scope():
        held = index.current_index()  # the names depend on it: warm, then time each builder
        out["facet index built"] = timed(index.build_index, times=1)
        updated = getattr(index, "index_updated", None)
        if updated is not None:  # updated for one changed tool, as after a curator's write
            one = frozenset([held.ids[len(held.ids) // 2]])
            out["facet index updated for one tool"] = timed(
                lambda: (stamps.changes(stamps.CATALOGUE, "?", "!"), updated(held, one)))
        out["names for spelling"] = timed(selectors._name_words.__wrapped__)
        out["organisation summaries"] = timed(selectors.organisation_summaries.__wrapped__)
        out["search vectors"] = timed(semantic._current_vectors.__wrapped__)
        out["gc.collect"] = timed(gc.collect)
    print(json.dumps(out))
    return 0


class Writer:
    def __init__(self, env):
        env = {**env, "ATLAS_SEMANTIC_SEARCH": "false"}  # no model load in the writer
        self.process = subprocess.Popen([sys.executable, __file__, "--writer"], env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def write(self, kind: str = "tool") -> float:
        self.process.stdin.write(f"write {kind}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line.startswith("done"):
            raise SystemExit(f"the writer failed: {line!r}")
        return float(line.split()[1])

    def close(self):
        self.process.stdin.close()
        self.process.wait(30)


# --- Measurements ---------------------------------------------------------------------------

def probes_after_write(base: str, writer: Writer, rounds: int = 3) -> list[dict]:
    from load import get
    results = []
    for _ in range(rounds):
        for path in PROBES:  # cached, in both processes, before the write
            get(base + path)
            get(base + path)
        write_ms = writer.write()
        times = [(path, get(base + path)[3]) for path in PROBES * 2]
        results.append({"write_ms": write_ms, "times": times})
        time.sleep(1)
    return results


def mixed_run(base, paths, *, seconds, connections, workdir, writer=None, every=10.0,
              kind="tool"):
    """wrk over the mix; with a writer, one write every `every` s (the first after `every`/2)."""
    from load import wrk
    stop, writes = threading.Event(), []

    def keep_writing():
        if stop.wait(every / 2):
            return
        while True:
            writes.append(writer.write(kind))
            if stop.wait(every):
                return

    thread = threading.Thread(target=keep_writing, daemon=True) if writer else None
    if thread:
        thread.start()
    try:
        # A long timeout: a request stalled behind a rebuild is counted, not dropped.
        result = wrk(base, paths, seconds=seconds, connections=connections, workdir=workdir,
                     timeout="60s")
    finally:
        stop.set()
        if thread:
            thread.join(60)
    result["writes"] = len(writes)
    return result


def main() -> int:
    if "--writer" in sys.argv:
        return writer_main()
    if "--rebuild" in sys.argv:
        return rebuild_main()
    import random

    from load import (HEADER, AtlasServer, catalogue_sample, free_port, get, loadavg,
                      mix_paths, row)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seconds", type=float, default=30, help="length of each mixed run")
    parser.add_argument("--every", type=float, default=10, help="seconds between writes")
    parser.add_argument("--rounds", type=int, default=3,
                        help="read-only, curator-write and helpline-write runs, interleaved")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--keep", help="prepare the catalogue in this directory and keep it "
                        "(reused when it already holds one: one size only)")
    parser.add_argument("--json", help="also write every figure to this file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `make bench-deps` (Debian package wrk)")
    results = {"cpus": os.cpu_count(), "started": time.strftime("%F %T"), "sizes": {}}
    for size in map(int, args.sizes.split(",")):
        workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="atlas-writes-"))
        workdir.mkdir(parents=True, exist_ok=True)
        server = AtlasServer(workdir, free_port(), size)
        writer = None
        figures = results["sizes"][size] = {}
        try:
            if not (workdir / "atlas.sqlite3").exists():
                server.prepare()
                print(f"atlas import of {size} tools: {server.import_seconds:.1f} s")
            server.start()
            base = server.url
            print(f"\n== {size} tools, {base}; load {loadavg()}")
            rebuild = json.loads(subprocess.run(
                [sys.executable, __file__, "--rebuild"], env=server.env, check=True,
                capture_output=True, text=True).stdout)
            figures["rebuild_ms"] = rebuild
            print("Derived data after a write, in one process (wall / CPU ms): "
                  + "; ".join(f"{k} {wall:.0f} / {cpu:.0f}" for k, (wall, cpu) in rebuild.items()))
            writer = Writer(server.env)
            mix = mix_paths(catalogue_sample(base), random.Random(2026))
            paths = [p for _k, p in mix]
            for path in paths[:200]:
                get(base + path)
            probes = probes_after_write(base, writer)
            figures["probes"] = probes
            print(f"Quiet probes after a write (ms, in order; load {loadavg()}):")
            for probe in probes:
                print(f"  write {probe['write_ms']:.0f} ms, then " + ", ".join(
                    f"{ms:.0f}" for _p, ms in probe["times"]))
            print(HEADER + f" {'writes':>7}")
            runs = {"read-only": [], "tool writes": [], "helpline writes": []}
            labels = {"read-only": "mixed, read-only",
                      "tool writes": f"mixed, a curator write every {args.every:.0f} s",
                      "helpline writes": "  a helpline write instead"}
            # Interleaved, and in a rotated order each round, so that a change in the machine's
            # load or the run before does not always fall on the same kind of run.
            kinds = list(runs)
            for round_ in range(args.rounds):
                for kind in kinds[round_ % 3:] + kinds[:round_ % 3]:
                    runs_of_kind = runs[kind]
                    # Each run starts alike: the previous run's last write dealt with, the
                    # popular pages cached again.
                    time.sleep(args.every / 2)
                    for path in paths[:200]:
                        get(base + path)
                    result = mixed_run(base, paths, seconds=args.seconds,
                                       connections=args.connections, workdir=workdir,
                                       writer=writer if kind != "read-only" else None,
                                       every=args.every, kind=kind.split()[0])
                    runs_of_kind.append(result)
                    print(row(labels[kind], result) + f" {result['writes']:>7}")
            figures["runs"] = runs
            p99 = {kind: statistics.median(r["p99"] for r in found)
                   for kind, found in runs.items()}
            figures["p99_ratio"] = p99["tool writes"] / max(p99["read-only"], 0.001)
            print(f"median p99: read-only {p99['read-only']:.0f} ms, curator writes "
                  f"{p99['tool writes']:.0f} ms ({figures['p99_ratio']:.1f}x), helpline writes "
                  f"{p99['helpline writes']:.0f} ms "
                  f"({p99['helpline writes'] / max(p99['read-only'], 0.001):.1f}x: a helpline "
                  "write empties the page cache as any write does, and leaves the facet index)")
        finally:
            if writer:
                writer.close()
            server.stop()
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nload after: {loadavg()}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
