"""Records as data: converting and checking the cells of a record, and the one slug rule.

A record is a dict of cells (a CSV row, a JSON object, a proposal's payload, a snapshot for a
revert). Each domain's format (catalogue/records.py, helplines/records.py) checks one with
Cells, whose problems are data (column, value, reason): the importer adds file and line, the
curator's pages show the field's label, a harvest names the remote record. Reasons are
translated when a problem is recorded, in the active language: English for `atlas import`,
the curator's language when a web approval or save runs the same checks.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext as _

from atlas.core.countries import GLOBAL, is_country_code

_url_validator = URLValidator(schemes=["http", "https"])
_GITHUB_FILE = re.compile(r"^[\w.-]+/[\w.-]+:\S+$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 100


def slug_from_name(name: str) -> str:
    """The slug of a name, the one rule every way in uses (import, proposal, harvest).

    Letters of any script are transliterated ("Линия" -> "liniia"), and underscores, dots and
    other punctuation become hyphens, so every name that has a letter or digit gets a slug that
    the URLs and the importer accept.
    """
    ascii_name = anyascii(name or "")
    return re.sub(r"-+", "-", slugify(re.sub(r"[^\w\s-]|_", " ", ascii_name)))[:SLUG_MAX].strip("-")


def unique_slug(name: str, *, taken) -> str:
    """slug_from_name, numbered (-2, -3...) until taken(slug) is false; "tool" if the name has
    no letter or digit."""
    base = slug_from_name(name)[:SLUG_MAX - 4].strip("-") or "tool"
    slug, n = base, 2
    while taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


def is_web_address(url) -> bool:
    """Whether a value a record holds is an http(s) address, one a page may link to (a
    source may also be a repository file, `owner/repo:path`, which is shown, not linked)."""
    return isinstance(url, str) and urlsplit(url).scheme in ("http", "https")


def _too_long(value: str, limit: int) -> str:
    return _("longer than %(limit)s characters (%(length)s)") % {"limit": limit,
                                                                  "length": len(value)}


@dataclass(frozen=True)
class Problem:
    column: str
    value: str
    reason: str


class RecordInvalid(Exception):
    """A record failed its format's checks; `problems` says which cells and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.column}: {p.reason}" for p in problems))
        self.problems = problems


class RecordFormat:
    """One kind of record: its columns, its key and how a record of it is checked."""

    name = ""
    columns: tuple = ()

    def key(self, data):
        raise NotImplementedError

    def check(self, cells: Cells, context: dict):
        """The record's data; problems go to cells.problems."""
        raise NotImplementedError

    def checked(self, record: dict, context: dict | None = None):
        """The record's data, or RecordInvalid with every problem."""
        cells = Cells(record)
        data = self.check(cells, {} if context is None else context)
        if cells.problems:
            raise RecordInvalid(cells.problems)
        return data


class Cells:
    """Converts the cells of one record, collecting a Problem for each that is wrong."""

    def __init__(self, row: dict):
        self.row = row
        self.problems: list[Problem] = []

    def fail(self, column, value, reason):
        self.problems.append(Problem(column, str(value), reason))

    def text(self, column, *, required=False, max_length=None):
        value = self.row.get(column)
        if value is None:
            value = ""
        if not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            else:
                self.fail(column, value, _("expected text"))
                return ""
        value = value.strip()
        if required and not value:
            self.fail(column, value, _("required field is empty"))
        if max_length and len(value) > max_length:
            self.fail(column, value, _too_long(value, max_length))
        return value

    def items(self, column, *, max_length=200):
        raw = self.row.get(column)
        if raw is None or raw == "":
            return []
        if isinstance(raw, str):
            values = [x.strip() for x in raw.split(";")]
        elif isinstance(raw, list) and all(isinstance(x, str) for x in raw):
            values = [x.strip() for x in raw]
        else:
            self.fail(column, raw, _("expected a ';'-separated text or a list of texts"))
            return []
        values = [x for x in values if x]
        for value in values:
            if len(value) > max_length:
                self.fail(column, value, _too_long(value, max_length))
        return list(dict.fromkeys(values))

    def terms(self, column, vocabulary):
        values = self.items(column)
        for value in values:
            if value not in vocabulary:
                self.fail(column, value,
                          # Translators: vocabulary and terms are codes; keep them as they are.
                          _("unknown %(vocabulary)s term; expected one of: %(terms)s")
                          % {"vocabulary": vocabulary.slug, "terms": ", ".join(vocabulary.terms)})
        return values

    def choice(self, column, vocabulary, default="unknown"):
        value = self.text(column) or default
        if value not in vocabulary:
            # Translators: the terms are codes; keep them as they are.
            self.fail(column, value, _("unknown value; expected one of: %(terms)s")
                      % {"terms": ", ".join(vocabulary.terms)})
        return value

    def url(self, column, *, required=False, allow_github_file=False):
        value = self.text(column, required=required, max_length=500)
        if value and not (allow_github_file and _GITHUB_FILE.match(value)):
            try:
                _url_validator(value)
            except ValidationError:
                scheme = value.split(":", 1)[0].lower() if ":" in value else ""
                # Translators: scheme is the quoted part before ":" (e.g. 'ftp').
                reason = (_("URL scheme %(scheme)s is not allowed; use http or https")
                          % {"scheme": repr(scheme)}
                          if scheme and not scheme.startswith("http") and "//" in value
                          or scheme in {"javascript", "data", "ftp", "file", "mailto"}
                          else _("not a valid http(s) URL"))
                self.fail(column, value, reason)
        return value

    def country(self, column, *, required=False):
        value = self.text(column, required=required).upper()
        if value and not is_country_code(value):
            self.fail(column, value, _("unknown ISO 3166-1 alpha-2 country code"))
        return value

    def countries(self, column):
        codes = []
        for value in self.items(column):
            code = GLOBAL if value.lower() == GLOBAL else value.upper()
            if code != GLOBAL and not is_country_code(code):
                self.fail(column, value, _("unknown ISO 3166-1 alpha-2 country code"))
            codes.append(code)
        return list(dict.fromkeys(codes))

    def year(self, column):
        value = self.text(column)
        if not value:
            return None
        if not (value.isascii() and value.isdigit()):
            self.fail(column, value, _("expected a year like 2019"))
            return None
        # Four digits at most before int(): Python refuses to convert 4,300 digits or more.
        year = int(value) if len(value) <= 4 else 0
        if not 1950 <= year <= datetime.date.today().year + 1:
            self.fail(column, value, _("year out of range (1950 to next year)"))
            return None
        return year

    def date(self, column):
        value = self.text(column)
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.fail(column, value, _("expected a date as YYYY-MM-DD"))
            return None

    def slug(self, column, name):
        value = self.text(column, max_length=SLUG_MAX)
        if not value:
            value = slug_from_name(name)
            if not value and name:
                self.fail(column, name, _("cannot derive a slug from the name; give a slug"))
        elif not SLUG_PATTERN.match(value):
            self.fail(column, value,
                      _("a slug may only hold lowercase letters, digits and hyphens"))
        return value
