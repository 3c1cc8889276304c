"""The data stamps: what every piece of derived data, and every cached page, is keyed on.

Each scope's stamp is a random value that every write to its records replaces, in the same
transaction as the write (`bump`). A request reads all stamps once, at its start (`current`), so
everything it derives is consistent, and another process's write is seen by the next request.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

# The catalogue (tools, organisations, deployments, translations, revisions of them), the
# helplines, and the published story excerpts.
CATALOGUE, HELPLINES, STORIES = "catalogue", "helplines", "stories"
SCOPES = (CATALOGUE, HELPLINES, STORIES)


@dataclass(frozen=True)
class Stamps:
    values: dict  # scope -> value ("" for a scope never written)
    changed_at: datetime | None  # the latest write to any scope

    def key(self, scopes=SCOPES) -> str:
        return ".".join(self.values.get(s, "") for s in scopes)


_UNREAD = object()
# In a request: _UNREAD until the first read, then its Stamps. Outside one (CLI, tests): None,
# and every call reads the database, so a write is seen at once.
_request_stamps: contextvars.ContextVar = contextvars.ContextVar("atlas_stamps", default=None)


def read() -> Stamps:
    """The stamps as the database holds them now (one query)."""
    from atlas.derived.models import Stamp

    rows = list(Stamp.objects.values_list("scope", "value", "changed_at"))
    return Stamps({scope: value for scope, value, _at in rows},
                  max((at for _s, _v, at in rows), default=None))


# The stamps the latest request of this process started with: while the database cannot be
# reached, pages cached for them are still served (atlas/derived/pages.py).
_last_request_stamps: Stamps | None = None


def current() -> Stamps:
    global _last_request_stamps
    held = _request_stamps.get()
    if held is None:
        return read()
    if held is _UNREAD:
        held = _last_request_stamps = read()
        _request_stamps.set(held)
    return held


def last_seen() -> Stamps | None:
    """The stamps a request of this process last read, or None if none has yet."""
    return _last_request_stamps


@contextlib.contextmanager
def request_scope():
    """Read the stamps at most once while handling one request (see PageCacheMiddleware)."""
    token = _request_stamps.set(_UNREAD)
    try:
        yield
    finally:
        _request_stamps.reset(token)


def bump(*scopes: str) -> None:
    """Record a write to these scopes; call it inside the write's transaction."""
    from atlas.derived.models import Stamp

    now = timezone.now()
    for scope in scopes:
        if scope not in SCOPES:
            raise ValueError(f"unknown data scope {scope!r}")
        Stamp.objects.update_or_create(scope=scope,
                                       defaults={"value": uuid.uuid4().hex, "changed_at": now})
    if _request_stamps.get() is not None:
        _request_stamps.set(_UNREAD)  # the rest of this request sees its own write
