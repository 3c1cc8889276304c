"""The query-string state of a tool search: parsing, validation and toggling.

The same parameters drive /tools/, the map, the API and exports, so they are defined here once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from atlas.catalogue import vocabularies as v
from atlas.geo.countries import GLOBAL, REGIONS, country_name, is_country_code

SORTS = {
    "relevance": _("Relevance"),
    "name": _("Name"),
    "newest": _("Newest"),
}
MAX_PAGE = 10_000
MAX_VALUES_PER_FACET = 50


@dataclass(frozen=True)
class FacetSpec:
    param: str
    label: object
    labels: object  # callable: value -> label

    def is_valid(self, value: str) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class VocabularyFacet(FacetSpec):
    vocabulary: v.Vocabulary = None

    def is_valid(self, value):
        return value in self.vocabulary


@dataclass(frozen=True)
class CountryFacet(FacetSpec):
    def is_valid(self, value):
        return value == GLOBAL or is_country_code(value)


@dataclass(frozen=True)
class RegionFacet(FacetSpec):
    def is_valid(self, value):
        return value == GLOBAL or value in REGIONS


def _vocab_facet(param, vocab, label=None):
    return VocabularyFacet(param, label or vocab.label, vocab.label_of, vocabulary=vocab)


# Order is the order facets appear in on the page and in the API.
FACETS = [
    _vocab_facet("purpose", v.PURPOSES),
    _vocab_facet("technology", v.TECHNOLOGIES),
    _vocab_facet("user", v.USERS),
    _vocab_facet("exploitation", v.EXPLOITATION),
    RegionFacet("region", _("Region"),
                lambda value: _("Global") if value == GLOBAL else REGIONS.get(value, value)),
    CountryFacet("country", _("Country"), country_name),
    _vocab_facet("cost", v.COST),
    _vocab_facet("access", v.ACCESS),
    _vocab_facet("status", v.STATUS),
    _vocab_facet("open_source", v.OPEN_SOURCE),
]
FACETS_BY_PARAM = {f.param: f for f in FACETS}


@dataclass(frozen=True)
class ParamError:
    param: str
    value: str
    message: str

    def as_dict(self):
        return {"field": self.param, "value": self.value, "message": str(self.message)}


@dataclass(frozen=True)
class ToolFilters:
    q: str = ""
    purpose: tuple = ()
    technology: tuple = ()
    user: tuple = ()
    exploitation: tuple = ()
    region: tuple = ()
    country: tuple = ()
    cost: tuple = ()
    access: tuple = ()
    status: tuple = ()
    open_source: tuple = ()
    sort: str = "relevance"
    page: int = 1
    extra: tuple = field(default=(), compare=False)  # other parameters to keep in links (lang...)

    def selected(self, param) -> tuple:
        return getattr(self, param)

    @property
    def active_facets(self):
        return {f.param: self.selected(f.param) for f in FACETS if self.selected(f.param)}

    @property
    def is_filtered(self):
        return bool(self.q or self.active_facets)

    def as_kwargs(self):
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}

    def as_params(self, **changes) -> list[tuple[str, str]]:
        """Query-string pairs for this state, with changes applied; defaults are left out."""
        state = replace(self, **changes)
        pairs = []
        if state.q:
            pairs.append(("q", state.q))
        for facet in FACETS:
            pairs += [(facet.param, value) for value in state.selected(facet.param)]
        if state.sort != "relevance":
            pairs.append(("sort", state.sort))
        if state.page != 1:
            pairs.append(("page", str(state.page)))
        return pairs + list(state.extra)

    def querystring(self, **changes) -> str:
        return urlencode(self.as_params(**changes))

    def toggle(self, param, value) -> str:
        """The query string with one facet value switched on or off, back on page 1."""
        current = self.selected(param)
        new = tuple(x for x in current if x != value) if value in current else current + (value,)
        return self.querystring(**{param: new, "page": 1})

    def toggler(self, param):
        """A fast toggle(param, value) for one facet: the other parameters are encoded once."""
        pairs = self.as_params(page=1)
        first = next((i for i, (k, _v) in enumerate(pairs) if k == param), None)
        if first is None:  # where this facet's values go: after the facets listed before it
            order = ["q"] + [f.param for f in FACETS]
            before = set(order[:order.index(param)])
            first = sum(1 for k, _v in pairs if k in before)
        head = urlencode(pairs[:first])
        tail = urlencode([(k, v) for k, v in pairs[first:] if k != param])
        current = self.selected(param)

        def toggle(value):
            new = tuple(x for x in current if x != value) if value in current else current + (value,)
            return "&".join(filter(None, [head, urlencode([(param, x) for x in new]), tail]))
        return toggle

    def without_filters(self) -> str:
        return urlencode(list(self.extra))


def parse_filters(params, *, keep=()) -> tuple[ToolFilters, list[ParamError]]:
    """Read filters from a QueryDict-like mapping (getlist); collect every problem.

    Invalid values are dropped from the returned filters and reported, so a page can still render
    the rest while the API answers 400 with the same errors.
    """
    errors = []
    values = {}
    q = (params.get("q") or "").replace("\x00", "").strip()[:500]
    for facet in FACETS:
        chosen = []
        for raw in params.getlist(facet.param)[:MAX_VALUES_PER_FACET]:
            for value in raw.split(","):
                value = value.strip()
                if not value:
                    continue
                if facet.param == "country" and value.lower() != GLOBAL:
                    value = value.upper()
                if facet.is_valid(value):
                    if value not in chosen:
                        chosen.append(value)
                else:
                    errors.append(ParamError(facet.param, value[:100],
                                             _("Unknown value for this filter.")))
        values[facet.param] = tuple(chosen)
    sort = params.get("sort") or "relevance"
    if sort not in SORTS:
        errors.append(ParamError("sort", sort[:100], _("Unknown sort order.")))
        sort = "relevance"
    page = 1
    raw_page = params.get("page")
    if raw_page not in (None, ""):
        if raw_page.isascii() and raw_page.isdigit() and 1 <= int(raw_page) <= MAX_PAGE:
            page = int(raw_page)
        else:
            errors.append(ParamError("page", raw_page[:100],
                                     _("The page must be a whole number from 1 to 10000.")))
    extra = tuple((k, params.get(k)) for k in keep if params.get(k))
    return ToolFilters(q=q, sort=sort, page=page, extra=extra, **values), errors
