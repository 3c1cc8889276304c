"""Reading CSV and JSON files safely: size, encoding and format problems stop before any row."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from django.conf import settings



class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, size, format)."""

    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


def detect_kind(header) -> str | None:
    header = set(header)
    if "description" in header or "short_description" in header:
        return "tools"
    if {"tool", "item", "value"} <= header:
        return "profiles"
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
