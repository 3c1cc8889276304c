"""The default dataset shipped in atlas/data, loaded on first run."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from atlas.catalogue.models import Tool
from atlas.catalogue.services import search_backlog_process
from atlas.dataio.imports import import_file
from atlas.helplines.models import Helpline

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# Organisations first, so tools find them by name; then the tools' profiles; helplines last.
DEFAULT_FILES = [("organisations", "organisations.csv"), ("tools", "tools.csv"),
                 ("profiles", "profiles.csv"), ("helplines", "helplines.csv")]


def default_dataset_files() -> list[tuple[str, Path]]:
    return [(kind, DATA_DIR / name) for kind, name in DEFAULT_FILES if (DATA_DIR / name).exists()]


def catalogue_is_empty() -> bool:
    return not Tool.objects.exists() and not Helpline.objects.exists()


@transaction.atomic
def load_default_dataset(*, progress_factory=None, dry_run: bool = False):
    """Import every default file in one transaction, rolled back if any file has a problem, or
    in a dry run once every file was checked against the ones before it (the tools find the
    organisations the dry run imported, as a real load would)."""
    reports = []
    for kind, path in default_dataset_files():
        progress = progress_factory(kind, path) if progress_factory else None
        report = import_file(path, kind=kind, progress=progress)
        reports.append(report)
        if report.problems:
            transaction.set_rollback(True)
            break
    if dry_run:
        transaction.set_rollback(True)
    return reports


def database_bring_up_to_date() -> int:
    """Apply any pending migration, then index the tools waiting in the search backlog (left by
    an import killed half way, or listed by an upgrade that changed what search documents hold,
    migration catalogue/0011). Data commands and restores run it first, so they work on a fresh
    or older database. Returns how many tools it indexed."""
    call_command("migrate", interactive=False, verbosity=0)
    return search_backlog_process()
