"""Reads of the catalogue. `tool_search` is the one search every caller uses."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Prefetch
from django.utils.translation import get_language
from rapidfuzz import fuzz, process, utils

from atlas.catalogue.facets import FACETS, params as FACET_PARAMS
from atlas.catalogue.facets import facet as facet_spec
from atlas.catalogue.filters import ToolFilters
from atlas.catalogue.models import Deployment, Organisation, Tool, ToolOrganisation
from atlas.catalogue.translations import active_translation_prefetch
from atlas.catalogue.search import RANK_LIMIT, parse_query, text_excluded, text_match, text_rank
from atlas.catalogue.search.backends import RANKED_FIELDS
from atlas.catalogue.search.index import current_index, positions_from_bits
from atlas.catalogue.search.highlight import highlight
from atlas.catalogue.search.semantic import semantic_additions
from atlas.derived import stamps
from atlas.derived.cache import memoised

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


# Above this many names, comparing the query with every name (WRatio, ~2 µs each) costs more than
# a page's budget: names sharing a word close to one of the query's are compared instead.
FUZZY_ALL_NAMES = 20_000


@dataclass(frozen=True)
class _NameWords:
    names: list  # processed names, in the index's order
    vocabulary: list  # every word of every name
    postings: list  # for each word of the vocabulary, the positions of names holding it


@memoised(stamps.CATALOGUE)
def _name_words() -> _NameWords:
    names = [utils.default_process(name) for name, _id in current_index().names]
    postings: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        for word in set(name.split()):
            postings.setdefault(word, []).append(i)
    return _NameWords(names, list(postings), list(postings.values()))


def _fuzzy_candidates(q: str) -> list[int] | None:
    """Positions of the names worth comparing with the query, or None for all of them."""
    if len(current_index().names) <= FUZZY_ALL_NAMES:
        return None
    words = _name_words()
    found = set()
    for word in utils.default_process(q).split():
        for _w, _score, i in process.extract(word, words.vocabulary, scorer=fuzz.ratio,
                                             processor=None, score_cutoff=FUZZY_CUTOFF - 10,
                                             limit=20):
            found.update(words.postings[i])
    return sorted(found)


def _fuzzy_matches(q, index) -> dict[int, float]:
    """Tools whose name or alias is spelt close to the query ("did you mean")."""
    candidates = _fuzzy_candidates(q)
    if candidates is None:
        choices, where = [name for name, _ in index.names], None
        processor = utils.default_process
    else:
        names = _name_words().names
        choices, where, processor = [names[i] for i in candidates], candidates, None
        q = utils.default_process(q)
    found = process.extract(q, choices, scorer=fuzz.WRatio, processor=processor,
                            score_cutoff=FUZZY_CUTOFF, limit=10)
    scores = {}
    for _name, score, i in found:
        tool_id = index.names[i if where is None else where[i]][1]
        scores[tool_id] = max(scores.get(tool_id, 0), score)
    return scores


@dataclass
class TextMatches:
    """What the words of a query match, and how to rank it (step 1 of a search)."""

    mask: int  # bitset of matching tools; every tool when there is no query
    parsed: object  # the ParsedQuery
    ranks: dict | None = None  # tool id -> full-text rank, when ranked
    fuzzy_scores: dict | None = None  # tool id -> spelling score, when matched by spelling
    semantic_only: dict = field(default_factory=dict)  # tool id -> similarity (meaning only)
    suggestion: str = ""


def text_matches(q: str, index, *, ranked: bool) -> TextMatches:
    """Tools matching the query by words, else by spelling or meaning (see semantic.py); never
    one matching an excluded word or phrase, whichever way it was found."""
    parsed = parse_query(q)
    if not parsed:
        return TextMatches(index.all_mask, parsed)
    excluded = set(text_excluded(parsed))
    if not parsed.groups:  # exclusions only: every other tool
        return TextMatches(index.all_mask & ~index.mask_of_ids(excluded), parsed)
    ranks = None
    # In a catalogue small enough, ranking every match costs little: match and rank at once.
    if index.size <= RANK_LIMIT:
        ranks = text_rank(parsed)
        matched = list(ranks)
    else:
        matched = text_match(parsed)
        if ranked and len(matched) <= RANK_LIMIT:
            ranks = text_rank(parsed)
    matched = [i for i in matched if i not in excluded]
    # Few matches by words: tools close in meaning, in any language, ranked after them. A
    # sentence is matched by meaning before spelling; a word or two by spelling first. Both
    # read what was typed less the exclusions ("-police" means nothing to either).
    semantic_only = _kept(semantic_additions(parsed.text, parsed, matched, index, sentence=True),
                          excluded)
    fuzzy_scores, suggestion = None, ""
    # A quoted phrase asks for exactly that: no spelling fallback.
    if not matched and not semantic_only and not parsed.quoted:
        fuzzy_scores = _kept(_fuzzy_matches(parsed.text, index), excluded)
        if fuzzy_scores:
            best = max(fuzzy_scores, key=fuzzy_scores.get)
            suggestion = next(name for name, tool_id in index.names if tool_id == best)
        matched = list(fuzzy_scores)
    semantic_only = semantic_only or _kept(
        semantic_additions(parsed.text, parsed, matched, index, sentence=False), excluded)
    return TextMatches(index.mask_of_ids([*matched, *semantic_only]), parsed, ranks,
                       fuzzy_scores, semantic_only, suggestion)


def _kept(scores: dict, excluded: set) -> dict:
    return {i: score for i, score in scores.items() if i not in excluded}


def _selection_masks(index, filters: ToolFilters) -> dict[str, int]:
    """Each filtered facet's bitset: the tools carrying any of its chosen values."""
    masks = {}
    for param, values in filters.selections:
        mask = 0
        for value in values:
            mask |= index.masks.get(param, {}).get(value, 0)
        masks[param] = mask
    return masks


