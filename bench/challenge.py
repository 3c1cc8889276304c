"""Proof of work under a flood: how long the form's script takes to solve a challenge in Chromium,
against what a flood's native loop pays (docs/security.md, "Floods").

    .venv/bin/python bench/challenge.py                      # 50k, 400k and 1.6M numbers
    .venv/bin/python bench/challenge.py --sizes 50000 --runs 10

Serves atlas/submissions/static/submissions/js/challenge.js on a loopback port under the site's
CSP, opens a page with a fresh challenge from atlas.submissions.challenge for each run in headless
Chromium (Debian's, through Playwright), and times from navigation to the solution being in the
form. Then solves the same kind of challenges with Python's hashlib (altcha's own solver) for
comparison. Prints mean and worst seconds, and hashes per second.
"""

from __future__ import annotations

import argparse
import base64
import html
import http.server
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings.test")
SCRIPT = ROOT / "atlas/submissions/static/submissions/js/challenge.js"
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; base-uri 'none'"


def _page(challenge: dict) -> bytes:
    return (f'<!DOCTYPE html><html lang="en"><title>bench</title><form method="post">'
            f'<input type="hidden" name="altcha" value="" '
            f'data-challenge="{html.escape(json.dumps(challenge))}">'
            f'<p class="challenge-status" hidden></p><button>Send</button></form>'
            f'<script src="/challenge.js" defer></script></html>').encode()


def _serve(pages: dict):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = SCRIPT.read_bytes() if self.path == "/challenge.js" else pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript" if self.path.endswith(".js")
                             else "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", CSP)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 400_000, 1_600_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import django
    django.setup()
    import altcha
    from django.test import override_settings
    from playwright.sync_api import sync_playwright

    from atlas.submissions.challenge import challenge_create

    pages: dict = {}
    server = _serve(pages)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"## challenge.js in Chromium, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH",
                                                                   "/usr/bin/chromium"),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        for size in args.sizes:
            with override_settings(ATLAS_SUBMISSIONS_CHALLENGE_DIFFICULTY=size):
                challenges = [challenge_create(kind="story", level=1) for _ in range(args.runs)]
            times, tried = [], 0
            for i, challenge in enumerate(challenges):
                pages[f"/{size}/{i}"] = _page(challenge)
                start = time.perf_counter()
                page.goto(f"{base}/{size}/{i}")
                while not (value := page.input_value("input[name=altcha]")):
                    time.sleep(0.01)  # polled: wait_for_function would need eval, refused by CSP
                times.append(time.perf_counter() - start)
                tried += json.loads(base64.b64decode(value))["number"] + 1
            print(f"maxNumber {size:>9,}: mean {statistics.mean(times):6.2f} s, worst "
                  f"{max(times):6.2f} s, {tried / sum(times):>9,.0f} hashes/s")
            start, tried = time.perf_counter(), 0
            for challenge in challenges:
                solution = altcha.solve_challenge_v1(challenge["challenge"], challenge["salt"],
                                                     challenge["algorithm"], size)
                tried += solution.number + 1
            elapsed = time.perf_counter() - start
            print(f"  same in Python (hashlib): {elapsed / len(challenges):6.2f} s each, "
                  f"{tried / elapsed:>9,.0f} hashes/s")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
