import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
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


def _or_empty(build):
    """A URL for the error page, or "" when building it fails too (the page must still render)."""
    try:
        return build()
    except (ValueError, NoReverseMatch):
        return ""


def server_error(request):
    """The 500 page: no database, no context processors, but the quick exit and help links."""
    html = loader.get_template("500.html").render({
        "quick_exit_url": settings.ATLAS_QUICK_EXIT_URL,
        "help_url": _or_empty(lambda: reverse("helplines:index")),
        "css_url": _or_empty(lambda: static("atlas/css/atlas.css")),
        "quick_exit_js": _or_empty(lambda: static("atlas/js/quick-exit.js")),
    })
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
