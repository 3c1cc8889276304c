"""`atlas export-site DIR`: a static copy of the public Atlas for field offices (docs/offline.md)."""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub):
    p = sub.add_parser("export-site", help="write a static copy of the public Atlas (every language) "
                                           "that works from disk or any static server")
    p.add_argument("dir", help="an empty directory to write the copy into")
    p.add_argument("--zip", metavar="FILE", nargs="?", const="", default=None,
                   help="also write a zip of the copy (default name: DIR.zip)")
    p.add_argument("--language", action="append", dest="languages", metavar="CODE",
                   help="export only this language (repeatable; default: all)")
    p.add_argument("--jobs", type=int, help="languages exported in parallel (default: CPUs)")
    p.add_argument("--force", action="store_true", help="replace an earlier export in DIR")
    p.set_defaults(func=cmd_export_site)


def cmd_export_site(args) -> int:
    from atlas.offline.services import ExportError, site_export
    dest = Path(args.dir)
    zip_path = None
    if args.zip is not None:
        zip_path = Path(args.zip) if args.zip else dest.with_name(dest.name + ".zip")
    try:
        report = site_export(dest=dest, languages=args.languages, zip_path=zip_path,
                             jobs=args.jobs, force=args.force)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    print(report.summary())
    print(f"Open {report.dest / 'index.html'} in a browser, or serve {report.dest} with any "
          f"static web server.")
    return 1 if report.problems else 0
