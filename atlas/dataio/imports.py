"""`atlas import`: files of tools, organisations or helplines, checked, then all-or-nothing.

A thin adapter over the record formats (catalogue/records.py, helplines/records.py): it reads
rows from a file, has each checked by its format, adds file and line to the problems, and hands
the valid records to the kind's writer. Every problem names the file, line (CSV) or record
(JSON), column, value and reason. Nothing is written unless every row is valid, or the caller
asked to skip invalid rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from atlas.catalogue import profile
from atlas.catalogue.records import (OrganisationFormat, OrganisationResolver, ProfileFormat,
                                     ToolFormat)
from atlas.catalogue.services import organisation_upsert, tool_profiles_set, tools_upsert
from atlas.core.records import Cells, RecordFormat
from atlas.dataio.files import ImportFileError, detect_kind, read_records
from atlas.helplines.records import HelplineFormat
from atlas.helplines.services import helpline_upsert

__all__ = ["KINDS", "ImportFileError", "ImportReport", "FileProblem", "import_file"]


@dataclass(frozen=True)
class FileProblem:
    """A record's problem, with where it is in the file."""

    file: str
    line: int  # CSV line number (the header is line 1) or JSON record number (from 1)
    column: str
    value: str
    reason: str
    where: str = "line"

    def __str__(self):
        value = self.value if len(self.value) <= 80 else self.value[:77] + "..."
        return (f"{self.file}, {self.where} {self.line}, column {self.column!r}: {self.reason} "
                f"(value: {value!r})")


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
    problems: list[FileProblem] = field(default_factory=list)
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




class ImportKind:
    """What a file can hold: the record format that checks a row, and how rows are written."""

    format: RecordFormat = None

    @property
    def name(self):
        return self.format.name

    @property
    def columns(self):
        return self.format.columns

    def write(self, data, report: ImportReport, context: dict) -> str:
        raise NotImplementedError

    def write_all(self, records, report: ImportReport, context: dict, progress=None) -> list:
        """Write every valid record, all or nothing; an outcome per record. One by one, in one
        transaction, unless a kind knows a faster way (tools)."""
        outcomes = []
        started = time.perf_counter()
        with transaction.atomic():
            for i, data in enumerate(records, 1):
                outcomes.append(self.write(data, report, context))
                if progress:
                    progress(i, len(records))
        report.lock_seconds = time.perf_counter() - started
        return outcomes


class OrganisationKind(ImportKind):
    format = OrganisationFormat()

    def write(self, data, report, context):
        _org, result = organisation_upsert(**data)
        return result


class ToolKind(ImportKind):
    format = ToolFormat()

    def write_all(self, records, report, context, progress=None):
        """All the tools in one bulk write (tools_upsert): organisations they name that are not
        on record are created first, with kind "other"."""
        resolver = context["organisations"]
        new = {slug: resolver.names[slug] for data in records for slug, _role in data.organisations
               if slug not in resolver.existing and slug in resolver.names}
        timings = {}
        outcomes = tools_upsert(records=list(records), new_organisations=new, timings=timings)
        report.lock_seconds = timings.get("lock_seconds", 0.0)
        if any(o != "unchanged" for o in outcomes):
            report.organisations_created += len(new)
            resolver.existing.update(new)
        if progress:
            progress(len(records), len(records))
        return outcomes


class HelplineKind(ImportKind):
    format = HelplineFormat()

    def write(self, data, report, context):
        _helpline, result = helpline_upsert(**data)
        return result


class ProfileKind(ImportKind):
    format = ProfileFormat()

    def write_all(self, records, report, context, progress=None):
        """Every named tool's profile replaced in one transaction."""
        started = time.perf_counter()
        outcomes = tool_profiles_set({data["tool"]: profile.ordered(data["entries"])
                                      for data in records})
        report.lock_seconds = time.perf_counter() - started
        if progress:
            progress(len(records), len(records))
        return outcomes


KINDS = {k.name: k for k in (ToolKind(), OrganisationKind(), HelplineKind(), ProfileKind())}


def import_file(path, *, kind: str | None = None, dry_run: bool = False,
                skip_invalid: bool = False, progress=None) -> ImportReport:
    """Validate a file, then write it in one transaction unless it has problems.

    progress, if given, is called with the number of records written and their total.
    """
    path = Path(path)
    records, header, where = read_records(path)
    kind = kind or detect_kind(header)
    if kind not in KINDS:
        raise ImportFileError(path, "cannot tell whether this file holds tools, organisations, "
                                    "helplines or profiles from its header; pass --kind")
    spec = KINDS[kind]
    report = ImportReport(str(path), kind, rows=len(records))
    unknown = [h for h in header if h not in spec.columns
               and h not in ("short_description", "organisations", "deployments", "sources",
                             "channels", "profile")]
    for column in unknown:
        report.problems.append(FileProblem(str(path), 1, column, column,
                                           _("unknown column for %(kind)s") % {"kind": kind},
                                           where))
    context = {"organisations": OrganisationResolver()}
    valid, seen, position = [], {}, {}
    records.reverse()  # popped from the end: each raw row is freed once checked
    while records:
        line, row = records.pop()
        cells = Cells(row)
        data = spec.format.check(cells, context)
        if not cells.problems:
            key = spec.format.key(data)
            if key in seen and where == "line" and hasattr(spec.format, "merged") \
                    and key in position:
                # The long CSV format: one row per channel of a helpline, merged into one record.
                combined = spec.format.merged(valid[position[key]], data)
                if combined is not None:
                    valid[position[key]] = combined
                    continue
                if hasattr(spec.format, "merge_refusal"):
                    cells.fail("item", data["entries"][0]["item"] if data["entries"] else "",
                               spec.format.merge_refusal(seen[key]))
                else:
                    cells.fail("name", key[1], _("this helpline's own columns differ from line "
                                                 "%(first)s (only channel columns may differ)")
                               % {"first": seen[key]})
            elif key in seen:
                column = "slug" if kind != "helplines" else "name"
                cells.fail(column, key if isinstance(key, str) else key[1],
                           _duplicate(column, where, seen[key]))
            else:
                seen[key] = line
                position[key] = len(valid)
        report.problems += [FileProblem(str(path), line, p.column, p.value, p.reason, where)
                            for p in cells.problems]
        if cells.problems:
            report.skipped += 1
        else:
            valid.append(data)
    report.new_organisations = sorted(context["organisations"].names.values())
    if dry_run or (report.problems and not skip_invalid):
        report.created = report.updated = report.unchanged = 0
        if dry_run and not report.problems:
            report.created = len(valid)  # an upper bound: existing records may be unchanged
        return report
    outcomes = spec.write_all(valid, report, context, progress)  # all or nothing
    report.created = outcomes.count("created")
    report.updated = outcomes.count("updated")
    report.unchanged = outcomes.count("unchanged")
    report.written = True
    return report


def _duplicate(column: str, where: str, first: int) -> str:
    """The reason for a row whose key an earlier row (CSV line or JSON record) already holds."""
    values = {"column": column, "first": first}
    if where == "record":
        return _("duplicate %(column)s: already on record %(first)s") % values
    return _("duplicate %(column)s: already on line %(first)s") % values
