"""The offline copy's search (static/offline/search-engine.js, run in Node.js) parses and finds
exactly what the site's search does, on the same queries (docs/search.md)."""

import json
import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from atlas.catalogue.models import Tool
from atlas.catalogue.search.query import parse_query, words
from atlas.catalogue.selectors import tool_search, tool_search_ids

NODE = shutil.which("node")
SCRIPT = Path(__file__).with_name("search_node.js")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

# Words, prefixes, phrases, exclusions, OR, non-Latin scripts, and what once differed.
QUERIES = [
    "police", "hotline", "Kenya", "supply chain", "blockchain", "Stop the Traffik",
    "traff", "superv", "ki", "a",
    '"child helpline"', '"forced labour"', '"supply chain"', '"labour forced"', '"sms"',
    "-police", "police -hotline", 'helpline -"child helpline"', "-police -sms -a", "-zzzz",
    "sms OR whatsapp", "police OR prosecutors", "child helpline OR hotline",
    '"forced labour" OR "debt bondage"', "OR", "AND", "hotline OR", "sms OR -police",
    "детей", "Кения", "торговля людьми", "الأطفال", "كينيا", "肯尼亚", "儿童", "niños",
    "trata de personas", "Côte d'Ivoire", "chaîne d'approvisionnement", "Türkiye",
    "sms", "anti-trafficking", "forced-labour", "-anti-trafficking", "***", '"', "",
]


def run_node(job: dict) -> dict:
    job = {"static": str(Path(finders.find("offline/search-engine.js")).parent), **job}
    done = subprocess.run([NODE, str(SCRIPT)], input=json.dumps(job), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


TRICKY = ['a "b c" OR d -e', '-"x y" OR z', "OR OR a", "a OR OR b", "a OR b OR c", "-OR a",
          '"OR"', 'x"y z"w', '"unclosed', '""', "- a", "--a", "a-b-c", "Straße", "İstanbul",
          "ΣΟΦΊΑ σοφία", "ﬁnance", "Ｆｕｌｌ", "한국어", "が", "कुछ", "e\u0301te", "été",
          "\u00a0a\u2028b\u3000c\ufeffd\x1ce", "a\x00b", "𝐀𝐁", "x" * 300, "a " * 40,
          "mañana -pájaro OR niño", "١٢٣ ٤", "Ⅻ ½ ²",
          " ".join(f"w{i}" for i in range(20)), " OR ".join(f"-w{i}" for i in range(20))]


def _random_queries(count: int) -> list[str]:
    pieces = [" ", "  ", "-", '"', "OR", "or", "a", "ab", "sms", "Kenya", "é", "É", "й", "ё",
              "أ", "ة", "儿童", "热线", "한", "ß", "İ", "ﬁ", "\u0301", "\u0651", "_", "'", "*",
              "(", ":", "\u00a0", "\u2028", "\ufeff", "\x1f", "7", "٣", "Ⅻ", "🙂", "\t"]
    rng = random.Random(1413)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(count)]


def test_the_offline_search_parses_every_query_as_the_site_does():
    queries = TRICKY + QUERIES + _random_queries(3000)
    parsed = run_node({"parse": queries})["parse"]
    differ = {q: (parse_query(q).as_dict(), js) for q, js in zip(queries, parsed)
              if parse_query(q).as_dict() != js}
    assert differ == {}


def test_the_offline_search_folds_every_character_as_the_site_does():
    # Characters Python's Unicode database (14.0) knows; Node.js may know newer ones.
    chars = [chr(c) for c in range(sys.maxunicode + 1)
             if unicodedata.category(chr(c)) not in ("Cn", "Cs")]
    texts = chars + [f"a{c}b" for c in chars[:5000]]
    found = run_node({"words": texts})["words"]
    differ = {t: (words(t), js) for t, js in zip(texts, found) if words(t) != js}
    assert differ == {}


@pytest.mark.django_db
def test_the_offline_search_finds_the_same_tools_as_the_site(default_dataset, tmp_path):
    from atlas.offline.pages import SEARCH_RECORDS, write_search_records
    write_search_records(tmp_path)  # the file `atlas export-site` writes
    offline = run_node({"records": str(tmp_path / SEARCH_RECORDS), "search": QUERIES})["search"]
    slugs = dict(Tool.objects.values_list("pk", "slug"))
    differ = {}
    for q, found in zip(QUERIES, offline):
        site = [slugs[pk] for pk in tool_search_ids(q=q)]
        assert not tool_search(q=q).suggestion, f"{q!r} matched by spelling: choose another"
        if set(site) != set(found):
            differ[q] = {"site only": sorted(set(site) - set(found)),
                         "offline only": sorted(set(found) - set(site))}
    assert differ == {}
    counts = {q: len(found) for q, found in zip(QUERIES, offline)}
    assert counts['"child helpline"'] < counts["child helpline OR hotline"]
    assert 0 < counts["-police"] < counts[""] == Tool.objects.count()
