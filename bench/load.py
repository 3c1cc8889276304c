"""Served pages under load: `atlas serve` with its defaults, measured over HTTP with wrk.

    .venv/bin/python bench/load.py                    # default dataset, Datasette beside it
    .venv/bin/python bench/load.py --size 10000       # a synthetic catalogue (imported first)
    .venv/bin/python bench/load.py --url http://127.0.0.1:8080 --no-datasette   # a running stack
    .venv/bin/python bench/load.py --stack            # one app server against two behind nginx

What it does, all on 127.0.0.1 and bounded in time (about 3 minutes with the defaults):
1. A fresh data directory; `atlas serve` on a free port (migrate, default dataset or the
   synthetic one through `atlas import`, gunicorn with its default workers).
2. A mix of public traffic in the six languages (home, /tools/ with queries and filters, tool and
   organisation pages, map data, insights, API lists and details, helplines, the feed), popular
   pages asked often and a long tail asked rarely, from `mix_paths`; wrk requests them in a random
   order from several connections: requests/s and p50/p95/p99, in total and per kind of page.
3. Revalidations (If-None-Match with the ETag a first request returned: 304s) and repeated pages.
4. Pages never seen before (new queries), one client at a time: the time a visitor waits for a
   page the cache cannot hold, for /tools/, the map data and insights; queries answered through
   meaning-based matching (a sentence in another language) are reported apart.
5. Datasette serving the same rows with the same facets, with its out-of-the-box settings, under
   the same wrk runs (list, search, record), and the ratios.

--stack measures the reference deployment instead (scripts/stack.py: PostgreSQL, the shared
Redis cache, app servers of one gunicorn worker each): the same mix, in the same run, against
(a) one app server directly and (b) two app servers behind nginx, alternating --rounds times,
and prints the ratio of (b) to (a). Needs nginx and Redis too.

The load generator shares the machine's cores with the servers: the load average is printed with
every figure. Needs wrk (Debian package; `make bench-deps` installs it).
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LANGUAGES = ["", "/fr", "/es", "/ar", "/ru", "/zh-hans"]
QUERIES = ["hotline", "supply chain", "child", "victim identification", "mobile app", "kenya",
           "worker", "fishing", "trafficking data", "reporting", "forced labour", "survivor",
           "blockchain", "sms", "app", "police", "migrant", "cocoa", "garment", "chatbot"]
SENTENCES = ["signaler des images d'abus sexuels d'enfants", "denunciar trabajo forzoso en barcos",
             "помощь жертвам торговли людьми", "الإبلاغ عن الاتجار بالبشر"]
FILTER_VALUES = {
    "purpose": ["victim-identification", "victim-support", "reporting-hotline", "worker-voice",
                "supply-chain-transparency", "online-child-safety", "training"],
    "region": ["africa", "asia", "americas", "europe", "oceania"],
    "technology": ["mobile-app", "web-platform", "machine-learning", "hotline-sms"],
    "user": ["ngos", "workers", "law-enforcement", "businesses"],
    "cost": ["free"], "status": ["active"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def wait_for(url: str, seconds: float = 600) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if get(url)[0] in (200, 302, 404):
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def get(url: str, headers=None) -> tuple[int, dict, bytes, float]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    start = time.perf_counter()
    conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""),
                 headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body, elapsed


# --- The Atlas under test -------------------------------------------------------------------

def synthetic_csv(size: int, path: Path) -> None:
    """The default dataset's tools recombined into `size` rows, in the import format."""
    rng = random.Random(size)
    with open(ROOT / "atlas/data/tools.csv", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, real = reader.fieldnames, list(reader)
    codes = sorted({c for r in real for c in r["countries"].split(";") if c and c != "global"})
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        for i in range(size):
            row = dict(real[i % len(real)])
            if i >= len(real):
                row["name"] = f"{row['name']} {i}"
                row["aliases"] = ""
                own = [c for c in row["countries"].split(";") if c]
                row["countries"] = ";".join(dict.fromkeys(
                    rng.sample(own, k=min(len(own), rng.randint(1, 3))) + rng.sample(codes, 2)))
            writer.writerow(row)


class AtlasServer:
    def __init__(self, data_dir: Path, port: int, size: int, workers=None, threads=None):
        self.data_dir, self.port, self.size = data_dir, port, size
        self.workers, self.threads = workers, threads
        self.env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir), "ATLAS_HTTPS": "false"}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = None
        self.import_seconds = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def prepare(self) -> None:
        if self.size == 425:
            return  # `atlas serve` loads the default dataset on first run
        csv_path = self.data_dir / "synthetic-tools.csv"
        synthetic_csv(self.size, csv_path)
        subprocess.run([BIN / "atlas", "import", str(ROOT / "atlas/data/organisations.csv")],
                       env=self.env, check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run([BIN / "atlas", "import", str(csv_path)], env=self.env, check=True,
                       capture_output=True)
        self.import_seconds = time.perf_counter() - start

    def start(self) -> None:
        cmd = [BIN / "atlas", "serve", "--port", str(self.port)]
        if self.workers:
            cmd += ["--workers", str(self.workers)]
        if self.threads:
            cmd += ["--threads", str(self.threads)]
        self.log = open(self.data_dir / "serve.log", "w")
        self.process = subprocess.Popen(cmd, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        wait_for(self.url + "/healthz")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def catalogue_sample(base_url: str) -> dict:
    """Slugs of tools and organisations and country codes, read from the served API."""
    data = json.loads(get(base_url + "/api/v1/tools?per_page=100&sort=name")[2])
    tools = [t["slug"] for t in data["results"]]
    orgs = sorted({o["slug"] for t in data["results"] for o in t["organisations"]})
    countries = json.loads(get(base_url + "/api/v1/helplines")[2])
    codes = sorted({h["country"] for h in countries.get("results", [])}) or ["KE", "GB", "IN"]
    return {"tools": tools, "organisations": orgs, "countries": codes}


def _filters(rng) -> str:
    params = []
    for param in rng.sample(sorted(FILTER_VALUES), rng.randint(0, 2)):
        params.append((param, rng.choice(FILTER_VALUES[param])))
    return urlencode(params)


def mix_paths(sample: dict, rng: random.Random, n: int = 4000) -> list[tuple[str, str]]:
    """(kind, path) pairs: what a crowd asks for, popular pages often, a long tail rarely.

    Each kind has a weight (its share of requests); within a kind, the first choices are the
    popular ones (a Zipf-like draw), so most requests repeat pages, as real traffic does."""
    def zipf(items):
        return items[min(len(items) - 1, int(rng.paretovariate(1.2)) - 1)]

    def lang():
        return rng.choice(LANGUAGES)

    def query_page(base):
        q = zipf(QUERIES)
        extra = _filters(rng) if rng.random() < 0.5 else ""
        return f"{base}?{urlencode([('q', q)])}" + (f"&{extra}" if extra else "")

    kinds = [
        (14, "home", lambda: f"{lang()}/"),
        (12, "tools list", lambda: f"{lang()}/tools/" + (f"?{_filters(rng)}" if rng.random() < 0.6 else "")),
        (12, "tools search", lambda: query_page(f"{lang()}/tools/")),
        (16, "tool page", lambda: f"{lang()}/tools/{zipf(sample['tools'])}/"),
        (5, "organisation page", lambda: f"{lang()}/organisations/{zipf(sample['organisations'])}/"),
        (5, "map data", lambda: "/map/data.json" + (f"?{_filters(rng)}" if rng.random() < 0.5 else "")),
        (5, "insights", lambda: f"{lang()}/insights/" + (f"?{_filters(rng)}" if rng.random() < 0.4 else "")),
        (7, "API list", lambda: query_page("/api/v1/tools")),
        (5, "API detail", lambda: f"/api/v1/tools/{zipf(sample['tools'])}"),
        (12, "helplines", lambda: f"{lang()}/helplines/" + (f"{zipf(sample['countries'])}/" if rng.random() < 0.7 else "")),
        (3, "feed", lambda: "/feeds/tools.atom" + (f"?{_filters(rng)}" if rng.random() < 0.3 else "")),
    ]
    weights = [w for w, _k, _f in kinds]
    out = []
    for _ in range(n):
        _w, kind, make = rng.choices(kinds, weights=weights)[0]
        out.append((kind, make()))
    return out


# --- wrk ------------------------------------------------------------------------------------

LUA = r"""
local paths = {}
local headers = {}
for line in io.lines("%(paths)s") do
  local path, etag = line:match("^([^\t]+)\t?(.*)$")
  paths[#paths + 1] = path
  headers[#headers + 1] = etag
end
local i = 0
function setup(thread) thread:set("offset", math.random(1, #paths)) end
function init(args) i = offset end
function request()
  i = i %% #paths + 1
  local h = {["Accept-Encoding"] = "gzip"}
  if headers[i] ~= "" then h["If-None-Match"] = headers[i] end
  return wrk.format("GET", paths[i], h)
end
local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local f = io.open("%(out)s", "w")
  f:write(string.format('{"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, ' ..
    '"errors": %%d, "non2xx3xx": %%d}',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
  f:close()
end
"""


def wrk(base_url: str, paths: list[str], *, seconds: float, connections: int,
        etags: list[str] | None = None, workdir: Path, timeout: str = "10s") -> dict:
    paths_file = workdir / f"paths-{random.random():.8f}.txt"
    out_file = paths_file.with_suffix(".json")
    with open(paths_file, "w") as fh:
        for i, path in enumerate(paths):
            fh.write(f"{path}\t{etags[i] if etags else ''}\n")
    script = paths_file.with_suffix(".lua")
    script.write_text(LUA % {"paths": paths_file, "out": out_file})
    done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{round(seconds)}s",
                           "--timeout", timeout, "-s", str(script), base_url],
                          capture_output=True, text=True)
    if done.returncode or not out_file.exists():
        raise SystemExit(f"wrk failed: {done.stdout}{done.stderr}")
    result = json.loads(out_file.read_text())
    result["rps"] = result["requests"] / result["seconds"]
    result["load"] = loadavg()
    return result


