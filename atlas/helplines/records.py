"""The record format of helplines: a helpline and its channels, checked (core/records.py).

A record is a helpline's fields with either a `channels` list (JSON, curators' edits, reverts)
or one channel's columns (a row of the long CSV format, one row per channel: the importer merges
the rows of one helpline). Every number is checked with libphonenumber for the helpline's
country (numbers.py), hours with the OpenStreetMap parser (hours.py), languages against ISO 639.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from atlas.core.languages import is_language_code
from atlas.core.records import Cells, Problem, RecordFormat
from atlas.core.countries import is_country_code
from atlas.helplines import hours as opening
from atlas.helplines import vocabularies as v
from atlas.helplines.numbers import NumberProblem, number

HELPLINE_COLUMNS = ("country", "name", "operator", "kind", "topics", "purposes", "languages",
                    "opening_hours", "timezone", "website", "notes", "last_verified")
CHANNEL_COLUMNS = ("channel", "value", "channel_note", "channel_hours", "free", "on_bill",
                   "source_url", "source_title", "source_date", "reread")
_SOURCE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_email = EmailValidator()
# A channel's keys in the nested (JSON) form, and its columns in the long CSV form.
_FLAT = {"kind": "channel", "note": "channel_note", "hours": "channel_hours"}
_NESTED = {flat: nested for nested, flat in _FLAT.items()}


class HelplineFormat(RecordFormat):
    name = "helplines"
    columns = HELPLINE_COLUMNS + CHANNEL_COLUMNS

    def key(self, data):
        return (data["country"], data["name"])

    def check(self, c, context):
        country = c.country("country", required=True)
        data = {
            "country": country,
            "name": c.text("name", required=True, max_length=300),
            "operator": c.text("operator", max_length=300),
            "kind": c.choice("kind", v.KINDS, default=""),
            "topics": c.terms("topics", v.TOPICS),
            "purposes": c.terms("purposes", v.PURPOSES),
            "languages": self._languages(c),
            "opening_hours": self._hours(c, "opening_hours"),
            "timezone": c.text("timezone", max_length=64),
            "website": c.url("website"),
            "notes": c.text("notes", max_length=4000),
            "last_verified": c.date("last_verified"),
        }
        if data["timezone"] and not opening.valid_zone(data["timezone"]):
            c.fail("timezone", data["timezone"], _("unknown IANA time zone"))
        if "channels" in c.row:
            channels = self._nested(c, country)
        else:
            channels = [] if not (c.row.get("channel") or c.row.get("value")) else [
                self._channel(c, country)]
        data["channels"] = channels
        if (data["opening_hours"] or any(ch["hours"] for ch in channels)) \
                and not data["timezone"]:
            c.fail("timezone", "", _("required with opening hours"))
        if data["kind"] == "none-found":
            if channels:
                c.fail("channel", channels[0]["value"],
                       _("a none-found record has no channel: add the lines that exist as "
                         "helplines of their own"))
            if not data["notes"]:
                c.fail("notes", "", _("say what was searched"))
        elif not channels:
            column = "channels" if "channels" in c.row else "channel"
            c.fail(column, "", _("a helpline needs at least one channel: a number or an "
                                 "address to reach it (or the kind none-found)"))
        return data

    def merged(self, first: dict, more: dict) -> dict | None:
        """Two rows of one helpline (the long CSV format) as one record; None if the rows
        disagree on the helpline's own fields."""
        if any(first[k] != more[k] for k in HELPLINE_COLUMNS):
            return None
        return {**first, "channels": first["channels"] + more["channels"]}

    def _languages(self, c):
        codes = [x.lower() for x in c.items("languages", max_length=3)]
        for code in codes:
            if not is_language_code(code):
                c.fail("languages", code, _("not an ISO 639 language code"))
        return codes

    def _hours(self, c, column):
        value = c.text(column, max_length=300)
        reason = opening.invalid(value) if value else None
        if reason:
            c.fail(column, value, _("not in OpenStreetMap opening_hours syntax: %(reason)s")
                   % {"reason": reason})
        return value

    def _nested(self, c, country):
        raw = c.row.get("channels")
        if not isinstance(raw, list) or not all(isinstance(ch, dict) for ch in raw):
            c.fail("channels", raw, _("expected a list of objects"))
            return []
        channels = []
        for i, row in enumerate(raw):
            if isinstance(row.get("reread"), bool):
                row = {**row, "reread": "yes" if row["reread"] else "no"}
            sub = Cells({_FLAT.get(k, k): value for k, value in row.items()})
            channels.append(self._channel(sub, country))
            c.problems += [Problem(f"channels.{i}.{_NESTED.get(p.column, p.column)}", p.value,
                                   p.reason) for p in sub.problems]
        return channels

    def _channel(self, c: Cells, country: str) -> dict:
        kind = c.choice("channel", v.CHANNELS, default="")
        value = c.text("value", required=True, max_length=300)
        source_url = c.url("source_url", required=True)
        dial = ""
        if value and kind in v.NUMBER_CHANNELS and is_country_code(country):
            try:
                dial = number(value, country, sourced=bool(source_url)).dial
            except NumberProblem as problem:
                c.fail("value", value, str(problem))
            if dial and kind == "whatsapp" and not dial.startswith("+"):
                c.fail("value", value, _("a WhatsApp number must be a full number, not a "
                                         "short number"))
        elif value and kind == "email":
            try:
                _email(value)
            except ValidationError:
                c.fail("value", value, _("not an e-mail address"))
        elif value and kind in v.URL_CHANNELS:
            c.url("value")
        source_date = c.text("source_date", max_length=10)
        if source_date and not _SOURCE_DATE.match(source_date):
            c.fail("source_date", source_date, _("expected YYYY, YYYY-MM or YYYY-MM-DD"))
        reread = c.text("reread").lower()
        if reread not in ("", "yes", "no", "true", "false"):
            c.fail("reread", reread, _("expected yes or no"))
        return {
            "kind": kind, "value": value, "note": c.text("channel_note", max_length=300),
            "hours": self._hours(c, "channel_hours"),
            "free": c.choice("free", v.YES_NO_UNKNOWN), "on_bill": c.choice("on_bill",
                                                                             v.YES_NO_UNKNOWN),
            "dial": dial, "source_url": source_url,
            "source_title": c.text("source_title", max_length=300), "source_date": source_date,
            "reread": reread in ("yes", "true"),
        }


