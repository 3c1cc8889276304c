"""A real app server (gunicorn) on a SQLite file while the database cannot write (issues 14.2, 15.5).

Another process holds the write lock (as `atlas import` does while it writes), or the file is
read-only: a story or a sign-in comes back with what was typed and "try again in a minute" (503),
never a 500, and public pages keep serving. Servers bind 127.0.0.1 on a free port and are stopped
by the fixtures.
"""

import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.accounts.fixtures import PASSWORD
from tests.test_serve import free_port

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.submissions.file_db_settings"
STORY_TEXT = "The agency kept our passports after the lockdown started, and we could not leave."

pytestmark = pytest.mark.skipif(
    "postgres" in os.environ.get("ATLAS_DATABASE_URL", ""),
    reason="SQLite's write lock and read-only file; PostgreSQL's outages are tested by the stack")


def _env(db_file, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(DJANGO_SETTINGS_MODULE=SETTINGS, ATLAS_DATABASE_URL=f"sqlite:///{db_file}",
               PYTHONPATH=str(ROOT), **extra)
    return env


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A migrated SQLite file with an organisation editor (who signs in without a second factor)
    and the curators' public key for stories."""
    db_file = tmp_path_factory.mktemp("served-db") / "atlas.sqlite3"
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from atlas.accounts.services import account_create\n"
        f"account_create(username='editor', email='', password={PASSWORD!r},"
        " role='organisation-editors')\n"
        "from atlas.submissions.stories import keypair_generate\n"
        "print(keypair_generate()[1])\n")
    out = subprocess.run([sys.executable, "-c", script], env=_env(db_file), cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return db_file, out.stdout.strip().splitlines()[-1]


@contextmanager
def served(database, **extra):
    db_file, public_key = database
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "atlas.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--timeout", "30"],
        env=_env(db_file, ATLAS_STORY_PUBLIC_KEY=public_key, **extra), cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail("the server exited:\n" + proc.stdout.read())
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5):  # noqa: S310
                    break
            except OSError:
                if time.time() > deadline:
                    pytest.fail("the server did not answer within 60 s")
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        # Whatever happened, no request ended in a traceback.
        assert "Traceback" not in output, output


class Browser:
    """Cookies and the CSRF token, as a browser without JavaScript has them."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        return self._open(urllib.request.Request(self.base + path))

    def post_form(self, path, data):
        """Opens the form's page for its token, then sends it as the browser would."""
        _status, page, _url = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        return self._open(urllib.request.Request(self.base + path, data=body.encode()))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.url


STORY = {"text": STORY_TEXT, "country": "KE", "topics": "online-recruitment",
         "consent": "analysis-only", "tools": "", "contact": ""}


@contextmanager
def write_lock_held(db_file):
    """What `atlas import` does while it writes: hold SQLite's write lock from another process."""
    holder = sqlite3.connect(db_file, isolation_level=None, timeout=5)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def stories(db_file):
    with sqlite3.connect(db_file) as db:
        return db.execute("SELECT count(*) FROM submissions_submission WHERE kind = 'story'"
                          ).fetchone()[0]


def test_a_story_sent_while_another_process_holds_the_write_lock_comes_back_then_goes_in(database):
    db_file, _key = database
    before = stories(db_file)
    with served(database) as base:
        browser = Browser(base)
        with write_lock_held(db_file):
            status, page, _url = browser.post_form("/submit/story/", STORY)
            assert status == 503
            assert STORY_TEXT in page and "Please send it again in a minute." in page
            # Pages are read meanwhile: WAL readers do not wait for the writer.
            assert browser.get("/")[0] == 200
        status, _page, url = browser.post_form("/submit/story/", STORY)
        assert status == 200 and url.endswith("/submit/thanks/")
    assert stories(db_file) == before + 1


def test_signing_in_while_another_process_holds_the_write_lock_says_try_again(database):
    db_file, _key = database
    with served(database) as base:
        browser = Browser(base)
        with write_lock_held(db_file):
            status, page, _url = browser.post_form(
                "/account/login/", {"username": "editor", "password": PASSWORD, "otp_token": ""})
            assert status == 503 and "try again in a minute" in page and 'value="editor"' in page
        status, _page, url = browser.post_form(
            "/account/login/", {"username": "editor", "password": PASSWORD, "otp_token": ""})
        assert status == 200 and url.endswith("/account/")


def test_with_a_read_only_database_submissions_come_back_and_pages_keep_serving(database):
    db_file, _key = database
    before = stories(db_file)
    os.chmod(db_file, 0o400)  # enough for other accounts; root is refused by the settings
    try:
        with served(database, ATLAS_TEST_READ_ONLY="1") as base:
            browser = Browser(base)
            status, page, _url = browser.post_form("/submit/story/", STORY)
            assert status == 503 and STORY_TEXT in page
            assert "cannot store submissions just now" in page
            for path in ("/", "/tools/", "/helplines/", "/submit/tool/", "/fr/about/"):
                assert browser.get(path)[0] == 200, path
    finally:
        os.chmod(db_file, 0o600)
    assert stories(db_file) == before
