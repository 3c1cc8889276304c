"""CLI: `atlas harvest URL`."""

from __future__ import annotations

import sys

from atlas.harvest.limits import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "harvest", help="pull every tool from another Atlas's API into the review queue, "
        "with provenance")
    p.add_argument("url", help="address of the other Atlas, e.g. https://atlas.example.org")
    p.add_argument("--dry-run", action="store_true",
                   help="fetch and compare, print the summary, write nothing")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds allowed for each response (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                   help=f"largest response accepted (default {DEFAULT_MAX_BYTES:,})")
    p.set_defaults(func=cmd_harvest)


def _tqdm_progress(desc):
    from tqdm import tqdm
    state = {}

    def progress(total=None, advance=0):
        if total is not None:
            # On terminals only (disable=None), so logs and tests stay clean.
            state["bar"] = tqdm(total=total, desc=desc, unit="tools", disable=None, leave=False)
        if advance and "bar" in state:
            state["bar"].update(advance)
    progress.close = lambda: state.get("bar") and state["bar"].close()
    return progress


def cmd_harvest(args) -> int:
    from atlas.harvest.services import HarvestError, harvest
    progress = _tqdm_progress("harvest")
    try:
        report = harvest(args.url, dry_run=args.dry_run, timeout=args.timeout,
                         max_bytes=args.max_bytes, progress=progress)
    except HarvestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return 2
    finally:
        progress.close()
    for slug, reason in report.refused:
        print(f"  refused {slug}: {reason}", file=sys.stderr)
    for slug in report.proposed:
        print(f"  proposed new tool {slug}")
    for slug, why in report.corrections:
        print(f"  proposed a correction to {slug} (the record here is {why})")
    print(report.summary())
    return 0