def row(label: str, r: dict) -> str:
    return (f"{label:<34} {r['rps']:>9.0f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} "
            f"{r['errors'] + r['non2xx3xx']:>7}   load {r['load']}")


HEADER = f"{'':<34} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"


# --- Datasette on the same rows -------------------------------------------------------------

def build_datasette(base_url: str, workdir: Path) -> tuple[Path, Path]:
    """The served catalogue (its JSON export) as one Datasette table with the same facets."""
    from_atlas = json.loads(get(base_url + "/exports/tools.json")[2])["tools"]
    db_path = workdir / "tools.db"
    db = sqlite3.connect(db_path)
    db.execute("""CREATE TABLE tools (id INTEGER PRIMARY KEY, name TEXT, description TEXT,
        organisations TEXT, purposes TEXT, technologies TEXT, users TEXT, exploitation TEXT,
        countries TEXT, cost TEXT, access TEXT, status TEXT)""")

    def split(value):
        return value if isinstance(value, list) else [x.strip() for x in (value or "").split(";")
                                                      if x.strip()]
    db.executemany("INSERT INTO tools VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", [
        (i + 1, t["name"], t["description"], "; ".join(o["name"] for o in t["organization"]),
         json.dumps(split(t["purposes"])), json.dumps(split(t["technologies"])),
         json.dumps(split(t["users"])), json.dumps(split(t["exploitation"])),
         json.dumps(split(t["countries"])), t["cost"], t["access"], t["status"])
        for i, t in enumerate(from_atlas)])
    db.execute("""CREATE VIRTUAL TABLE tools_fts USING fts5(name, organisations, description,
        content="tools", content_rowid="id")""")
    db.execute("INSERT INTO tools_fts (rowid, name, organisations, description) "
               "SELECT id, name, organisations, description FROM tools")
    db.commit()
    db.close()
    metadata = workdir / "metadata.json"
    facets = [{"array": c} for c in ("purposes", "technologies", "users", "exploitation",
                                      "countries")] + ["cost", "status"]
    metadata.write_text(json.dumps({"databases": {"tools": {"tables": {"tools": {
        "facets": facets, "fts_table": "tools_fts", "fts_pk": "id"}}}}}))
    return db_path, metadata


