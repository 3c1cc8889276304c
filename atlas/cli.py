"""`atlas`: the one command-line entry point for operators.

Thin: it parses arguments, sets Django up once and calls services. Anything that writes says what
it did. The commands of the core are here; each app's commands are in its commands.py, listed in
COMMAND_MODULES (docs/architecture.md: where a new command goes). A command module registers its
subparsers and handlers; it never sets Django up itself: main() does, before any handler runs
(`serve` alone sets it up later, after choosing its settings). Data commands that write take
`--dry-run` and ask for `migrate=True`: the database is brought up to date before they run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
from pathlib import Path

from atlas.accounts import commands as accounts_commands
from atlas.api import commands as api_commands
from atlas.backups import commands as backups_commands
from atlas.catalogue import commands as catalogue_commands
from atlas.harvest import commands as harvest_commands
from atlas.offline import commands as offline_commands
from atlas.submissions import commands as submissions_commands

COMMAND_MODULES = (accounts_commands, api_commands, backups_commands, catalogue_commands,
                   harvest_commands, offline_commands, submissions_commands)


def _data_dir() -> Path:
    from atlas.settings.base import DATA_DIR
    return DATA_DIR


def _ensure_secret_key() -> None:
    """Production settings need a secret: use ATLAS_SECRET_KEY, or a key file made on first run."""
    if os.environ.get("ATLAS_SECRET_KEY"):
        return
    path = _data_dir() / "secret_key"
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(64))
    os.environ["ATLAS_SECRET_KEY"] = path.read_text().strip()


def setup_django() -> None:
    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        _ensure_secret_key()
        os.environ["DJANGO_SETTINGS_MODULE"] = "atlas.settings.prod"
    _data_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
    import django
    django.setup()
    _secure_data_files()


def _secure_data_files() -> None:
    """var/ 0700, the database files 0600: made so, or tightened and said (atlas/datafiles.py)."""
    from atlas.datafiles import data_files_secure
    try:
        fixed = data_files_secure()
    except PermissionError as exc:
        raise SystemExit(f"error: {exc.filename} is readable by other accounts and this account "
                         "cannot change that; make it private (chmod 700 for the data directory, "
                         "600 for its files) or run the Atlas as its owner.") from exc
    for path in fixed:
        print(f"Made private (was readable by other accounts): {path}", file=sys.stderr)


def _progress_bar(total_hint: str):
    from tqdm import tqdm
    bars = {}

    def factory(kind, path):
        # The bar starts once the file is read and checked (import_file passes the total): the
        # CLI opens nothing itself, so a FIFO or a device given as the file is refused, not read.
        def update(done, total):
            if kind not in bars:
                # Shown on terminals only (tqdm's disable=None), for imports long enough to wait.
                bars[kind] = tqdm(total=total, desc=f"{kind} {total_hint}", unit="rows",
                                  disable=None if total >= 100 else True, leave=False)
            bars[kind].n = done
            bars[kind].refresh()
        return update
    return factory


def _print_report(report, out=sys.stdout):
    for problem in report.problems:
        print(f"  {problem}", file=out)
    print(report.summary(), file=out)
    if report.written and report.lock_seconds >= 0.5:
        print(f"  the database's write lock was held {report.lock_seconds:.1f} s at most at a "
              "time (other writes waited that long)", file=out)
    if report.organisations_created:
        print(f"  {report.organisations_created} organisations created from tool rows", file=out)
    elif report.new_organisations and not report.written:
        print(f"  note: {len(report.new_organisations)} organisations named in tool rows are not on "
              "record and would be created with kind 'other': "
              + "; ".join(report.new_organisations[:20])
              + (" ..." if len(report.new_organisations) > 20 else ""), file=out)


def cmd_serve(args) -> int:
    host = args.host or os.environ.get("HOST", "127.0.0.1")
    port = str(args.port or os.environ.get("PORT", "8000"))
    if host in ("127.0.0.1", "localhost", "::1") and "ATLAS_HTTPS" not in os.environ:
        # Plain HTTP on loopback; anything reachable from outside stays HTTPS-only by default.
        os.environ["ATLAS_HTTPS"] = "false"
    setup_django()
    from django.core.management import call_command

    with _startup_lock():
        _migrate_quietly()
        _purge_outbox()
        _load_default_if_empty()
        call_command("collectstatic", interactive=False, verbosity=0)
    workers = str(args.workers or os.environ.get("WEB_CONCURRENCY", "2"))
    # Two threads per process: a slow client holds a thread, not a whole worker, while more
    # threads only contend for the interpreter lock (bench/RESULTS.md, "Worker model").
    threads = str(args.threads or os.environ.get("ATLAS_THREADS", "2"))
    print(f"Serving the Atlas on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    gunicorn = gunicorn_command(host=host, port=port, workers=workers, threads=threads)
    os.execvpe(gunicorn[0], gunicorn, os.environ)
    return 0


# Any 64-bit number the Atlas alone uses for PostgreSQL's advisory lock (below).
STARTUP_LOCK_ID = 0x41544C4153  # "ATLAS"


@contextlib.contextmanager
def _startup_lock():
    """One `atlas serve` at a time migrates, loads the default dataset and collects static files.

    Several app servers started together (systemd's atlas@8001 and atlas@8002, deploy/) would
    otherwise run migrations twice on one database, load the dataset twice into an empty one,
    and rewrite one data directory's static files under each other. A lock file in the data
    directory orders the servers of one machine; on PostgreSQL an advisory lock orders those of
    every machine. The second server finds everything done and goes straight on.
    """
    import fcntl

    from django.db import connection
    path = _data_dir() / "serve.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        on_postgresql = connection.vendor == "postgresql"
        if on_postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [STARTUP_LOCK_ID])
        try:
            yield
        finally:
            if on_postgresql:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [STARTUP_LOCK_ID])
            # The server must not inherit a connection opened before gunicorn forks.
            connection.close()
    finally:
        os.close(fd)


def gunicorn_command(*, host: str, port: str, workers: str, threads: str) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "atlas.wsgi:application", "--bind",
            f"[{host}]:{port}" if ":" in host else f"{host}:{port}", "--workers", workers,
            "--threads", threads, "--access-logfile", os.environ.get("ATLAS_ACCESS_LOG") or "-",
            # Access logs without client addresses, user agents or referrers, and without any
            # line for the submission pages (atlas/web/accesslog.py).
            "--access-logformat", '%(t)s "%(r)s" %(s)s %(b)s %(M)sms',
            "--logger-class", "atlas.web.accesslog.AccessLogger", *_no_control_socket()]


def _no_control_socket() -> list[str]:
    """Recent gunicorn (27 here) opens a control socket at ~/.gunicorn/gunicorn.ctl: one path for every app
    server of an account, so a second server takes the first's socket (and systemd's
    ProtectHome makes it fail). The Atlas does not use it."""
    from gunicorn.config import Config
    return ["--no-control-socket"] if "control_socket_disable" in Config().settings else []


def _purge_outbox() -> None:
    """Contact messages in a file outbox are deleted after ATLAS_OUTBOX_DAYS, left 0600 until then."""
    from atlas.submissions.mail import outbox_purge
    deleted = outbox_purge()
    if deleted:
        print(f"Deleted {deleted} messages older than the outbox keeps them.", file=sys.stderr)


def _load_default_if_empty() -> None:
    from atlas.dataio.dataset import catalogue_is_empty, load_default_dataset
    if catalogue_is_empty():
        print("Loading the default dataset (first run)...", flush=True)
        reports = load_default_dataset(progress_factory=_progress_bar("(default dataset)"))
        for report in reports:
            _print_report(report)
        if any(r.problems for r in reports):
            raise SystemExit("The default dataset has problems; nothing was loaded.")


def _migrate_quietly() -> None:
    """Data commands work on a fresh database too: apply any pending migration first, and index
    the tools an interrupted import or an upgrade left waiting."""
    from atlas.dataio.dataset import database_bring_up_to_date
    done = database_bring_up_to_date()
    if done:
        print(f"Indexed {done} tools waiting for their search documents (an interrupted import "
              f"or an upgrade).", file=sys.stderr)


def cmd_import(args) -> int:
    from atlas.dataio.imports import ImportFileError, import_file
    try:
        report = import_file(args.path, kind=args.kind, dry_run=args.dry_run,
                             skip_invalid=args.skip_invalid,
                             progress=_single_progress(args.path))
    except ImportFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _print_report(report, out=sys.stderr if report.problems else sys.stdout)
    if report.problems and not report.written:
        print("Nothing was imported." + ("" if args.dry_run else
              " Fix the problems above, or pass --skip-invalid to import the valid rows."),
              file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"Dry run: the file is valid ({report.rows} rows); nothing was written.")
    return 0


def _single_progress(path):
    return _progress_bar("")("import", path)


def cmd_load_default(args) -> int:
    from atlas.dataio.dataset import catalogue_is_empty, load_default_dataset
    if not catalogue_is_empty() and not (args.force or args.dry_run):
        print("The catalogue is not empty; pass --force to import the default dataset over it "
              "(records are matched by slug and updated).")
        return 1
    reports = load_default_dataset(progress_factory=_progress_bar("(default dataset)"),
                                   dry_run=args.dry_run)
    for report in reports:
        _print_report(report)
    if args.dry_run and not any(r.problems for r in reports):
        print("Dry run: the default dataset is valid; nothing was written.")
    return 1 if any(r.problems for r in reports) else 0


def cmd_manage(args) -> int:
    from django.core.management import execute_from_command_line
    execute_from_command_line(["atlas manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="atlas", description="Operate the Anti-Trafficking Tech Atlas.",
        epilog="The database is ATLAS_DATABASE_URL (default: SQLite in ./var). See docs/operations.md.")
    # Every command runs with Django set up (main); data commands ask for migrate=True.
    parser.set_defaults(django=True, migrate=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("serve", help="migrate, load the default dataset if empty, and serve with gunicorn")
    p.add_argument("--host", help="address to bind (default $HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default $PORT or 8000)")
    p.add_argument("--workers", type=int,
                   help="gunicorn worker processes (default $WEB_CONCURRENCY or 2)")
    p.add_argument("--threads", type=int, help="threads per worker (default $ATLAS_THREADS or 2)")
    p.set_defaults(func=cmd_serve, django=False)  # sets Django up once its settings are chosen

    p = sub.add_parser("import", help="validate and load a CSV or JSON file of tools, organisations or helplines")
    p.add_argument("path")
    p.add_argument("--kind", choices=["tools", "organisations", "helplines", "profiles"],
                   help="what the file holds (default: detected from its header)")
    p.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    p.add_argument("--skip-invalid", action="store_true",
                   help="import the valid rows even if some rows are invalid")
    p.set_defaults(func=cmd_import, migrate=True)

    p = sub.add_parser("load-default", help="load the default dataset shipped with the Atlas")
    p.add_argument("--force", action="store_true", help="load even if the catalogue is not empty")
    p.add_argument("--dry-run", action="store_true",
                   help="check every file as a load would; write nothing")
    p.set_defaults(func=cmd_load_default, migrate=True)

    for module in COMMAND_MODULES:
        module.register(sub)

    p = sub.add_parser("manage", help="run a Django management command (atlas manage help)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv=None) -> None:
    args = build_parser().parse_args(argv)
    if args.django:
        setup_django()
    if args.migrate:
        _migrate_quietly()
    sys.exit(args.func(args))
