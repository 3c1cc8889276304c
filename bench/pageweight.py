"""Page weight: bytes (raw and gzip) and request counts per page, with the default dataset.

    .venv/bin/python bench/pageweight.py            # prints a table; exit status 1 if over budget
    .venv/bin/python bench/pageweight.py --markdown # the same table in Markdown, for RESULTS.md

Loads the default dataset into an in-memory SQLite database (the test settings) and requests each
page through Django's test client, middleware included, so static files come from WhiteNoise as
in production. A page's weight is a first visit with an empty cache: its HTML, every stylesheet,
script and image it references, and the data the map's script fetches on load (the elements'
data-shapes and data-endpoint attributes). Images that a stylesheet only uses for elements the
page never shows (Leaflet's default marker and layer-switcher icons) are not requested by
browsers and are not counted. Compressed sizes use gzip level 9, as WhiteNoise's compressed
storage does.

Budgets (issue 4): /map/ at most 300 KB compressed in total, every other page at most 60 KB.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KB = 1024
MAP_BUDGET = 300 * KB
PAGE_BUDGET = 60 * KB

ASSET_PATTERNS = [
    r'<link\b[^>]*\brel="(?:stylesheet|icon)"[^>]*\bhref="([^"]+)"',
    r'<script\b[^>]*\bsrc="([^"]+)"',
    r'<img\b[^>]*\bsrc="([^"]+)"',
    r'\bdata-shapes="([^"]+)"',
]


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings.test")
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from atlas.dataio.dataset import load_default_dataset
    load_default_dataset()


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def fetch(client, url) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return body(response)


def requested_urls(page_url, html: str) -> list[str]:
    """Everything a browser fetches on a first visit, besides the page itself."""
    urls = []
    for pattern in ASSET_PATTERNS:
        urls += [unescape(u) for u in re.findall(pattern, html)]
    # The map script asks for its data with the page's own query string.
    query = page_url.partition("?")[2]
    for endpoint in re.findall(r'\bdata-endpoint="([^"]+)"', html):
        urls.append(unescape(endpoint) + ("?" + query if query else ""))
    return [u for u in dict.fromkeys(urls) if not u.startswith("data:")]


def measure(client, url) -> dict:
    html = fetch(client, url)
    files = [(url, html)] + [(u, fetch(client, u)) for u in requested_urls(url, html.decode())]
    return {
        "url": url,
        "requests": len(files),
        "raw": sum(len(content) for _u, content in files),
        "gzip": sum(len(gzip.compress(content, 9)) for _u, content in files),
        "html_gzip": len(gzip.compress(html, 9)),
        "files": [(u, len(c), len(gzip.compress(c, 9))) for u, c in files],
        "budget": MAP_BUDGET if url.split("?")[0] == "/map/" else PAGE_BUDGET,
    }


def pages(client) -> list[str]:
    from atlas.catalogue.models import Tool
    slug = Tool.objects.order_by("name").values_list("slug", flat=True).first()
    return ["/", "/tools/", "/tools/?purpose=supply-chain-transparency", f"/tools/{slug}/",
            "/organisations/", "/helplines/", "/helplines/KE/", "/about/",
            "/map/", "/map/?purpose=supply-chain-transparency", "/insights/",
            "/insights/coverage/asia/", _compare_url(),
            "/finder/", "/finder/?role=shelter&country=KE&need=victim-support&constraint=free"
            "&constraint=offline&constraint=data_home"]


def _compare_url() -> str:
    """The four tools with the longest profiles side by side: the heaviest comparison."""
    from atlas.catalogue.models import Tool
    tools = sorted(Tool.objects.exclude(profile=[]), key=lambda t: -len(t.profile))[:4]
    return "/compare/?tools=" + ",".join(t.slug for t in tools)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Page weight per page, with the default dataset.")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--files", action="store_true", help="list every file of each page")
    args = parser.parse_args(argv)
    setup_django()
    from django.test import Client
    client = Client()
    results = [measure(client, url) for url in pages(client)]
    over = [r for r in results if r["gzip"] > r["budget"]]
    if args.markdown:
        print("| Page | Requests | Total raw (KB) | Total gzip (KB) | HTML gzip (KB) "
              "| Budget (KB) |")
        print("|---|---:|---:|---:|---:|---:|")
        for r in results:
            flag = " OVER" if r in over else ""
            print(f"| `{r['url']}` | {r['requests']} | {r['raw'] / KB:.1f} | {r['gzip'] / KB:.1f} "
                  f"| {r['html_gzip'] / KB:.1f} | {r['budget'] // KB}{flag} |")
    else:
        print(f"{'page':48} {'requests':>8} {'raw KB':>9} {'gzip KB':>9} {'html gz':>8} "
              f"{'budget':>7}")
        for r in results:
            print(f"{r['url']:48} {r['requests']:8} {r['raw'] / KB:9.1f} {r['gzip'] / KB:9.1f} "
                  f"{r['html_gzip'] / KB:8.1f} {r['budget'] // KB:6}{' OVER' if r in over else ''}")
            if args.files:
                for u, raw, gz in r["files"]:
                    print(f"    {u[:70]:70} {raw / KB:8.1f} {gz / KB:8.1f}")
    print(f"{len(results) - len(over)} of {len(results)} pages within budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
