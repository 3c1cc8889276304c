"""Downloads of search results, robots.txt: thin views over the exporters and selectors."""

from __future__ import annotations

import io

from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from atlas.api.http import error_response
from atlas.api.site import site_url
from atlas.catalogue.exporters import EXPORTERS, tools_for_export
from atlas.catalogue.filters import parse_filters


def tool_export(request, fmt):
    """/exports/tools.<format>: the tools matching the /tools/ filters, in a registered format."""
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise Http404(_("No export format with this name."))
    filters, errors = parse_filters(request.GET)
    if errors:
        return JsonResponse({"errors": [e.as_dict() for e in errors]}, status=400)
    tools = tools_for_export(filters if filters.is_filtered else None)
    out = io.BytesIO() if exporter.binary else io.StringIO(newline="")
    exporter.write(tools, out, base_url=site_url(request))
    body = out.getvalue()
    content_type = exporter.media_type + ("" if exporter.binary else "; charset=utf-8")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="atlas-tools.{exporter.extension}"'
    return response


def api_index(request, **kwargs):
    """/api/v1/: where the documentation and each endpoint are."""
    from atlas.api.api import api
    absolute = request.build_absolute_uri
    schema_paths = api.get_openapi_schema()["paths"]
    return JsonResponse({
        "version": api.version,
        "documentation": absolute(reverse("api:v1:openapi-view")),
        "openapi": absolute(reverse("api:v1:openapi-json")),
        "endpoints": list(schema_paths),
    })


def api_not_found(request, **kwargs):
    """Any other address under /api/v1/: a 404 in the API's error shape, not an HTML page."""
    return error_response("path", request.path, _("No API endpoint at this address; see "
                                                  "/api/v1/."), 404)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Faceted listings multiply without end; crawlers get every record through the sitemap.
        "Disallow: /exports/",
        "Disallow: /*?*",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('api:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
