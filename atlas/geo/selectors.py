"""Reads for the world map: per-country counts and country panels, from the one tool search.

Both count over the search's bitset with the facet index (`tool_search_counts`), with the
filters of /tools/, so the map, its table and the tools list always agree, and no tool is read
from the database to draw the map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from atlas.catalogue.filters import ToolFilters
from atlas.catalogue.models import Organisation, Tool
from atlas.catalogue.selectors import (OrganisationSummary, SearchCounts, organisation_summaries,
                                       tool_search_counts)
from atlas.core.countries import GLOBAL, Country, centroid, get_country
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
    organisation: OrganisationSummary
    lat: float
    lng: float
    tool_count: int


@dataclass
class MapData:
    result: SearchCounts
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


def map_data(*, filters: ToolFilters) -> MapData:
    """Tools per country and the headquarters of the organisations behind them."""
    result = tool_search_counts(filters)
    index, mask = result.index, result.mask
    counts = index.value_counts("country", mask)
    global_count = counts.pop(GLOBAL, 0)
    countries = [CountryCount(country, n, filters) for code, n in counts.items()
                 if (country := get_country(code))]
    countries.sort(key=lambda c: c.country.name)
    org_counts = index.organisation_counts(mask)
    summaries = organisation_summaries()
    markers = []
    for org in sorted((summaries[i] for i in org_counts if i in summaries),
                      key=lambda o: (o.name, o.pk)):
        position = centroid(org.headquarters_country)
        if position:
            markers.append(OrganisationMarker(org, position[0], position[1], org_counts[org.pk]))
    return MapData(result, countries, global_count, markers)


@dataclass
class CountryPanel:
    country: Country
    filters: ToolFilters
    tools: list[Tool]  # matching tools deployed in the country, in the search's order
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
    result = tool_search_counts(filters, ranked=True)
    index, mask = result.index, result.mask
    here = mask & index.masks["country"].get(country.code, 0)
    ids = result.ordered_ids(here)
    by_id = Tool.objects.only("pk", "slug", "name").in_bulk(ids)
    org_ids = list(index.organisation_counts(mask))
    organisations = Organisation.objects.filter(pk__in=org_ids,
                                                headquarters_country=country.code)
    return CountryPanel(
        country=country, filters=filters, tools=[by_id[i] for i in ids if i in by_id],
        global_count=index.count(mask, index.masks["country"].get(GLOBAL, 0)),
        organisations=list(organisations.only("pk", "slug", "name").order_by("name", "pk")),
        helplines=list(helpline_list(country=country.code)),
    )
