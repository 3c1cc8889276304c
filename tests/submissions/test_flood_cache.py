"""Submission budgets in a shared cache (Redis), and what happens when it cannot be reached."""

import logging
import os
import socket
import subprocess
import sys
import uuid

import pytest

from atlas.submissions.models import Submission
from tests.submissions.flooding import junk_tool

REDIS = "redis://127.0.0.1:6379/3"  # db 3 is this suite's; each test has its own key prefix


def redis_cache(location, prefix):
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": location, "KEY_PREFIX": prefix},
            "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "LOCATION": "pages"}}


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def redis_up():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def small_budget(settings, db):
    settings.ATLAS_SUBMISSIONS_PER_MINUTE = 3
    settings.ATLAS_SUBMISSIONS_PER_HOUR = 50
    return settings


def test_with_the_cache_unreachable_submissions_are_accepted_under_a_budget_per_process(
        client, small_budget, caplog):
    small_budget.CACHES = redis_cache(f"redis://127.0.0.1:{closed_port()}/0", "down")
    caplog.set_level(logging.WARNING, logger="atlas.submissions.ratelimit")
    statuses = [client.post("/submit/tool/", junk_tool(i)).status_code for i in range(5)]
    # Accepted, never a 500, and still limited: three a minute, counted in this process.
    assert statuses == [302, 302, 302, 429, 429]
    assert Submission.objects.count() == 3
    warnings = [r.getMessage() for r in caplog.records if r.name == "atlas.submissions.ratelimit"]
    assert len(warnings) == 1 and "unreachable (ConnectionError)" in warnings[0]
    assert "Spam" not in caplog.text and "spam" not in caplog.text


@pytest.mark.skipif(not redis_up(), reason="needs Redis on 127.0.0.1:6379")
def test_a_budget_spent_by_another_process_is_spent_here_with_a_shared_cache(client, small_budget,
                                                                              clock):
    prefix = f"atlas-test-{uuid.uuid4().hex}"
    small_budget.CACHES = redis_cache(REDIS, prefix)
    # Another process (another app server) stores two proposals' worth of the tool budget.
    script = ("import django; django.setup()\n"
              "from django.test.utils import override_settings\n"
              "from atlas.submissions import ratelimit\n"
              f"ratelimit.clock = lambda: {clock.now!r}  # the same minute as this test's\n"
              f"with override_settings(CACHES={redis_cache(REDIS, prefix)!r},\n"
              "                       ATLAS_SUBMISSIONS_PER_MINUTE=3):\n"
              "    print([ratelimit.spend('tool', ratelimit.clock()) for _ in range(2)])\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "atlas.settings.test"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "[True, True]", out.stderr
    try:
        assert client.post("/submit/tool/", junk_tool(1)).status_code == 302
        assert client.post("/submit/tool/", junk_tool(2)).status_code == 429
        assert Submission.objects.count() == 1
    finally:
        import redis
        client = redis.Redis.from_url(REDIS)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
