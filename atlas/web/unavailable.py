"""A database that cannot be reached answers a generic 503 page, logged as one line.

While PostgreSQL restarts (or the SQLite file cannot be opened), every page that needs the
database answers 503 with Retry-After and the quick exit, instead of a 500 whose log carries a
stack trace per request. Django reconnects by itself once the database is back (CONN_HEALTH_CHECKS
in atlas/settings/base.py), so nothing needs restarting.

Only errors that mean "unreachable" are answered this way; any other database error (a missing
table, a cancelled statement, a bad query) stays a 500 with its stack, because it is a bug. Views
that expect a failure of their own (a locked database around a form's write) catch it first.

Two ways in, one answer: the middleware turns the exception of a view or of its template into
the page; `server_error` (handler500) does the same for an outage met anywhere else, such as in a
middleware, and marks the answer as logged so Django adds no "Internal Server Error" line.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse

logger = logging.getLogger(__name__)

# A PostgreSQL restart takes seconds; clients that honour Retry-After come back after it.
RETRY_AFTER_SECONDS = 30
# During an outage every request fails: one log line per this many seconds per process, the next
# one saying how many answers it stands for.
LOG_EVERY_SECONDS = 10

# SQLSTATE of the errors PostgreSQL sends while it cannot serve: connection exceptions (class 08),
# shutting down, crashed, starting up (57P01-57P03), out of resources (class 53: too many
# connections, disk full, out of memory). The driver's own connection failures have none.
_PG_UNAVAILABLE_CLASSES = ("08", "53")
_PG_UNAVAILABLE_STATES = {"57P01", "57P02", "57P03"}
_SQLITE_UNAVAILABLE = {"SQLITE_CANTOPEN"}


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether this exception means the database cannot be reached just now (not a bug)."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        name = getattr(cause, "sqlite_errorname", None)
        return name in _SQLITE_UNAVAILABLE if name else \
            "unable to open database file" in str(cause)
    if cause is None or not type(cause).__module__.startswith(("psycopg", "psycopg2")):
        return False
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return state is None or state[:2] in _PG_UNAVAILABLE_CLASSES \
        or state in _PG_UNAVAILABLE_STATES


class _LogThrottle:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.last, self.held = None, 0

    def log(self, exc):
        with self.lock:
            now = _clock()
            if self.last is not None and now - self.last < LOG_EVERY_SECONDS:
                self.held += 1
                return
            held, self.last, self.held = self.held, now, 0
        # One line: drivers put newlines and tabs in their messages.
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        more = f" ({held} more since the last line)" if held else ""
        logger.warning("Database unavailable, answered 503%s: %s", more, reason)


def _clock() -> float:
    return time.monotonic()


_throttle = _LogThrottle()


def reset_log_throttle() -> None:
    with _throttle.lock:
        _throttle.reset()


def _or_empty(build):
    """A URL for the error page, or "" when building it fails too (the page must still render)."""
    try:
        return build()
    except (ValueError, NoReverseMatch):
        return ""


def error_page_context() -> dict:
    """What the error pages show, built without the database or context processors."""
    return {
        "quick_exit_url": settings.ATLAS_QUICK_EXIT_URL,
        "help_url": _or_empty(lambda: reverse("helplines:index")),
        "css_url": _or_empty(lambda: static("atlas/css/atlas.css")),
        "quick_exit_js": _or_empty(lambda: static("atlas/js/quick-exit.js")),
    }


def unavailable_response(exc: BaseException) -> HttpResponse:
    """The 503 page for this outage, logged (one throttled line, no stack)."""
    _throttle.log(exc)
    response = HttpResponse(loader.get_template("503.html").render(error_page_context()),
                            status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # django.request's log_response adds nothing
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 for a view (or its template) that cannot reach the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            return unavailable_response(exception)
        return None
