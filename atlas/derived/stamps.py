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

from django.db import transaction
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


# How many moves of each scope's stamp are kept: a process whose data is older than that many
# writes rebuilds it instead of updating it.
KEEP_CHANGES = 200


def bump(*scopes: str) -> None:
    """Record a write to these scopes; call it inside the write's transaction.

    The move is logged with the records this transaction noted as changed (`note`), so that
    other processes can update what they derived instead of rebuilding it; without a note, the
    move says that anything in the scope may have changed.
    """
    from atlas.derived.models import Stamp, StampChange

    now = timezone.now()
    noted = _take_notes()
    for scope in scopes:
        if scope not in SCOPES:
            raise ValueError(f"unknown data scope {scope!r}")
        keys = noted.get(scope)
        with transaction.atomic():
            # The row lock orders concurrent writers (PostgreSQL): each logs the value it
            # replaced, so the moves form one chain.
            held = Stamp.objects.select_for_update().filter(scope=scope).first()
            value = uuid.uuid4().hex
            Stamp.objects.update_or_create(scope=scope,
                                           defaults={"value": value, "changed_at": now})
            change = StampChange.objects.create(
                scope=scope, previous=held.value if held else "", value=value,
                keys=sorted(keys) if keys is not None else None)
            if change.pk % 50 == 0:
                StampChange.objects.filter(scope=scope,
                                           id__lte=change.pk - KEEP_CHANGES).delete()
    if _request_stamps.get() is not None:
        _request_stamps.set(_UNREAD)  # the rest of this request sees its own write


def note(scope: str, keys) -> None:
    """Say that this transaction changed these records of the scope (ids), and, for what is
    derived from them, nothing else: its next `bump` logs them.

    A write service notes what it changes; a transaction that changes records of the scope
    without noting them must not note anything (its move then says "anything may have changed").
    Outside a transaction there is nothing to attach a note to, and it is ignored.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    notes = _current_notes(connection)
    if notes is None:
        # A marker among the transaction's on-commit callbacks: Django drops it when the
        # transaction (or the savepoint it was made in) commits or rolls back, and the notes
        # with it, so they never outlive the writes they describe.
        marker = _Marker()
        transaction.on_commit(marker)
        notes = connection.atlas_notes = (marker, {})
    notes[1].setdefault(scope, set()).update(keys)


class _Marker:
    def __call__(self):
        pass


def _current_notes(connection):
    notes = getattr(connection, "atlas_notes", None)
    if notes is None or not connection.in_atomic_block:
        return None
    if not any(entry[1] is notes[0] for entry in connection.run_on_commit):
        return None
    return notes


def _take_notes() -> dict:
    connection = transaction.get_connection()
    notes = _current_notes(connection)
    connection.atlas_notes = None
    return notes[1] if notes is not None else {}


def changes(scope: str, since: str, until: str) -> frozenset | None:
    """The records changed by the writes that moved the scope's stamp from `since` to `until`,
    or None if that is not known (a write that noted nothing, moves no longer kept, or `until`
    not after `since`)."""
    from atlas.derived.models import StampChange

    if since == until:
        return frozenset()
    moves = {previous: (value, keys) for previous, value, keys in
             StampChange.objects.filter(scope=scope).order_by("-id")
             .values_list("previous", "value", "keys")[:KEEP_CHANGES]}
    found, at = set(), since
    for _ in range(len(moves)):
        move = moves.get(at)
        if move is None or move[1] is None:
            return None
        at = move[0]
        found.update(move[1])
        if at == until:
            return frozenset(found)
    return None
