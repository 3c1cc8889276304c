"""Landscape figures computed from the catalogue: charts and the coverage matrix.

Every figure starts from `tool_search(..., all_results=True)` with the filters of /tools/, so the
insights obey exactly the same filters as the list, the map and the API. Plain functions with no
request or template in sight, so a CLI or a report can call them too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from atlas.catalogue import vocabularies as v
from atlas.catalogue.filters import ToolFilters
from atlas.catalogue.models import Tool
from atlas.geo.selectors import search_all
from atlas.geo.countries import GLOBAL, REGIONS, countries_in_region, region_of


@dataclass
class Bar:
    value: str
    label: object
    count: int
    query: str | None = None  # the tools list for this bar, or None when it has no filter

    @property
    def label_text(self) -> str:
        return str(self.label)


@dataclass
class Chart:
    slug: str
    title: object
    description: str
    bars: list[Bar]
    total: int  # tools the chart is about (a tool may count in several bars)
    kind: str = "bars"  # "bars" (horizontal) or "columns" (years)

    @property
    def max_count(self) -> int:
        return max((b.count for b in self.bars), default=0)


def matching_tools(filters: ToolFilters) -> list[Tool]:
    """Every tool matching the filters, with deployments prefetched."""
    return search_all(filters).tools


def _query(filters: ToolFilters, param: str, value: str) -> str:
    # Replaces that filter's values, so the list shows the bar's tools with the other filters
    # kept (the same count, unless the chart's own facet was already filtered).
    return filters.querystring(**{param: (value,)}, page=1, sort="relevance")


def _vocabulary_chart(slug, title, vocab, attr, param, tools, filters) -> Chart:
    counts = Counter(value for tool in tools for value in getattr(tool, attr))
    bars = [Bar(value, label, counts[value], _query(filters, param, value))
            for value, label in vocab.choices]
    bars.sort(key=lambda b: -b.count)  # stable: ties keep the vocabulary's order
    top = bars[0] if bars and bars[0].count else None
    empty = [b.label_text for b in bars if not b.count]
    description = _("%(n)s tools. Most common: %(top)s (%(count)s).") % {
        "n": len(tools), "top": top.label_text if top else "-", "count": top.count if top else 0}
    if empty:
        description += " " + _("None for: %(values)s.") % {"values": ", ".join(empty)}
    return Chart(slug, title, description, bars, len(tools))


def _region_chart(tools, filters) -> Chart:
    counts: Counter[str] = Counter()
    for tool in tools:
        counts.update({region_of(d.country) for d in tool.deployments.all()} - {""})
        if tool.is_global:
            counts[GLOBAL] += 1
    bars = [Bar(slug, label, counts[slug], _query(filters, "region", slug))
            for slug, label in REGIONS.items()]
    bars.append(Bar(GLOBAL, _("Offered globally"), counts[GLOBAL],
                    _query(filters, "region", GLOBAL)))
    description = _("%(n)s tools, counted once in each region where they are deployed; tools "
                    "offered globally are counted apart.") % {"n": len(tools)}
    return Chart("region", _("Tools by region"), description, bars, len(tools))


def _year_chart(tools) -> Chart:
    years = Counter(t.year_launched for t in tools if t.year_launched)
    unknown = sum(1 for t in tools if not t.year_launched)
    bars = []
    if years:
        bars = [Bar(str(y), str(y), years[y]) for y in range(min(years), max(years) + 1)]
    peak = max(bars, key=lambda b: b.count) if bars else None
    description = _("Launch year known for %(known)s of %(n)s tools (unknown: %(unknown)s). "
                    "Busiest year: %(peak)s (%(count)s).") % {
        "known": len(tools) - unknown, "n": len(tools), "unknown": unknown,
        "peak": peak.value if peak else "-", "count": peak.count if peak else 0}
    return Chart("year", _("Tools launched per year"), description, bars, len(tools) - unknown,
                 kind="columns")


def _open_source_chart(tools, filters) -> Chart:
    counts = Counter(t.open_source for t in tools)
    bars = [Bar(value, label, counts[value], _query(filters, "open_source", value))
            for value, label in v.OPEN_SOURCE.choices]
    share = round(100 * counts["yes"] / len(tools)) if tools else 0
    description = _("%(yes)s of %(n)s tools (%(share)s%%) publish their source code under an "
                    "open-source licence; for %(unknown)s the licence is not recorded.") % {
        "yes": counts["yes"], "n": len(tools), "share": share, "unknown": counts["unknown"]}
    return Chart("open-source", _("Open-source share"), description, bars, len(tools))


def insight_charts(*, filters: ToolFilters, tools: list[Tool] | None = None) -> list[Chart]:
    """The charts of /insights/, in page order."""
    tools = matching_tools(filters) if tools is None else tools
    return [
        _vocabulary_chart("purpose", _("Tools by purpose"), v.PURPOSES, "purposes", "purpose",
                          tools, filters),
        _vocabulary_chart("technology", _("Tools by technology"), v.TECHNOLOGIES, "technologies",
                          "technology", tools, filters),
        _vocabulary_chart("user", _("Tools by target user"), v.USERS, "users", "user", tools,
                          filters),
        _region_chart(tools, filters),
        _year_chart(tools),
        _open_source_chart(tools, filters),
    ]


def chart_by_slug(*, slug: str, filters: ToolFilters) -> Chart | None:
    return next((c for c in insight_charts(filters=filters) if c.slug == slug), None)


# Coverage levels. A cell is a gap with no tool, thin with a few, crowded when many tools share
# both its purpose and one technology (a sign of duplicated effort). Countries get lower
# thresholds than whole regions.
GAP, THIN, COVERED, CROWDED = "gap", "thin", "covered", "crowded"
THRESHOLDS = {"region": (3, 15), "country": (1, 5)}  # (thin at most, crowded from)


@dataclass
class Cell:
    count: int
    level: str
    crowded_by: list[tuple[str, int]] = field(default_factory=list)  # (technology, tools)
    query: str = ""

    @property
    def crowded_labels(self) -> list[tuple[object, int]]:
        return [(v.TECHNOLOGIES.label_of(t), n) for t, n in self.crowded_by]


@dataclass
class Row:
    key: str  # region slug, country code or "global"
    label: object
    cells: list[Cell]
    drill_down: bool = False  # a region whose countries have their own matrix

    @property
    def total(self) -> int:
        return sum(c.count for c in self.cells)


@dataclass
class CoverageMatrix:
    region: str  # "" for the world (rows are regions), else the region whose countries are rows
    purposes: list[tuple[str, object]]
    rows: list[Row]
    global_row: Row | None
    thin_max: int
    crowded_min: int

    def count(self, level: str) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.level == level)


def _level(count, crowded_by, thin_max) -> str:
    if count == 0:
        return GAP
    if crowded_by:
        return CROWDED
    return THIN if count <= thin_max else COVERED


def coverage_matrix(*, filters: ToolFilters, region: str = "",
                    tools: list[Tool] | None = None) -> CoverageMatrix:
    """Tools per (region, purpose) or, with a region, per (country of that region, purpose).

    Raises ValueError for an unknown region.
    """
    if region and region not in REGIONS:
        raise ValueError(f"unknown region {region!r}")
    tools = matching_tools(filters) if tools is None else tools
    thin_max, crowded_min = THRESHOLDS["country" if region else "region"]
    if region:
        keys = [(c.code, c.name) for c in countries_in_region(region)]
        place_param = "country"
    else:
        keys = list(REGIONS.items())
        place_param = "region"
    wanted = {k for k, _label in keys}
    counts: Counter[tuple[str, str]] = Counter()
    by_technology: Counter[tuple[str, str, str]] = Counter()
    global_counts: Counter[str] = Counter()
    for tool in tools:
        countries = {d.country for d in tool.deployments.all()}
        places = (countries if region else {region_of(c) for c in countries}) & wanted
        for place in places:
            for purpose in tool.purposes:
                counts[place, purpose] += 1
                for technology in tool.technologies:
                    by_technology[place, purpose, technology] += 1
        if tool.is_global:
            global_counts.update(tool.purposes)

    crowding: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for (place, purpose, technology), n in by_technology.items():
        if n >= crowded_min:
            crowding.setdefault((place, purpose), []).append((technology, n))
    purposes = v.PURPOSES.choices
    rows = []
    for key, label in keys:
        cells = []
        for purpose, _plabel in purposes:
            crowded = sorted(crowding.get((key, purpose), []), key=lambda tn: -tn[1])
            count = counts[key, purpose]
            query = filters.querystring(**{place_param: (key,), "purpose": (purpose,)}, page=1,
                                        sort="relevance")
            cells.append(Cell(count, _level(count, crowded, thin_max), crowded, query))
        rows.append(Row(key, label, cells, drill_down=not region))
    global_row = None
    if not region:
        global_row = Row(GLOBAL, _("Offered globally"), [
            Cell(global_counts[p], COVERED, [], filters.querystring(
                region=(GLOBAL,), purpose=(p,), page=1, sort="relevance"))
            for p, _label in purposes])
    return CoverageMatrix(region, purposes, rows, global_row, thin_max, crowded_min)