def filtered_mask(index, text_mask: int, selection_masks: dict[str, int]) -> int:
    final = text_mask
    for mask in selection_masks.values():
        final &= mask
    return final


@memoised()
def _facet_labels(param: str, language: str) -> dict:
    """Every value's label of a facet in one language, as text (computed once per language)."""
    facet = facet_spec(param)
    values = facet.choices if facet.choices is not None else []
    return {value: str(facet.value_label(value)) for value in values}


def _label(param, value, labels) -> str:
    label = labels.get(value)
    if label is None:
        label = labels[value] = str(facet_spec(param).value_label(value))
    return label


def facet_counts(index, text_mask: int, filters: ToolFilters,
                 selection_masks: dict[str, int]) -> list[Facet]:
    """Disjunctive counts (step 2): each facet's counts apply every other active filter but
    not its own, so they say how many results choosing that value would give."""
    language = get_language() or ""
    facets = []
    for spec in FACETS:
        base = text_mask
        for param, mask in selection_masks.items():
            if param != spec.param:
                base &= mask
        selected = filters.selected(spec.param)
        toggle = filters.toggler(spec.param)
        labels = _facet_labels(spec.param, language)  # filled as values are met
        values = []
        for value, mask in index.masks.get(spec.param, {}).items():
            count = (base & mask).bit_count()
            if count or value in selected:
                values.append(FacetValue(value, _label(spec.param, value, labels), count,
                                         value in selected, toggle(value)))
        for value in selected:  # a chosen value nobody has yet still shows, to be unticked
            if value not in index.masks.get(spec.param, {}):
                values.append(FacetValue(value, _label(spec.param, value, labels), 0, True,
                                         toggle(value)))
        values.sort(key=lambda fv: (-fv.count, fv.label))
        facets.append(Facet(spec.param, spec.label, values))
    return facets


HYDRATE_CHUNK = 900  # SQLite allows so many parameters in one query


def hydrate(ids: list[int]) -> list[Tool]:
    """Tools for these ids, in this order, with their relations (step 4)."""
    by_id = {}
    for start in range(0, len(ids), HYDRATE_CHUNK):
        chunk = ids[start:start + HYDRATE_CHUNK]
        by_id.update((t.pk, t) for t in tools_with_relations(Tool.objects.filter(pk__in=chunk)))
    return [by_id[i] for i in ids if i in by_id]


def _search(filters: ToolFilters, *, ranked: bool):
    index = current_index()
    text = text_matches(filters.q, index, ranked=ranked and filters.sort == "relevance")
    selection_masks = _selection_masks(index, filters)
    return index, text, selection_masks, filtered_mask(index, text.mask, selection_masks)


def _filters_of(filters, kwargs) -> ToolFilters:
    if filters is not None:
        return filters
    kwargs = {k: tuple(v) if k in FACET_PARAMS() else v for k, v in kwargs.items()}
    return ToolFilters(**kwargs)


def tool_search(filters: ToolFilters | None = None, /, *, per_page: int = PER_PAGE,
                **kwargs) -> ToolSearchResult:
    """A page of tools matching a search, with disjunctive facet counts.

    `tool_search(filters)` or `tool_search(q="...", purpose=[...], page=2)`. Values within a
    facet combine with OR, facets with AND.
    """
    filters = _filters_of(filters, kwargs)
    index, text, selection_masks, final = _search(filters, ranked=True)
    facets = facet_counts(index, text.mask, filters, selection_masks)
    count = final.bit_count()
    page = filters.page
    ordered = ordered_ids(index, final, min(count, page * per_page), filters.sort, text)
    tools = hydrate(ordered[(page - 1) * per_page:page * per_page])
    highlights = {}
    if text.parsed.groups:
        highlights = {t.pk: {"name": highlight(t.name, text.parsed),
                             "description": highlight(t.short_description, text.parsed)}
                      for t in tools}
    return ToolSearchResult(filters, tools, count, per_page, facets, text.suggestion, highlights,
                            frozenset(text.semantic_only))


