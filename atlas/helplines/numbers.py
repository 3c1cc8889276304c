"""Helpline numbers: checked, formatted and dialled with libphonenumber (the `phonenumbers`
package), for the helpline's country.

A number is accepted when libphonenumber knows it as a valid number of the country (national or
international form) or as a valid short number there. A short number libphonenumber does not
list (its short-number data is incomplete for many countries, 116 xxx lines among them) is
accepted only when it has a length libphonenumber considers possible for short numbers in that
country and the channel names the source that states it, or when it is on the small allow-list
in data/short_codes.csv (each entry with its source; tests keep it at 30 entries at most), so
neither rule can absorb a number that is simply wrong.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from django.utils.translation import gettext as _
from phonenumbers import PhoneNumberFormat, shortnumberinfo

ALLOW_LIST = Path(__file__).resolve().parent / "data" / "short_codes.csv"
MAX_ALLOW_LIST = 30


@dataclass(frozen=True)
class Number:
    short: bool  # a short number, dialled only inside the country
    national: str  # as the country writes it
    international: str  # for callers from abroad; "" for a short number
    dial: str  # what a tel: or sms: link dials: "+E164" or the short number's digits

    @property
    def e164(self) -> str:
        return "" if self.short else self.dial


class NumberProblem(ValueError):
    pass


@functools.cache
def allow_list() -> dict[tuple[str, str], str]:
    """(country, digits) -> the source that states the number."""
    if not ALLOW_LIST.exists():
        return {}
    with open(ALLOW_LIST, encoding="utf-8") as fh:
        return {(row["country"], digits_of(row["number"])): row["source_url"]
                for row in csv.DictReader(fh)}


def digits_of(value: str) -> str:
    return re.sub(r"\D", "", value)


@functools.lru_cache(maxsize=8192)
def shown(value: str, country: str) -> Number | None:
    """How a stored number is shown and dialled, or None when it no longer checks (a number
    saved before checks existed is then shown as written). Memoised: parsing costs about a
    millisecond a number, and every helpline page and API answer shows hundreds."""
    try:
        return number(value, country, sourced=True)
    except NumberProblem:
        return None


def number(value: str, country: str, *, sourced: bool) -> Number:
    """The number as dialled and shown, or NumberProblem saying why it is refused."""
    if re.search(r"[A-Za-z]", value):
        raise NumberProblem(_("letters in a number: write its digits (a mnemonic such as "
                              "0800-HELP goes in the note)"))
    try:
        parsed = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException:
        raise NumberProblem(_("not a phone number")) from None
    if phonenumbers.is_valid_number(parsed):
        region = phonenumbers.region_code_for_number(parsed)
        national = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
        if region != country:  # a foreign number is shown as dialled from abroad
            national = phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)
        return Number(False, national,
                      phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL),
                      phonenumbers.format_number(parsed, PhoneNumberFormat.E164))
    digits = phonenumbers.national_significant_number(parsed)
    short = Number(True, " ".join(value.split()), "", digits)
    if shortnumberinfo.is_valid_short_number_for_region(parsed, country):
        return short
    if (country, digits_of(value)) in allow_list() or (country, digits) in allow_list():
        return short
    if sourced and shortnumberinfo.is_possible_short_number_for_region(parsed, country):
        return short
    raise NumberProblem(_("not a valid number or known short number in %(country)s")
                        % {"country": country})
