"""`Last-Modified` for the public pages, from the data's change stamps (issue 7: low bandwidth).

ConditionalGetMiddleware already gives every page an ETag (a hash of its body, so it also moves
when templates or translations change on a deploy) and answers If-None-Match with 304. This adds
the second validator: when the catalogue or the helplines last changed, the same date the API
sends (`atlas.api.http.data_last_modified`). ConditionalGetMiddleware checks If-None-Match
first, so the ETag stays the primary validator; a client that only sends If-Modified-Since gets a
304 until the data changes.

Listed right after ConditionalGetMiddleware, so it sees each response after the session, CSRF
and authentication middleware have had their say.

The date costs two queries, so each process re-reads it at most every few seconds (pages would
otherwise pay them on every request); a write in the same process forgets it at once. Another
process's write reaches this one's Last-Modified within those seconds, during which a client
that revalidates with a date alone may keep its copy: browsers also send the ETag, which wins.
"""

from __future__ import annotations

import threading
import time

from django.db.models.signals import post_delete, post_save
from django.utils.cache import cc_delim_re
from django.utils.http import http_date

REREAD_AFTER = 5.0  # seconds
_memo = {"value": None, "read_at": None, "generation": 0}
_lock = threading.Lock()


def last_change():
    """`data_last_modified()`, re-read from the database at most every REREAD_AFTER seconds."""
    from atlas.api.http import data_last_modified

    now = time.monotonic()
    with _lock:
        if _memo["read_at"] is not None and now - _memo["read_at"] < REREAD_AFTER:
            return _memo["value"]
        generation = _memo["generation"]
    value = data_last_modified()
    with _lock:
        if _memo["generation"] == generation:  # no write was seen while reading
            _memo.update(value=value, read_at=now)
    return value


def forget_last_change(**_kwargs) -> None:
    with _lock:
        _memo.update(value=None, read_at=None, generation=_memo["generation"] + 1)


def _connect() -> None:
    from atlas.catalogue.models import CatalogueVersion
    from atlas.helplines.models import Helpline

    for model in (CatalogueVersion, Helpline):
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(forget_last_change, sender=model,
                           dispatch_uid=f"atlas-last-modified-{model.__name__}-{name}")


def without_data_last_modified(view):
    """Mark a public view whose content does not follow the catalogue's and the helplines'
    change stamps (published story excerpts): it keeps its ETag and gets no Last-Modified, which
    would otherwise answer 304 to a client holding an older copy."""
    view.data_last_modified = False
    return view


def _public_page(request, response) -> bool:
    """A 200 HTML answer to GET/HEAD that any cache may keep: not a form or staff page (those
    are no-store or private), sets no cookie, and is not for a signed-in user."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return False
    view = getattr(getattr(request, "resolver_match", None), "func", None)
    if getattr(view, "data_last_modified", True) is False:
        return False
    if getattr(response, "streaming", False) or response.has_header("Last-Modified"):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    directives = {d.strip().split("=")[0].lower()
                  for d in cc_delim_re.split(response.get("Cache-Control", "")) if d.strip()}
    if directives & {"no-store", "no-cache", "private"}:
        return False
    if response.cookies:  # a session or CSRF cookie: this answer belongs to one visitor
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class DataLastModifiedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        _connect()

    def __call__(self, request):
        response = self.get_response(request)
        if _public_page(request, response):
            changed = last_change()
            if changed is not None:
                response["Last-Modified"] = http_date(changed.timestamp())
        return response
