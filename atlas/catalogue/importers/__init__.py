"""Imports of tools, organisations and helplines from CSV or JSON: validated, then all-or-nothing.

Every problem names the file, line (CSV) or record (JSON), column, value and reason. Nothing is
written unless every row is valid, or the caller asked to skip invalid rows.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from atlas.catalogue.importers.cells import ImportFileError, ImportReport, Problem, RowChecker
from atlas.catalogue.importers.files import detect_kind, read_records
from atlas.catalogue.importers.kinds import (KINDS, HelplineKind, OrganisationKind,
                                             OrganisationResolver, RecordKind, ToolKind)

__all__ = ["KINDS", "HelplineKind", "ImportFileError", "ImportReport", "OrganisationKind",
           "OrganisationResolver", "Problem", "RecordKind", "RowChecker", "ToolKind",
           "detect_kind", "import_file", "read_records"]


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
                                       _("unknown column for %(kind)s") % {"kind": kind},
                                       where))
    context = {"organisations": OrganisationResolver()}
    valid, seen = [], {}
    records.reverse()  # popped from the end: each raw row is freed once checked
    while records:
        line, row = records.pop()
        checker = RowChecker(str(path), line, row, where)
        data = spec.check(checker, context)
        if not checker.problems:
            key = spec.key(data)
            if key in seen:
                column = "slug" if kind != "helplines" else "name"
                checker.fail(column, key if isinstance(key, str) else key[1],
                             _duplicate(column, where, seen[key]))
            else:
                seen[key] = line
        report.problems += checker.problems
        if checker.problems:
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
