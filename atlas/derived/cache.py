"""Values derived from the records, memoised per process until the stamps they depend on move.

    @memoised(stamps.CATALOGUE)
    def facet_index() -> FacetIndex: ...

Each call checks the current stamps (read once per request) and returns the value built for them,
building it at most once per process and stamp, under one lock. Values must be immutable plain
data shared by every thread of the process (never ORM instances). A function of no scope
(`@memoised()`) depends on the code alone (translated labels, say) and is only emptied by
`clear_all`, which tests call between tests.

A value that is costly to build for a big catalogue may instead be updated from the one held
for the previous stamp, given the records the writes in between changed:

    @memoised(stamps.CATALOGUE, update=index_updated)

The previous value is kept only until the value for the new stamp is made.
"""

from __future__ import annotations

import functools
import threading

from atlas.derived import stamps

# Re-entrant: one builder may call another (the search vectors need the facet index).
_lock = threading.RLock()
_clearers = []


def memoised(*scopes: str, update=None):
    """See the module's docstring. `update(previous, keys)`, for a value of one scope, derives
    the value for the new stamp from the one for an older stamp and the ids of the records the
    writes in between changed (stamps.changes), or returns None to have it built anew."""
    if update is not None and len(scopes) != 1:
        raise ValueError("an updatable value depends on exactly one scope")

    def decorator(builder):
        memo = {"key": None, "values": {}}

        @functools.wraps(builder)
        def get(*args):
            key = stamps.current().key(scopes) if scopes else ""
            values = memo["values"]
            if memo["key"] == key and args in values:
                return values[args]
            with _lock:
                if memo["key"] != key:
                    held_key, held = memo["key"], memo["values"]
                    if update is not None and held_key is not None and args in held \
                            and stamps.changes(scopes[0], key, held_key) is not None:
                        # A request that read the stamps before a write another thread has
                        # already caught up with: the newer value, rather than a rebuild.
                        return held[args]
                    memo["key"], memo["values"] = key, {}
                    memo["previous"] = (held_key, held)
                values = memo["values"]
                if args not in values:
                    value = _updated(memo, key, args)
                    values[args] = builder(*args) if value is None else value
                    # The previous value is let go of once the new one is made (not before:
                    # the database may fail meanwhile), whether it was used or not: two
                    # catalogues' worth of derived data must not stay in memory.
                    memo.get("previous", (None, {}))[1].pop(args, None)
                return values[args]

        def _updated(memo, key, args):
            held_key, held = memo.get("previous", (None, {}))
            if update is None or held_key is None or args not in held:
                return None
            keys = stamps.changes(scopes[0], held_key, key)
            return update(held[args], keys) if keys is not None else None

        def clear():
            with _lock:
                memo["key"], memo["values"] = None, {}
                memo.pop("previous", None)

        get.clear = clear
        _clearers.append(clear)
        return get
    return decorator


def clear_all() -> None:
    """Forget every memoised value and every cached page (tests call this between tests)."""
    for clear in _clearers:
        clear()
    from atlas.derived.pages import clear_pages
    clear_pages()
