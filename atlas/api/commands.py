"""CLI: `atlas export`, in every registered format."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from atlas.catalogue.exporters import EXPORTERS, tools_for_export


def cmd_export(args) -> int:
    """Every registered format (one stream, or one file per tool for dpg), or the other records
    in their import format."""
    from django.conf import settings

    from atlas.api.site import site_url, site_url_problem
    from atlas.dataio.exports import export_records
    if args.kind == "profiles" and args.format != "csv":
        print("error: profiles export as csv (one row per entry); the json export of tools "
              "carries each tool's profile", file=sys.stderr)
        return 2
    if args.kind != "tools":
        if args.format not in ("csv", "json"):
            print(f"error: {args.kind} export as csv or json only", file=sys.stderr)
            return 2
        out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
        try:
            count = export_records(kind=args.kind, fmt=args.format, out=out)
        finally:
            if args.output:
                out.close()
        if args.output:
            print(f"Exported {count} {args.kind} as {args.format} to {args.output}",
                  file=sys.stderr)
        return 0
    exporter = EXPORTERS[args.format]
    problem = site_url_problem(settings.ATLAS_SITE_URL)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    base_url = site_url()
    if exporter.absolute_links and not base_url:
        print(f"error: --format {args.format} links to the Atlas's pages with absolute URLs: "
              "set ATLAS_SITE_URL to the Atlas's public address, e.g. "
              f"ATLAS_SITE_URL=https://atlas.example.org atlas export --format {args.format}",
              file=sys.stderr)
        return 2
    tools = tools_for_export()
    if args.output:
        from tqdm import tqdm
        # Exporters iterate over the tools once: the bar follows them (on terminals only).
        progress = tqdm(tools, desc=f"export {args.format}", unit="tools", disable=None,
                        leave=False)
    else:
        progress = tools
    if exporter.binary:
        if not args.output:
            print(f"error: --format {args.format} writes one file per tool: give --output "
                  "DIRECTORY (or a path ending in .zip)", file=sys.stderr)
            return 2
        path = Path(args.output)
        if path.suffix == ".zip":
            with open(path, "wb") as fh:
                exporter.write(progress, fh, base_url=base_url)
        else:
            exporter.write_directory(progress, path, base_url=base_url)
    elif args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            exporter.write(progress, fh, base_url=base_url)
    else:
        exporter.write(tools, sys.stdout, base_url=base_url)
    left_out = exporter.left_out(tools)
    if args.output:
        print(f"Exported {len(tools) - len(left_out)} tools as {args.format} to {args.output}",
              file=sys.stderr)
    if left_out:
        reasons = Counter(reason for _slug, reason in left_out)
        print(f"Left out {len(left_out)} tools that --format {args.format} cannot hold: "
              + "; ".join(f"{count} {reason}" for reason, count in reasons.most_common()),
              file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export", help="write tools as CSV, JSON, GeoJSON, JSON-LD or DPG nominee files, or "
        "organisations, helplines and profiles in their import format")
    p.add_argument("--format", choices=sorted(EXPORTERS), default="json",
                   help="csv, json (the import format), geojson, jsonld or dpg (default json)")
    p.add_argument("--kind", choices=["tools", "organisations", "helplines", "profiles"],
                   default="tools",
                   help="records to export (organisations and helplines: csv or json; "
                        "profiles: csv)")
    p.add_argument("--output", help="file to write (default: standard output); a directory "
                                    "(or a .zip) for dpg")
    p.set_defaults(func=cmd_export, migrate=True)
