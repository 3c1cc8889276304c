"""How each database engine is copied into a file and back.

SQLite: the online backup API (one read transaction: a consistent copy while writers go on, WAL),
then `PRAGMA integrity_check` on the copy. PostgreSQL: `pg_dump --format=custom` and
`pg_restore` in one transaction. Each file is the engine's own format and is recognised by its
first bytes, so a backup says which engine it came from.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from atlas.backups import BackupError
from atlas.datafiles import data_dir

# As long as the Atlas's own connections wait for SQLite's write lock (atlas/settings/base.py).
SQLITE_TIMEOUT = 20


def _sqlite_failure(path, exc) -> BackupError:
    return BackupError(_("%(path)s is not a readable SQLite database (%(reason)s).")
                       % {"path": path, "reason": exc})


class SQLiteEngine:
    name, label, suffix = "sqlite", "SQLite", ".sqlite3"
    magic = b"SQLite format 3\x00"

    def describe(self, db: dict) -> str:
        return _("the SQLite database %(path)s") % {"path": db["NAME"]}

    def _path(self, db: dict) -> Path:
        name = str(db["NAME"])
        if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            raise BackupError(_("an in-memory SQLite database cannot be backed up or restored."))
        return Path(name)

    def dump(self, db: dict, dest: Path) -> None:
        source = self._path(db)
        if not source.is_file() or source.stat().st_size == 0:
            raise BackupError(_("there is no database at %(path)s; nothing was written.")
                              % {"path": source})
        src = dst = None
        try:
            src = sqlite3.connect(source, timeout=SQLITE_TIMEOUT)
            dst = sqlite3.connect(dest)
            # All pages in one step: the copy is one read transaction on the source, so it is
            # the database at one moment, and in WAL mode writers carry on meanwhile. A copy in
            # several steps would start again after every write from another connection.
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            self._check(dst, dest)
        except sqlite3.Error as exc:
            raise BackupError(_("the backup of %(path)s failed (%(reason)s); nothing was "
                                "written.") % {"path": source, "reason": exc}) from exc
        finally:
            for conn in (dst, src):
                if conn is not None:
                    conn.close()

    def _check(self, conn, path) -> None:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(_("%(path)s failed SQLite's integrity check: %(problems)s")
                              % {"path": path, "problems": "; ".join(problems[:5])})
        found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                             "AND name = 'django_migrations'").fetchone()
        if not found:
            raise BackupError(_("%(path)s is a SQLite database but not one of the Atlas's.")
                              % {"path": path})

    def _open_backup(self, path: Path):
        # immutable: read the file as it is, with no lock, journal or -wal file beside it.
        return sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)

    def verify(self, path: Path) -> None:
        try:
            conn = self._open_backup(path)
            try:
                self._check(conn, path)
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise _sqlite_failure(path, exc) from exc

    def load(self, db: dict, path: Path) -> None:
        target = self._path(db)
        try:
            src = self._open_backup(path)
        except sqlite3.Error as exc:
            raise _sqlite_failure(path, exc) from exc
        dst = None
        try:
            dst = sqlite3.connect(target, timeout=SQLITE_TIMEOUT)
            # One write transaction on the target: other connections see the old database or
            # the restored one, never a mix, and a failure leaves the old one.
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as exc:
            raise BackupError(_("restoring into %(path)s failed (%(reason)s); nothing was "
                                "changed.") % {"path": target, "reason": exc}) from exc
        finally:
            if dst is not None:
                dst.close()
            src.close()


class PostgreSQLEngine:
    name, label, suffix = "postgresql", "PostgreSQL", ".pgdump"
    magic = b"PGDMP"

    def describe(self, db: dict) -> str:
        return _("the PostgreSQL database %(name)s on %(host)s") % {
            "name": db["NAME"], "host": db.get("HOST") or "localhost"}

    def _env(self, db: dict) -> dict:
        """The connection for pg_dump and pg_restore; the password in the environment, never
        on a command line that `ps` shows."""
        env = dict(os.environ)
        for var, value in (("PGHOST", db.get("HOST")), ("PGPORT", db.get("PORT")),
                           ("PGUSER", db.get("USER")), ("PGPASSWORD", db.get("PASSWORD")),
                           ("PGDATABASE", db.get("NAME")),
                           ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode"))):
            if value:
                env[var] = str(value)
        return env

    def _server_major(self) -> int:
        from django.db import connection
        connection.ensure_connection()
        return connection.pg_version // 10000

    def _client(self, program: str) -> str:
        """pg_dump or pg_restore no older than the server (an older pg_dump refuses a newer
        server); Debian keeps each version's in /usr/lib/postgresql/N/bin."""
        server = self._server_major()
        found = []
        for candidate in (f"/usr/lib/postgresql/{server}/bin/{program}", shutil.which(program)):
            if candidate and os.access(candidate, os.X_OK):
                out = subprocess.run([candidate, "--version"], capture_output=True, text=True)
                match = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
                major = int(match.group(1)) if match else 0
                if major >= server:
                    return candidate
                found.append(f"{candidate} ({major})")
        raise BackupError(_("%(program)s %(found)s is older than the PostgreSQL %(server)s server; "
                            "install postgresql-client-%(server)s. Nothing was changed.") % {
            "program": program, "server": server,
            "found": ", ".join(found) or _("was not found")})

    def _run(self, db, args, *, failure) -> str:
        out = subprocess.run(args, env=self._env(db), capture_output=True, text=True)
        if out.returncode != 0:
            lines = [line for line in out.stderr.splitlines() if line.strip()]
            raise BackupError(failure + " " + " | ".join(lines[-4:]))
        return out.stdout

    def dump(self, db: dict, dest: Path) -> None:
        # pg_dump takes one snapshot: the dump is the database at one moment, writers go on.
        # --file into the existing private file keeps its mode.
        self._run(db, [self._client("pg_dump"), "--format=custom", "--no-password",
                       f"--file={dest}"],
                  failure=_("pg_dump failed; nothing was written:"))
        try:
            self.verify(dest)
        except BackupError as exc:
            raise BackupError(f"{exc} {_('Nothing was written.')}") from exc

    def _contents(self, path: Path) -> str:
        out = subprocess.run([shutil.which("pg_restore") or "pg_restore", "--list", str(path)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise BackupError(_("%(path)s is not a readable pg_dump archive (%(reason)s).")
                              % {"path": path, "reason": out.stderr.strip()[-300:]})
        return out.stdout

    def verify(self, path: Path) -> None:
        if not re.search(r"TABLE \S+ django_migrations ", self._contents(path)):
            raise BackupError(_("%(path)s is a pg_dump archive but not one of the Atlas's.")
                              % {"path": path})

    def load(self, db: dict, path: Path) -> None:
        # An extension the database has already (unaccent) is left as it is: it may belong to
        # the superuser who created it, and dropping it or its comment as the database owner
        # would fail, and with it the whole restore. Comments on extensions are left out too.
        from django.db import connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT extname FROM pg_extension")
            present = {name for (name,) in cursor.fetchall()}
        listing = "".join(line + "\n" for line in self._contents(path).splitlines()
                          if not _extension_entry(line, present))
        fd, list_path = tempfile.mkstemp(prefix=".atlas-restore-", suffix=".list",
                                         dir=data_dir())
        with os.fdopen(fd, "w") as fh:
            fh.write(listing)
        list_path = Path(list_path)
        try:
            # One transaction: a damaged archive, or an object that cannot be replaced, leaves
            # the database as it was. --clean drops what the archive holds before creating it.
            self._run(db, [self._client("pg_restore"), "--no-password", "--single-transaction",
                           "--exit-on-error", "--clean", "--if-exists", "--no-owner",
                           "--no-privileges", f"--use-list={list_path}",
                           f"--dbname={db['NAME']}", str(path)],
                      failure=_("pg_restore failed; nothing was changed (the restore runs in one "
                                "transaction):"))
        finally:
            list_path.unlink(missing_ok=True)


def _extension_entry(line: str, present: set) -> bool:
    """Whether a line of `pg_restore --list` is a comment on an extension, or an extension the
    target database has already."""
    if "COMMENT - EXTENSION " in line:
        return True
    match = re.search(r"\bEXTENSION - (\S+)", line)
    return bool(match and match.group(1) in present)


# Keyed on Django's connection.vendor.
ENGINES = {"sqlite": SQLiteEngine(), "postgresql": PostgreSQLEngine()}


def engine_of_file(head: bytes):
    """The engine a backup file came from, by its first bytes; None if neither."""
    return next((e for e in ENGINES.values() if head.startswith(e.magic)), None)