def helpline_fields(helpline) -> dict:
    """A helpline's own fields in the import format (no channels)."""
    return {
        "country": helpline.country, "name": helpline.name, "operator": helpline.operator,
        "kind": helpline.kind, "topics": helpline.topics, "purposes": helpline.purposes,
        "languages": helpline.languages, "opening_hours": helpline.opening_hours,
        "timezone": helpline.timezone, "website": helpline.website, "notes": helpline.notes,
        "last_verified": helpline.last_verified.isoformat() if helpline.last_verified else None,
    }


def helpline_record(helpline) -> dict:
    """A helpline in the import format, channels nested (the JSON form; helpline_rows gives the
    long CSV form)."""
    return {
        **helpline_fields(helpline),
        "channels": [{"kind": c.kind, "value": c.value, "note": c.note, "hours": c.hours,
                      "free": c.free, "on_bill": c.on_bill, "source_url": c.source_url,
                      "source_title": c.source_title, "source_date": c.source_date,
                      "reread": "yes" if c.reread else "no"}
                     for c in helpline.channels.all()],
    }


def helpline_rows(record: dict) -> list[dict]:
    """A helpline record as rows of the long CSV format: one per channel (one without a
    channel for a record that has none)."""
    own = {k: record[k] or "" for k in HELPLINE_COLUMNS}
    rows = [{**own, **{column: c[_NESTED.get(column, column)] for column in CHANNEL_COLUMNS}}
            for c in record["channels"]]
    return rows or [{**own, **dict.fromkeys(CHANNEL_COLUMNS, "")}]
