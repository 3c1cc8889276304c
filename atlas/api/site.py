"""The Atlas's public address, for the absolute links that exports, the feed and JSON-LD carry.

One setting, ATLAS_SITE_URL (docs/operations.md). A web response falls back to the address the
request came to; the command line has no request, so `atlas export` refuses the formats that need
absolute links until the setting is there, rather than write links relative to nothing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


def site_url_problem(value: str) -> str | None:
    """Why value cannot be the site URL, or None when it can ("" means unset)."""
    if not value:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return f"ATLAS_SITE_URL must be an http:// or https:// address, not {value!r}"
    if parts.query or parts.fragment or parts.path not in ("", "/"):
        return (f"ATLAS_SITE_URL must be the site's root address without a path, query or "
                f"fragment (for example https://atlas.example.org), not {value!r}")
    return None


def site_url(request=None) -> str:
    """The public address without a trailing slash: ATLAS_SITE_URL when set, otherwise the
    address the request came to; "" on the command line without the setting."""
    configured = (getattr(settings, "ATLAS_SITE_URL", "") or "").strip()
    if configured and site_url_problem(configured) is None:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


@register(Tags.compatibility)
def site_url_check(app_configs, **kwargs):
    problem = site_url_problem((getattr(settings, "ATLAS_SITE_URL", "") or "").strip())
    return [Error(problem, id="atlas.E010")] if problem else []
