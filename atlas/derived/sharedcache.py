"""The cache shared by every app server (ATLAS_CACHE_URL): Django's Redis cache, made to keep
serving when Redis does not answer.

Django's RedisCache raises redis-py's errors when Redis is down, which would turn every public
page (the page cache) and every submission (the rate limit) into a server error. Instead, this
backend falls back to the process's own memory, exactly as a single server without
ATLAS_CACHE_URL works: pages are rendered and kept per process, the submission rate limit is
counted per process (so each process allows the full budget meanwhile). It says so once per
outage (logger "atlas.cache", a warning) and tries Redis again every RETRY_SECONDS; the first
call that succeeds says it is back. Sign-in slow-downs and sessions are in the database, not in
a cache, so an outage does not touch them (docs/operations.md, "Shared cache").

`clear()` deletes this cache's own keys (its KEY_PREFIX) instead of flushing the whole Redis
database, so clearing the pages never resets the rate limit, nor another application's keys.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit, urlunsplit

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("atlas.cache")

RETRY_SECONDS = 5
# Redis locations that failed, and when to try each again (time.monotonic()); per process,
# shared by its threads (Django makes one backend object per thread).
_retry_at: dict[str, float] = {}
_lock = threading.Lock()


def redacted(url: str) -> str:
    """The URL without its password, for logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


class SharedRedisCache(RedisCache):
    """RedisCache with a per-process fallback while Redis does not answer (see above)."""

    _OPERATIONS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr",
                   "set_many", "delete_many")

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        entries = options.pop("fallback_max_entries", 1000)
        if "retry" not in options:
            # redis-py retries a failed connection three times with growing waits by default:
            # a request would wait seconds for a Redis that is down. Once, at once, is enough.
            from redis.backoff import NoBackoff
            from redis.retry import Retry
            options["retry"] = Retry(NoBackoff(), 1)
        super().__init__(server, {**params, "OPTIONS": options})
        import redis
        self._errors = (redis.exceptions.RedisError, OSError)
        self._location = server if isinstance(server, str) else ",".join(server)
        # LocMemCache keeps its entries per name in the process, so every thread's backend
        # object falls back to the same memory.
        self._fallback = LocMemCache(f"atlas-fallback|{self._location}|{self.key_prefix}", {
            "KEY_PREFIX": self.key_prefix, "VERSION": self.version, "TIMEOUT": self.default_timeout,
            "OPTIONS": {"MAX_ENTRIES": entries}})

    def _call(self, name, *args, **kwargs):
        if name == "clear":
            self._fallback.clear()
            on_redis, on_fallback = self._clear_own_keys, lambda: True
        else:
            on_redis = getattr(super(), name)
            on_fallback = getattr(self._fallback, name)
        retry_at = _retry_at.get(self._location)
        if retry_at is not None and time.monotonic() < retry_at:
            return on_fallback(*args, **kwargs)
        try:
            result = on_redis(*args, **kwargs)
        except self._errors as exc:
            with _lock:
                first = self._location not in _retry_at
                _retry_at[self._location] = time.monotonic() + RETRY_SECONDS
            if first:
                logger.warning(
                    "The shared cache %s does not answer (%s): this process uses its own memory "
                    "until it does (pages kept per process, the submission rate limit counted per "
                    "process); trying again every %d s.", redacted(self._location),
                    type(exc).__name__, RETRY_SECONDS)
            return on_fallback(*args, **kwargs)
        if retry_at is not None:
            with _lock:
                back = _retry_at.pop(self._location, None) is not None
            if back:
                logger.warning("The shared cache %s answers again.", redacted(self._location))
        return result

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        """Delete this cache's keys (those under its KEY_PREFIX) and its fallback's."""
        return self._call("clear")

    def _clear_own_keys(self):
        client = self._cache.get_client(write=True)
        pattern = _glob_escape(self.key_prefix) + ":*"  # Django's keys: prefix:version:key
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True


def _glob_escape(text: str) -> str:
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)
