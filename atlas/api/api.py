"""The read-only JSON API, version 1: thin operations over the catalogue and helpline selectors.

`/api/v1/tools` takes the query parameters of the /tools/ page and answers from the same
`tool_search` call, so results and facet counts always agree with the page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError

from atlas.api import openapi, params
from atlas.api import schemas as s
from atlas.api.docs import ServerRenderedDocs
from atlas.catalogue import selectors
from atlas.catalogue import vocabularies as v
from atlas.catalogue.filters import MAX_PAGE, ParamError, parse_filters
from atlas.catalogue.serializers import search_result_as_dict, tool_as_dict
from atlas.core.countries import GLOBAL, country_name, get_country
from atlas.helplines import vocabularies as hv
from atlas.helplines.selectors import helpline_search

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
LIST_PER_PAGE = 100  # organisations and helplines


class BadRequest(Exception):
    def __init__(self, errors: list[ParamError]):
        self.errors = errors


class AtlasAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The generated document, with the /tools filters of the facet registry, the allowed
        values of every parameter and links between operations (atlas/api/openapi.py).

        The server also takes comma-separated lists and lower-case country codes, so the values
        are checked by parse_filters and params.check (400 naming them), not by ninja's types.
        """
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return openapi.complete(schema, path_prefix.rstrip("/"))


api = AtlasAPI(
    title="Anti-Trafficking Tech Atlas API",
    version="1",
    description="Read-only open data: tools, organisations, countries, helplines and "
                "vocabularies. Errors are JSON objects with an `errors` list naming the field, "
                "the value, the problem and, for a parameter with a list of values, the values "
                "it allows. An empty value is refused like an unknown one.",
    urls_namespace="api:v1",  # nested in atlas.api.urls (app "api")
    docs=ServerRenderedDocs(),
    docs_url="/docs",
)

ERRORS = {400: s.ErrorResponse}
NOT_FOUND = {404: s.ErrorResponse}


def _errors(request, errors, status):
    return api.create_response(request, {"errors": [e.as_dict() for e in errors]}, status=status)


@api.exception_handler(BadRequest)
def _bad_request(request, exc):
    return _errors(request, exc.errors, 400)


@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    """Parameters ninja could not convert (a page that is not a number): 400, our error shape."""
    errors = []
    for error in exc.errors:
        loc = [str(x) for x in error.get("loc", ()) if x not in ("query", "path")]
        field = loc[0] if loc else ""
        raw = request.GET.get(field, error.get("input", ""))
        errors.append(ParamError(field, str(raw)[:100], error.get("msg", _("Invalid value."))))
    return _errors(request, errors, 400)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _errors(request, [ParamError("path", request.path[:100], str(exc) or _("Not found."))],
                   404)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _errors(request, [ParamError("", "", str(exc))], exc.status_code)


def _page_links(request, page, num_pages, params):
    def link(n):
        query = urlencode([(k, val) for k, val in params if k != "page"]
                          + ([("page", str(n))] if n != 1 else []))
        return request.build_absolute_uri(request.path + ("?" + query if query else ""))
    # Past the last page, `previous` is the last page, not the (empty) one before this one.
    return (link(page + 1) if page < num_pages else None,
            link(min(page - 1, num_pages)) if page > 1 else None)


