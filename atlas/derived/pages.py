"""The cache of rendered public pages, and their validators, keyed on what a page depends on.

A public page is a function of its address (scheme, host, path with its language prefix,
query string), the data stamps and the code. So the answer to an anonymous GET is kept in the
"pages" cache under exactly that key: a write moves a stamp and a deploy moves the code version,
and in both cases every key changes at once, so nothing stale is ever served and nothing needs
to be deleted. The ETag is that key's digest, known before anything is rendered: revalidation
(If-None-Match) costs one stamp read, and a repeated page one cache read, skipping the rest of
the middleware and the view.

What is cached: 200 answers to GET/HEAD that set no cookie, are not no-store/no-cache/private,
are not for a signed-in user and whose view did not opt out (`uncached_page`). Requests that
carry a session or a message cookie bypass the cache in both directions. A view whose page
depends on the clock (a helpline's "open now") sets `response.valid_until` (an aware datetime):
the cached copy and its ETag are good only until then.

While the database cannot be reached, the stamps cannot be read: a page kept for the stamps
this process last saw is served as it was (at worst as stale as the outage is long), and any
other page answers 503 (atlas/web/unavailable.py).

Bounds: a query string over MAX_QUERY_CHARS or MAX_QUERY_PARAMS is rendered but never kept, so
the cache cannot be filled with arbitrary addresses faster than they are rendered, and the cache
itself holds at most its MAX_ENTRIES (per process by default; a shared cache's own limit with
ATLAS_CACHE_URL, docs/operations.md).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.metadata
import os
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import cc_delim_re, patch_vary_headers
from django.utils import timezone
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from atlas.derived import stamps

CACHE_ALIAS = "pages"
MAX_QUERY_CHARS = 1000
MAX_QUERY_PARAMS = 40
MAX_BODY_BYTES = 2 * 1024 * 1024  # bigger answers (whole-catalogue exports) are not kept
GZIP_MIN_BYTES = 512
# How long a kept page may stay in the cache: a page keyed on old stamps is never asked for
# again, so this only bounds how long it takes memory.
KEEP_SECONDS = 24 * 3600
_HASHED_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo", ".json", ".js", ".css", ".svg"}


# A deploy restarts the processes: no page is "not modified" since before this, even to a
# client that revalidates with a date alone (the ETag carries the code version itself).
STARTED_AT = time.time()


def uncached_page(view):
    """Mark a view whose answers must never come from the page cache."""
    view.page_cache = False
    return view


@functools.cache
def code_version() -> str:
    """A digest of the code, templates, translations and settings that shape a page.

    ATLAS_CODE_VERSION (a release tag or commit) is used instead when set.
    """
    if os.environ.get("ATLAS_CODE_VERSION"):
        return os.environ["ATLAS_CODE_VERSION"]
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*")):
        if path.suffix in _HASHED_SUFFIXES and "data" not in path.relative_to(package).parts[:1]:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or "", "staticfiles.json")
    if settings.STATIC_ROOT and manifest.exists():
        digest.update(manifest.read_bytes())
    for name in sorted(dir(settings)):
        if name.startswith("ATLAS_") or name in ("LANGUAGES", "STATIC_URL", "LANGUAGE_CODE"):
            digest.update(f"{name}={getattr(settings, name)!r}".encode())
    digest.update(importlib.metadata.version("django").encode())
    return digest.hexdigest()[:16]


def _personal_cookies():
    return {settings.SESSION_COOKIE_NAME, "messages"}


def _normalised_query(query_string: str) -> str | None:
    """The query string with its parameters in a stable order, or None if it is too long to
    be kept. Values of one parameter keep their order (it can matter); parameters are sorted."""
    if len(query_string) > MAX_QUERY_CHARS:
        return None
    pairs = parse_qsl(query_string, keep_blank_values=True)
    if len(pairs) > MAX_QUERY_PARAMS:
        return None
    return urlencode(sorted(pairs, key=lambda kv: kv[0]))


def page_key(request, data: str | None = None) -> str | None:
    """The cache key of this request's page, or None if it must not come from the cache.

    `data` is the stamps' key, read from the database unless given (which may raise
    DatabaseError).
    """
    if request.method not in ("GET", "HEAD"):
        return None
    if _personal_cookies() & set(request.COOKIES):
        return None
    query = _normalised_query(request.META.get("QUERY_STRING", ""))
    if query is None:
        return None
    if data is None:
        data = stamps.current().key()
    key = "|".join([request.scheme, request.get_host(), request.path, query, data,
                    code_version()])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _etag(key: str, valid_until: float | None) -> str:
    # Weak: the same page may travel compressed or not.
    return f'W/"{key}{"-%d" % valid_until if valid_until else ""}"'


def _now() -> float:
    """The clock pages are valid by: the one views compute "open now" with."""
    return timezone.now().timestamp()


def _etag_matches(request, key: str) -> bool:
    """Whether the client holds this page: an ETag of ours for this key, still valid."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    for tag in parse_etags(header):
        tag = tag.removeprefix("W/").strip('"')
        digest, _sep, until = tag.partition("-")
        if digest == key and (not until or (until.isdigit() and _now() < int(until))):
            return True
    return False


