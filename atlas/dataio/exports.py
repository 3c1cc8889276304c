"""Organisations, profiles and helplines written back in their import format (`atlas export
--kind`), so an export can be edited and imported again. Tools have their own formats
(catalogue/exporters.py, EXPORTERS); these use the import kinds' columns (dataio/imports.py)."""

from __future__ import annotations

import csv
import json

from atlas.catalogue.exporters import csv_safe, organisation_record, profile_rows
from atlas.catalogue.models import Organisation, Tool
from atlas.dataio.imports import KINDS
from atlas.helplines.models import Helpline
from atlas.helplines.records import helpline_record, helpline_rows


def export_records(*, kind: str, fmt: str, out) -> int:
    """Write every organisation or helpline in the import format (csv or json)."""
    if kind == "organisations":
        records = [organisation_record(o) for o in Organisation.objects.order_by("slug")]
    elif kind == "profiles":
        records = profile_rows(Tool.objects.exclude(profile=[]).order_by("slug"))
    else:
        records = [helpline_record(h) for h in Helpline.objects.order_by(
            "country", "name").prefetch_related("channels")]
    if fmt == "json":
        json.dump({kind: records}, out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        writer = csv.writer(out, lineterminator="\r\n")
        columns = KINDS[kind].columns
        writer.writerow(columns)
        rows = records if kind in ("organisations", "profiles") else [
            row for rec in records for row in helpline_rows(rec)]
        for rec in rows:
            writer.writerow([csv_safe("; ".join(rec[c]) if isinstance(rec[c], list) else rec[c])
                             for c in columns])
    return len(records)
