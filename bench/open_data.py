"""Open-data benchmark: API latency, export time and size per format, feed, and a full harvest.

    .venv/bin/python bench/open_data.py              # the default dataset (about 425 tools)
    .venv/bin/python bench/open_data.py --scale 10   # every tool copied 10 times (about 4,250)

Runs on a temporary SQLite file. API and export figures come from Django's test client in this
process (no network); the harvest runs the real thing: the catalogue served by gunicorn on
127.0.0.1, `atlas harvest` into an empty second database in another process, twice (the second
run finds everything unchanged).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 30


def _timed(fn, runs=RUNS):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), result


def _atlas(env, *args):
    out = subprocess.run([sys.executable, "-m", "atlas", *args], env=env, cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return out


def _scaled_dataset(env, tmp, scale):
    """Load the default dataset, then copies of its tools with numbered slugs and names."""
    _atlas(env, "load-default")
    if scale <= 1:
        return
    export = tmp / "tools.json"
    _atlas(env, "export", "--format", "json", "--output", str(export))
    tools = json.loads(export.read_text())["tools"]
    copies = [{**t, "slug": f"{t['slug'][:90]}-{n}", "name": f"{t['name']} ({n})"}
              for n in range(2, scale + 1) for t in tools]
    (tmp / "copies.json").write_text(json.dumps({"tools": copies}))
    _atlas(env, "import", str(tmp / "copies.json"))  # all-or-nothing: every copy is imported


def measure_in_process(db_url):
    os.environ["ATLAS_DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "atlas.settings.test"
    import django
    django.setup()
    from django.test import Client

    from atlas.catalogue.exporters import EXPORTERS
    from atlas.catalogue.models import Tool

    client = Client()
    count = Tool.objects.count()
    slug = Tool.objects.order_by("slug").values_list("slug", flat=True)[count // 2]
    print(f"\n{count} tools\n")
    print("| request | median ms | max ms | bytes |\n|---|---:|---:|---:|")
    client.get("/api/v1/tools")  # builds the facet index once, as a running server has it
    for url in ["/api/v1/tools", "/api/v1/tools?per_page=100",
                "/api/v1/tools?q=hotline&region=africa",
                "/api/v1/tools?purpose=victim-support,worker-voice&country=IN",
                f"/api/v1/tools/{slug}",
                "/api/v1/organisations", "/api/v1/countries", "/api/v1/helplines",
                "/api/v1/vocabularies", "/api/v1/openapi.json", "/feeds/tools.atom",
                "/sitemap.xml", "/sitemap-tools.xml"]:
        median, worst, response = _timed(lambda: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        print(f"| `{url}` | {median:.1f} | {worst:.1f} | {len(response.content):,} |")
    etag = client.get("/api/v1/tools").headers["ETag"]
    median, worst, response = _timed(lambda: client.get("/api/v1/tools",
                                                         HTTP_IF_NONE_MATCH=etag))
    assert response.status_code == 304
    print(f"| `/api/v1/tools` revalidated (304) | {median:.1f} | {worst:.1f} | 0 |")
    print("\n| export (every tool) | median ms | bytes |\n|---|---:|---:|")
    for name in EXPORTERS:
        median, _worst, response = _timed(lambda: client.get(f"/exports/tools.{name}"), runs=3)
        assert response.status_code == 200
        print(f"| `{name}` | {median:.0f} | {len(response.content):,} |")


def measure_harvest(env, tmp):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server_env = {**env, "DJANGO_SETTINGS_MODULE": "atlas.settings.dev"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "atlas.wsgi:application",
                               "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"],
                              env=server_env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        target = {**env, "ATLAS_DATABASE_URL": f"sqlite:///{tmp / 'target.sqlite3'}"}
        _atlas(target, "manage", "migrate", "--verbosity", "0")
        print("\n| harvest (gunicorn, 2 workers, 127.0.0.1) | seconds | summary |\n|---|---:|---|")
        for label in ("first run, into an empty Atlas", "second run"):
            start = time.perf_counter()
            out = _atlas(target, "harvest", f"http://127.0.0.1:{port}")
            seconds = time.perf_counter() - start
            print(f"| {label} | {seconds:.1f} | {out.stdout.strip().splitlines()[-1]} |")
    finally:
        server.terminate()
        server.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="copies of each tool (default 1)")
    parser.add_argument("--no-harvest", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db_url = f"sqlite:///{tmp / 'source.sqlite3'}"
        env = {**os.environ, "ATLAS_DATABASE_URL": db_url, "ATLAS_DATA_DIR": str(tmp),
               "DJANGO_SETTINGS_MODULE": "atlas.settings.dev"}
        _atlas(env, "manage", "migrate", "--verbosity", "0")
        _scaled_dataset(env, tmp, args.scale)
        if not args.no_harvest:
            measure_harvest(env, tmp)
        measure_in_process(db_url)


if __name__ == "__main__":
    main()
