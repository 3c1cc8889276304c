"""Landscape figures computed from the catalogue: charts and the coverage matrix.

Every figure counts over the bitset of `tool_search_counts` with the filters of /tools/, so the
insights obey exactly the same filters as the list, the map and the API, and no tool is read
from the database. Plain functions with no request or template in sight, so a CLI or a report
can call them too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from babel.languages import get_official_languages
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from atlas.catalogue import vocabularies as v
from atlas.catalogue.filters import ToolFilters
from atlas.catalogue.selectors import SearchCounts, tool_search_counts
from atlas.core.languages import language_name
from atlas.core.countries import GLOBAL, REGIONS, countries_in_region


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


def matching(filters: ToolFilters) -> SearchCounts:
    """The search every figure counts over."""
    return tool_search_counts(filters)


def _query(filters: ToolFilters, param: str, value: str) -> str:
    # Replaces that filter's values, so the list shows the bar's tools with the other filters
    # kept (the same count, unless the chart's own facet was already filtered).
    return filters.querystring(**{param: (value,)}, page=1, sort="relevance")


def _vocabulary_chart(slug, title, vocab, param, found: SearchCounts) -> Chart:
    filters, n = found.filters, found.count
    counts = found.index.value_counts(param, found.mask)
    bars = [Bar(value, label, counts.get(value, 0), _query(filters, param, value))
            for value, label in vocab.choices]
    bars.sort(key=lambda b: -b.count)  # stable: ties keep the vocabulary's order
    top = bars[0] if bars and bars[0].count else None
    empty = [b.label_text for b in bars if not b.count]
    description = _("%(n)s tools. Most common: %(top)s (%(count)s).") % {
        "n": n, "top": top.label_text if top else "-", "count": top.count if top else 0}
    if empty:
        description += " " + _("None for: %(values)s.") % {"values": ", ".join(empty)}
    return Chart(slug, title, description, bars, n)


def _region_chart(found: SearchCounts) -> Chart:
    filters, n = found.filters, found.count
    counts = found.index.value_counts("region", found.mask)
    bars = [Bar(slug, label, counts.get(slug, 0), _query(filters, "region", slug))
            for slug, label in REGIONS.items()]
    bars.append(Bar(GLOBAL, _("Offered globally"), counts.get(GLOBAL, 0),
                    _query(filters, "region", GLOBAL)))
    description = _("%(n)s tools, counted once in each region where they are deployed; tools "
                    "offered globally are counted apart.") % {"n": n}
    return Chart("region", _("Tools by region"), description, bars, n)


def _year_chart(found: SearchCounts) -> Chart:
    years = {y: n for y, mask in found.index.years.items()
             if (n := (found.mask & mask).bit_count())}
    unknown = found.count - sum(years.values())
    bars = []
    if years:
        bars = [Bar(str(y), str(y), years.get(y, 0)) for y in range(min(years), max(years) + 1)]
    peak = max(bars, key=lambda b: b.count) if bars else None
    description = _("Launch year known for %(known)s of %(n)s tools (unknown: %(unknown)s). "
                    "Busiest year: %(peak)s (%(count)s).") % {
        "known": found.count - unknown, "n": found.count, "unknown": unknown,
        "peak": peak.value if peak else "-", "count": peak.count if peak else 0}
    return Chart("year", _("Tools launched per year"), description, bars, found.count - unknown,
                 kind="columns")


def _open_source_chart(found: SearchCounts) -> Chart:
    filters, n = found.filters, found.count
    counts = found.index.value_counts("open_source", found.mask)
    bars = [Bar(value, label, counts.get(value, 0), _query(filters, "open_source", value))
            for value, label in v.OPEN_SOURCE.choices]
    share = round(100 * counts.get("yes", 0) / n) if n else 0
    description = _("%(yes)s of %(n)s tools (%(share)s%%) publish their source code under an "
                    "open-source licence; for %(unknown)s the licence is not recorded.") % {
        "yes": counts.get("yes", 0), "n": n, "share": share, "unknown": counts.get("unknown", 0)}
    return Chart("open-source", _("Open-source share"), description, bars, n)


def _cross_chart(slug, title, found: SearchCounts, within: tuple[str, str], param: str,
                 vocab, describe) -> Chart:
    """The tools of one facet value (within), counted by another facet's values; a value no
    source gives is counted as unknown."""
    index = found.index
    mask = found.mask & index.value_mask(*within)
    n = mask.bit_count()
    counts = index.value_counts(param, mask)
    filters = found.filters
    bars = [Bar(value, label, counts.get(value, 0),
                filters.querystring(**{within[0]: (within[1],), param: (value,)}, page=1))
            for value, label in vocab.choices]
    if "unknown" not in vocab:
        bars.append(Bar("unknown", pgettext("answer", "Unknown"),
                        n - sum(counts.get(value, 0) for value in vocab.terms)))
    return Chart(slug, title, describe(n, bars), bars, n)


def _evidence_chart(slug, title, found: SearchCounts, param: str, choices) -> Chart:
    """Per value of a facet: how many of its tools have evidence from outside (an independent
    evaluation or a peer-reviewed study), as bars, the share in the description."""
    index = found.index
    evidence = index.value_mask("evaluation", "independent-evaluation") | \
        index.value_mask("evaluation", "peer-reviewed")
    bars, shares = [], []
    for value, label in choices:
        of_value = found.mask & index.value_mask(param, value)
        total, with_evidence = of_value.bit_count(), (of_value & evidence).bit_count()
        bars.append(Bar(value, label, with_evidence, _query(found.filters, param, value)))
        if total:
            shares.append(f"{label}: {with_evidence}/{total}")
    description = _("Tools with an independent evaluation or a peer-reviewed study of their "
                    "effect, out of all the tools of each value: %(shares)s.") % {
        "shares": "; ".join(shares) or "-"}
    return Chart(slug, title, description, bars, (found.mask & evidence).bit_count())


def _language_gap_chart(found: SearchCounts) -> Chart:
    """For each official language of the countries where the matching tools are deployed: how
    many of the tools deployed there speak it. Languages with none are named."""
    index = found.index
    deployed = index.value_counts("country", found.mask)
    speakers = {}
    for country in deployed:
        if country == GLOBAL:
            continue
        there = found.mask & index.value_mask("country", country)
        for language in get_official_languages(country, de_facto=True):
            speakers.setdefault(language, 0)
            speakers[language] |= there & index.value_mask("language", language)
    bars = [Bar(code, language_name(code), mask.bit_count() if mask else 0,
                _query(found.filters, "language", code)) for code, mask in speakers.items()]
    bars.sort(key=lambda b: (-b.count, b.label_text))
    missing = [b.label_text for b in bars if not b.count]
    description = _("%(languages)s languages are official where these tools are deployed; "
                    "%(missing)s of them have no tool known to speak them%(names)s.") % {
        "languages": len(bars), "missing": len(missing),
        "names": (": " + ", ".join(missing[:30]) + ("…" if len(missing) > 30 else ""))
        if missing else ""}
    return Chart("language-gaps", _("Languages of the countries served, against the languages "
                                    "tools speak"), description, bars,
                 sum(1 for b in bars if b.count))


def _share(part, whole):
    return round(100 * part / whole) if whole else 0


def responsible_charts(found: SearchCounts) -> list[Chart]:
    """Charts of the responsible-technology profile (issue 16)."""
    def survivors(n, bars):
        yes = bars[0].count
        return _("%(n)s tools process victims' data; survivors or workers took part in "
                 "designing or running %(yes)s of them (%(share)s%%).") % {
            "n": n, "yes": yes, "share": _share(yes, n)}

    def protection(n, bars):
        yes = bars[0].count
        return _("%(n)s tools process victims' data; %(yes)s of them (%(share)s%%) publish a "
                 "privacy policy or an impact assessment.") % {
            "n": n, "yes": yes, "share": _share(yes, n)}
    return [
        _vocabulary_chart("victim-data", _("Tools that process victims' data"), v.VICTIM_DATA,
                          "victim_data", found),
        _cross_chart("victim-data-survivors", _("Tools that process victims' data, by survivor "
                                                "involvement"), found, ("victim_data", "yes"),
                     "survivors", v.SURVIVORS, survivors),
        _cross_chart("victim-data-protection", _("Tools that process victims' data, by "
                                                 "published data-protection information"),
                     found, ("victim_data", "yes"), "data_protection", v.DATA_PROTECTION,
                     protection),
        _evidence_chart("evidence-purpose", _("Independent evidence by purpose"), found,
                        "purpose", v.PURPOSES.choices),
        _evidence_chart("evidence-region", _("Independent evidence by region"), found,
                        "region", list(REGIONS.items())),
        _language_gap_chart(found),
    ]


def insight_charts(*, filters: ToolFilters, found: SearchCounts | None = None) -> list[Chart]:
    """The charts of /insights/, in page order."""
    found = matching(filters) if found is None else found
    return [
        _vocabulary_chart("purpose", _("Tools by purpose"), v.PURPOSES, "purpose", found),
        _vocabulary_chart("technology", _("Tools by technology"), v.TECHNOLOGIES, "technology",
                          found),
        _vocabulary_chart("user", _("Tools by target user"), v.USERS, "user", found),
        _region_chart(found),
        _year_chart(found),
        _open_source_chart(found),
        *responsible_charts(found),
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
                    found: SearchCounts | None = None) -> CoverageMatrix:
    """Tools per (region, purpose) or, with a region, per (country of that region, purpose).

    Raises ValueError for an unknown region.
    """
    if region and region not in REGIONS:
        raise ValueError(f"unknown region {region!r}")
    found = matching(filters) if found is None else found
    index, mask = found.index, found.mask
    thin_max, crowded_min = THRESHOLDS["country" if region else "region"]
    if region:
        keys = [(c.code, c.name) for c in countries_in_region(region)]
        place_param = "country"
    else:
        keys = list(REGIONS.items())
        place_param = "region"
    places = index.masks[place_param]
    purposes = v.PURPOSES.choices
    purpose_masks = {p: mask & index.masks["purpose"].get(p, 0) for p, _label in purposes}
    technology_masks = list(index.masks["technology"].items())
    rows = []
    for key, label in keys:
        place = places.get(key, 0)
        cells = []
        for purpose, _plabel in purposes:
            cell = purpose_masks[purpose] & place
            count = cell.bit_count()
            # A cell is crowded when many of its tools share one technology; a cell with fewer
            # tools than that cannot be, so most cells cost one AND.
            crowded = sorted(((t, n) for t, t_mask in technology_masks
                              if (n := (cell & t_mask).bit_count()) >= crowded_min),
                             key=lambda tn: -tn[1]) if count >= crowded_min else []
            query = filters.querystring(**{place_param: (key,), "purpose": (purpose,)}, page=1,
                                        sort="relevance")
            cells.append(Cell(count, _level(count, crowded, thin_max), crowded, query))
        rows.append(Row(key, label, cells, drill_down=not region))
    global_row = None
    if not region:
        everywhere = index.masks["country"].get(GLOBAL, 0)
        global_row = Row(GLOBAL, _("Offered globally"), [
            Cell((purpose_masks[p] & everywhere).bit_count(), COVERED, [], filters.querystring(
                region=(GLOBAL,), purpose=(p,), page=1, sort="relevance"))
            for p, _label in purposes])
    return CoverageMatrix(region, purposes, rows, global_row, thin_max, crowded_min)
