"""HTTP behaviour shared by every machine-readable endpoint: validators, 304s and CORS."""

from __future__ import annotations

import functools
import hashlib

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language


def data_last_modified():
    """When the catalogue or the helplines last changed (None on an empty database)."""
    from atlas.catalogue.models import CatalogueVersion
    from atlas.helplines.models import Helpline

    stamps = [CatalogueVersion.objects.aggregate(t=Max("changed_at"))["t"],
              Helpline.objects.aggregate(t=Max("updated_at"))["t"]]
    stamps = [t for t in stamps if t is not None]
    return max(stamps) if stamps else None


def open_data(view, *, data: bool = True):
    """Add ETag, Last-Modified, CORS and caching headers; answer 304 when the client is current.

    The ETag hashes the body, so it is exact for every language and filter; Last-Modified comes
    from the data's change stamps (left out with data=False: the OpenAPI document and its page
    change with the code, not the data).
    """
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        if request.method not in ("GET", "HEAD") or response.status_code != 200 \
                or getattr(response, "streaming", False):
            return response
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        changed = data_last_modified() if data else None
        if changed is not None:
            response["Last-Modified"] = http_date(changed.timestamp())
        patch_cache_control(response, public=True, max_age=60)
        patch_vary_headers(response, ["Accept-Language"])
        response = get_conditional_response(
            request, etag=etag, last_modified=int(changed.timestamp()) if changed else None,
            response=response)
        response["Access-Control-Allow-Origin"] = "*"  # a 304 is a new response object
        return response
    return wrapped


def cached_until_the_data_changes(view, *, seconds: int = 3600):
    """Keep successful answers in the cache, keyed by the data's change stamps, the address and
    the language: for feeds and sitemaps, which crawlers and feed readers poll and which cost
    a pass over the whole catalogue to build."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        from atlas.catalogue.models import CatalogueVersion
        from atlas.helplines.models import Helpline

        stamp = CatalogueVersion.objects.values_list("stamp", flat=True).first() or ""
        helplines = Helpline.objects.aggregate(t=Max("updated_at"), n=Count("pk"))
        key = "atlas:data-cache:" + hashlib.sha256("|".join(
            [stamp, str(helplines["t"]), str(helplines["n"]), get_language() or "",
             request.build_absolute_uri()]).encode()).hexdigest()
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not getattr(response, "streaming", False):
            if hasattr(response, "render"):  # a TemplateResponse (sitemaps)
                response.render()
            cache.set(key, response, seconds)
        return response
    return wrapped
