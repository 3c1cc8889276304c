"""`atlas check-sources` and `atlas report coverage`."""

from __future__ import annotations

import sys


def register(sub):
    p = sub.add_parser("check-sources", help="list records whose source or website URL does not answer (needs the internet; only reports)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    p.add_argument("--workers", type=int, default=8, help="requests in parallel (default 8)")
    p.set_defaults(func=cmd_check_sources)

    p = sub.add_parser("report", help="print reports about the catalogue (coverage: counts by purpose, technology, region, country)")
    p.add_argument("name", choices=["coverage"])
    p.set_defaults(func=cmd_report)


def cmd_check_sources(args) -> int:
    from tqdm import tqdm

    from atlas.catalogue.sources import check_sources
    bar = tqdm(unit="links", disable=None, leave=False)

    def progress(done, total):
        bar.total = total
        bar.n = done
        bar.refresh()
    problems = check_sources(timeout=args.timeout, workers=args.workers, progress=progress)
    bar.close()
    for p in problems:
        print(f"{p.kind}\t{p.record}\t{p.field}\t{p.url}\t{p.reason}")
    print(f"{len(problems)} links did not answer.", file=sys.stderr)
    return 0


def coverage_report() -> list[tuple[str, list[tuple[str, int]]]]:
    """(facet label, [(value label, tool count)]) for every facet, in the registry's order."""
    from atlas.catalogue.filters import ToolFilters
    from atlas.catalogue.selectors import tool_search_counts
    result = tool_search_counts(ToolFilters())
    return [(str(f.label), [(v.label, v.count) for v in f.values]) for f in result.facets]


def coverage_gaps() -> list[tuple[str, str]]:
    """(vocabulary, value label) for each value of a fixed vocabulary that no tool carries."""
    from atlas.catalogue.facets import FACETS
    from atlas.catalogue.filters import ToolFilters
    from atlas.catalogue.selectors import tool_search_counts
    present = {f.param: {v.value for v in f.values}
               for f in tool_search_counts(ToolFilters()).facets}
    return [(f.vocabulary.slug, str(f.value_label(value))) for f in FACETS if f.choices
            for value in f.choices if value not in present[f.param]]


def cmd_report(args) -> int:
    from atlas.catalogue.filters import ToolFilters
    from atlas.catalogue.selectors import tool_search_counts
    print(f"Coverage of {tool_search_counts(ToolFilters()).count} tools")
    for label, rows in coverage_report():
        print(f"\n{label}")
        for value, count in rows:
            print(f"  {count:>6}  {value}")
    # Vocabulary terms no tool carries are gaps too, and they do not appear as facet values.
    for vocabulary, value_label in coverage_gaps():
        print(f"gap: no tool has {vocabulary} = {value_label}")
    return 0
