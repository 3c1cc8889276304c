"""Backups that restore: `atlas backup FILE` and `atlas restore FILE` (docs/backups.md).

A backup file is the engine's own format (a SQLite database, or a pg_dump custom archive), so
`sqlite3` and `pg_restore` read it too, optionally encrypted with age to an operator's key.
"""


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says what and where, and that
    nothing was changed."""
