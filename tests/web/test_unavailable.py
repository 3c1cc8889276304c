"""A database that cannot be reached: a generic 503 page and one log line, never a traceback.

The outage is simulated in the process (every query raises what the driver raises); the real one,
a PostgreSQL cluster stopped and started under a running `atlas serve`, is in
tests/web/test_database_restart.py.
"""

import logging
import sqlite3

import psycopg
import psycopg.errors
import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, ProgrammingError
from django.db.backends.utils import CursorWrapper
from django.test import Client

pytestmark = pytest.mark.django_db

MIDDLEWARE = "atlas.web.unavailable.DatabaseUnavailableMiddleware"


def _cantopen():
    try:
        sqlite3.connect("/nonexistent-atlas-dir/no/atlas.sqlite3")
    except sqlite3.OperationalError as exc:
        return exc
    raise AssertionError("sqlite3 opened a file in a directory that does not exist")


UNREACHABLE = {
    "postgres refused": psycopg.OperationalError(
        'connection failed: connection to server at "127.0.0.1", port 5999 failed: '
        "Connection refused\n\tIs the server running on that host and accepting TCP/IP "
        "connections?"),
    "postgres shutting down": psycopg.errors.AdminShutdown(
        "terminating connection due to administrator command"),
    "postgres starting up": psycopg.errors.CannotConnectNow("the database system is starting up"),
    "sqlite file missing": _cantopen(),
}
BUGS = {
    "sqlite no such table": sqlite3.OperationalError("no such table: catalogue_tool"),
    "postgres statement timeout": psycopg.errors.QueryCanceled(
        "canceling statement due to statement timeout"),
}


@pytest.fixture
def database_fails(monkeypatch):
    """Every query from now on raises Django's wrapping of `cause`, as the driver would."""
    def fail_with(cause, wrapper=OperationalError):
        def execute(*args, **kwargs):
            raise wrapper(*cause.args) from cause
        monkeypatch.setattr(CursorWrapper, "execute", execute)
        monkeypatch.setattr(CursorWrapper, "executemany", execute)
    return fail_with


@pytest.fixture
def client_keeping_errors():
    return Client(raise_request_exception=False)


@pytest.fixture(autouse=True)
def _fresh_log_throttle():
    from atlas.web import unavailable
    unavailable.reset_log_throttle()
    yield
    unavailable.reset_log_throttle()


@pytest.mark.parametrize("case", sorted(UNREACHABLE))
def test_a_page_that_cannot_reach_the_database_answers_the_generic_503_page(
        case, database_fails, client_keeping_errors, settings):
    settings.ATLAS_QUICK_EXIT_URL = "https://weather.example/"
    database_fails(UNREACHABLE[case])
    response = client_keeping_errors.get("/tools/?q=hotline")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert 'id="quick-exit" href="https://weather.example/"' in html
    assert "Temporarily unavailable" in html
    for leak in ("Traceback", "OperationalError", "5999", "administrator", "atlas.sqlite3",
                 "starting up"):
        assert leak not in html


def test_the_503_page_is_in_the_language_of_the_address(database_fails, client_keeping_errors):
    database_fails(UNREACHABLE["postgres refused"])
    response = client_keeping_errors.get("/fr/tools/")
    assert response.status_code == 503
    html = response.content.decode()
    assert 'lang="fr"' in html and "Temporarily unavailable" not in html


def test_the_outage_is_logged_as_one_warning_line_without_a_stack(
        database_fails, client_keeping_errors, caplog):
    database_fails(UNREACHABLE["postgres refused"])
    with caplog.at_level(logging.INFO):
        client_keeping_errors.get("/")
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1, [r.getMessage() for r in records]
    record = records[0]
    assert record.levelno == logging.WARNING and record.exc_info is None
    message = record.getMessage()
    assert "\n" not in message and "503" in message and "Connection refused" in message


def test_more_outage_lines_within_ten_seconds_are_held_back_then_counted(
        database_fails, client_keeping_errors, caplog, monkeypatch):
    from atlas.web import unavailable
    clock = [1000.0]
    monkeypatch.setattr(unavailable, "_clock", lambda: clock[0])
    database_fails(UNREACHABLE["postgres refused"])
    with caplog.at_level(logging.WARNING, logger="atlas.web.unavailable"):
        for _ in range(5):
            assert client_keeping_errors.get("/").status_code == 503
        clock[0] += 11
        assert client_keeping_errors.get("/").status_code == 503
    messages = [r.getMessage() for r in caplog.records if r.name == "atlas.web.unavailable"]
    assert len(messages) == 2, messages
    assert "4 more" in messages[1]


@pytest.mark.parametrize("case", sorted(BUGS))
def test_other_database_errors_stay_server_errors(case, database_fails, client_keeping_errors,
                                                  caplog):
    database_fails(BUGS[case])
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client_keeping_errors.get("/tools/?q=hotline")
    assert response.status_code == 500
    assert any(r.exc_info for r in caplog.records if r.name == "django.request")


def test_a_programming_error_is_not_taken_for_an_outage(database_fails, client_keeping_errors):
    database_fails(psycopg.errors.UndefinedTable('relation "catalogue_tool" does not exist'),
                   wrapper=ProgrammingError)
    assert client_keeping_errors.get("/").status_code == 500


def test_an_outage_met_outside_any_view_answers_503_through_the_error_handler(
        database_fails, client_keeping_errors, settings, caplog):
    # Without the middleware (or when a middleware, not a view, meets the outage) the exception
    # reaches Django's handler: the same page, the same single line, no "Internal Server Error".
    settings.MIDDLEWARE = [m for m in django_settings.MIDDLEWARE if m != MIDDLEWARE]
    database_fails(UNREACHABLE["postgres shutting down"])
    with caplog.at_level(logging.INFO):
        response = client_keeping_errors.get("/tools/")
    assert response.status_code == 503 and response["Retry-After"].isdigit()
    assert 'id="quick-exit"' in response.content.decode()
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.levelno, r.exc_info) for r in records] == [
        ("atlas.web.unavailable", logging.WARNING, None)]


def test_the_middleware_is_installed():
    assert MIDDLEWARE in django_settings.MIDDLEWARE


def test_healthz_says_503_when_the_database_is_unreachable(database_fails, client):
    database_fails(UNREACHABLE["postgres refused"])
    assert client.get("/healthz").status_code == 503


def test_while_the_database_is_down_a_page_already_cached_is_still_served(
        database_fails, client_keeping_errors, tool_factory):
    tool_factory("Harbour Watch", organisations=["Harbour Trust"], countries=["KE"])
    first = client_keeping_errors.get("/tools/")
    assert first.status_code == 200
    database_fails(UNREACHABLE["postgres refused"])
    again = client_keeping_errors.get("/tools/")
    assert again.status_code == 200 and again.content == first.content
    assert client_keeping_errors.get("/tools/?q=harbour").status_code == 503
    assert client_keeping_errors.get("/healthz").status_code == 503
