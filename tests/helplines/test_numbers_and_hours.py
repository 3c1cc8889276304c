"""Numbers are checked with libphonenumber for their country; hours are computed in the line's
own time zone (atlas/helplines/numbers.py, hours.py)."""

import csv
import datetime
import zoneinfo

import pytest

from atlas.helplines import hours
from atlas.helplines.numbers import ALLOW_LIST, MAX_ALLOW_LIST, NumberProblem, number

UTC = datetime.timezone.utc


@pytest.mark.parametrize("value, country, dial, national, international", [
    ("0800 808 3733", "GB", "+448008083733", "0800 808 3733", "+44 800 808 3733"),
    ("1-888-373-7888", "US", "+18883737888", "(888) 373-7888", "+1 888-373-7888"),
    ("116 111", "LT", "116111", "116 111", ""),
    ("116 016", "DE", "116016", "116 016", ""),  # on the allow-list, with its source
])
def test_numbers_are_dialled_and_shown_as_their_country_writes_them(value, country, dial,
                                                                     national, international):
    found = number(value, country, sourced=True)
    assert (found.dial, found.national, found.international) == (dial, national, international)


@pytest.mark.parametrize("value, country, reason", [
    ("800SAVE", "AE", "letters in a number"),
    ("0800 What's Up", "NZ", "letters in a number"),
    ("516-28-46 al 6977-1941", "PA", "letters in a number"),
    ("12", "GB", "not a valid number or known short number in GB"),
    ("01800-5533-000", "MX", "not a valid number"),  # Mexico's retired 01 prefix
])
def test_numbers_that_cannot_be_dialled_are_refused_with_the_reason(value, country, reason):
    with pytest.raises(NumberProblem, match=reason):
        number(value, country, sourced=True)


def test_an_unlisted_short_number_needs_a_source_that_states_it():
    """A plausible short number libphonenumber does not list is accepted only from a source."""
    assert number("8020", "CM", sourced=True).dial == "8020"
    with pytest.raises(NumberProblem):
        number("8020", "CM", sourced=False)


def test_the_allow_list_stays_small_and_every_entry_names_its_source():
    with open(ALLOW_LIST, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert 0 < len(rows) <= MAX_ALLOW_LIST
    for row in rows:
        assert row["source_url"].startswith(("https://", "http://")), row
        assert len(row["country"]) == 2 and row["number"] and row["line"], row


@pytest.mark.parametrize("zone, utc_time, state, changes_local", [
    # Saturday 5 December 2026; "Mo-Fr 08:00-17:00; Sa 10:00-14:00" in three zones.
    ("Europe/London", "2026-12-05T11:00", hours.OPEN, "2026-12-05T14:00"),
    ("Asia/Tokyo", "2026-12-05T11:00", hours.CLOSED, "2026-12-07T08:00"),  # 20:00 there
    ("America/Mexico_City", "2026-12-05T11:00", hours.CLOSED, "2026-12-05T10:00"),  # 05:00
])
def test_open_now_is_computed_in_the_line_s_time_zone(zone, utc_time, state, changes_local):
    now = datetime.datetime.fromisoformat(utc_time).replace(tzinfo=UTC)
    status = hours.status("Mo-Fr 08:00-17:00; Sa 10:00-14:00", zone, now)
    assert status.state == state
    expected = datetime.datetime.fromisoformat(changes_local).replace(
        tzinfo=zoneinfo.ZoneInfo(zone))
    assert status.changes_at == expected


def test_round_the_clock_and_unknown_hours():
    now = datetime.datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    assert hours.status("24/7", "Africa/Nairobi", now).state == hours.ALWAYS
    assert hours.status("", "Africa/Nairobi", now).state == hours.UNKNOWN
    assert hours.status("Mo-Fr 08:00-17:00", "", now).state == hours.UNKNOWN


def test_the_week_a_page_ships_splits_overnight_intervals_at_midnight():
    now = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # a Saturday in London
    week = hours.week("Sa 22:00-02:00", "Europe/London", now)
    assert week == [[5, 1320, 1440], [6, 0, 120]]


def test_invalid_hours_say_why():
    assert hours.invalid("Mo-Fr 08:00-17:00") is None
    assert hours.invalid("weekdays 8 to 5")
    assert not hours.valid_zone("Mars/Olympus") and hours.valid_zone("Asia/Dhaka")
