"""PostgreSQL restarted under a running `atlas serve`: 503s meanwhile, then back without a restart.

A throwaway cluster (tests/pgcluster.py) holds the default dataset; `atlas serve` (one gunicorn
process, two threads) serves it while a client keeps asking for pages. The cluster is stopped
(`pg_ctl stop -m fast`) and started again. Bounded: each request 10 s, the whole test a few
minutes at most, the cluster removed whatever happens.
"""

import http.client
import os
import subprocess
import sys
import threading
import time

import pytest

from tests.pgcluster import Cluster, unavailable_reason

REASON = unavailable_reason()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")

# Asked before the outage, so kept in the page cache: still served while the database is down.
CACHED = "/tools/traffic-jam/"
NEVER_ASKED = ["/", "/fr/helplines/", "/api/v1/tools?q=outage", "/tools/?q=outage+{n}",
               "/organisations/?q={n}", "/map/data.json?q=outage+{n}"]


def request(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, \
            response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.fixture(scope="module")
def cluster():
    made = Cluster()
    try:
        yield made.create()
    finally:
        made.remove()


@pytest.fixture(scope="module")
def served(cluster, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("restart") / "serve.log"
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "ATLAS_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(ATLAS_DATABASE_URL=cluster.url(), ATLAS_DATA_DIR=str(log_path.parent / "var"),
               HOST="127.0.0.1", PORT=str(port), ATLAS_ACCESS_LOG=str(log_path.parent / "access"))
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "atlas", "serve", "--workers", "1",
                                 "--threads", "2"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 240
        while True:
            if proc.poll() is not None:
                pytest.fail("atlas serve exited:\n" + log_path.read_text()[-3000:])
            try:
                if request(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                pytest.fail("atlas serve did not answer /healthz within 240 s:\n"
                            + log_path.read_text()[-3000:])
            time.sleep(0.5)
        yield port, proc, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Crowd(threading.Thread):
    """Keeps asking for pages (cached ones and new ones) until told to stop, 3,000 at most."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.stop, self.seen = port, threading.Event(), []

    def run(self):
        n = 0
        while not self.stop.is_set() and n < 3000:
            n += 1
            path = CACHED if n % 2 else f"/tools/?q=crowd+{n}"
            try:
                self.seen.append((path, request(self.port, path)[0]))
            except OSError as exc:
                self.seen.append((path, repr(exc)))
            time.sleep(0.02)


def test_a_postgresql_restart_answers_503_meanwhile_and_recovers_without_a_restart(
        served, cluster):
    port, proc, log_path = served
    assert request(port, CACHED)[0] == 200
    crowd = Crowd(port)
    crowd.start()
    try:
        time.sleep(1)
        cluster.stop("fast")
        down = {}
        for n, path in enumerate(NEVER_ASKED):
            down[path] = request(port, path.format(n=n))
        health_down = request(port, "/healthz")[0]
        cached_down = request(port, CACHED)[0]
        time.sleep(1)
        cluster.start()
        back = {path: request(port, path.format(n=n + 100))[0]
                for n, path in enumerate(NEVER_ASKED)}
        health_back = request(port, "/healthz")[0]
        time.sleep(1)
    finally:
        crowd.stop.set()
        crowd.join(timeout=30)

    for path, (status, headers, body) in down.items():
        assert status == 503, (path, status, body[:300])
        assert headers["retry-after"].isdigit(), path
        assert 'id="quick-exit"' in body and "Traceback" not in body, path
    assert health_down == 503
    assert cached_down == 200  # a page kept from before the outage is still served
    assert back == {path: 200 for path in NEVER_ASKED}
    assert health_back == 200
    # The crowd saw pages or the 503 page, never a server error or a refused connection.
    statuses = {status for _path, status in crowd.seen}
    assert statuses <= {200, 503}, sorted(map(str, statuses))
    assert 503 in statuses or any(s == 503 for s, _h, _b in down.values())
    # The same process throughout, and a log (gunicorn at INFO) without a stack.
    assert proc.poll() is None
    log = log_path.read_text()
    assert log.count("Booting worker") == 1, log[-2000:]
    assert "Database unavailable, answered 503" in log
    for stack in ("Traceback", 'File "', "Internal Server Error"):
        assert stack not in log, log[-3000:]


def test_after_a_restart_between_requests_the_next_request_is_answered(served, cluster):
    # The connections each thread keeps (CONN_MAX_AGE) died with the server; the health check
    # Django runs before a request's first query (CONN_HEALTH_CHECKS) replaces them.
    port, _proc, _log = served
    for n in range(4):  # both threads hold a connection
        assert request(port, f"/tools/?q=before+{n}")[0] == 200
    cluster.stop("fast")
    cluster.start()
    assert [request(port, f"/tools/?q=after+{n}")[0] for n in range(4)] == [200] * 4
