"""Plain-dict forms of the map's data, for its JSON endpoints."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.translation import ngettext

from atlas.core.countries import GLOBAL
from atlas.geo.selectors import BINS, CountryPanel, MapData


def _tools_url(query: str, base: str | None = None) -> str:
    return (base or reverse("catalogue:tool_list")) + ("?" + query if query else "")


def _url_maker(name: str):
    """A fast reverse() for one URL with one argument (a slug or a country code, which need no
    quoting): reversing hundreds of URLs one by one cost more than the rest of the map data."""
    head, _marker, tail = reverse(name, args=["MARKER"]).partition("MARKER")
    return lambda arg: f"{head}{arg}{tail}"


def tools_label(n: int) -> str:
    return ngettext("%(n)s tool", "%(n)s tools", n) % {"n": intcomma(n)}


def map_summary(data: MapData) -> str:
    """The sentence above the map, in the page's language (the page renders the same words)."""
    return ngettext("%(n)s matching tool, deployed in %(countries)s countries",
                    "%(n)s matching tools, deployed in %(countries)s countries",
                    data.result.count) % {"n": intcomma(data.result.count),
                                          "countries": len(data.countries)}


def global_summary(n: int) -> str:
    return ngettext("%(counter)s offered globally", "%(counter)s offered globally", n) % {
        "counter": n}


def legend_as_list() -> list[dict]:
    return [{"label": b.label, "color": b.color, "low": b.low, "high": b.high} for b in BINS]


def map_data_as_dict(data: MapData) -> dict:
    tools_base = reverse("catalogue:tool_list")
    helplines_url = _url_maker("helplines:country")
    organisation_url = _url_maker("catalogue:organisation_detail")
    return {
        "count": data.result.count,
        "global_count": data.global_count,
        "global_url": _tools_url(data.global_query),
        "summary": map_summary(data),
        "global_summary": global_summary(data.global_count),
        "query": data.filters.querystring(page=1, sort="relevance"),
        "legend": legend_as_list(),
        "countries": [{"code": c.country.code, "name": c.country.name, "count": c.count,
                       "lat": c.position[0], "lng": c.position[1],
                       "count_label": tools_label(c.count), "bin": c.bin,
                       "tools_url": _tools_url(c.tools_query, tools_base),
                       "helplines_url": helplines_url(c.country.code)}
                      for c in data.countries],
        "organisations": [{"name": m.organisation.name,
                           "url": organisation_url(m.organisation.slug),
                           "country": m.organisation.headquarters_country,
                           "lat": m.lat, "lng": m.lng, "tools": m.tool_count}
                          for m in data.organisations],
        "facets": [f.as_dict() for f in data.result.facets],
    }


def country_panel_as_dict(panel: CountryPanel) -> dict:
    return {
        "code": panel.country.code,
        "name": panel.country.name,
        "summary": ngettext("%(n)s matching tool deployed here",
                            "%(n)s matching tools deployed here",
                            len(panel.tools)) % {"n": intcomma(len(panel.tools))},
        "global_url": _tools_url(panel.filters.querystring(country=(GLOBAL,), page=1,
                                                           sort="relevance")),
        "tools_url": _tools_url(panel.tools_query),
        "helplines_url": reverse("helplines:country", args=[panel.country.code]),
        "tools": [{"name": t.name, "url": t.get_absolute_url()} for t in panel.tools],
        "global_count": panel.global_count,
        "organisations": [{"name": o.name, "url": o.get_absolute_url()}
                          for o in panel.organisations],
        "helplines": [{"name": h.name, "kind": str(h.kind_label),
                       "channels": [{"kind": c.kind, "value": c.value, "dial": c.dial}
                                    for c in h.channels.all()],
                       "website": h.website} for h in panel.helplines],
    }