class DatasetteServer:
    def __init__(self, db_path: Path, metadata: Path, port: int):
        self.port = port
        self.process = subprocess.Popen(
            [BIN / "datasette", "serve", str(db_path), "--metadata", str(metadata),
             "-p", str(port), "-h", "127.0.0.1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.url + "/-/versions.json", 60)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.process.terminate()
        self.process.wait(20)


# --- Measurements ---------------------------------------------------------------------------

def cold_pages(base_url: str, rng: random.Random, n: int) -> dict[str, list[float]]:
    """Pages never asked before, one at a time: /tools/, the map data and insights, each for a
    combination of query words and filters not asked before in this run."""
    times = {"/tools/": [], "/map/data.json": [], "/insights/": [], "meaning-based /tools/": []}
    seen = set()
    while len(seen) < n:
        query = urlencode([("q", f"{rng.choice(QUERIES)} {rng.choice(QUERIES)}")])
        filters = _filters(rng)
        query += f"&{filters}" if filters else ""
        if query in seen:
            continue
        seen.add(query)
        for base in ("/tools/", "/map/data.json", "/insights/"):
            status, _h, _b, ms = get(f"{base_url}{base}?{query}")
            assert status == 200, (base, query, status)
            times[base].append(ms)
    for i in range(max(4, n // 4)):
        q = f"{SENTENCES[i % len(SENTENCES)]} {QUERIES[i % len(QUERIES)]}"
        times["meaning-based /tools/"].append(get(f"{base_url}/tools/?{urlencode([('q', q)])}")[3])
    return times


def percentile(values, p):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


def compare_stack(args, rng: random.Random, workdir: Path) -> dict:
    """(a) one app server against (b) two behind nginx, same mix, same stack, same run."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("atlas_stack", ROOT / "scripts" / "stack.py")
    stackmod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stackmod)
    stack = stackmod.Stack(workdir / "stack", servers=2, workers=1, threads=args.threads or 2,
                           database="atlas_stack")
    results = {"setups": {}, "rounds": []}
    stack.up(lifetime=3600)
    try:
        setups = {"one app server, PostgreSQL": stack.server_urls()[0],
                  "two app servers behind nginx": stack.url}
        print(f"Stack: nginx {stack.url}, app servers {', '.join(stack.server_urls())} "
              f"(1 worker x {args.threads or 2} threads each), PostgreSQL {stack.database_url}, "
              f"Redis {stack.cache_url}; load before: {loadavg()}")
        sample = catalogue_sample(stack.url)
        paths = [p for _k, p in mix_paths(sample, rng)]
        for base in setups.values():
            for path in paths[:200]:  # one pass: servers that have been up a while
                get(base + path)
        print(HEADER)
        for round_no in range(1, args.rounds + 1):
            figures = {}
            for label, base in setups.items():
                r = wrk(base, paths, seconds=args.seconds, connections=args.connections,
                        workdir=workdir)
                figures[label] = r
                print(row(f"{label} ({round_no})", r))
            one, two = figures.values()
            ratio = two["rps"] / max(one["rps"], 0.01)
            print(f"  round {round_no}: two behind nginx / one = {ratio:.2f}x")
            results["rounds"].append({"figures": figures, "ratio": ratio})
        total = [sum(r["figures"][label]["rps"] for r in results["rounds"]) for label in setups]
        results["ratio"] = total[1] / max(total[0], 0.01)
        results["errors"] = sum(f["errors"] + f["non2xx3xx"] for r in results["rounds"]
                                for f in r["figures"].values())
        print(f"\nall rounds: two behind nginx / one = {results['ratio']:.2f}x, "
              f"errors {results['errors']}; load after: {loadavg()}")
    finally:
        stack.down()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=425, help="425 (the default dataset) or a "
                        "synthetic catalogue of this many tools")
    parser.add_argument("--seconds", type=float, default=20, help="length of the mixed run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, help="passed to atlas serve (default: its own)")
    parser.add_argument("--threads", type=int, help="passed to atlas serve (default: its own)")
    parser.add_argument("--url", help="measure this running Atlas instead of starting one")
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument("--cold", type=int, default=30, help="never-seen pages of each kind")
    parser.add_argument("--json", help="also write every figure to this file")
    parser.add_argument("--stack", action="store_true", help="one app server against two "
                        "behind nginx (scripts/stack.py), PostgreSQL and the shared cache")
    parser.add_argument("--rounds", type=int, default=2, help="--stack: alternations")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `make bench-deps` (Debian package wrk)")
    rng = random.Random(2026)
    workdir = Path(tempfile.mkdtemp(prefix="atlas-load-"))
    server = None
    results = {"size": args.size, "cpus": os.cpu_count(), "started": time.strftime("%F %T")}
    try:
        if args.stack:
            results.update(compare_stack(args, rng, workdir))
            if args.json:
                Path(args.json).write_text(json.dumps(results, indent=1))
            return 0
        if args.url:
            base = args.url.rstrip("/")
        else:
            server = AtlasServer(workdir, free_port(), args.size, args.workers, args.threads)
            server.prepare()
            if server.import_seconds:
                print(f"atlas import of {args.size} tools: {server.import_seconds:.1f} s")
                results["import_seconds"] = server.import_seconds
            server.start()
            base = server.url
        print(f"Atlas at {base}, {args.size} tools; load before: {loadavg()}")
        sample = catalogue_sample(base)
        mix = mix_paths(sample, rng)
        paths = [p for _k, p in mix]
        for path in paths[:200]:  # one pass: a server that has been up a while
            get(base + path)
        print(HEADER)
        mixed = wrk(base, paths, seconds=args.seconds, connections=args.connections,
                    workdir=workdir)
        print(row("mixed public traffic", mixed))
        results["mixed"] = mixed
        results["per_kind"] = {}
        for kind in dict.fromkeys(k for k, _p in mix):
            subset = [p for k, p in mix if k == kind]
            r = wrk(base, subset, seconds=max(3, args.seconds / 5), connections=args.connections,
                    workdir=workdir)
            results["per_kind"][kind] = r
            print(row(f"  {kind}", r))
        popular = list(dict.fromkeys(paths))[:20]
        r = wrk(base, popular, seconds=max(5, args.seconds / 3), connections=args.connections,
                workdir=workdir)
        results["repeated"] = r
        print(row("repeated pages (20 popular)", r))
        etags = [get(base + p)[1].get("etag", "") for p in popular]
        r = wrk(base, popular, seconds=max(5, args.seconds / 3), connections=args.connections,
                etags=etags, workdir=workdir)
        results["revalidated"] = r
        print(row("revalidations (If-None-Match)", r))
        status = get(base + popular[0], {"If-None-Match": etags[0]})[0]
        print(f"  (a revalidation answers {status})")

        print(f"\nPages never seen before, one client ({args.cold} each; load {loadavg()}):")
        cold = cold_pages(base, rng, args.cold)
        results["cold"] = {}
        for kind, times in cold.items():
            figures = {p: percentile(times, p) for p in (50, 95, 99)}
            results["cold"][kind] = figures
            print(f"  {kind:<24} p50 {figures[50]:6.1f} ms  p95 {figures[95]:6.1f} ms  "
                  f"p99 {figures[99]:6.1f} ms")

        if not args.no_datasette:
            db_path, metadata = build_datasette(base, workdir)
            ds = DatasetteServer(db_path, metadata, free_port())
            try:
                q = quote("hotline")
                ds_paths = {"list": ["/tools/tools"], "search": [f"/tools/tools?_search={q}"],
                            "record": ["/tools/tools/1"]}
                atlas_paths = {"list": ["/tools/"], "search": [f"/tools/?q={q}"],
                               "record": [f"/tools/{sample['tools'][0]}/"]}
                print(f"\nDatasette {ds.url} on the same rows, same facets (load {loadavg()}):")
                print(HEADER + f" {'Atlas/Datasette':>16}")
                results["datasette"] = {}
                for kind in ds_paths:
                    d = wrk(ds.url, ds_paths[kind], seconds=max(5, args.seconds / 3),
                            connections=args.connections, workdir=workdir)
                    a = wrk(base, atlas_paths[kind], seconds=max(5, args.seconds / 3),
                            connections=args.connections, workdir=workdir)
                    results["datasette"][kind] = {"datasette": d, "atlas": a,
                                                  "ratio": a["rps"] / max(d["rps"], 0.01)}
                    print(row(f"  Datasette {kind}", d))
                    print(row(f"  Atlas {kind}", a) + f" {a['rps'] / max(d['rps'], 0.01):>8.0f}x")
            finally:
                ds.stop()
        print(f"\nload after: {loadavg()}")
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1))
    finally:
        if server:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
