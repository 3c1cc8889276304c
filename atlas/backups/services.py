"""`backup_create` and `backup_restore`: what `atlas backup` and `atlas restore` do.

Every file is private from its creation (0600 whatever the umask) and appears under its name
only when complete and checked: it is written to a hidden file beside it, then renamed.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atlas.backups import BackupError, sealing
from atlas.backups.engines import ENGINES, engine_of_file

FILE_MODE = 0o600
HEAD_BYTES = 64


@dataclass
class BackupReport:
    path: Path
    source: str
    size: int
    recipients: int

    def summary(self) -> str:
        values = {"source": self.source, "path": self.path, "mb": f"{self.size / 1e6:.1f}"}
        if self.recipients:
            return ngettext(
                "Backed up %(source)s to %(path)s (%(mb)s MB, mode 0600), encrypted to "
                "%(count)d age key.",
                "Backed up %(source)s to %(path)s (%(mb)s MB, mode 0600), encrypted to "
                "%(count)d age keys.", self.recipients) % {**values, "count": self.recipients}
        return _("Backed up %(source)s to %(path)s (%(mb)s MB, mode 0600, not encrypted).") % values


@dataclass
class RestoreReport:
    path: Path
    target: str
    rows: dict[str, int]  # data rows per table, after the restore
    replaced: dict[str, int] = field(default_factory=dict)  # before it

    def summary(self) -> str:
        text = _("Restored %(path)s into %(target)s: %(rows)s.") % {
            "path": self.path, "target": self.target, "rows": rows_text(self.rows)}
        if any(self.replaced.values()):
            text += " " + _("It replaced %(rows)s.") % {"rows": rows_text(self.replaced)}
        return text


def engine_for_database():
    """The engine of the configured database, once it answers."""
    engine = ENGINES.get(connection.vendor)
    if engine is None:
        raise BackupError(_("the Atlas cannot back up a %(vendor)s database.")
                          % {"vendor": connection.vendor})
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        raise BackupError(_("cannot reach %(target)s (%(reason)s). Nothing was changed.") % {
            "target": engine.describe(connection.settings_dict),
            "reason": str(exc).strip()}) from exc
    return engine


def data_rows() -> dict[str, int]:
    """Rows in each table of the Atlas's models that holds any, leaving out the content types
    and permissions that migrations write: a database with none is empty."""
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    existing = set(connection.introspection.table_names())
    skip = {ContentType._meta.db_table, Permission._meta.db_table}
    tables = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)}
                    & existing - skip)
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            count = cursor.fetchone()[0]
            if count:
                rows[table] = count
    return rows


def rows_text(rows: dict[str, int], most: int = 6) -> str:
    """'1,234 rows in 9 tables: 425 in catalogue_tool, 303 in helplines_helpline, ...'"""
    total = sum(rows.values())
    biggest = sorted(rows.items(), key=lambda item: (-item[1], item[0]))
    parts = [_("%(count)d in %(table)s") % {"count": n, "table": t} for t, n in biggest[:most]]
    if len(biggest) > most:
        rest = len(biggest) - most
        parts.append(ngettext("%(count)d more table", "%(count)d more tables", rest)
                     % {"count": rest})
    text = _("%(rows)s in %(tables)s") % {
        "rows": ngettext("%(count)d row", "%(count)d rows", total) % {"count": total},
        "tables": ngettext("%(count)d table", "%(count)d tables", len(rows)) % {"count": len(rows)}}
    return text + (": " + ", ".join(parts) if parts else "")


@contextlib.contextmanager
def _private_file(directory: Path, stem: str):
    """A new empty file, 0600 from its creation, removed on leaving (with SQLite's companions)."""
    path = directory / f".{stem}.{secrets.token_hex(6)}.partial"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:
        raise BackupError(_("cannot write a file in %(path)s: %(reason)s. Nothing was changed.")
                          % {"path": directory, "reason": exc.strerror}) from exc
    os.fchmod(fd, FILE_MODE)  # exactly 0600, even under a umask that would take the owner's bits
    os.close(fd)
    try:
        yield path
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _publish(temp: Path, dest: Path, *, force: bool) -> None:
    """Give the complete file its name; without force, never replace a file that is there."""
    with open(temp, "rb+") as fh:
        os.fsync(fh.fileno())
    if force:
        os.replace(temp, dest)
    else:
        try:
            os.link(temp, dest)
        except FileExistsError as exc:
            raise _exists(dest) from exc
        temp.unlink()
    fd = os.open(dest.parent, os.O_RDONLY)
    try:
        os.fsync(fd)  # the new name survives a power cut
    finally:
        os.close(fd)


def _exists(path: Path) -> BackupError:
    return BackupError(_("%(path)s already exists; pass --force to replace it, or name another "
                         "file. Nothing was written.") % {"path": path})


def _data_dir() -> Path:
    from atlas.datafiles import data_dir
    directory = data_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def backup_create(*, path, recipients=None, force: bool = False) -> BackupReport:
    """Copy the database into path (or a dated file in the directory path), checked, 0600, and
    encrypted to the age recipients (default ATLAS_BACKUP_RECIPIENT) if there are any."""
    engine = engine_for_database()
    db = connection.settings_dict
    texts = list(recipients) if recipients else list(settings.ATLAS_BACKUP_RECIPIENTS)
    keys = sealing.recipients_parse(texts)
    dest = Path(path)
    if dest.is_dir():
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
        dest = dest / f"atlas-{engine.name}-{stamp}{engine.suffix}{'.age' if keys else ''}"
    if not dest.parent.is_dir():
        raise BackupError(_("the directory %(path)s does not exist; nothing was written.")
                          % {"path": dest.parent})
    if dest.exists() and not force:
        raise _exists(dest)
    # Unencrypted, the copy is made beside its destination and renamed; to be encrypted, it is
    # made in the data directory, private like the database itself, and only ciphertext goes
    # to the destination.
    with _private_file(_data_dir() if keys else dest.parent, "atlas-backup") as plain:
        engine.dump(db, plain)
        if keys:
            with _private_file(dest.parent, "atlas-backup") as sealed:
                sealing.seal(source=plain, dest=sealed, recipients=keys)
                _publish(sealed, dest, force=force)
        else:
            _publish(plain, dest, force=force)
    return BackupReport(path=dest, source=engine.describe(db), size=dest.stat().st_size,
                        recipients=len(keys))


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES)