def _paginate(request, items, page, per_page, params):
    count = len(items)
    num_pages = max(1, -(-count // per_page))
    next_url, previous_url = _page_links(request, page, num_pages, params)
    return {"count": count, "page": page, "num_pages": num_pages, "next": next_url,
            "previous": previous_url,
            "results": items[(page - 1) * per_page:page * per_page]}


def _filter_query(description):
    return Query(None, description=description + " An empty value is refused (400).")


# The filters (one parameter per facet) are not arguments here: parse_filters reads them from the
# registry, and the document lists them from it too (openapi.facet_parameters).
@api.get("/tools", response={200: s.ToolPage, **ERRORS}, tags=["tools"],
         summary="Search and filter tools, with facet counts")
def tools(request,
          q: str = Query("", description="Full-text search: words (word prefixes), \"phrases\", "
                                         "-excluded words or phrases, OR between two of them "
                                         "(docs/search.md); may be empty."),
          sort: str = Query("relevance", description="Order of results."),
          page: int = Query(1, ge=1, le=MAX_PAGE),
          per_page: int = Query(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)):
    """The same parameters, results and facet counts as the /tools/ page. Ordered by relevance
    when there is a query, otherwise by name; ties are broken by record id, so pages are stable."""
    filters, errors = parse_filters(request.GET, strict=True)
    if errors:
        raise BadRequest(errors)
    result = selectors.tool_search(filters, per_page=per_page)
    data = search_result_as_dict(result)
    kept = result.filters.as_params() + ([("per_page", str(per_page))]
                                         if per_page != DEFAULT_PER_PAGE else [])
    data["next"], data["previous"] = _page_links(request, result.page, result.num_pages, kept)
    return data


@api.get("/tools/{slug}", response={200: s.ToolDetail, **NOT_FOUND}, tags=["tools"],
         summary="One tool, with deployments and sources")
def tool(request, slug: str):
    found = selectors.tool_get(slug=slug)
    if found is None:
        raise Http404(_("No tool with this slug."))
    return tool_as_dict(found)  # the same record as the tool page's JSON twin


def _organisation_dict(org, tool_count):
    return {"slug": org.slug, "name": org.name, "aliases": org.aliases, "kind": org.kind,
            "website": org.website, "headquarters_country": org.headquarters_country,
            "source_url": org.source_url, "tool_count": tool_count,
            "url": org.get_absolute_url()}


@api.get("/organisations", response={200: s.OrganisationPage, **ERRORS}, tags=["organisations"],
         summary="Organisations behind the tools, by name")
def organisations(request,
                  kind: str | None = _filter_query("Kind of organisation."),
                  country: str | None = _filter_query("Headquarters country, ISO 3166-1 "
                                                      "alpha-2 (any case)."),
                  page: int = Query(1, ge=1, le=MAX_PAGE)):
    errors = params.check("/organisations", request.GET)
    if errors:
        raise BadRequest(errors)
    kind, country = kind or "", (country or "").upper()
    items = [_organisation_dict(o, o.tool_count) for o in
             selectors.organisation_list(kind=kind, country=country).order_by("name", "pk")]
    kept = [(k, val) for k, val in (("kind", kind), ("country", country)) if val]
    return _paginate(request, items, page, LIST_PER_PAGE, kept)


@api.get("/organisations/{slug}", response={200: s.OrganisationDetail, **NOT_FOUND},
         tags=["organisations"], summary="One organisation and its tools")
def organisation(request, slug: str):
    org = selectors.organisation_get(slug=slug)
    if org is None:
        raise Http404(_("No organisation with this slug."))
    roles = list(org.roles.all())
    data = _organisation_dict(org, len({r.tool_id for r in roles}))
    data["tools"] = [{"slug": r.tool.slug, "name": r.tool.name, "role": r.role} for r in roles]
    return data


@api.get("/countries", response=s.CountryList, tags=["places"],
         summary="Countries with tools or helplines, with counts")
def countries(request):
    """Tool counts are the country facet of an unfiltered /api/v1/tools search."""
    from collections import Counter

    from atlas.helplines.models import Helpline
    result = selectors.tool_search(per_page=1)
    tool_counts = {fv.value: fv.count for f in result.facets if f.param == "country"
                   for fv in f.values if fv.value != GLOBAL}
    helplines = Counter(Helpline.objects.values_list("country", flat=True))
    rows = []
    for code in set(tool_counts) | set(helplines):
        c = get_country(code)
        if c is None:
            continue
        rows.append({"code": c.code, "name": c.name, "region": c.region,
                     "tools": tool_counts.get(code, 0), "helplines": helplines.get(code, 0)})
    rows.sort(key=lambda r: r["code"])
    return {"count": len(rows), "results": rows}


def _open(status):
    return None if status.state == "unknown" else status.is_open


def _helpline_dict(line) -> dict:
    h = line.helpline
    return {
        "country": h.country, "country_name": country_name(h.country), "name": h.name,
        "operator": h.operator, "kind": h.kind, "kind_label": str(h.kind_label),
        "topics": h.topics, "purposes": h.purposes, "languages": h.languages,
        "opening_hours": h.opening_hours, "timezone": h.timezone, "open_now": _open(line.status),
        "website": h.website,
        "last_verified": h.last_verified.isoformat() if h.last_verified else None,
        "channels": [{
            "kind": c.channel.kind, "value": c.channel.value, "dial": c.channel.dial,
            "e164": c.channel.dial if c.channel.dial.startswith("+") else None,
            "display": c.display, "note": c.channel.note, "hours": c.channel.hours,
            "open_now": _open(c.status), "free": c.channel.free, "on_bill": c.channel.on_bill,
            "source_url": c.channel.source_url, "source_title": c.channel.source_title,
            "source_date": c.channel.source_date, "reread": c.channel.reread,
        } for c in line.channels],
    }


@api.get("/helplines", response={200: s.HelplinePage, **ERRORS}, tags=["places"],
         summary="Helplines with their channels, hours and whether they are open now")
def helplines(request,
              country: str | None = _filter_query("ISO 3166-1 alpha-2 code (any case)."),
              kind: str | None = _filter_query("Kind of helpline."),
              topic: list[str] = _filter_query("Topic (values combine with OR)."),
              language: list[str] = _filter_query("ISO 639 code of a language the line speaks "
                                                "(an unknown code matches no line)."),
              channel: list[str] = _filter_query("Kind of channel (phone, sms, whatsapp...)."),
              open_now: bool = Query(False, description="Only lines open at this moment."),
              page: int = Query(1, ge=1, le=MAX_PAGE)):
    """Open ones first within a country. `open_now` is computed when the request is answered,
    in each line's time zone; public holidays are not known."""
    errors = params.check("/helplines", request.GET)
    if errors:
        raise BadRequest(errors)
    country, kind = (country or "").upper(), kind or ""
    lines = helpline_search(country=country, kind=kind, topics=topic or (),
                            languages=language or (), channels=channel or (), open_now=open_now)
    items = [_helpline_dict(line) for line in lines]
    kept = [(k, val) for k, val in (("country", country), ("kind", kind)) if val]
    kept += [(k, val) for k, values in (("topic", topic), ("language", language),
                                        ("channel", channel)) for val in values or ()]
    kept += [("open_now", "1")] if open_now else []
    response = _paginate(request, items, page, LIST_PER_PAGE, kept)
    request.atlas_valid_until = lines.valid_until
    return response


@api.get("/vocabularies", response=s.VocabularyList, tags=["vocabularies"],
         summary="Controlled vocabularies: stable slugs and translated labels")
def vocabularies(request):
    items = [{"slug": vocab.slug, "label": str(vocab.label),
              "terms": [{"value": k, "label": str(label)} for k, label in vocab.terms.items()]}
             for vocab in v.ALL.values()]
    items += [{"slug": vocab.slug, "label": str(vocab.label),
               "terms": [{"value": k, "label": str(label)} for k, label in vocab.terms.items()]}
              for vocab in (hv.KINDS, hv.TOPICS, hv.PURPOSES, hv.CHANNELS)]
    return {"vocabularies": items}
