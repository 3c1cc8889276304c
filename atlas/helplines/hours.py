"""Opening hours in OpenStreetMap's `opening_hours` syntax, evaluated in the line's time zone.

The syntax is the de-facto standard ("24/7", "Mo-Fr 08:00-17:00; Sa 10:00-14:00"); the
opening-hours-py package parses it. Public holidays ("PH off") are not known to the Atlas: a
line closed on holidays shows as open on them. Pages show the state computed on the server and
ship a week of opening intervals (not a parser) so the browser can keep "open now" current.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

import opening_hours

from atlas.derived.cache import memoised

OPEN, CLOSED, ALWAYS, UNKNOWN = "open", "closed", "always", "unknown"
# How far ahead the next change of state is looked for (and the weekly table computed).
HORIZON = datetime.timedelta(days=8)


@memoised()
def _parsed(expression: str):
    return opening_hours.OpeningHours(expression)


def invalid(expression: str) -> str | None:
    """None if the expression parses, else the parser's first line of explanation."""
    try:
        _parsed(expression)
    except Exception as exc:  # the parser raises its own ParserError
        return str(exc).strip().splitlines()[0][:200]
    return None


def valid_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Status:
    state: str  # OPEN, CLOSED, ALWAYS or UNKNOWN
    changes_at: datetime.datetime | None = None  # aware; the next change within HORIZON

    @property
    def is_open(self) -> bool:
        return self.state in (OPEN, ALWAYS)


def status(expression: str, zone: str, now: datetime.datetime) -> Status:
    """Whether a line is open at `now` (aware), and when that changes."""
    if not expression or not zone:
        return Status(UNKNOWN)
    tz = zoneinfo.ZoneInfo(zone)
    local = now.astimezone(tz).replace(tzinfo=None, microsecond=0)
    intervals = _parsed(expression).intervals(local, local + HORIZON)
    first = next(intervals, None)
    if first is None:
        return Status(UNKNOWN)
    start, end, state, _comment = first
    is_open = str(state).lower().endswith("open")
    if is_open and (end is None or end >= local + HORIZON):
        return Status(ALWAYS)
    if not is_open and str(state).lower().endswith("unknown"):
        return Status(UNKNOWN)
    changes_at = end.replace(tzinfo=tz) if end is not None and end < local + HORIZON else None
    return Status(OPEN if is_open else CLOSED, changes_at)


def week(expression: str, zone: str, now: datetime.datetime) -> list[list[int]]:
    """The open intervals of the coming week as [[weekday (Monday 0), start minute, end
    minute], ...] in the line's local time: what a page's script needs to keep "open now"."""
    if not expression or not zone:
        return []
    local = now.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)
    midnight = local.replace(hour=0, minute=0, second=0)
    table = []
    for start, end, state, _comment in _parsed(expression).intervals(
            midnight, midnight + datetime.timedelta(days=7)):
        if not str(state).lower().endswith("open"):
            continue
        cursor = start
        while cursor < end:  # split at midnight: one row per day
            day_end = (cursor + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0)
            stop = min(end, day_end)
            table.append([cursor.weekday(), cursor.hour * 60 + cursor.minute,
                          1440 if stop == day_end else stop.hour * 60 + stop.minute])
            cursor = stop
    return table
