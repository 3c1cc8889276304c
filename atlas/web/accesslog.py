"""Logs say nothing about who wrote to the Atlas, or when.

`atlas serve` runs gunicorn with AccessLogger: its access log never has client addresses, user
agents or referrers (the log format), and has no line at all for a submission page (the forms,
their thank-you page, "Contact the team", a helpline's "This did not work" report). A day-only date would not do: a line among lines timed
to the second is dated by its neighbours. Django's own lines about refused submissions (400,
413, 429, and the 503 of a form given back during a database outage) on those paths are dropped
for the same reason; server errors are kept, without the request body, because operators must
see them.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

# /submit/..., /tools/<slug>/contact/, a helpline's "This did not work" report, with or without
# a language prefix (/fr/, /zh-hans/).
SUBMISSION_PATH = re.compile(r"^/(?:[a-z]{2,3}(?:-[a-z]+)?/)?(?:submit/|tools/[^/]+/contact/"
                             r"|helplines/[^/]+/report/)")


def is_submission_path(path: str) -> bool:
    return bool(SUBMISSION_PATH.match(path or ""))


class AccessLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if is_submission_path(environ.get("PATH_INFO", "")):
            return
        super().access(resp, req, environ, request_time)


class SubmissionWarningFilter(logging.Filter):
    """Drops django.request's lines about refused submissions: the warnings (4xx), and the 503 of
    a form given back because the database could not take it (logged once, without a path, by
    atlas.submissions.gate). Errors pass."""

    def filter(self, record):
        if record.levelno >= logging.ERROR and getattr(record, "status_code", None) != 503:
            return True
        request = getattr(record, "request", None)
        return not is_submission_path(getattr(request, "path", ""))
