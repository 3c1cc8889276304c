"""The reference deployment on loopback (scripts/stack.py): nginx in front of two `atlas serve`
app servers on one PostgreSQL database and one Redis. What holds across servers: the global
submission limit, a write seen by the other server at once, sessions and CSRF, a crashed server
routed around without losing or doubling a submission, and logs that keep no one's trace."""

import base64
import hashlib
import hmac
import http.client
import importlib.util
import re
import struct
import threading
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("atlas_stack", ROOT / "scripts" / "stack.py")
stackmod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(stackmod)

LIMIT = 30  # submissions an hour, across the whole stack


def _postgres_answers() -> bool:
    try:
        import psycopg
        psycopg.connect(stackmod.POSTGRES_URL + "/postgres", connect_timeout=2).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means: no PostgreSQL here
        return False


pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(not stackmod.nginx_binary(), reason="nginx is not installed"),
    pytest.mark.skipif(not stackmod.redis_answers(), reason="no Redis on 127.0.0.1:6379"),
    pytest.mark.skipif(not _postgres_answers(), reason="no PostgreSQL on 127.0.0.1:5432"),
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    s = stackmod.Stack(tmp_path_factory.mktemp("stack"), servers=2, workers=1, threads=2,
                       database=f"atlas_stack_{uuid.uuid4().hex[:8]}",
                       # The hourly budget is the one under test: the minute's is as large.
                       env={"ATLAS_SUBMISSIONS_PER_HOUR": str(LIMIT),
                            "ATLAS_SUBMISSIONS_PER_MINUTE": str(LIMIT),
                            "ATLAS_SEMANTIC_SEARCH": "false"})
    s.up(lifetime=1800)
    yield s
    s.down()


@pytest.fixture
def fresh_limit(stack):
    """Every counter of the stack's default cache forgotten: a new hour for the rate limit."""
    import redis
    client = redis.Redis.from_url(stack.cache_url)
    prefix = stack.state["cache_prefix"]
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    yield


def db(stack, query, *params):
    import psycopg
    with psycopg.connect(stack.database_url) as conn:
        return conn.execute(query, params).fetchall()