def _storable(request, response) -> bool:
    if response.status_code != 200 or getattr(response, "streaming", False):
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    view = getattr(getattr(request, "resolver_match", None), "func", None)
    if getattr(view, "page_cache", True) is False:
        return False
    directives = {d.strip().split("=")[0].lower()
                  for d in cc_delim_re.split(response.get("Cache-Control", "")) if d.strip()}
    if directives & {"no-store", "no-cache", "private"}:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return len(response.content) <= MAX_BODY_BYTES


def _accepts_gzip(request) -> bool:
    """Whether Accept-Encoding allows gzip (listed, or "*", without q=0)."""
    allowed = {}
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").lower().split(","):
        coding, _sep, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            allowed[coding.strip()] = float(q) > 0
        except ValueError:
            allowed[coding.strip()] = False
    return allowed.get("gzip", allowed.get("*", False))


class _Entry:
    """A kept page: its status, headers and body, and the body gzipped when worth it."""

    __slots__ = ("status", "headers", "body", "gzipped", "valid_until")

    def __init__(self, response, valid_until):
        self.status = response.status_code
        self.headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
        self.body = response.content
        content_type = response.get("Content-Type", "")
        compressible = content_type.startswith(("text/", "application/json", "application/xml",
                                                "application/atom+xml", "image/svg+xml",
                                                "application/geo+json", "application/ld+json"))
        self.gzipped = (gzip.compress(self.body, compresslevel=6, mtime=0)
                        if compressible and len(self.body) >= GZIP_MIN_BYTES
                        and not response.has_header("Content-Encoding") else None)
        self.valid_until = valid_until

    def not_modified(self, etag: str) -> HttpResponseNotModified:
        response = HttpResponseNotModified()
        for name, value in self.headers:
            if name.lower() in _NOT_MODIFIED_HEADERS:
                response[name] = value
        if self.gzipped is not None:
            patch_vary_headers(response, ["Accept-Encoding"])
        response["ETag"] = etag
        return response

    def response(self, request) -> HttpResponse:
        use_gzip = self.gzipped is not None and _accepts_gzip(request)
        response = HttpResponse(self.gzipped if use_gzip else self.body, status=self.status)
        for name, value in self.headers:
            response[name] = value
        if self.gzipped is not None:
            patch_vary_headers(response, ["Accept-Encoding"])
            if use_gzip:
                response["Content-Encoding"] = "gzip"
        return response


def _last_modified() -> float:
    changed = stamps.current().changed_at
    return max(STARTED_AT, changed.timestamp() if changed is not None else 0)


# What a 304 repeats of the full answer (RFC 9110 15.4.5), CORS included for cross-origin use.
_NOT_MODIFIED_HEADERS = {"cache-control", "vary", "content-location", "expires",
                         "access-control-allow-origin", "access-control-expose-headers"}


def _valid_until(response) -> float | None:
    until = getattr(response, "valid_until", None)
    return until.timestamp() if until is not None else None


class PageCacheMiddleware:
    """Serve public pages from the cache, answer revalidations from the stamps (see above).

    Listed after SecurityMiddleware and WhiteNoise and before everything else, so a cached page
    skips sessions, CSRF, authentication, locale, CSP and the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with stamps.request_scope():
            return self._respond(request)

    def _respond(self, request):
        try:
            key = page_key(request)
        except DatabaseError:
            return self._while_database_down(request)
        if key is None:
            return self.get_response(request)
        cache = caches[CACHE_ALIAS]
        entry = cache.get(key)
        if entry is not None and entry.valid_until is not None \
                and _now() >= entry.valid_until:
            entry = None
        if entry is None:
            response = self.get_response(request)
            if not _storable(request, response):
                return response
            until = _valid_until(response)
            self._add_validators(response, key, until)
            entry = _Entry(response, until)
            cache.set(key, entry, KEEP_SECONDS if until is None
                      else max(1, min(KEEP_SECONDS, int(until - _now()))))
        if _etag_matches(request, key) or (entry.valid_until is None
                                           and self._fresh_by_date(request)):
            return entry.not_modified(_etag(key, entry.valid_until))
        response = entry.response(request)
        if entry.valid_until is None:
            response["Last-Modified"] = http_date(_last_modified())
        return response

    def _while_database_down(self, request):
        """A page kept for the stamps this process last saw, as it was; else the view's answer
        (the 503 page, atlas/web/unavailable.py). Nothing is kept: the stamps are unknown."""
        seen = stamps.last_seen()
        key = page_key(request, seen.key()) if seen is not None else None
        entry = caches[CACHE_ALIAS].get(key) if key is not None else None
        if entry is None or (entry.valid_until is not None and _now() >= entry.valid_until):
            return self.get_response(request)
        return entry.response(request)

    def _add_validators(self, response, key, until):
        response["ETag"] = _etag(key, until)
        if until is None:
            response["Last-Modified"] = http_date(_last_modified())

    def _fresh_by_date(self, request) -> bool:
        """If-Modified-Since alone (no ETag sent) and no write nor deploy since that date."""
        if request.META.get("HTTP_IF_NONE_MATCH"):
            return False
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return since is not None and int(_last_modified()) <= since


def clear_pages() -> None:
    caches[CACHE_ALIAS].clear()
