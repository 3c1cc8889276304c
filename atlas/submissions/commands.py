"""`atlas keys generate` and `atlas stories export|purge`: the curators' story key and sealed stories."""

from __future__ import annotations

import argparse
import datetime
import getpass
import json
import os
import sys
from pathlib import Path


def register(sub):
    p = sub.add_parser("keys", help="generate the key pair that seals stories (the private half "
                                    "must leave the server)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    g = actions.add_parser("generate", help="create a key pair: the public key for the server, "
                                            "the private key in a file for the curators")
    g.add_argument("--private-key", metavar="FILE",
                   help="where to write the private key (default ./atlas-story-key-DATE.txt)")
    g.add_argument("--force", action="store_true",
                   help="replace an existing public key (stories sealed to the old key then "
                        "need the old private key)")
    g.set_defaults(func=cmd_keys_generate)

    p = sub.add_parser("stories", help="open sealed stories with the private key, or purge old ones")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    e = actions.add_parser("export", help="decrypt stories with the private key and write them as JSON")
    e.add_argument("--key", required=True, metavar="FILE", help="the private key file")
    e.add_argument("--output", metavar="FILE", help="file to write (default: standard output)")
    e.add_argument("--all", action="store_true", help="include reviewed stories, not only pending ones")
    e.set_defaults(func=cmd_stories_export)
    u = actions.add_parser("purge", help="delete unpublished stories older than N days "
                                         "(--dry-run: only count them)")
    u.add_argument("--days", type=int, help="age in days (default ATLAS_STORY_PURGE_DAYS)")
    _dry_run(u)
    u.set_defaults(func=cmd_stories_purge)

    p = sub.add_parser("submissions", help="purge old rejected proposals, corrections and solutions")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    u = actions.add_parser("purge", help="delete rejected or superseded tool proposals, corrections "
                                         "and solutions, and reviewed solutions, older than N days "
                                         "(--dry-run: only count them)")
    u.add_argument("--days", type=int, help="age in days (default ATLAS_SUBMISSION_PURGE_DAYS)")
    _dry_run(u)
    u.set_defaults(func=cmd_submissions_purge)


def _dry_run(parser) -> None:
    """The data commands' one convention: they write, and --dry-run only reports. `--commit`,
    which the purges once needed to write, is still accepted (a scheduled purge keeps working)
    and changes nothing."""
    parser.add_argument("--dry-run", action="store_true", help="count only; delete nothing")
    parser.add_argument("--commit", action="store_true", help=argparse.SUPPRESS)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def cmd_keys_generate(args) -> int:
    from atlas.submissions.stories import keypair_generate, public_key_path

    public_path = public_key_path()
    if public_path.exists() and not args.force:
        print(f"error: {public_path} already exists; pass --force to replace it", file=sys.stderr)
        return 2
    private_path = Path(args.private_key or f"atlas-story-key-{datetime.date.today()}.txt")
    private, public = keypair_generate()
    try:
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(f"error: {private_path} already exists", file=sys.stderr)
        return 2
    with os.fdopen(fd, "w") as fh:
        fh.write("# Anti-Trafficking Tech Atlas: private key that opens sealed stories.\n"
                 "# Keep it OFF the server, e.g. in a password manager or on an encrypted USB "
                 "stick held by the curators.\n" + private + "\n")
    public_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.write_text(public + "\n")
    print(f"Public key written to {public_path} (or set ATLAS_STORY_PUBLIC_KEY={public}).")
    print(f"Private key written to {private_path.resolve()}.")
    print("Move the private key off this server now, and keep a second copy in a safe place: "
          "without it, no sealed story can be read.")
    return 0


def cmd_stories_export(args) -> int:
    from atlas.accounts.models import AuditEvent
    from atlas.accounts.services import audit_record
    from atlas.submissions.models import Submission
    from atlas.submissions.stories import StoryKeyError, private_key_load, story_open

    try:
        key = private_key_load(args.key)
    except StoryKeyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    qs = Submission.objects.filter(kind=Submission.Kind.STORY).order_by("id")
    if not args.all:
        qs = qs.filter(status=Submission.Status.PENDING)
    stories, failed = [], []
    for submission in qs:
        try:
            story = story_open(sealed=submission.sealed, key=key)
        except StoryKeyError:
            failed.append(submission.pk)
            continue
        stories.append({"id": submission.pk, "received_on": submission.received_on.isoformat(),
                        "status": submission.status, **story})
    audit_record(actor=None, actor_name=_actor(), action=AuditEvent.Action.STORY_OPEN,
                 object_type="story", object_id=f"{len(stories)} exported")
    text = json.dumps({"stories": stories}, ensure_ascii=False, indent=1)
    if args.output:
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        print(f"{len(stories)} stories written to {args.output}.", file=sys.stderr)
    else:
        print(text)
    if failed:
        print(f"warning: this key cannot open stories {', '.join(map(str, failed))} "
              "(sealed to another key?)", file=sys.stderr)
    return 1 if failed and not stories else 0


def _purge_days(args, setting: str) -> int | None:
    """Django set up, and the age the purge commands remove past: --days, else the setting;
    None (after saying why) when it is negative."""
    from django.conf import settings

    days = getattr(settings, setting) if args.days is None else args.days
    if days < 0:
        print("error: --days must be 0 or more", file=sys.stderr)
        return None
    return days


def cmd_stories_purge(args) -> int:
    days = _purge_days(args, "ATLAS_STORY_PURGE_DAYS")
    if days is None:
        return 2
    from atlas.submissions.services import stories_purge
    count = stories_purge(older_than_days=days, commit=not args.dry_run, actor_name=_actor())
    if args.dry_run:
        print(f"Dry run: {count} unpublished stories were received more than {days} days ago; "
              "nothing was deleted.")
    else:
        print(f"Deleted {count} unpublished stories received more than {days} days ago.")
    return 0


def cmd_submissions_purge(args) -> int:
    days = _purge_days(args, "ATLAS_SUBMISSION_PURGE_DAYS")
    if days is None:
        return 2
    from atlas.submissions.services import submissions_purge
    counts = submissions_purge(older_than_days=days, commit=not args.dry_run,
                               actor_name=_actor())
    detail = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"
    total = sum(counts.values())
    if args.dry_run:
        print(f"Dry run: {total} closed submissions are older than {days} days ({detail}); "
              "nothing was deleted.")
    else:
        print(f"Deleted {total} closed submissions older than {days} days ({detail}).")
    return 0
