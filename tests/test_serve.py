"""`atlas serve` end to end: a fresh data directory, the default dataset, gunicorn and whitenoise."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, dict(response.headers), response.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    # A directory that does not exist yet (pytest makes its own 0700): `atlas serve` creates it.
    data_dir = tmp_path_factory.mktemp("serve") / "var"
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "ATLAS_DATABASE_URL", "ATLAS_SECRET_KEY")}
    env.update(ATLAS_DATA_DIR=str(data_dir), PORT=str(port), HOST="127.0.0.1",
               ATLAS_ACCESS_LOG=str(data_dir.parent / "access.log"))
    proc = subprocess.Popen([sys.executable, "-m", "atlas", "serve", "--workers", "1"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            umask=0o022)  # the usual umask, which would leave files world-readable
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail("atlas serve exited:\n" + proc.stdout.read())
        try:
            if get(base + "/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("atlas serve did not answer /healthz within 120 s")
    yield base, data_dir
    proc.terminate()
    proc.wait(timeout=20)


def test_serve_loads_the_default_dataset_and_serves_pages(served):
    base, data_dir = served
    status, headers, body = get(base + "/tools/?q=hotline")
    assert status == 200 and b"Quick exit" in body
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    status, _headers, body = get(base + "/tools/traffic-jam/")
    assert status == 200 and b"Marinus Analytics" in body


def test_serve_uses_sqlite_in_wal_mode_in_the_data_dir(served):
    _base, data_dir = served
    db = sqlite3.connect(data_dir / "atlas.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM catalogue_tool").fetchone()[0] > 100


def test_static_files_are_fingerprinted_compressed_and_cached_for_a_year(served):
    import re
    base, _data_dir = served
    _status, _headers, body = get(base + "/")
    css = re.search(rb'href="(/static/atlas/css/atlas\.[0-9a-f]{12}\.css)"', body)
    assert css, "stylesheet is not fingerprinted"
    request = urllib.request.Request(base + css.group(1).decode(), headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.headers["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]


def test_cli_follows_atlas_database_url(tmp_path):
    db_file = tmp_path / "other.sqlite3"
    csv_file = tmp_path / "tools.csv"
    csv_file.write_text("name,description,source_url\nElsewhere,Lives in another db,https://e.example\n")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(ATLAS_DATABASE_URL=f"sqlite:///{db_file}", ATLAS_DATA_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-m", "atlas", "import", str(csv_file)], env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    names = sqlite3.connect(db_file).execute("SELECT name FROM catalogue_tool").fetchall()
    assert names == [("Elsewhere",)]


def test_the_data_directory_and_database_files_are_private(served):
    import stat
    _base, data_dir = served
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = [data_dir / name for name in ("atlas.sqlite3", "atlas.sqlite3-wal", "atlas.sqlite3-shm",
                                          "secret_key")]
    assert all(f.exists() for f in files), sorted(p.name for p in data_dir.iterdir())
    assert {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {
        f.name: "0o600" for f in files}


def test_files_left_readable_by_an_older_version_are_reported_then_made_private(tmp_path):
    import stat
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    db_file = data_dir / "atlas.sqlite3"
    sqlite3.connect(db_file).execute("CREATE TABLE t (x)")
    os.chmod(db_file, 0o644)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "ATLAS_DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(ATLAS_DATA_DIR=str(data_dir), ATLAS_SECRET_KEY="k" * 60)
    # The check alone (Django's, without the CLI's start-up) reports both.
    check = subprocess.run([sys.executable, "-c", "import django, os; "
                            "os.environ['DJANGO_SETTINGS_MODULE']='atlas.settings.prod'; django.setup(); "
                            "from atlas.datafiles import data_files_private; "
                            "print([e.id for e in data_files_private(None)])"],
                           env=env, capture_output=True, text=True)
    assert check.stdout.strip() == "['atlas.E002', 'atlas.E002']", check.stderr
    out = subprocess.run([sys.executable, "-m", "atlas", "manage", "check"], env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Made private" in out.stderr and str(db_file) in out.stderr
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(db_file.stat().st_mode) == 0o600


def test_the_access_log_has_no_line_for_submission_pages(served):
    base, data_dir = served
    for path in ("/about/", "/submit/tool/", "/fr/submit/story/", "/tools/traffic-jam/contact/",
                 "/submit/thanks/", "/helplines/"):
        get(base + path)
    request = urllib.request.Request(base + "/submit/solution/", data=b"title=x", method="POST")
    try:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 - refused (no CSRF token): 403
    except urllib.error.HTTPError:
        pass
    log = data_dir.parent / "access.log"
    for _ in range(50):  # gunicorn writes the line after the answer
        if "/helplines/" in log.read_text():
            break
        time.sleep(0.1)
    text = log.read_text()
    assert '"GET /about/ HTTP/1.1" 200' in text and "/helplines/" in text
    assert "submit" not in text and "contact" not in text, text
    assert "127.0.0.1" not in text and "Python-urllib" not in text  # no address, no user agent
