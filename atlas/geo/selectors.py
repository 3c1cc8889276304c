"""Reads for the world map: per-country counts and country panels, from the one tool search.

Both call `tool_search(..., all_results=True)` with the filters of /tools/, so the map, its table
and the tools list always agree.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from django.utils.translation import get_language

from atlas.catalogue.filters import ToolFilters
from atlas.catalogue.models import Organisation, Tool
from atlas.catalogue.search.facets import current_index
from atlas.catalogue.selectors import ToolSearchResult, tool_search
from atlas.geo.countries import GLOBAL, Country, centroid, get_country
from atlas.helplines.selectors import helpline_list


@dataclass(frozen=True)
class Bin:
    """One class of the choropleth: counts from `low` to `high` (None: no upper bound)."""

    low: int
    high: int | None
    color: str

    @property
    def label(self) -> str:
        if self.high is None:
            return f"{self.low}+"
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"

    def contains(self, n: int) -> bool:
        return n >= self.low and (self.high is None or n <= self.high)


# Fixed, roughly doubling classes rather than quantiles, so that a colour means the same number
# of tools whatever the filters (a filtered map stays comparable with the unfiltered one). The
# colour is never the only cue: each country's label and the table beside the map give counts.
BINS = [
    Bin(0, 0, "#e9ecef"),
    Bin(1, 1, "#c6dbef"),
    Bin(2, 3, "#9ecae1"),
    Bin(4, 7, "#6baed6"),
    Bin(8, 15, "#3182bd"),
    Bin(16, None, "#08519c"),
]


def bin_index(n: int) -> int:
    return next(i for i, b in enumerate(BINS) if b.contains(n))


@dataclass
class CountryCount:
    country: Country
    count: int
    filters: ToolFilters

    @property
    def bin(self) -> int:
        return bin_index(self.count)

    @property
    def position(self) -> tuple[float, float] | tuple[None, None]:
        return centroid(self.country.code) or (None, None)

    @property
    def tools_query(self) -> str:
        # The tools list for this country with the other filters kept. With no country filter
        # active it lists exactly `count` tools; the list cannot express "deployed in A and B".
        return self.filters.querystring(country=(self.country.code,), page=1, sort="relevance")


@dataclass
class OrganisationMarker:
    organisation: Organisation
    lat: float
    lng: float
    tool_count: int


@dataclass
class MapData:
    result: ToolSearchResult
    countries: list[CountryCount]  # countries with at least one matching tool, by name
    global_count: int  # matching tools offered everywhere, shown apart from the choropleth
    organisations: list[OrganisationMarker] = field(default_factory=list)

    @property
    def filters(self):
        return self.result.filters

    @property
    def max_count(self) -> int:
        return max((c.count for c in self.countries), default=0)

    @property
    def global_query(self) -> str:
        return self.filters.querystring(country=(GLOBAL,), page=1, sort="relevance")


# Loading every matching tool with its relations is most of the cost of the map and insights
# (about 0.3 s for the 425 tools of the default dataset); the same few filter sets are asked
# again and again. Keyed by the catalogue stamp, so any catalogue write empties it in effect.
SEARCH_CACHE_SIZE = 16
_search_cache: OrderedDict[tuple, ToolSearchResult] = OrderedDict()
_search_cache_lock = threading.Lock()


def search_all(filters: ToolFilters) -> ToolSearchResult:
    """`tool_search(..., all_results=True)` for these filters, every match loaded."""
    key = (current_index().stamp, get_language(), filters.querystring(page=1, sort="relevance"))
    with _search_cache_lock:
        if key in _search_cache:
            _search_cache.move_to_end(key)
            return _search_cache[key]
    result = tool_search(**{**filters.as_kwargs(), "page": 1}, all_results=True)
    with _search_cache_lock:
        _search_cache[key] = result
        while len(_search_cache) > SEARCH_CACHE_SIZE:
            _search_cache.popitem(last=False)
    return result


def map_data(*, filters: ToolFilters) -> MapData:
    """Tools per country and the headquarters of the organisations behind them."""
    result = search_all(filters)
    counts: Counter[str] = Counter()
    organisations: dict[int, Organisation] = {}
    org_tools: Counter[int] = Counter()
    global_count = 0
    for tool in result.tools:
        global_count += tool.is_global
        counts.update({d.country for d in tool.deployments.all()})
        for role in tool.roles.all():
            organisations[role.organisation_id] = role.organisation
            org_tools[role.organisation_id] += 1
    countries = [CountryCount(country, n, filters) for code, n in counts.items()
                 if (country := get_country(code))]
    countries.sort(key=lambda c: c.country.name)
    markers = []
    for org in sorted(organisations.values(), key=lambda o: o.name):
        position = centroid(org.headquarters_country)
        if position:
            markers.append(OrganisationMarker(org, position[0], position[1], org_tools[org.pk]))
    return MapData(result, countries, global_count, markers)


@dataclass
class CountryPanel:
    country: Country
    filters: ToolFilters
    tools: list[Tool]  # matching tools deployed in the country
    global_count: int
    organisations: list[Organisation]  # organisations behind matching tools, based there
    helplines: list

    @property
    def tools_query(self) -> str:
        return CountryCount(self.country, len(self.tools), self.filters).tools_query


def country_panel(*, code: str, filters: ToolFilters) -> CountryPanel | None:
    """What the map's side panel shows for one country, or None for an unknown code."""
    country = get_country(code)
    if country is None:
        return None
    result = search_all(filters)
    tools = [t for t in result.tools if any(d.country == country.code
                                            for d in t.deployments.all())]
    organisations = {}
    for tool in result.tools:
        for role in tool.roles.all():
            if role.organisation.headquarters_country == country.code:
                organisations[role.organisation_id] = role.organisation
    return CountryPanel(
        country=country, filters=filters, tools=tools,
        global_count=sum(t.is_global for t in result.tools),
        organisations=sorted(organisations.values(), key=lambda o: o.name),
        helplines=list(helpline_list(country=country.code)),
    )
