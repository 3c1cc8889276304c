"""Reading CSV and JSON files safely: every problem with the file as a whole (not a regular
file, size, rows, encoding, format) stops the import before any row is checked or written."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atlas.core.strict_json import StrictJSONError, loads


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a regular file, encoding, size, format)."""

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
    raw = _read_bytes(path)
    if b"\x00" in raw:
        line = raw[:raw.index(b"\x00")].count(b"\n") + 1
        raise ImportFileError(path, _("contains a NUL byte on line %(line)s; is it a binary "
                                      "file?") % {"line": line})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ImportFileError(path, _("is not UTF-8 (invalid byte at line %(line)s); save it as "
                                      "UTF-8 and try again") % {"line": line}) from exc
    del raw
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        return _read_json(path, text)
    return _read_csv(path, text)


_NOT_REGULAR = {stat.S_IFDIR: gettext_lazy("a directory"),
                stat.S_IFCHR: gettext_lazy("a character device"),
                stat.S_IFBLK: gettext_lazy("a block device"),
                stat.S_IFIFO: gettext_lazy("a named pipe (FIFO)"),
                stat.S_IFSOCK: gettext_lazy("a socket")}


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, if it is a regular file within ATLAS_IMPORT_MAX_BYTES.

    Devices, pipes and sockets are refused from os.stat, without opening them: opening a FIFO
    waits for a writer, and /dev/zero has a size of 0 and never ends.
    """
    limit = settings.ATLAS_IMPORT_MAX_BYTES
    try:
        found = os.stat(path)
        _check_regular(path, found, limit)
        # O_NONBLOCK: should a FIFO have been put in the file's place since, open returns.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as fh:
            _check_regular(path, os.fstat(fh.fileno()), limit)
            raw = fh.read(limit + 1)  # it may have grown since
    except FileNotFoundError:
        raise ImportFileError(path, _("no such file")) from None
    except OSError as exc:
        raise ImportFileError(path, _("cannot be read (%(reason)s)")
                              % {"reason": exc.strerror or exc}) from None
    _check_size(path, len(raw), limit)
    return raw


def _check_regular(path, found: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(found.st_mode):
        what = _NOT_REGULAR.get(stat.S_IFMT(found.st_mode), _("something other"))
        raise ImportFileError(path, _("is %(what)s, not a regular file; import from a file")
                              % {"what": what})
    _check_size(path, found.st_size, limit)


def _check_size(path, size: int, limit: int) -> None:
    if size > limit:
        raise ImportFileError(path, _("file is %(size)s bytes; the limit is %(limit)s "
                                      "(ATLAS_IMPORT_MAX_BYTES)")
                              % {"size": f"{size:,}", "limit": f"{limit:,}"})


def _too_many_rows(path, where):
    limit = settings.ATLAS_IMPORT_MAX_ROWS
    return ImportFileError(path, _("has more than %(limit)s records (%(where)s); the limit is "
                                   "%(limit)s (ATLAS_IMPORT_MAX_ROWS): split the file")
                           % {"limit": f"{limit:,}", "where": where})


def _read_csv(path, text):
    reader = csv.DictReader(io.StringIO(text, newline=""))
    limit = settings.ATLAS_IMPORT_MAX_ROWS
    records = []
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        if not header:
            raise ImportFileError(path, _("is empty: expected a header row"))
        reader.fieldnames = header
        for row in reader:
            extra = row.pop(None, None)
            if extra:
                raise ImportFileError(path, _("line %(line)s has more cells than the header "
                                              "(%(columns)s columns)")
                                      % {"line": reader.line_num, "columns": len(header)})
            if len(records) == limit:
                raise _too_many_rows(path, _("line %(line)s") % {"line": reader.line_num})
            records.append((reader.line_num, {k: (v or "") for k, v in row.items()}))
    except csv.Error as exc:
        line = reader.reader.line_num  # DictReader's own count is of the last row it returned
        if "field larger than field limit" in str(exc):
            raise ImportFileError(path, _("line %(line)s has a cell longer than %(limit)s "
                                          "characters") % {"line": line,
                                                           "limit": f"{csv.field_size_limit():,}"}) \
                from None
        raise ImportFileError(path, _("is not valid CSV at line %(line)s: %(reason)s")
                              % {"line": line, "reason": exc}) from None
    return records, header, "line"


def _read_json(path, text):
    try:
        data = loads(text)
    except StrictJSONError as exc:
        raise ImportFileError(path, (_("is not valid JSON: %(reason)s") if exc.syntax else
                                     _("is refused: %(reason)s")) % {"reason": exc}) from None
    if isinstance(data, dict):
        lists = [k for k in ("tools", "organisations", "helplines") if isinstance(data.get(k), list)]
        if len(lists) != 1:
            raise ImportFileError(path, _("expected a list of records, or an object with one of "
                                          "'tools', 'organisations', 'helplines'"))
        data = data[lists[0]]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ImportFileError(path, _("expected a JSON list of objects"))
    if len(data) > settings.ATLAS_IMPORT_MAX_ROWS:
        raise _too_many_rows(path, _("record %(record)s")
                             % {"record": f"{settings.ATLAS_IMPORT_MAX_ROWS + 1:,}"})
    header = list(dict.fromkeys(k for r in data for k in r))
    return [(i + 1, r) for i, r in enumerate(data)], header, "record"
