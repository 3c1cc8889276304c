"""Thin views over the catalogue selectors: each page has a JSON twin built from the same call."""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from atlas.catalogue import compare as comparing
from atlas.catalogue import finder as finding
from atlas.catalogue import profile, selectors
from atlas.catalogue.filters import SORTS, parse_filters
from atlas.catalogue.serializers import search_result_as_dict, tool_as_dict
from atlas.catalogue.vocabularies import ORGANISATION_KINDS, PURPOSES
from atlas.core.countries import all_countries, get_country


def _search(request):
    filters, errors = parse_filters(request.GET)
    return selectors.tool_search(filters), errors


def tool_list(request):
    result, errors = _search(request)
    return render(request, "catalogue/tool_list.html", {
        "result": result, "errors": errors, "sorts": SORTS,
        "json_url": "?".join(filter(None, ["/tools.json", result.filters.querystring()])),
    })


def tool_list_json(request):
    result, errors = _search(request)
    if errors:
        return JsonResponse({"errors": [e.as_dict() for e in errors]}, status=400)
    return JsonResponse(search_result_as_dict(result))


def _tool_or_404(slug):
    tool = selectors.tool_get(slug=slug)
    if tool is None:
        raise Http404(_("No tool with this address."))
    return tool


def tool_detail(request, slug):
    tool = _tool_or_404(slug)
    groups = profile.grouped(profile.rows(tool.profile, tool))
    return render(request, "catalogue/tool_detail.html", {
        "tool": tool, "similar": selectors.tool_similar(tool=tool),
        "profile_groups": groups, "profile_known": any(g["known"] for g in groups),
    })


def tool_detail_json(request, slug):
    return JsonResponse(tool_as_dict(_tool_or_404(slug)))


def organisation_list(request):
    kind = request.GET.get("kind", "")
    if kind not in ORGANISATION_KINDS:
        kind = ""
    return render(request, "catalogue/organisation_list.html", {
        "organisations": selectors.organisation_list(kind=kind), "kind": kind,
        "kinds": ORGANISATION_KINDS.choices,
    })


def organisation_detail(request, slug):
    organisation = selectors.organisation_get(slug=slug)
    if organisation is None:
        raise Http404(_("No organisation with this address."))
    return render(request, "catalogue/organisation_detail.html", {
        "organisation": organisation,
        "country": get_country(organisation.headquarters_country),
    })


def _comparison(request):
    return comparing.compare_tools(comparing.compare_slugs(request.GET.getlist("tools")))


def compare(request):
    """Up to four tools side by side; `from` is the list's query string, for the way back."""
    tools, errors = _comparison(request)
    back = request.GET.get("from", "")[:2000]
    return render(request, "catalogue/compare.html", {
        "tools": tools, "errors": errors, "lines": comparing.compare_rows(tools),
        "back": back, "json_url": "/compare.json?" + request.GET.urlencode(),
    }, status=400 if errors else 200)


def compare_json(request):
    tools, errors = _comparison(request)
    if errors:
        return JsonResponse({"errors": [e.as_dict() for e in errors]}, status=400)
    return JsonResponse({
        "tools": [{"slug": t.slug, "name": t.name, "url": t.get_absolute_url()} for t in tools],
        "lines": [line.as_dict() for line in comparing.compare_rows(tools)],
    })


def finder(request):
    """"Which tool fits us?": the questions, and once asked, the best-fitting tools."""
    answers, problems = finding.Answers.from_query(request.GET)
    fits, count, filters = finding.find(answers) if answers.asked else ([], 0, None)
    return render(request, "catalogue/finder.html", {
        "answers": answers, "problems": problems, "fits": fits, "count": count,
        "list_query": filters.querystring() if filters else "",
        "roles": [(k, label) for k, (label, _users) in finding.ROLES.items()],
        "needs": PURPOSES.choices, "constraints": finding.CONSTRAINTS.items(),
        "countries": all_countries(), "languages": finding.languages_offered(),
    }, status=400 if problems else 200)
