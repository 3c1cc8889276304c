"""Search benchmark: the Atlas's tool_search against Datasette on the same synthetic catalogues.

    .venv/bin/python bench/search.py                 # 1k, 10k and 100k tools
    .venv/bin/python bench/search.py --sizes 1000    # one size

Each size runs in its own process; the Atlas is timed in a fresh process over the built database,
so the peak memory (max RSS) printed is what a server process needs for that catalogue.
Synthetic catalogues are the real default dataset scaled up: every real tool is copied with a
numbered name, its own vocabulary terms and a random subset of its countries plus a few others.
The timed operation is one search as /tools/ performs it: a text query, two facet filters, the
counts of every facet and the first page of 20 results loaded with their organisations and
deployments. Datasette gets the equivalent request: ?_search= with two __arraycontains filters,
_facet_array for each multi-valued column and _facet for the others, 20 rows.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["hotline", "supply chain", "child", "victim identification", "mobile app", "kenya",
           "worker", "fishing", "trafficking data", "reporting", "forced labour", "survivor"]
FILTERS = [("purpose", "purposes"), ("region", "regions"), ("technology", "technologies"),
           ("user", "users")]
RUNS = 200


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def synthetic_rows(size, rng):
    from atlas.core.countries import all_countries
    with open(ROOT / "atlas/data/tools.csv", encoding="utf-8") as fh:
        real = list(csv.DictReader(fh))
    codes = [c.code for c in all_countries() if c.region]
    rows = []
    for i in range(size):
        base = real[i % len(real)]
        countries = [c for c in base["countries"].split(";") if c and c != "global"]
        countries = rng.sample(countries, k=min(len(countries), rng.randint(1, 3))) if countries else []
        countries += rng.sample(codes, k=rng.randint(0, 2))
        rows.append({
            "slug": f"tool-{i}", "name": f"{base['name']} {i}" if i >= len(real) else base["name"],
            "description": base["description"], "organisation": (base["organization"] or "Unknown").split(";")[0].strip()[:190],
            "purposes": [x for x in base["purposes"].split(";") if x],
            "technologies": [x for x in base["technologies"].split(";") if x],
            "users": [x for x in base["users"].split(";") if x],
            "exploitation": [x for x in base["exploitation"].split(";") if x],
            "countries": list(dict.fromkeys(countries)), "is_global": "global" in base["countries"],
            "cost": base["cost"] or "unknown", "status": base["status"] or "unknown",
        })
    return rows


def build_atlas(rows):
    from django.db import transaction

    from atlas.catalogue.models import Deployment, Organisation, Tool, ToolOrganisation
    from atlas.catalogue.services import catalogue_changed, search_reindex
    from django.utils.text import slugify
    with transaction.atomic():
        orgs = {}
        for r in rows:
            slug = slugify(r["organisation"])[:100] or "unknown"
            orgs.setdefault(slug, Organisation(slug=slug, name=r["organisation"], kind="ngo"))
        Organisation.objects.bulk_create(orgs.values(), batch_size=2000)
        org_ids = dict(Organisation.objects.values_list("slug", "id"))
        Tool.objects.bulk_create([Tool(
            slug=r["slug"], name=r["name"], short_description=r["description"],
            purposes=r["purposes"], technologies=r["technologies"], users=r["users"],
            exploitation=r["exploitation"], is_global=r["is_global"], cost=r["cost"],
            status=r["status"]) for r in rows], batch_size=2000)
        tool_ids = dict(Tool.objects.values_list("slug", "id"))
        ToolOrganisation.objects.bulk_create([ToolOrganisation(
            tool_id=tool_ids[r["slug"]], organisation_id=org_ids[slugify(r["organisation"])[:100] or "unknown"])
            for r in rows], batch_size=5000)
        Deployment.objects.bulk_create([Deployment(tool_id=tool_ids[r["slug"]], country=c)
                                        for r in rows for c in r["countries"]], batch_size=5000)
        search_reindex()
        catalogue_changed()


def build_datasette_db(rows, path):
    from atlas.core.countries import region_of
    db = sqlite3.connect(path)
    db.execute("""CREATE TABLE tools (id INTEGER PRIMARY KEY, slug TEXT, name TEXT, description TEXT,
        organisation TEXT, purposes TEXT, technologies TEXT, users TEXT, exploitation TEXT,
        countries TEXT, regions TEXT, cost TEXT, status TEXT)""")
    db.executemany("INSERT INTO tools VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        (i + 1, r["slug"], r["name"], r["description"], r["organisation"], json.dumps(r["purposes"]),
         json.dumps(r["technologies"]), json.dumps(r["users"]), json.dumps(r["exploitation"]),
         json.dumps(r["countries"]),
         json.dumps(sorted({region_of(c) for c in r["countries"]} | ({"global"} if r["is_global"] else set()))),
         r["cost"], r["status"]) for i, r in enumerate(rows)])
    db.execute("""CREATE VIRTUAL TABLE tools_fts USING fts5(name, organisation, description,
        content="tools", content_rowid="id", tokenize='unicode61 remove_diacritics 2')""")
    db.execute("INSERT INTO tools_fts (rowid, name, organisation, description) "
               "SELECT id, name, organisation, description FROM tools")
    db.commit()
    db.close()


def workload(rng, n):
    from atlas.catalogue import vocabularies as v
    from atlas.core.countries import REGIONS
    values = {"purpose": list(v.PURPOSES.terms), "technology": list(v.TECHNOLOGIES.terms),
              "user": list(v.USERS.terms), "region": list(REGIONS)}
    out = []
    for _ in range(n):
        a, b = rng.sample(FILTERS, 2)
        out.append((rng.choice(QUERIES), {a[0]: rng.choice(values[a[0]]), b[0]: rng.choice(values[b[0]])}))
    return out


def time_atlas(work):
    from django.db import connection, reset_queries

    from atlas.catalogue.selectors import tool_search
    tool_search(q="warm up")  # builds the in-memory facet index once, as the first request does
    times, counts = [], []
    for q, filters in work:
        start = time.perf_counter()
        result = tool_search(q=q, **{k: (val,) for k, val in filters.items()})
        _ = [(t.name, [r.organisation.name for r in t.roles.all()], list(t.deployments.all()))
             for t in result.tools]
        times.append((time.perf_counter() - start) * 1000)
        counts.append(result.count)
    return times, counts


def time_datasette(db_path, work):
    from datasette.app import Datasette
    plural = dict(FILTERS)
    ds = Datasette([str(db_path)], settings={"facet_time_limit_ms": 60000, "sql_time_limit_ms": 60000,
                                             "default_facet_size": 300})
    name = Path(db_path).stem

    async def run():
        times, counts = [], []
        for i, (q, filters) in enumerate([(QUERIES[0], {"purpose": "training", "region": "asia"})] + work):
            params = [("_search", q), ("_size", "20")]
            params += [(f"{plural[k]}__arraycontains", val) for k, val in filters.items()]
            params += [("_facet_array", c) for c in ("purposes", "technologies", "users", "exploitation", "countries", "regions")]
            params += [("_facet", c) for c in ("cost", "status")]
            from urllib.parse import urlencode
            start = time.perf_counter()
            response = await ds.client.get(f"/{name}/tools.json?{urlencode(params)}")
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, response.text[:300]
            data = response.json()
            if i:  # the first request warms Datasette up
                times.append(elapsed)
                counts.append(data.get("filtered_table_rows_count"))
        return times, counts
    return asyncio.run(run())


def peak_rss_mb() -> float:
    """Peak resident memory of this process image. VmHWM starts afresh at exec, unlike getrusage's
    ru_maxrss, which a process started from a big parent inherits."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve_child(runs):
    sys.path.insert(0, str(ROOT))
    import django
    django.setup()
    times, counts = time_atlas(workload(random.Random(1), runs))
    print(json.dumps({"times": times, "counts": counts, "rss": peak_rss_mb()}))


