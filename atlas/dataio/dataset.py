"""The default dataset shipped in atlas/data, loaded on first run."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from atlas.dataio.imports import import_file
from atlas.catalogue.models import Tool
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
def load_default_dataset(*, progress_factory=None):
    """Import every default file in one transaction; raises if any file has a problem."""
    reports = []
    for kind, path in default_dataset_files():
        progress = progress_factory(kind, path) if progress_factory else None
        report = import_file(path, kind=kind, progress=progress)
        reports.append(report)
        if report.problems:
            transaction.set_rollback(True)
            break
    return reports
