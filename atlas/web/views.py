from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from atlas.catalogue import vocabularies as v
from atlas.catalogue.selectors import catalogue_counts, tool_search
from atlas.geo.countries import REGIONS


def home(request):
    result = tool_search()
    facets = {f.param: f for f in result.facets}
    return render(request, "web/home.html", {
        "counts": catalogue_counts(),
        "purposes": facets["purpose"].values,
        "regions": [fv for fv in facets["region"].values],
        "all_purposes": v.PURPOSES.choices,
        "all_regions": REGIONS,
    })


def about(request):
    return render(request, "web/about.html")


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})
