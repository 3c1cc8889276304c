"""`atlas backup FILE` and `atlas restore FILE` (docs/backups.md)."""

from __future__ import annotations

import sys


def register(sub):
    p = sub.add_parser("backup", help="copy the database, while the Atlas runs, to a checked "
                                      "private file (0600), optionally encrypted to an age key")
    p.add_argument("file", help="the file to write, or a directory to write a dated file into")
    p.add_argument("--recipient", action="append", metavar="KEY",
                   help="encrypt to this age public key (age1...) or SSH public key; repeatable "
                        "(default: ATLAS_BACKUP_RECIPIENT)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the database with a backup, checked first "
                                       "(a database that is not empty only with --force)")
    p.add_argument("file", help="a file written by `atlas backup`")
    p.add_argument("--identity", action="append", metavar="KEYFILE",
                   help="the age private key file that opens an encrypted backup; repeatable")
    p.add_argument("--force", action="store_true",
                   help="replace a database that is not empty")
    p.set_defaults(func=cmd_restore)


def cmd_backup(args) -> int:
    from atlas.backups import BackupError
    from atlas.backups.services import backup_create
    try:
        report = backup_create(path=args.file, recipients=args.recipient, force=args.force)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def cmd_restore(args) -> int:
    from atlas.backups import BackupError
    from atlas.backups.services import backup_restore
    try:
        report = backup_restore(path=args.file, identities=args.identity or (), force=args.force)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    # A backup from an earlier version of the Atlas is brought up to this one's schema.
    from atlas.dataio.dataset import database_bring_up_to_date
    indexed = database_bring_up_to_date()
    if indexed:
        print(f"Indexed {indexed} tools for search after the upgrade.", file=sys.stderr)
    return 0