def backup_restore(*, path, identities=(), force: bool = False) -> RestoreReport:
    """Replace the database with the backup in path, checked first; a database that is not empty
    only with force."""
    engine = engine_for_database()
    db = connection.settings_dict
    path = Path(path)
    try:
        head = _head(path)
    except OSError as exc:
        raise BackupError(_("cannot read %(path)s: %(reason)s") % {
            "path": path, "reason": exc.strerror}) from exc
    with contextlib.ExitStack() as stack:
        source = path
        if sealing.is_sealed(head):
            if not identities:
                raise BackupError(_("%(path)s is encrypted: pass --identity with the file of the "
                                    "age private key it was encrypted to. Nothing was changed.")
                                  % {"path": path})
            keys = sealing.identities_load(identities)
            # Decrypted into the data directory, private like the database it will become.
            source = stack.enter_context(_private_file(_data_dir(), "atlas-restore"))
            sealing.unseal(source=path, dest=source, identities=keys)
            head = _head(source)
        _check_engine(engine_of_file(head), engine, path)
        try:
            engine.verify(source)
        except BackupError as exc:
            raise BackupError(f"{exc} {_('Nothing was changed.')}") from exc
        before = data_rows()
        if before and not force:
            raise BackupError(_("%(target)s is not empty (%(rows)s). Restoring would replace it "
                                "all: pass --force to do so, or restore into an empty database. "
                                "Nothing was changed.") % {"target": engine.describe(db),
                                                          "rows": rows_text(before)})
        connections.close_all()  # SQLite: the restore writes through a connection of its own
        engine.load(db, source)
    return RestoreReport(path=path, target=engine.describe(db), rows=data_rows(), replaced=before)


def _check_engine(found, engine, path: Path) -> None:
    if found is None:
        raise BackupError(_("%(path)s is not a backup of the Atlas (neither a SQLite database nor "
                            "a pg_dump archive, nor encrypted with age). Nothing was changed.")
                          % {"path": path})
    if found is not engine:
        raise BackupError(_(
            "%(path)s is a backup of a %(found)s database and this Atlas runs on %(engine)s "
            "(ATLAS_DATABASE_URL): a backup restores into the engine it came from. To move the "
            "catalogue from one engine to the other, use `atlas export` and `atlas import` "
            "(docs/backups.md). Nothing was changed.") % {
            "path": path, "found": found.label, "engine": engine.label})