def tool_search_ids(filters: ToolFilters | None = None, /, **kwargs) -> list[int]:
    """The ids of every tool matching a search, in the search's order (exports, feeds)."""
    filters = _filters_of(filters, kwargs)
    index, text, _masks, final = _search(filters, ranked=True)
    return ordered_ids(index, final, final.bit_count(), filters.sort, text)


@dataclass
class SearchCounts:
    """A search counted but not loaded: the map and insights count over `mask` with the index,
    without reading a single tool from the database."""

    filters: ToolFilters
    count: int
    facets: list[Facet]
    index: object  # the FacetIndex searched
    mask: int  # bitset of the matching tools
    text: TextMatches

    def ordered_ids(self, mask: int | None = None) -> list[int]:
        """Ids of the matching tools (or of a subset of them), in the search's order."""
        mask = self.mask if mask is None else mask
        return ordered_ids(self.index, mask, mask.bit_count(), self.filters.sort, self.text)


def tool_search_counts(filters: ToolFilters, *, ranked: bool = False) -> SearchCounts:
    """Counts only; `ranked` when the caller will list tools in relevance order."""
    index, text, selection_masks, final = _search(filters, ranked=ranked)
    return SearchCounts(filters, final.bit_count(),
                        facet_counts(index, text.mask, filters, selection_masks), index, final,
                        text)


def ordered_ids(index, final: int, want: int, sort: str, text: TextMatches) -> list[int]:
    """The first `want` tool ids of the final set, in the requested order (step 3)."""
    if want <= 0:
        return []
    if not text.parsed.groups and sort == "relevance":
        sort = "name"  # with no words to find (none, or exclusions only), nothing to rank by
    count = final.bit_count()
    if sort == "relevance":
        # Tiers: a match in the name (or an alias) ranks above one in the organisations,
        # which ranks above a match only in the body (search.backends.RANKED_FIELDS).
        tiers = [lambda field=field: index.mask_of_ids(text_match(text.parsed, field))
                 for field in RANKED_FIELDS]
        return index.relevance_order(final, want, tiers=tiers, ranks=text.ranks,
                                     scores=text.fuzzy_scores, below=text.semantic_only)
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


SIMILAR_BY = ("purpose", "technology", "exploitation")


def tool_facet_values(tool: Tool, param: str) -> list[str]:
    """A tool's values for one facet, read the way the search index reads them."""
    spec = facet_spec(param)
    return list(spec.values({column: getattr(tool, column) for column in spec.columns}))


def tool_facet_values_all(tool: Tool) -> dict[str, list[str]]:
    """Every facet's values for a tool (deployments prefetched), as the search index has them;
    facets without a value are left out."""
    countries = [d.country for d in tool.deployments.all()]
    values = {}
    for spec in FACETS:
        found = tool_facet_values(tool, spec.param)
        if spec.from_deployment is not None:
            found += [v for code in countries for v in spec.from_deployment(code)]
        if found:
            values[spec.param] = list(dict.fromkeys(found))
    return values


def tool_similar(*, tool: Tool, limit: int = 5) -> list[Tool]:
    """Tools sharing the most purposes, technologies and forms of exploitation with this one,
    among those sharing a purpose (shown on its page)."""
    index = current_index()
    values = {param: tool_facet_values(tool, param) for param in SIMILAR_BY}
    mask = 0
    for value in values["purpose"]:
        mask |= index.masks["purpose"].get(value, 0)
    score: dict[int, int] = {}
    for param in SIMILAR_BY:
        for value in values[param]:
            for p in positions_from_bits(index.masks[param].get(value, 0) & mask):
                score[p] = score.get(p, 0) + 1
    score.pop(index.pos.get(tool.pk), None)
    best = heapq.nsmallest(limit, score, key=lambda p: (-score[p], index.name_rank[p]))
    ids = [index.ids[p] for p in best]
    by_id = Tool.objects.prefetch_related(*active_translation_prefetch()).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


class OrganisationSummary(NamedTuple):
    pk: int
    slug: str
    name: str
    headquarters_country: str


@memoised(stamps.CATALOGUE)
def organisation_summaries() -> dict[int, OrganisationSummary]:
    """Every organisation's id, slug, name and headquarters, by id (the map's markers)."""
    return {row[0]: OrganisationSummary(*row) for row in Organisation.objects.values_list(
        "pk", "slug", "name", "headquarters_country")}


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
