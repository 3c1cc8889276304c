"""Imports of tools, organisations and helplines from CSV or JSON: validated, then all-or-nothing.

Every problem names the file, line (CSV) or record (JSON), column, value and reason. Nothing is
written unless every row is valid, or the caller asked to skip invalid rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify

from atlas.catalogue import vocabularies as v
from atlas.catalogue.licences import canonical_licence, is_known_licence
from atlas.catalogue.models import Organisation
from atlas.catalogue.services import (ToolData, catalogue_changed, organisation_upsert,
                                      search_reindex, tool_upsert)
from atlas.geo.countries import GLOBAL, is_country_code
from atlas.helplines.models import HELPLINE_KINDS
from atlas.helplines.services import helpline_upsert

_url_validator = URLValidator(schemes=["http", "https"])
_GITHUB_FILE = re.compile(r"^[\w.-]+/[\w.-]+:\S+$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ROLE = re.compile(r"^(?P<name>.*?)\s*\[(?P<role>[a-z-]+)\]\s*$")


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
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

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
                self.fail(column, value, "expected text")
                return ""
        value = value.strip()
        if required and not value:
            self.fail(column, value, "required field is empty")
        if max_length and len(value) > max_length:
            self.fail(column, value, f"longer than {max_length} characters ({len(value)})")
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
            self.fail(column, raw, "expected a ';'-separated text or a list of texts")
            return []
        values = [x for x in values if x]
        for value in values:
            if len(value) > max_length:
                self.fail(column, value, f"longer than {max_length} characters ({len(value)})")
        return list(dict.fromkeys(values))

    def terms(self, column, vocabulary):
        values = self.items(column)
        for value in values:
            if value not in vocabulary:
                self.fail(column, value, f"unknown {vocabulary.slug} term; expected one of: "
                          + ", ".join(vocabulary.terms))
        return values

    def choice(self, column, vocabulary, default="unknown"):
        value = self.text(column) or default
        if value not in vocabulary:
            self.fail(column, value, f"unknown value; expected one of: {', '.join(vocabulary.terms)}")
        return value

    def url(self, column, *, required=False, allow_github_file=False):
        value = self.text(column, required=required, max_length=500)
        if value and not (allow_github_file and _GITHUB_FILE.match(value)):
            try:
                _url_validator(value)
            except ValidationError:
                scheme = value.split(":", 1)[0].lower() if ":" in value else ""
                reason = (f"URL scheme {scheme!r} is not allowed; use http or https"
                          if scheme and not scheme.startswith("http") and "//" in value
                          or scheme in {"javascript", "data", "ftp", "file", "mailto"}
                          else "not a valid http(s) URL")
                self.fail(column, value, reason)
        return value

    def country(self, column, *, required=False):
        value = self.text(column, required=required).upper()
        if value and not is_country_code(value):
            self.fail(column, value, "unknown ISO 3166-1 alpha-2 country code")
        return value

    def countries(self, column):
        codes = []
        for value in self.items(column):
            code = GLOBAL if value.lower() == GLOBAL else value.upper()
            if code != GLOBAL and not is_country_code(code):
                self.fail(column, value, "unknown ISO 3166-1 alpha-2 country code")
            codes.append(code)
        return list(dict.fromkeys(codes))

    def year(self, column):
        value = self.text(column)
        if not value:
            return None
        if not (value.isascii() and value.isdigit()):
            self.fail(column, value, "expected a year like 2019")
            return None
        year = int(value)
        if not 1950 <= year <= datetime.date.today().year + 1:
            self.fail(column, value, "year out of range (1950 to next year)")
            return None
        return year

    def date(self, column):
        value = self.text(column)
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.fail(column, value, "expected a date as YYYY-MM-DD")
            return None

    def slug(self, column, name):
        value = self.text(column, max_length=100)
        if not value:
            value = slugify(name)[:100].strip("-")
            if not value and name:
                self.fail(column, name, "cannot derive a slug from the name; give a slug")
        elif not _SLUG.match(value):
            self.fail(column, value, "a slug may only hold lowercase letters, digits and hyphens")
        return value


# --- record kinds -------------------------------------------------------------------------------

class RecordKind:
    name = ""
    columns: tuple = ()

    def key(self, data):
        raise NotImplementedError

    def check(self, checker: RowChecker, context: dict):
        raise NotImplementedError

    def write(self, data, report: ImportReport, context: dict):
        raise NotImplementedError

    def finish(self, written_keys, context):
        pass


class OrganisationKind(RecordKind):
    name = "organisations"
    columns = ("slug", "name", "aliases", "kind", "website", "headquarters_country", "source_url")

    def key(self, data):
        return data["slug"]

    def check(self, c, context):
        name = c.text("name", required=True, max_length=200)
        return {
            "slug": c.slug("slug", name),
            "name": name,
            "aliases": c.items("aliases"),
            "kind": c.choice("kind", v.ORGANISATION_KINDS, default=""),
            "website": c.url("website"),
            "headquarters_country": c.country("headquarters_country"),
            "source_url": c.url("source_url", allow_github_file=True),
        }

    def write(self, data, report, context):
        _org, result = organisation_upsert(**data)
        return result


class ToolKind(RecordKind):
    name = "tools"
    columns = ("slug", "name", "aliases", "organization", "website", "year_launched",
               "description", "long_description", "purposes", "technologies", "users",
               "exploitation", "countries", "headquarters_country", "languages", "cost", "access",
               "licence", "source_repository", "status", "survivor_involvement",
               "processes_victim_data", "source_url", "source_title", "source_date", "evidence")

    def key(self, data):
        return data.slug

    def check(self, c, context):
        name = c.text("name", required=True, max_length=200)
        description_column = "description" if "description" in c.row else "short_description"
        languages = c.items("languages", max_length=3)
        for code in languages:
            if not pycountry.languages.get(alpha_2=code.lower()):
                c.fail("languages", code, "unknown ISO 639-1 language code")
        licence = c.text("licence", max_length=100)
        if not is_known_licence(licence):
            c.fail("licence", licence, "not an SPDX licence id (or 'proprietary')")
        sources = []
        source_url = c.url("source_url", required="sources" not in c.row, allow_github_file=True)
        if source_url:
            sources.append((source_url, c.text("source_title", max_length=300),
                            c.date("source_date")))
        sources += self._extra_sources(c)
        return ToolData(
            slug=c.slug("slug", name),
            name=name,
            aliases=c.items("aliases"),
            short_description=c.text(description_column, required=True, max_length=1000),
            long_description=c.text("long_description", max_length=20000),
            website=c.url("website"),
            organisations=self._organisations(c, context),
            purposes=c.terms("purposes", v.PURPOSES),
            technologies=c.terms("technologies", v.TECHNOLOGIES),
            users=c.terms("users", v.USERS),
            exploitation=c.terms("exploitation", v.EXPLOITATION),
            countries=c.countries("countries"),
            deployments=self._deployments(c),
            headquarters_country=c.country("headquarters_country"),
            languages=[x.lower() for x in languages],
            cost=c.choice("cost", v.COST),
            access=c.choice("access", v.ACCESS),
            licence=canonical_licence(licence),
            source_repository=c.url("source_repository"),
            status=c.choice("status", v.STATUS),
            year_launched=c.year("year_launched"),
            survivor_involvement=c.choice("survivor_involvement", v.YES_NO_UNKNOWN),
            processes_victim_data=c.choice("processes_victim_data", v.YES_NO_UNKNOWN),
            evidence=c.terms("evidence", v.EVIDENCE),
            sources=sources,
        )

    def _organisations(self, c, context):
        """[(organisation slug, role)]; unknown names become new organisations on write."""
        column = "organization" if "organization" in c.row else "organisations"
        raw = c.row.get(column)
        entries = []
        if isinstance(raw, list) and raw and all(isinstance(x, dict) for x in raw):
            entries = [(str(x.get("name", "")).strip(), str(x.get("role") or "owner")) for x in raw]
        else:
            for item in c.items(column):
                m = _ROLE.match(item)
                entries.append((m["name"], m["role"]) if m else (item, "owner"))
        result = []
        for name, role in entries:
            if not name:
                c.fail(column, name, "organisation name is empty")
                continue
            if role not in v.ROLES:
                c.fail(column, role, f"unknown role; expected one of: {', '.join(v.ROLES.terms)}")
                continue
            slug = context["organisations"].resolve(name)
            if not slug:
                c.fail(column, name, "cannot derive a slug from this organisation name")
                continue
            result.append((slug, role))
        return list(dict.fromkeys(result))

    def _deployments(self, c, context=None):
        raw = c.row.get("deployments")
        if not raw:
            return {}
        if not isinstance(raw, list) or not all(isinstance(d, dict) for d in raw):
            c.fail("deployments", raw, "expected a list of objects")
            return {}
        result = {}
        for d in raw:
            sub = RowChecker(c.file, c.line, d, c.where)
            code = sub.country("country", required=True)
            result[code] = {"year": sub.year("year"), "note": sub.text("note", max_length=500),
                            "source_url": sub.url("source_url", allow_github_file=True),
                            "organisation": sub.text("organisation") or None}
            c.problems += [Problem(p.file, p.line, "deployments." + p.column, p.value, p.reason,
                                   p.where) for p in sub.problems]
        return result

    def _extra_sources(self, c):
        raw = c.row.get("sources")
        if not raw:
            return []
        if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
            c.fail("sources", raw, "expected a list of objects with url, title, date_read")
            return []
        out = []
        for s in raw:
            sub = RowChecker(c.file, c.line, s, c.where)
            out.append((sub.url("url", required=True, allow_github_file=True),
                        sub.text("title", max_length=300), sub.date("date_read")))
            c.problems += [Problem(p.file, p.line, "sources." + p.column, p.value, p.reason,
                                   p.where) for p in sub.problems]
        return out

    def write(self, data, report, context):
        for slug, _role in data.organisations:
            if slug not in context["organisations"].existing:
                organisation_upsert(slug=slug, name=context["organisations"].names[slug],
                                    kind="other")
                context["organisations"].existing.add(slug)
                report.organisations_created += 1
        return tool_upsert(data=data, reindex=False)

    def finish(self, written_keys, context):
        search_reindex(tool_ids=None if len(written_keys) > 200 else
                       list(_tool_ids(written_keys)))


def _tool_ids(slugs):
    from atlas.catalogue.models import Tool
    return Tool.objects.filter(slug__in=slugs).values_list("pk", flat=True)


class HelplineKind(RecordKind):
    name = "helplines"
    columns = ("country", "name", "kind", "phone", "sms", "website", "languages", "hours",
               "source_url", "source_date", "last_verified")

    def key(self, data):
        return (data["country"], data["name"])

    def check(self, c, context):
        data = {
            "country": c.country("country", required=True),
            "name": c.text("name", required=True, max_length=300),
            "kind": c.text("kind", required=True),
            "phone": c.text("phone", max_length=200),
            "sms": c.text("sms", max_length=200),
            "website": c.url("website"),
            "languages": c.text("languages", max_length=300),
            "hours": c.text("hours", max_length=300),
            "source_url": c.url("source_url", required=True, allow_github_file=True),
            "source_date": c.date("source_date"),
            "last_verified": c.date("last_verified"),
        }
        if data["kind"] and data["kind"] not in HELPLINE_KINDS:
            c.fail("kind", data["kind"], "unknown helpline kind; expected one of: "
                   + ", ".join(HELPLINE_KINDS))
        if not (data["phone"] or data["sms"] or data["website"]):
            c.fail("phone", "", "a helpline needs a phone number, an SMS code or a website")
        return data

    def write(self, data, report, context):
        _helpline, result = helpline_upsert(**data)
        return result


KINDS = {k.name: k for k in (ToolKind(), OrganisationKind(), HelplineKind())}


class OrganisationResolver:
    """Maps organisation names in tool rows to slugs: existing records, then new ones."""

    def __init__(self):
        self.by_key = {}
        self.existing = set()
        self.names = {}
        for org in Organisation.objects.only("slug", "name", "aliases"):
            self.existing.add(org.slug)
            for key in [org.slug, org.name, *org.aliases]:
                self.by_key.setdefault(key.casefold(), org.slug)

    def resolve(self, name):
        key = name.casefold()
        if key in self.by_key:
            return self.by_key[key]
        slug = slugify(name)[:100].strip("-")
        if not slug:
            return ""
        self.by_key[key] = slug
        self.names.setdefault(slug, name[:200])
        return slug


# --- reading files ------------------------------------------------------------------------------

def detect_kind(header) -> str | None:
    header = set(header)
    if "description" in header or "short_description" in header:
        return "tools"
    if "phone" in header or {"country", "kind"} <= header:
        return "helplines"
    if "kind" in header and "name" in header:
        return "organisations"
    return None


def read_records(path: Path) -> tuple[list[tuple[int, dict]], list[str], str]:
    """(records with their line or record number, header, "line" or "record")."""
    size = path.stat().st_size
    if size > settings.ATLAS_IMPORT_MAX_BYTES:
        raise ImportFileError(path, f"file is {size:,} bytes; the limit is "
                                    f"{settings.ATLAS_IMPORT_MAX_BYTES:,} (ATLAS_IMPORT_MAX_BYTES)")
    raw = path.read_bytes()
    if b"\x00" in raw:
        line = raw[:raw.index(b"\x00")].count(b"\n") + 1
        raise ImportFileError(path, f"contains a NUL byte on line {line}; is it a binary file?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ImportFileError(path, f"is not UTF-8 (invalid byte at line {line}); "
                                    "save it as UTF-8 and try again") from exc
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        return _read_json(path, text)
    return _read_csv(path, text)


def _read_csv(path, text):
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise ImportFileError(path, "is empty: expected a header row")
    reader.fieldnames = header
    records = []
    try:
        for row in reader:
            extra = row.pop(None, None)
            if extra:
                raise ImportFileError(path, f"line {reader.line_num} has more cells than the "
                                            f"header ({len(header)} columns)")
            records.append((reader.line_num, {k: (v or "") for k, v in row.items()}))
    except csv.Error as exc:
        raise ImportFileError(path, f"is not valid CSV at line {reader.line_num}: {exc}") from exc
    return records, header, "line"


def _read_json(path, text):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(path, f"is not valid JSON: {exc.msg} at line {exc.lineno}, "
                                    f"column {exc.colno}") from exc
    if isinstance(data, dict):
        lists = [k for k in ("tools", "organisations", "helplines") if isinstance(data.get(k), list)]
        if len(lists) != 1:
            raise ImportFileError(path, "expected a list of records, or an object with one of "
                                        "'tools', 'organisations', 'helplines'")
        data = data[lists[0]]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ImportFileError(path, "expected a JSON list of objects")
    header = list(dict.fromkeys(k for r in data for k in r))
    return [(i + 1, r) for i, r in enumerate(data)], header, "record"


def import_file(path, *, kind: str | None = None, dry_run: bool = False,
                skip_invalid: bool = False, progress=None) -> ImportReport:
    """Validate a file, then write it in one transaction unless it has problems.

    progress, if given, is called with the number of rows done after each row is written.
    """
    path = Path(path)
    records, header, where = read_records(path)
    kind = kind or detect_kind(header)
    if kind not in KINDS:
        raise ImportFileError(path, "cannot tell whether this file holds tools, organisations or "
                                    "helplines from its header; pass --kind")
    spec = KINDS[kind]
    report = ImportReport(str(path), kind, rows=len(records))
    unknown = [h for h in header if h not in spec.columns
               and h not in ("short_description", "organisations", "deployments", "sources")]
    for column in unknown:
        report.problems.append(Problem(str(path), 1, column, column,
                                       f"unknown column for {kind}", where))
    context = {"organisations": OrganisationResolver()}
    valid, seen = [], {}
    for line, row in records:
        checker = RowChecker(str(path), line, row, where)
        data = spec.check(checker, context)
        if not checker.problems:
            key = spec.key(data)
            if key in seen:
                column = "slug" if kind != "helplines" else "name"
                checker.fail(column, key if isinstance(key, str) else key[1],
                             f"duplicate {column}: already on {where} {seen[key]}")
            else:
                seen[key] = line
        report.problems += checker.problems
        if checker.problems:
            report.skipped += 1
        else:
            valid.append(data)
    if dry_run or (report.problems and not skip_invalid):
        report.created = report.updated = report.unchanged = 0
        if dry_run and not report.problems:
            report.created = len(valid)  # an upper bound: existing records may be unchanged
        return report
    with transaction.atomic():
        written = []
        for i, data in enumerate(valid, 1):
            result = spec.write(data, report, context)
            setattr(report, result, getattr(report, result) + 1)
            if result != "unchanged":
                written.append(spec.key(data))
            if progress:
                progress(i)
        if written:
            spec.finish(written, context)
            catalogue_changed()
    report.written = True
    return report
