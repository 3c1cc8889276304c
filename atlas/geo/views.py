"""The world map page and its JSON twins, built from the same selectors."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from atlas.catalogue.filters import parse_filters
from atlas.geo.selectors import BINS, country_panel, map_data
from atlas.geo.serializers import country_panel_as_dict, map_data_as_dict


def _errors_response(errors):
    return JsonResponse({"errors": [e.as_dict() for e in errors]}, status=400)


def world_map(request):
    filters, errors = parse_filters(request.GET)
    data = map_data(filters=filters)
    return render(request, "geo/map.html", {
        "data": data, "result": data.result, "errors": errors, "bins": BINS,
        "tile_url": settings.ATLAS_TILE_URL,
    })


def world_map_json(request):
    filters, errors = parse_filters(request.GET)
    if errors:
        return _errors_response(errors)
    return JsonResponse(map_data_as_dict(map_data(filters=filters)))


def country_json(request, code):
    filters, errors = parse_filters(request.GET)
    if errors:
        return _errors_response(errors)
    panel = country_panel(code=code, filters=filters)
    if panel is None:
        raise Http404(_("No country with this code."))
    return JsonResponse(country_panel_as_dict(panel))
