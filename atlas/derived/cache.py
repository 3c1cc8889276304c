"""Values derived from the records, memoised per process until the stamps they depend on move.

    @memoised(stamps.CATALOGUE)
    def facet_index() -> FacetIndex: ...

Each call checks the current stamps (read once per request) and returns the value built for them,
building it at most once per process and stamp, under one lock. Values must be immutable plain
data shared by every thread of the process (never ORM instances). A function of no scope
(`@memoised()`) depends on the code alone (translated labels, say) and is only emptied by
`clear_all`, which tests call between tests.
"""

from __future__ import annotations

import functools
import threading

from atlas.derived import stamps

# Re-entrant: one builder may call another (the search vectors need the facet index).
_lock = threading.RLock()
_clearers = []


def memoised(*scopes: str):
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
                    memo["key"], memo["values"] = key, {}
                values = memo["values"]
                if args not in values:
                    values[args] = builder(*args)
                return values[args]

        def clear():
            with _lock:
                memo["key"], memo["values"] = None, {}

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