def child(size, runs):
    # Production settings: DEBUG off (DEBUG keeps every query in memory), as a server runs.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings.prod")
    os.environ.setdefault("ATLAS_SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ.setdefault("ATLAS_HTTPS", "false")
    tmp = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    os.environ["ATLAS_DATABASE_URL"] = f"sqlite:///{tmp / 'atlas.sqlite3'}"
    sys.path.insert(0, str(ROOT))
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    rng = random.Random(size)
    rows = synthetic_rows(size, rng)
    t0 = time.perf_counter()
    build_atlas(rows)
    build_s = time.perf_counter() - t0
    work = workload(random.Random(1), runs)
    # Time the Atlas in a fresh process, as a server would run: its peak memory is then the
    # serving footprint (index included), not the cost of generating the synthetic data.
    out = subprocess.run([sys.executable, __file__, "--serve-child", str(size), "--runs", str(runs)],
                         capture_output=True, text=True, check=True, env=os.environ)
    served = json.loads(out.stdout.strip().splitlines()[-1])
    atlas_times, atlas_counts, rss_atlas = served["times"], served["counts"], served["rss"]
    ds_path = tmp / "tools.db"
    build_datasette_db(rows, ds_path)
    ds_times, ds_counts = time_datasette(ds_path, work)
    print(json.dumps({
        "size": size, "build_s": round(build_s, 1), "runs": runs, "peak_rss_mb": round(rss_atlas),
        "atlas_ms": {p: round(percentile(atlas_times, p), 2) for p in (50, 95, 99)},
        "datasette_ms": {p: round(percentile(ds_times, p), 2) for p in (50, 95, 99)},
        "mean_results": round(statistics.mean(atlas_counts)),
        "mean_results_datasette": round(statistics.mean(c for c in ds_counts if c is not None)),
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_child:
        return serve_child(args.runs)
    if args.child:
        return child(args.child, args.runs)
    print(f"{'tools':>8} {'atlas p50':>10} {'p95':>8} {'p99':>8} {'peak MB':>8} "
          f"{'datasette p50':>14} {'p95':>8} {'p99':>8} {'ratio p50':>10}")
    for size in [int(s) for s in args.sizes.split(",")]:
        out = subprocess.run([sys.executable, __file__, "--child", str(size), "--runs", str(args.runs)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        a = {int(k): x for k, x in r["atlas_ms"].items()}
        d = {int(k): x for k, x in r["datasette_ms"].items()}
        print(f"{size:>8} {a[50]:>9.1f}ms {a[95]:>6.1f}ms {a[99]:>6.1f}ms {r['peak_rss_mb']:>8} "
              f"{d[50]:>12.1f}ms {d[95]:>6.1f}ms {d[99]:>6.1f}ms {d[50] / a[50]:>9.1f}x", flush=True)
        print(f"         (build {r['build_s']} s; mean results per query: atlas {r['mean_results']}, "
              f"datasette {r['mean_results_datasette']}; {r['runs']} queries)", flush=True)


if __name__ == "__main__":
    main()
