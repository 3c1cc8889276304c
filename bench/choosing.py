"""Server time of the compare page and the finder (issue 16), with the default dataset.

    .venv/bin/python bench/choosing.py [--rounds 30]

In one process (Django's test client, no network): the time to render each page with nothing
cached (the page cache emptied before each request) and when it is served from the page cache.
"""

from __future__ import annotations

import argparse
import statistics
import time

from pageweight import setup_django


def timed(client, url, *, cold: bool) -> float:
    from atlas.derived.pages import clear_pages
    if cold:
        clear_pages()
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    setup_django()
    from django.test import Client

    from atlas.catalogue.models import Tool
    tools = sorted(Tool.objects.exclude(profile=[]), key=lambda t: -len(t.profile))
    urls = {
        "compare, 2 tools": "/compare/?tools=" + ",".join(t.slug for t in tools[:2]),
        "compare, 4 tools": "/compare/?tools=" + ",".join(t.slug for t in tools[:4]),
        "compare JSON, 4 tools": "/compare.json?tools=" + ",".join(t.slug for t in tools[:4]),
        "finder, questions": "/finder/",
        "finder, answered": "/finder/?role=shelter&country=KE&need=victim-support"
                            "&constraint=free&constraint=offline&constraint=data_home",
        "finder, constraints only": "/finder/?constraint=free&constraint=offline"
                                    "&constraint=language&language=en",
    }
    client = Client()
    print(f"{'page':28} {'cold p50 ms':>12} {'cold p95':>9} {'cached p50':>11}")
    for name, url in urls.items():
        timed(client, url, cold=True)  # warm the derived data (facet index, labels)
        cold = sorted(timed(client, url, cold=True) for _ in range(args.rounds))
        warm = sorted(timed(client, url, cold=False) for _ in range(args.rounds))
        print(f"{name:28} {statistics.median(cold):12.1f} {cold[int(len(cold) * .95) - 1]:9.1f} "
              f"{statistics.median(warm):11.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
