"""Insights pages and their CSV downloads, from the same selectors and filters as /tools/."""

import csv

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from atlas.catalogue.filters import parse_filters
from atlas.core.countries import REGIONS
from atlas.helplines.selectors import helpline_freshness
from atlas.insights.selectors import (CROWDED, GAP, THIN, chart_by_slug, coverage_matrix,
                                      insight_charts, matching)
from atlas.insights.serializers import chart_as_dict, coverage_as_dict


def _csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _levels_context():
    return {"GAP": GAP, "THIN": THIN, "CROWDED": CROWDED}


def insights(request):
    filters, errors = parse_filters(request.GET)
    result = matching(filters)
    return render(request, "insights/index.html", {
        "result": result, "errors": errors, "helplines": helpline_freshness(),
        "charts": insight_charts(filters=filters, found=result),
        "matrix": coverage_matrix(filters=filters, found=result),
        **_levels_context(),
    })


def coverage_region(request, region):
    if region not in REGIONS:
        raise Http404(_("No region with this name."))
    filters, errors = parse_filters(request.GET)
    found = matching(filters)
    return render(request, "insights/coverage_region.html", {
        "filters": filters, "errors": errors, "region_label": REGIONS[region], "region": region,
        "matrix": coverage_matrix(filters=filters, region=region, found=found),
        "count": found.count, **_levels_context(),
    })


def insights_json(request):
    filters, errors = parse_filters(request.GET)
    if errors:
        return JsonResponse({"errors": [e.as_dict() for e in errors]}, status=400)
    result = matching(filters)
    return JsonResponse({
        "count": result.count,
        "charts": [chart_as_dict(c) for c in insight_charts(filters=filters, found=result)],
        "coverage": coverage_as_dict(coverage_matrix(filters=filters, found=result)),
    })


def chart_csv(request, slug):
    filters, _errors = parse_filters(request.GET)
    chart = chart_by_slug(slug=slug, filters=filters)
    if chart is None:
        raise Http404(_("No chart with this name."))
    return _csv_response(f"atlas-{slug}.csv", ["value", "label", "tools"],
                         [(b.value, b.label_text, b.count) for b in chart.bars])


def coverage_csv(request, region=""):
    if region and region not in REGIONS:
        raise Http404(_("No region with this name."))
    filters, _errors = parse_filters(request.GET)
    matrix = coverage_matrix(filters=filters, region=region)
    rows = matrix.rows + ([matrix.global_row] if matrix.global_row else [])
    header = ["country" if region else "region", "name"]
    for purpose, _label in matrix.purposes:
        header += [purpose, f"{purpose}:level"]
    lines = [[row.key, str(row.label)] + [x for c in row.cells for x in (c.count, c.level)]
             for row in rows]
    return _csv_response(f"atlas-coverage{'-' + region if region else ''}.csv", header, lines)
