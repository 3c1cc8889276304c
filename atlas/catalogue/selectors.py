"""Reads of the catalogue. `tool_search` is the one search every caller uses."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from rapidfuzz import fuzz, process, utils

from atlas.catalogue.filters import FACETS, ToolFilters
from atlas.catalogue.models import Deployment, Organisation, Tool, ToolOrganisation
from atlas.catalogue.translations import active_translation_prefetch
from atlas.catalogue.search import (RANK_LIMIT, parse_query, text_match, text_rank,
                                    text_relevance)
from atlas.catalogue.search.facets import current_index, positions_from_bits
from atlas.catalogue.search.highlight import highlight
from atlas.catalogue.search.semantic import semantic_additions

PER_PAGE = 20
# Spelling fallback: how close a name must be (0-100) to count as "did you mean".
FUZZY_CUTOFF = 80


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    toggle_query: str

    def as_dict(self):
        return {"value": self.value, "label": str(self.label), "count": self.count,
                "selected": self.selected, "toggle_query": self.toggle_query}


@dataclass
class Facet:
    param: str
    label: str
    values: list[FacetValue]

    @property
    def selected_values(self):
        return [v for v in self.values if v.selected]

    def as_dict(self):
        return {"param": self.param, "label": str(self.label),
                "values": [v.as_dict() for v in self.values]}


@dataclass
class ToolSearchResult:
    filters: ToolFilters
    tools: list[Tool]
    count: int
    per_page: int
    facets: list[Facet]
    suggestion: str = ""  # a tool name, when the query only matched through spelling
    highlights: dict = field(default_factory=dict)  # tool id -> {"name": html, "description": html}
    semantic_ids: frozenset = frozenset()  # matched by meaning (any language), not by words

    @property
    def page(self):
        return self.filters.page

    @property
    def num_pages(self):
        return max(1, -(-self.count // self.per_page))

    @property
    def has_next(self):
        return self.page < self.num_pages

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def start_index(self):
        return (self.page - 1) * self.per_page + 1 if self.count else 0

    @property
    def end_index(self):
        return min(self.page * self.per_page, self.count)


def tools_with_relations(queryset=None):
    """Tools with organisations and deployments prefetched (three queries for any number), and
    in a language other than the source one, their translations into it (one more query)."""
    queryset = Tool.objects.all() if queryset is None else queryset
    return queryset.prefetch_related(
        Prefetch("roles", queryset=ToolOrganisation.objects.select_related("organisation")),
        "deployments",
        *active_translation_prefetch(),
    )


def _fuzzy_matches(q, index) -> dict[int, float]:
    found = process.extract(q, [name for name, _ in index.names], scorer=fuzz.WRatio,
                            processor=utils.default_process, score_cutoff=FUZZY_CUTOFF, limit=10)
    scores = {}
    for _name, score, i in found:
        tool_id = index.names[i][1]
        scores[tool_id] = max(scores.get(tool_id, 0), score)
    return scores


def tool_search(*, q: str = "", purpose=(), technology=(), user=(), exploitation=(), region=(),
                country=(), cost=(), access=(), status=(), open_source=(), sort: str = "relevance",
                page: int = 1, per_page: int = PER_PAGE, extra=(), all_results: bool = False
                ) -> ToolSearchResult:
    """Search and filter tools, with disjunctive facet counts.

    Values within a facet combine with OR, facets with AND. Each facet's counts apply every other
    active filter but not its own, so they say how many results choosing that value would give.
    With all_results, `tools` holds every match in order (for exports and the map).
    """
    filters = ToolFilters(q=q, purpose=tuple(purpose), technology=tuple(technology),
                          user=tuple(user), exploitation=tuple(exploitation), region=tuple(region),
                          country=tuple(country), cost=tuple(cost), access=tuple(access),
                          status=tuple(status), open_source=tuple(open_source), sort=sort,
                          page=page, extra=tuple(extra))
    index = current_index()
    parsed = parse_query(q)
    fuzzy_scores, suggestion = None, ""
    ranks = None
    semantic_only = {}
    if parsed:
        # In a catalogue small enough, ranking every match costs little: match and rank at once.
        if index.size <= RANK_LIMIT:
            ranks = text_rank(parsed)
            matched = list(ranks)
        else:
            matched = text_match(parsed)
            if sort == "relevance" and len(matched) <= RANK_LIMIT:
                ranks = text_rank(parsed)
        # Few matches by words: tools close in meaning, in any language, ranked after them. A
        # sentence is matched by meaning before spelling; a word or two by spelling first.
        semantic_only = semantic_additions(q, parsed, matched, index, sentence=True)
        # A quoted phrase asks for exactly that: no spelling fallback.
        if not matched and not semantic_only and not parsed.phrases:
            fuzzy_scores = _fuzzy_matches(q, index)
            if fuzzy_scores:
                best = max(fuzzy_scores, key=fuzzy_scores.get)
                suggestion = next(name for name, tool_id in index.names if tool_id == best)
            matched = list(fuzzy_scores)
        semantic_only = semantic_only or semantic_additions(q, parsed, matched, index,
                                                            sentence=False)
        matched = [*matched, *semantic_only]
        text_mask = index.mask_of_ids(matched)
    else:
        text_mask = index.all_mask

    facet_masks = {}
    for facet in FACETS:
        selected = filters.selected(facet.param)
        if selected:
            mask = 0
            for value in selected:
                mask |= index.masks[facet.param].get(value, 0)
            facet_masks[facet.param] = mask
    final = text_mask
    for mask in facet_masks.values():
        final &= mask

    facets = []
    for facet in FACETS:
        base = text_mask
        for param, mask in facet_masks.items():
            if param != facet.param:
                base &= mask
        selected = filters.selected(facet.param)
        toggle = filters.toggler(facet.param)
        values = []
        for value, mask in index.masks[facet.param].items():
            count = (base & mask).bit_count()
            if count or value in selected:
                values.append(FacetValue(value, facet.labels(value), count, value in selected,
                                         toggle(value)))
        for value in selected:  # a chosen value nobody has yet still shows, to be unticked
            if value not in index.masks[facet.param]:
                values.append(FacetValue(value, facet.labels(value), 0, True, toggle(value)))
        values.sort(key=lambda fv: (-fv.count, str(fv.label)))
        facets.append(Facet(facet.param, facet.label, values))

    count = final.bit_count()
    want = count if all_results else min(count, page * per_page)
    if not parsed and sort == "relevance":
        sort = "name"  # with no query there is no relevance to rank by
    ordered_ids = _ordered_ids(index, final, want, sort, parsed, fuzzy_scores, ranks,
                               semantic_only)
    page_ids = ordered_ids if all_results else ordered_ids[(page - 1) * per_page:page * per_page]
    by_id = {t.pk: t for t in tools_with_relations(Tool.objects.filter(pk__in=page_ids))} \
        if page_ids else {}
    tools = [by_id[i] for i in page_ids if i in by_id]
    highlights = {}
    if parsed and not all_results:
        highlights = {t.pk: {"name": highlight(t.name, parsed),
                             "description": highlight(t.short_description, parsed)} for t in tools}
    return ToolSearchResult(filters, tools, count, per_page, facets, suggestion, highlights,
                            frozenset(semantic_only))


def _ordered_ids(index, final, want, sort, parsed, fuzzy_scores, ranks,
                 semantic_only=None) -> list[int]:
    """The first `want` tool ids of the final set, in the requested order."""
    if want <= 0:
        return []
    count = final.bit_count()
    if sort == "relevance":
        ids = [index.ids[p] for p in positions_from_bits(final)]
        if fuzzy_scores:
            scores = {i: (fuzzy_scores.get(i, 0), 0) for i in ids}
        else:
            scores = text_relevance(parsed, ids, ranks)
        scores.update({i: (0, s) for i, s in (semantic_only or {}).items()})  # below any word match
        # Ties (same relevance) fall back to name order for a stable, readable list.
        return heapq.nsmallest(want, ids, key=lambda i: (-scores[i][0], -scores[i][1],
                                                         index.name_order_rank(i)))
    final_bytes = final.to_bytes((index.size >> 3) + 1, "little")
    order = index.newest_order if sort == "newest" else index.name_order
    if count * 50 < index.size:  # sparse: list the members, then order them
        members = positions_from_bits(final)
        rank = index.newest_rank if sort == "newest" else index.name_rank
        return [index.ids[p] for p in heapq.nsmallest(want, members, key=rank.__getitem__)]
    out = []
    for p in order:  # dense: walk the order until the page is full
        if index.contains(final_bytes, p):
            out.append(index.ids[p])
            if len(out) >= want:
                break
    return out


def tool_get(*, slug: str) -> Tool | None:
    return tools_with_relations(Tool.objects.select_related("verified_by")).filter(slug=slug).first()


def tool_similar(*, tool: Tool, limit: int = 5) -> list[Tool]:
    """Tools sharing the most purposes and technologies with this one (shown on its page)."""
    index = current_index()
    mask = 0
    for value in tool.purposes:
        mask |= index.masks["purpose"].get(value, 0)
    score: dict[int, int] = {}
    for param, values in (("purpose", tool.purposes), ("technology", tool.technologies),
                          ("exploitation", tool.exploitation)):
        for value in values:
            for p in positions_from_bits(index.masks[param].get(value, 0) & mask):
                score[p] = score.get(p, 0) + 1
    score.pop(index.pos.get(tool.pk), None)
    best = heapq.nsmallest(limit, score, key=lambda p: (-score[p], index.name_rank[p]))
    ids = [index.ids[p] for p in best]
    by_id = Tool.objects.prefetch_related(*active_translation_prefetch()).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def organisation_get(*, slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).prefetch_related(
        Prefetch("roles", queryset=ToolOrganisation.objects.select_related("tool")
                 .order_by("tool__name"))).first()


def organisation_list(*, kind: str = "", country: str = ""):
    qs = Organisation.objects.annotate(tool_count=Count("tools", distinct=True))
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(headquarters_country=country)
    return qs.order_by("name")


def catalogue_counts() -> dict:
    """Headline figures for the home page."""
    index = current_index()
    countries = {c for c in Deployment.objects.values_list("country", flat=True).distinct()}
    return {
        "tools": index.size,
        "organisations": Organisation.objects.count(),
        "countries": len(countries),
        "verified": Tool.objects.filter(verified_at__isnull=False).count(),
    }
