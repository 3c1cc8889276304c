"""HTTP behaviour shared by every machine-readable endpoint: CORS and caching headers."""

from __future__ import annotations

import functools

from django.http import JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from atlas.derived import stamps


def data_last_modified():
    """When the catalogue, the helplines or the published stories last changed (None on an
    empty database)."""
    return stamps.current().changed_at


def open_data(view):
    """CORS and caching headers for an open-data endpoint.

    ETag, Last-Modified and 304s come from the page cache (atlas/derived/pages.py), which keeps
    these answers like any public page.
    """
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(response, public=True, max_age=60)
            patch_vary_headers(response, ["Accept-Language"])
            # An answer that depends on the clock (helplines open now) says until when it
            # holds; the page cache keeps it no longer (atlas/derived/pages.py).
            response.valid_until = getattr(request, "atlas_valid_until", None)
        return response
    return wrapped


def error_response(field: str, value: str, message, status: int, allowed=None) -> JsonResponse:
    """One error in the API's shape (atlas/api/schemas.py Error), outside a ninja operation."""
    return JsonResponse({"errors": [{"field": field, "value": value[:100],
                                     "message": str(message), "allowed": allowed}]},
                        status=status)


def json_method_errors(view):
    """ninja answers a method an operation does not take with a bare text 405: answer it in the
    API's error shape, keeping the Allow header."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
        refused = error_response("method", request.method,
                                 _("This address does not answer this method."), 405,
                                 allowed=allowed)
        refused["Allow"] = response.get("Allow", "")
        return refused
    return wrapped
