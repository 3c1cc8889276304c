import datetime
import sys

from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache

from atlas.catalogue import vocabularies as v
from atlas.catalogue.selectors import catalogue_counts, tool_search
from atlas.core.countries import REGIONS
from atlas.web.unavailable import database_unavailable, error_page_context, unavailable_response


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


def server_error(request):
    """The 500 page: no database, no context processors, but the quick exit and help links.

    An outage met outside a view (atlas/web/unavailable.py) gets the 503 page instead.
    """
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        return unavailable_response(exc)
    html = loader.get_template("500.html").render(error_page_context())
    return HttpResponseServerError(html)


def security_txt(request):
    """/.well-known/security.txt (RFC 9116); 404 until the operator sets a contact."""
    from atlas.web.securitytxt import security_txt as build
    text = build(canonical=request.build_absolute_uri())
    if text is None:
        raise Http404("No security contact is configured.")
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    # Its Expires may move with the clock: a cached copy is good for an hour at most.
    response.valid_until = timezone.now() + datetime.timedelta(hours=1)
    return response
