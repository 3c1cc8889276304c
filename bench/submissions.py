"""Submissions benchmark: duplicate detection, sealing stories and a full public POST.

    .venv/bin/python bench/submissions.py              # default dataset, then 10k tools
    .venv/bin/python bench/submissions.py --sizes 0    # default dataset only

Runs on an in-memory SQLite database (test settings) loaded with the default dataset; "10k"
adds synthetic tools (copies of the real ones with numbered names) to reach 10,000. Prints
mean and 95th-percentile milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings.test")
RUNS = 100


def _stats(samples):
    p95 = statistics.quantiles(samples, n=20)[-1]
    return f"mean {statistics.mean(samples) * 1000:7.2f} ms, p95 {p95 * 1000:7.2f} ms"


def _time(fn, runs=RUNS):
    out = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - start)
    return out


def _grow(target):
    from atlas.catalogue.models import Tool
    real = list(Tool.objects.all())
    extra, n = [], 0
    while len(real) + len(extra) < target:
        t = real[n % len(real)]
        extra.append(Tool(slug=f"{t.slug}-copy-{n}", name=f"{t.name} {n}",
                          short_description=t.short_description, website=t.website,
                          aliases=t.aliases))
        n += 1
    Tool.objects.bulk_create(extra, batch_size=2000)
    from atlas.catalogue.services import catalogue_changed
    catalogue_changed()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[0, 10000],
                        help="catalogue sizes; 0 = the default dataset as it is")
    args = parser.parse_args()
    import django
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from django.core.cache import cache
    from django.conf import settings
    from atlas.dataio.dataset import load_default_dataset
    from atlas.catalogue.models import Tool
    from atlas.submissions.duplicates import tool_duplicates
    from atlas.submissions.stories import keypair_generate, private_key_load, story_open, story_seal
    from nacl.encoding import Base64Encoder
    from nacl.public import PrivateKey, PublicKey

    load_default_dataset()
    rng = random.Random(5)
    private, public = keypair_generate()
    settings.ATLAS_STORY_PUBLIC_KEY = public
    settings.ATLAS_SUBMISSIONS_PER_HOUR = settings.ATLAS_SUBMISSIONS_PER_MINUTE = 10 ** 9
    for size in args.sizes:
        if size:
            _grow(size)
        tools = list(Tool.objects.values_list("name", "website", "short_description"))
        print(f"## {len(tools)} tools")
        proposals = []
        for _ in range(RUNS):
            name, website, description = rng.choice(tools)
            kind = rng.random()
            if kind < 0.3:
                proposals.append((name.lower().replace("a", "e", 1), "", ""))
            elif kind < 0.6:
                proposals.append(("Something new", website, ""))
            else:
                proposals.append((f"Novel tool {rng.random()}", "https://new.example/",
                                  "A new way to let migrant workers report abuse anonymously."))
        hits = sum(1 for p in proposals if tool_duplicates(name=p[0], website=p[1],
                                                           description=p[2]))
        from atlas.submissions import duplicates as dup_module

        def rebuild(i):
            dup_module._cache.clear()
            tool_duplicates(name=proposals[i][0])
        print(f"first check after a catalogue change (rebuilds the corpus): "
              f"{_stats(_time(rebuild, runs=10))}")
        times = _time(lambda i: tool_duplicates(name=proposals[i][0], website=proposals[i][1],
                                                description=proposals[i][2]))
        print(f"duplicate check per proposal: {_stats(times)} ({hits}/{RUNS} flagged)")
        client = Client()
        form = {"name": "", "organisation": "Bench Org", "website": "https://bench.example/",
                "description": "A benchmark proposal that describes a tool in enough words.",
                "purposes": ["worker-voice"], "countries": "KE, UG",
                "source_url": "https://bench.example/about", "note": ""}

        def post(i):
            cache.clear()
            r = client.post("/submit/tool/", {**form, "name": f"Bench proposal {i} {rng.random()}"})
            assert r.status_code == 302, r.status_code  # stored, not the form shown again
        print(f"POST /submit/tool/ (validate, duplicates, store): {_stats(_time(post))}")

    key = PublicKey(public.encode(), encoder=Base64Encoder)
    secret = PrivateKey(private.encode(), encoder=Base64Encoder)
    story = {"text": "x" * 10000, "country": "PH", "topics": ["online-recruitment"],
             "tools": [], "consent": "analysis-only", "contact": "someone@example.org"}
    sealed = story_seal(story=story, key=key)
    print(f"seal a 10,000-character story: {_stats(_time(lambda i: story_seal(story=story, key=key)))}"
          f" ({len(sealed)} bytes stored)")
    print(f"open it: {_stats(_time(lambda i: story_open(sealed=sealed, key=secret)))}")


if __name__ == "__main__":
    main()
