"""ATLAS_CACHE_URL: one Redis cache shared by every process, and what happens when it is gone
(atlas/derived/sharedcache.py, docs/operations.md "Shared cache")."""

import logging
import socket
import uuid

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from atlas.settings.base import caches_from_url

REDIS_URL = "redis://127.0.0.1:6379/5"


def closed_port() -> int:
    """A loopback port nothing listens on (asked from the OS, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(7) == b"+PONG\r\n"
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")


def shared_caches(url, prefix):
    """The CACHES setting for this URL, with test-only key prefixes."""
    config = caches_from_url(url, page_entries=50)
    for alias in config:
        config[alias]["KEY_PREFIX"] = f"{prefix}-{alias}"
    return config


@pytest.fixture
def fresh_caches():
    """Cache backends made anew from the settings of the test, and forgotten after it."""
    def reset():
        for alias in ("default", "pages"):
            try:
                del caches[alias]
            except (AttributeError, KeyError):
                pass
    reset()
    yield
    reset()


def test_an_unset_cache_url_keeps_the_per_process_cache():
    config = caches_from_url("", page_entries=123)
    assert config["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert config["pages"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert config["pages"]["OPTIONS"]["MAX_ENTRIES"] == 123


def test_a_redis_url_selects_the_shared_cache_with_one_key_prefix_per_cache():
    config = caches_from_url("redis://127.0.0.1:6379/0", page_entries=10)
    assert {c["BACKEND"] for c in config.values()} == {
        "atlas.derived.sharedcache.SharedRedisCache"}
    assert {c["LOCATION"] for c in config.values()} == {"redis://127.0.0.1:6379/0"}
    assert config["default"]["KEY_PREFIX"] != config["pages"]["KEY_PREFIX"]


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "127.0.0.1:6379",
                                 "http://127.0.0.1:6379/0"])
def test_a_cache_url_that_is_not_redis_is_refused_with_the_variable_named(url):
    with pytest.raises(ImproperlyConfigured, match="ATLAS_CACHE_URL"):
        caches_from_url(url, page_entries=10)


@pytest.mark.django_db
def test_public_pages_keep_working_when_redis_does_not_answer(client, tool_factory,
                                                              fresh_caches, caplog):
    tool_factory("Harbour Watch", slug="harbour-watch")
    url = f"redis://127.0.0.1:{closed_port()}/0"
    with override_settings(CACHES=shared_caches(url, uuid.uuid4().hex)), \
            caplog.at_level(logging.WARNING, logger="atlas.cache"):
        first = client.get("/tools/harbour-watch/")
        second = client.get("/tools/harbour-watch/")
        listing = client.get("/tools/")
    assert first.status_code == second.status_code == listing.status_code == 200
    assert b"Harbour Watch" in second.content
    # Kept in the process's own cache meanwhile: the second answer carries the first's ETag.
    assert first["ETag"] == second["ETag"]
    warnings = [r for r in caplog.records if r.name == "atlas.cache"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "127.0.0.1" in warnings[0].getMessage()


def test_counters_fall_back_to_the_process_when_redis_does_not_answer(fresh_caches):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    with override_settings(CACHES=shared_caches(url, uuid.uuid4().hex)):
        cache = caches["default"]
        assert cache.add("hour", 0, timeout=60) is True
        assert [cache.incr("hour") for _ in range(3)] == [1, 2, 3]
        assert cache.get("hour") == 3
        with pytest.raises(ValueError):
            cache.incr("never-set")


def test_a_password_in_the_cache_url_is_not_logged(fresh_caches, caplog):
    url = f"redis://:s3cret-word@127.0.0.1:{closed_port()}/0"
    with override_settings(CACHES=shared_caches(url, uuid.uuid4().hex)), \
            caplog.at_level(logging.WARNING, logger="atlas.cache"):
        caches["default"].get("anything")
    assert caplog.records and "s3cret-word" not in caplog.text


@needs_redis
def test_two_processes_count_in_one_redis_counter(fresh_caches):
    """Two clients of the same Redis (as two app servers are) see each other's counts."""
    from atlas.derived.sharedcache import SharedRedisCache
    config = shared_caches(REDIS_URL, uuid.uuid4().hex)["default"]
    params = {"KEY_PREFIX": config["KEY_PREFIX"], "OPTIONS": config.get("OPTIONS", {})}
    server_a = SharedRedisCache(REDIS_URL, params)
    server_b = SharedRedisCache(REDIS_URL, params)
    try:
        server_a.add("hour", 0, timeout=60)
        server_b.add("hour", 0, timeout=60)
        counts = [server_a.incr("hour"), server_b.incr("hour"), server_a.incr("hour")]
        assert counts == [1, 2, 3]
        assert server_b.get("hour") == 3
    finally:
        server_a.clear()


@needs_redis
def test_clearing_the_page_cache_leaves_the_other_keys_in_redis(fresh_caches):
    prefix = uuid.uuid4().hex
    with override_settings(CACHES=shared_caches(REDIS_URL, prefix)):
        caches["default"].set("counter", 7, timeout=60)
        caches["pages"].set("page", "kept page", timeout=60)
        caches["pages"].clear()
        assert caches["pages"].get("page") is None
        assert caches["default"].get("counter") == 7
        caches["default"].clear()
        assert caches["default"].get("counter") is None


@needs_redis
@pytest.mark.django_db
def test_a_page_rendered_by_one_server_is_served_from_redis_by_another(client, tool_factory,
                                                                        fresh_caches):
    tool_factory("Harbour Watch", slug="harbour-watch")
    with override_settings(CACHES=shared_caches(REDIS_URL, uuid.uuid4().hex)):
        try:
            first = client.get("/tools/harbour-watch/")
            # Another server: the same Redis, nothing in this process's memory.
            del caches["pages"]
            from atlas.derived.pages import page_key
            from django.test import RequestFactory
            key = page_key(RequestFactory().get("/tools/harbour-watch/"))
            assert caches["pages"].get(key) is not None
            second = client.get("/tools/harbour-watch/")
            assert second["ETag"] == first["ETag"] and second.content == first.content
        finally:
            caches["pages"].clear()
