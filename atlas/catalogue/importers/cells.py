"""Reading and checking the cells of one row: every problem names file, line, column and value.

Reasons are translated when a problem is recorded, in the active language: English for
`atlas import`, the curator's language when a web approval or save runs the same checks.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext as _

from atlas.geo.countries import GLOBAL, is_country_code

_url_validator = URLValidator(schemes=["http", "https"])
_GITHUB_FILE = re.compile(r"^[\w.-]+/[\w.-]+:\S+$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ROLE = re.compile(r"^(?P<name>.*?)\s*\[(?P<role>[a-z-]+)\]\s*$")


def slug_from_name(name: str) -> str:
    """A slug the importer itself accepts: Django's slugify keeps underscores, slugs here don't."""
    return re.sub(r"[-_]+", "-", slugify(name))[:100].strip("-")


def _too_long(value: str, limit: int) -> str:
    return _("longer than %(limit)s characters (%(length)s)") % {"limit": limit,
                                                                  "length": len(value)}


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, size, format)."""

    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # CSV line number (the header is line 1) or JSON record number (from 1)
    column: str
    value: str
    reason: str
    where: str = "line"

    def __str__(self):
        value = self.value if len(self.value) <= 80 else self.value[:77] + "..."
        return f"{self.file}, {self.where} {self.line}, column {self.column!r}: {self.reason} (value: {value!r})"


@dataclass
class ImportReport:
    file: str
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    organisations_created: int = 0
    new_organisations: list[str] = field(default_factory=list)  # named in rows, not on record
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    # The longest time the write was holding the database's write lock at once: what the
    # site's own writes (submissions, logins) may have had to wait.
    lock_seconds: float = 0.0

    @property
    def ok(self):
        return not self.problems

    def summary(self):
        verb = "would import" if not self.written else "imported"
        return (f"{self.file}: {self.rows} {self.kind} rows; {verb}: {self.created} created, "
                f"{self.updated} updated, {self.unchanged} unchanged, {self.skipped} skipped "
                f"(invalid); {len(self.problems)} problems")


class RowChecker:
    """Collects the problems of one row while converting its cells."""

    def __init__(self, file, line, row, where):
        self.file, self.line, self.row, self.where = file, line, row, where
        self.problems = []

    def fail(self, column, value, reason):
        self.problems.append(Problem(self.file, self.line, column, str(value), reason, self.where))

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
        year = int(value)
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
        value = self.text(column, max_length=100)
        if not value:
            value = slug_from_name(name)
            if not value and name:
                self.fail(column, name, _("cannot derive a slug from the name; give a slug"))
        elif not _SLUG.match(value):
            self.fail(column, value,
                      _("a slug may only hold lowercase letters, digits and hyphens"))
        return value