class Browser:
    """One visitor: cookies kept across requests, whichever address they go to."""

    def __init__(self, user_agent="Atlas-stack-test/1.0"):
        self.cookies = {}
        self.user_agent = user_agent

    def request(self, base, method, path, data=None, headers=None):
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        body = urlencode(data, doseq=True) if data is not None else None
        sent = {"User-Agent": self.user_agent, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, content.decode("utf-8", "replace")

    def get(self, base, path, **kw):
        return self.request(base, "GET", path, **kw)

    def form_token(self, base, path):
        status, _h, html = self.get(base, path)
        assert status == 200, (path, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def submit_solution(self, form_base, post_base, title):
        token = self.form_token(form_base, "/submit/solution/")
        return self.request(post_base, "POST", "/submit/solution/", data={
            "csrfmiddlewaretoken": token, "title": title, "homepage": "",
            "description": "A test solution that helped workers report abuse at sea.",
            "countries": "", "url": ""})[0]


def solution_titles(stack, marker):
    rows = db(stack, "SELECT payload->>'title' FROM submissions_submission "
                     "WHERE kind = 'solution' AND payload->>'title' LIKE %s", f"{marker}%")
    return [r[0] for r in rows]


def test_the_global_submission_limit_holds_across_both_app_servers(stack, fresh_limit):
    """Alternating between the two servers, the limit is reached once for the stack, not per
    server (before the shared cache: 2 x LIMIT accepted)."""
    marker = f"limit-{uuid.uuid4().hex[:8]}"
    app_a, app_b = stack.server_urls()
    statuses = []
    for i in range(LIMIT + 10):
        visitor = Browser()
        here, there = (app_a, app_b) if i % 2 else (app_b, app_a)
        statuses.append(visitor.submit_solution(here, there, f"{marker} {i}"))
    assert statuses[:LIMIT] == [302] * LIMIT, statuses
    assert statuses[LIMIT:] == [429] * 10, statuses
    assert len(solution_titles(stack, marker)) == LIMIT


def _import_tool(stack, tmp_path, name, word, country):
    csv_file = tmp_path / "tool.csv"
    csv_file.write_text("name,description,countries,purposes,source_url\n"
                        f"{name},A {word} tool for port inspectors.,{country},worker-voice,"
                        "https://example.org/new\n")
    done = stack.atlas_run("import", str(csv_file))
    assert done.returncode == 0, done.stderr


def test_a_write_is_seen_by_the_other_server_on_its_next_request(stack, tmp_path):
    """Server B has every page in its (shared) page cache; a write made beside server A (an
    import on the host, into the database both use) shows on B's very next answer: search,
    facet counts, the map data and the API."""
    word = f"zq{uuid.uuid4().hex[:6]}"
    _app_a, app_b = stack.server_urls()
    visitor = Browser()
    pages = {"search": f"/tools/?q={word}", "facets": "/tools/?country=IS",
             "map": "/map/data.json", "api": f"/api/v1/tools?q={word}",
             "api facets": "/api/v1/tools?country=IS"}
    before = {}
    for name, path in pages.items():
        visitor.get(app_b, path)
        before[name] = visitor.get(app_b, path)  # the second answer comes from the cache
        assert before[name][0] == 200
    name, slug = f"Port Lookout {word}", f"port-lookout-{word}"
    assert slug not in before["search"][2] and slug not in before["api"][2]

    _import_tool(stack, tmp_path, name, word, "IS")

    after = {name: visitor.get(app_b, path) for name, path in pages.items()}
    assert f"/tools/{slug}/" in after["search"][2]
    assert slug in after["api"][2]
    assert after["facets"][1]["ETag"] != before["facets"][1]["ETag"]
    assert f"/tools/{slug}/" in after["facets"][2]
    assert after["map"][2] != before["map"][2]
    count = re.compile(r'"count":\s*(\d+)')
    assert int(count.search(after["api facets"][2]).group(1)) == \
        int(count.search(before["api facets"][2]).group(1)) + 1


def _totp(secret: str, at: float) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def test_a_curator_signed_in_through_nginx_works_on_either_server(stack, fresh_limit):
    name = f"curator{uuid.uuid4().hex[:6]}"
    password = f"stack-{uuid.uuid4().hex}"
    made = stack.atlas_run("accounts", "create", name, "--password-stdin", input=password + "\n")
    assert made.returncode == 0, made.stderr
    secret = parse_qs(urlsplit(re.search(r"otpauth://\S+", made.stdout).group(0)).query)[
        "secret"][0]
    marker = f"csrf-{uuid.uuid4().hex[:8]}"
    assert Browser().submit_solution(stack.url, stack.url, marker) == 302
    pk = db(stack, "SELECT id FROM submissions_submission WHERE payload->>'title' = %s",
            marker)[0][0]

    curator = Browser()
    token = curator.form_token(stack.url, "/account/login/")
    status, headers, _html = curator.request(stack.url, "POST", "/account/login/", data={
        "csrfmiddlewaretoken": token, "username": name, "password": password,
        "otp_token": _totp(secret, time.time())})
    assert status == 302, _html[:2000]
    app_a, app_b = stack.server_urls()
    for base in (app_a, app_b, stack.url, app_b, app_a):
        status, _h, html = curator.get(base, "/curate/")
        assert status == 200 and marker in html, base  # the queue lists it
    # The form comes from server A, its POST goes to server B.
    token = curator.form_token(app_a, f"/curate/submissions/{pk}/")
    status, _h, _html = curator.request(app_b, "POST", f"/curate/submissions/{pk}/reject/", data={
        "csrfmiddlewaretoken": token, "reason": "Tested across two servers."})
    assert status == 302
    assert db(stack, "SELECT status FROM submissions_submission WHERE id = %s", pk) == [
        ("rejected",)]
    # A POST without the token is refused on either server.
    for base in (app_a, app_b):
        status, _h, _html = curator.request(base, "POST", f"/curate/submissions/{pk}/reject/",
                                            data={"reason": "no token"})
        assert status == 403


def test_the_nginx_access_log_keeps_no_address_no_user_agent_and_no_submission(stack):
    marker_agent = f"Private-Agent-{uuid.uuid4().hex[:8]}"
    visitor = Browser(user_agent=marker_agent)
    spoofed = {"X-Forwarded-For": "198.51.100.23", "Referer": "https://referrer.example/x"}
    about = f"/about/?probe={uuid.uuid4().hex[:8]}"
    visitor.get(stack.url, about, headers=spoofed)
    hidden = ["/submit/", "/submit/solution/", "/fr/submit/story/", "/submit/thanks/",
              "/tools/traffic-jam/contact/", "/account/login/", "/es/account/login/",
              "/admin/login/"]
    for path in hidden:
        visitor.get(stack.url, path, headers=spoofed)
    visitor.request(stack.url, "POST", "/helplines/KE/report/", data={"channel": "0"},
                    headers=spoofed)
    visitor.request(stack.url, "POST", "/fr/helplines/KE/report/", data={"channel": "0"})
    visitor.get(stack.url, "/healthz")  # written after the others: the log is complete
    log = stack.nginx_access_log
    for _ in range(50):
        if "/healthz" in log.read_text() and about in log.read_text():
            break
        time.sleep(0.1)
    lines = log.read_text().splitlines()
    about_lines = [line for line in lines if about in line]
    assert len(about_lines) == 1
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT[\d:]+[+-]\d\d:\d\d "GET /about/\?probe=\w+ HTTP/1\.1" '
                        r'200 \d+ [\d.]+ 127\.0\.0\.1:\d+ 200', about_lines[0]), about_lines[0]
    text = log.read_text()
    assert marker_agent not in text and "198.51.100.23" not in text and "referrer" not in text
    for path in hidden + ["/helplines/KE/report/", "report/"]:
        assert f" {path} " not in text and f"{path} HTTP" not in text, path
    # The site file ships the same access_log line the stack uses.
    site = (ROOT / "deploy" / "nginx" / "atlas-site.conf").read_text()
    assert "atlas_private if=$atlas_loggable;" in site


def test_the_app_servers_get_no_client_address_from_nginx(stack):
    """nginx passes on neither the client's address nor one a client made up."""
    conf = (ROOT / "deploy" / "nginx" / "atlas-proxy.conf").read_text()
    assert 'proxy_set_header X-Forwarded-For "";' in conf
    assert 'proxy_set_header X-Real-IP "";' in conf
    assert "$remote_addr" not in conf + (ROOT / "deploy" / "nginx" / "atlas-http.conf").read_text()


def test_a_killed_app_server_is_routed_around_and_no_submission_is_lost_or_doubled(
        stack, fresh_limit):
    marker = f"kill-{uuid.uuid4().hex[:8]}"
    results, reads, lock = {}, [], threading.Lock()
    killed = threading.Event()
    stop = threading.Event()

    def submitter(n):
        for i in range(12):
            title = f"{marker} {n}-{i}"
            try:
                status = Browser().submit_solution(stack.url, stack.url, title)
            except OSError as exc:  # the connection to nginx itself must not fail
                status = repr(exc)
            with lock:
                results[title] = status
            if n == 0 and i == 4:
                stack.kill_server(1)
                killed.set()

    def reader():
        visitor = Browser()
        while not stop.is_set():
            try:
                status = visitor.get(stack.url, "/tools/?q=hotline")[0]
            except (http.client.HTTPException, OSError) as exc:
                # A page the killed server was half-way through sending: nginx has passed on
                # its first bytes and cannot hand the rest to the other server.
                status = type(exc).__name__
            with lock:
                reads.append((killed.is_set(), status))

    threads = [threading.Thread(target=submitter, args=(n,)) for n in range(2)]
    read_thread = threading.Thread(target=reader)
    for t in threads + [read_thread]:
        t.start()
    for t in threads:
        t.join(timeout=240)
    stop.set()
    read_thread.join(timeout=60)
    try:
        assert killed.is_set()
        stored = solution_titles(stack, marker)
        accepted = [t for t, s in results.items() if s == 302]
        assert len(stored) == len(set(stored)), "a submission was stored twice"
        assert set(accepted) <= set(stored), "a submission answered 302 is missing"
        # Only a POST in flight at the crash may fail (502, not retried elsewhere: it may have
        # been stored); everything else went through.
        failed = {t: s for t, s in results.items() if s != 302}
        assert all(s == 502 for s in failed.values()) and len(failed) <= 2, failed
        assert len(accepted) >= len(results) - 2
        # Only a page in flight at the crash may be cut short; every other read went through.
        cut = [s for _k, s in reads if s != 200]
        assert len(cut) <= 1 and set(cut) <= {"IncompleteRead", "ConnectionResetError"}, cut
        assert any(k for k, _s in reads), "no page was read after the kill"
        # The other server answers everything now.
        for _ in range(6):
            assert Browser().get(stack.url, "/tools/")[0] == 200
        app1_port = str(stack.state["app_ports"][0])
        recent = stack.nginx_access_log.read_text().splitlines()[-6:]
        assert all(f":{app1_port} " not in line for line in recent), recent
        # nginx's error log names clients: it keeps only critical lines, so none of these.
        assert "client:" not in stack.nginx_error_log.read_text()
    finally:
        stack.restart_server(1)


def test_the_runbook_commands_run_through_atlas_run(stack, tmp_path):
    """docs/operations.md's `atlas-run` commands, against the stack's settings and database."""
    def run(*args, **kwargs):
        done = stack.atlas_run(*args, **kwargs)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout + done.stderr

    run("manage", "migrate")
    assert "[ ]" not in run("manage", "showmigrations")
    run("manage", "check", "--deploy", "--fail-level", "ERROR")
    name = f"editor{uuid.uuid4().hex[:6]}"
    run("accounts", "create", name, "--role", "curators", "--password-stdin",
        input=f"runbook-{uuid.uuid4().hex}\n")
    assert "otpauth://" in run("accounts", "totp", name)
    run("accounts", "unlock", name)
    first = run("keys", "generate", "--private-key", str(tmp_path / "key1.txt"))
    assert "Public key written" in first
    run("keys", "generate", "--force", "--private-key", str(tmp_path / "key2.txt"))
    assert (tmp_path / "key1.txt").read_text() != (tmp_path / "key2.txt").read_text()
    # The new public key is in force on the running servers: the story form accepts stories.
    status, _h, html = Browser().get(stack.url, "/submit/story/")
    assert status == 200 and 'name="text"' in html
