"""Submission budgets: how many submissions each public form has stored this minute and this hour.

Counted in Django's default cache, so every process that shares it (Redis with ATLAS_CACHE_URL)
shares the budgets; no key says anything about who sent what (no address, no cookie). If the cache
cannot be reached, each process counts on its own in memory until it answers again, and says so
once in the log: submissions keep being accepted, under a budget per process (docs/security.md).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

# The public forms, each with its own budget: a flood on one never blocks another.
KINDS = ("tool", "correction", "solution", "story", "contact", "helpline_report")
MINUTE, HOUR = 60, 3600
# After the shared cache failed, how long each process counts on its own before trying it again
# (seconds): a request should not wait for Redis's connection retries while it is down.
RETRY_SHARED_AFTER = 30


def clock() -> float:
    """Seconds since the epoch; the one clock of the budgets and wait tickets (tests set it)."""
    return time.time()


def _cache_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError]  # ConnectionError, TimeoutError, socket errors
    try:
        import redis
    except ImportError:
        pass
    else:
        errors.append(redis.exceptions.RedisError)
    return tuple(errors)


CACHE_ERRORS = _cache_errors()


class _Counts:
    """The default cache, or this process's own memory while the default cache is unreachable."""

    def __init__(self):
        self.local = LocMemCache("atlas-submissions-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})
        self.shared_retry_at = 0.0
        self.shared_down = False
        self.lock = threading.Lock()

    def call(self, method: str, *args, **kwargs):
        if time.monotonic() >= self.shared_retry_at:
            try:
                result = getattr(cache, method)(*args, **kwargs)
            except CACHE_ERRORS as exc:
                self._down(exc)
            else:
                if self.shared_down:
                    with self.lock:
                        self.shared_down = False
                    logger.warning("The cache answers again: submission budgets are shared again.")
                return result
        return getattr(self.local, method)(*args, **kwargs)

    def _down(self, exc: BaseException) -> None:
        with self.lock:
            self.shared_retry_at = time.monotonic() + RETRY_SHARED_AFTER
            first = not self.shared_down
            self.shared_down = True
        if first:  # once per outage; the class of the error only, nothing about any request
            logger.warning("The cache is unreachable (%s): submission budgets are counted in each "
                           "process until it answers again.", type(exc).__name__)

    def reset(self) -> None:
        """Forget the fallback counts and the cache's state (tests)."""
        self.local.clear()
        self.shared_retry_at = 0.0
        self.shared_down = False


counts = _Counts()


def _key(*parts) -> str:
    return "atlas:submissions:" + ":".join(str(p) for p in parts)


def _bump(key: str, timeout: int, delta: int = 1) -> int:
    try:
        return counts.call("incr", key, delta)
    except ValueError:  # not there yet, or expired between two calls
        if counts.call("add", key, delta, timeout=timeout):
            return delta
        return counts.call("incr", key, delta)


def _unbump(key: str) -> None:
    try:
        counts.call("decr", key)
    except ValueError:
        pass  # the window has passed: nothing to give back


@dataclass(frozen=True)
class Budget:
    per_minute: int
    per_hour: int

    def windows(self, now: float):
        """(key part, limit, timeout) for this minute and this hour."""
        for name, length, limit in (("m", MINUTE, self.per_minute), ("h", HOUR, self.per_hour)):
            yield f"{name}{int(now // length)}", limit, length + 60


def budget_for(kind: str) -> Budget:
    if kind == "helpline_report":
        return Budget(settings.ATLAS_HELPLINE_REPORTS_PER_MINUTE,
                      settings.ATLAS_HELPLINE_REPORTS_PER_HOUR)
    return Budget(settings.ATLAS_SUBMISSIONS_PER_MINUTE, settings.ATLAS_SUBMISSIONS_PER_HOUR)


def pressure(kind: str) -> int:
    """0 while the form's next submission fits its budgets; else 1 + how many more budgets' worth
    were stored in the fullest window (the proof of work gets harder with it)."""
    level = 0
    for window, limit, _timeout in budget_for(kind).windows(clock()):
        count = counts.call("get", _key(kind, window)) or 0
        if count >= limit:
            level = max(level, 1 + (count - limit) // max(limit, 1))
    return level


def spend(kind: str, now: float) -> bool:
    """Count one submission about to be stored at `now`; True if it fits every window's budget.

    Over budget the count stays spent only if the caller admits the submission anyway (with a
    proof of work or a wait); otherwise it calls give_back with the same `now`."""
    fits = True
    for window, limit, timeout in budget_for(kind).windows(now):
        fits = _bump(_key(kind, window), timeout) <= limit and fits
    return fits


def give_back(kind: str, now: float) -> None:
    """Undo spend: the submission was refused, or could not be stored."""
    for window, _limit, _timeout in budget_for(kind).windows(now):
        _unbump(_key(kind, window))


def spend_waited(kind: str) -> int:
    """Count one submission let in over budget after a wait (no JavaScript); 0 if it fits this
    minute's allowance for those, else the seconds until the next minute."""
    now = clock()
    minute = int(now // MINUTE)
    key = _key(kind, "waited", minute)
    if _bump(key, MINUTE + 60) <= settings.ATLAS_SUBMISSIONS_WAITED_PER_MINUTE:
        return 0
    _unbump(key)
    return max(1, math.ceil((minute + 1) * MINUTE - now))


def once(token: str, *, seconds: int) -> bool:
    """True the first time a token (a solved challenge, a wait ticket) is seen within seconds."""
    return bool(counts.call("add", _key("used", token), 1, timeout=seconds))
