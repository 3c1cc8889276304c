"""The query-string state of a tool search: parsing, validation and toggling.

The same parameters drive /tools/, the map, insights, the API, feeds and exports; the facets
come from the registry (facets.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from atlas.catalogue.facets import FACETS

SORTS = {
    "relevance": _("Relevance"),
    "name": _("Name"),
    "newest": _("Newest"),
}
MAX_PAGE = 10_000
MAX_VALUES_PER_FACET = 50


@dataclass(frozen=True)
class ParamError:
    param: str
    value: str
    message: str
    allowed: tuple[str, ...] | None = None  # every value the parameter takes, when they are listed

    def as_dict(self):
        return {"field": self.param, "value": self.value, "message": str(self.message),
                "allowed": list(self.allowed) if self.allowed is not None else None}


EMPTY_VALUE = _("An empty value is not allowed: give one of the allowed values, or leave the "
                "parameter out.")
UNKNOWN_VALUE = _("Unknown value for this filter.")


@dataclass(frozen=True, init=False)
class ToolFilters:
    """A search: text, the chosen values of each facet, sort and page.

    `ToolFilters(q="x", purpose=("training",))`: facets are given by their parameter.
    """

    q: str = ""
    selections: tuple = ()  # ((param, (value, ...)), ...) for facets with chosen values
    sort: str = "relevance"
    page: int = 1
    extra: tuple = field(default=(), compare=False)  # other parameters to keep in links (lang...)

    def __init__(self, *, q="", sort="relevance", page=1, extra=(), selections=None, **chosen):
        known = {f.param for f in FACETS}
        unknown = set(chosen) - known
        if unknown:
            raise TypeError(f"unknown facet parameters: {sorted(unknown)}")
        merged = dict(selections or ())
        merged.update(chosen)
        object.__setattr__(self, "q", q)
        object.__setattr__(self, "selections", tuple(
            (f.param, tuple(merged[f.param])) for f in FACETS if merged.get(f.param)))
        object.__setattr__(self, "sort", sort)
        object.__setattr__(self, "page", page)
        object.__setattr__(self, "extra", tuple(extra))

    def selected(self, param) -> tuple:
        return dict(self.selections).get(param, ())

    @property
    def active_facets(self) -> dict:
        return dict(self.selections)

    @property
    def is_filtered(self):
        return bool(self.q or self.selections)

    def as_kwargs(self) -> dict:
        """This search as keyword arguments of tool_search."""
        return {"q": self.q, "sort": self.sort, "page": self.page, "extra": self.extra,
                **dict(self.selections)}

    def changed(self, **changes) -> ToolFilters:
        """A copy with some fields or facets replaced (`changed(country=("KE",), page=1)`)."""
        if not changes:
            return self
        selections = dict(self.selections)
        fields = {"q": self.q, "sort": self.sort, "page": self.page, "extra": self.extra}
        for key, value in changes.items():
            if key in fields:
                fields[key] = value
            else:
                selections[key] = value
        return ToolFilters(**fields, selections=selections)

    def as_params(self, **changes) -> list[tuple[str, str]]:
        """Query-string pairs for this state, with changes applied; defaults are left out."""
        state = self.changed(**changes)
        pairs = []
        if state.q:
            pairs.append(("q", state.q))
        for param, values in state.selections:
            pairs += [(param, value) for value in values]
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


def parse_filters(params, *, keep=(), strict=False) -> tuple[ToolFilters, list[ParamError]]:
    """Read filters from a QueryDict-like mapping (getlist); collect every problem.

    Invalid values are dropped from the returned filters and reported, so a page can still render
    the rest while the API answers 400 with the same errors. Pages skip empty values, which GET
    forms send for every field left blank; `strict` (the API) reports them like unknown ones.
    """
    errors = []
    selections = {}
    q = (params.get("q") or "").replace("\x00", "").strip()[:500]
    for facet in FACETS:
        chosen = []
        for raw in params.getlist(facet.param)[:MAX_VALUES_PER_FACET]:
            for value in raw.split(","):
                value = facet.normalise(value.strip())
                if facet.is_valid(value):
                    if value not in chosen:
                        chosen.append(value)
                elif value or strict:
                    errors.append(ParamError(facet.param, value[:100],
                                             UNKNOWN_VALUE if value else EMPTY_VALUE,
                                             tuple(facet.allowed)))
        selections[facet.param] = tuple(chosen)
    sort = params.get("sort") or ("" if strict and "sort" in params else "relevance")
    if sort not in SORTS:
        errors.append(ParamError("sort", sort[:100],
                                 _("Unknown sort order.") if sort else EMPTY_VALUE, tuple(SORTS)))
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
    return ToolFilters(q=q, sort=sort, page=page, extra=extra, selections=selections), errors
