"""Helplines as served: page and embed sizes (gzip), the "Get help now" first screen, and the time
of /api/v1/helplines?open_now=1, against `atlas serve` with its defaults on the default dataset.

    .venv/bin/python bench/helplines.py

All on 127.0.0.1, a few hundred requests, about a minute. Sizes are what a browser receives with
`Accept-Encoding: gzip`; the first screen of a page is its HTML plus the stylesheets it blocks on
(scripts are deferred), to compare with the 14 KB a first TCP round trip carries.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import AtlasServer, free_port, get, loadavg, percentile  # noqa: E402

PAGES = [
    ("Get help now (/helplines/)", "/helplines/"),
    ("Get help now, Arabic", "/ar/helplines/"),
    ("a country: United Kingdom", "/helplines/GB/"),
    ("a country: India, in Russian", "/ru/helplines/IN/"),
    ("a country: Egypt, in Arabic", "/ar/helplines/EG/"),
    ("embed, United Kingdom, French", "/embed/helplines/?country=GB&lang=fr"),
    ("embed, Nigeria", "/embed/helplines/?country=NG"),
]
GZIP = {"Accept-Encoding": "gzip"}


def gzip_size(url: str) -> tuple[int, int]:
    status, headers, body, _ms = get(url, GZIP)
    assert status == 200, (url, status)
    _s, _h, raw, _ms = get(url)
    return len(raw), len(body)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        server = AtlasServer(Path(tmp), free_port(), 425)
        server.start()
        try:
            base = server.url
            print(f"load average {loadavg()}")
            print("\n| page | HTML bytes | HTML gzip | + blocking CSS gzip (first screen) | "
                  "+ deferred JS gzip |\n|---|---:|---:|---:|---:|")
            for label, path in PAGES:
                raw, gz = gzip_size(base + path)
                _s, _h, html, _ms = get(base + path)
                text = html.decode()
                css = sum(gzip_size(base + href)[1] for href in
                          re.findall(r'<link rel="stylesheet" href="([^"]+)"', text))
                js = sum(gzip_size(base + src)[1] for src in
                         re.findall(r'<script src="([^"]+)"', text))
                print(f"| {label} | {raw:,} | {gz:,} | {gz + css:,} | {js:,} |")

            # The API: never-seen requests (each country once) and the same request repeated.
            _s, _h, body, _ms = get(base + "/api/v1/helplines?open_now=1&page_size=1")
            codes = sorted(set(re.findall(r'"country":\s*"([A-Z]{2})"',
                                          get(base + "/api/v1/helplines?page_size=500")[2]
                                          .decode())))[:60]
            cold = [get(base + f"/api/v1/helplines?open_now=1&country={c}")[3] for c in codes]
            first = get(base + "/api/v1/helplines?open_now=1")
            assert first[0] == 200, first[0]
            repeated = [get(base + "/api/v1/helplines?open_now=1")[3] for _ in range(100)]
            print(f"\n/api/v1/helplines?open_now=1 (all countries, {len(first[2]):,} bytes): "
                  f"first request {first[3]:.1f} ms; repeated p50 "
                  f"{percentile(repeated, 50):.1f} ms, p95 {percentile(repeated, 95):.1f} ms")
            print(f"/api/v1/helplines?open_now=1&country=XX, {len(cold)} countries never asked "
                  f"before: p50 {percentile(cold, 50):.1f} ms, p95 {percentile(cold, 95):.1f} ms, "
                  f"max {max(cold):.1f} ms")
            print(f"load average {loadavg()}")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
