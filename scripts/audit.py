#!/usr/bin/env python3
"""Dependency audit: known vulnerabilities in the installed Python packages and the vendored npm
packages, with accepted exceptions in audit-accepted.toml (SECURITY.md explains both).

    .venv/bin/python scripts/audit.py            # `make test`: skips what cannot be checked offline
    .venv/bin/python scripts/audit.py --strict   # `make audit`: anything unchecked is a failure

Python: every package installed in the project's environment (`pip freeze`, exact versions) is
checked by pip-audit (installed apart, in .venv-audit, by `make audit-deps`) against PyPI's
vulnerability data. npm: the packages and versions listed in the vendor READMEs' tables
(atlas/**/vendor/**/README.md, tests/**/vendor/README.md) become a package.json and lock file,
checked by `npm audit`. Both need the network. A package the service could not check (offline,
not on PyPI, an endpoint that refuses) is "unchecked", never "clean".

Exit codes: 0 clean (or, without --strict, nothing could be checked); 1 known vulnerabilities
not accepted, or an acceptance that has expired or is malformed; 3 (--strict) some packages
could not be checked.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = ROOT / "audit-accepted.toml"
VENDOR_READMES = ("atlas/**/vendor/**/README.md", "atlas/**/vendor/README.md",
                  "tests/**/vendor/README.md")


@dataclass(frozen=True)
class Finding:
    ecosystem: str
    package: str
    version: str
    id: str
    aliases: tuple = ()
    summary: str = ""

    def ids(self) -> set[str]:
        return {self.id, *self.aliases}


@dataclass
class Result:
    findings: list = field(default_factory=list)
    unchecked: list = field(default_factory=list)  # "package version: why"


# --- what to audit -------------------------------------------------------------------------------

def vendored_packages(root: Path = ROOT) -> list[tuple[str, str, Path]]:
    """(npm name, version, README) from every vendor README's table with the columns
    "Package (npm)" and "Version"."""
    found = []
    readmes = sorted({p for pattern in VENDOR_READMES for p in root.glob(pattern)})
    for readme in readmes:
        header = None
        for line in readme.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not line.lstrip().startswith("|"):
                header = None
                continue
            if header is None:
                if "Package (npm)" in cells and "Version" in cells:
                    header = cells
                continue
            if set("".join(cells)) <= set("-: "):
                continue  # the |---|---| line
            row = dict(zip(header, cells))
            name, version = row.get("Package (npm)", ""), row.get("Version", "")
            if name and version:
                found.append((name.strip("`"), version.strip("`"), readme))
    return found


def npm_project(packages) -> tuple[dict, dict]:
    """A package.json and a package-lock.json (v3) naming exactly these versions."""
    deps = {name: version for name, version, _readme in packages}
    manifest = {"name": "atlas-vendored", "version": "0.0.0", "private": True,
                "dependencies": deps}
    lock = {"name": "atlas-vendored", "version": "0.0.0", "lockfileVersion": 3, "requires": True,
            "packages": {"": {"name": "atlas-vendored", "version": "0.0.0", "dependencies": deps},
                         **{f"node_modules/{n}": {"version": v} for n, v in deps.items()}}}
    return manifest, lock


# --- reading the tools' reports ------------------------------------------------------------------

def parse_pip_audit(report: dict) -> Result:
    """pip-audit's JSON: vulnerabilities, and packages it skipped (which are unchecked)."""
    result = Result()
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            result.unchecked.append(f"{dep['name']}: {dep['skip_reason']}")
            continue
        for vuln in dep.get("vulns", []):
            result.findings.append(Finding("PyPI", dep["name"], dep.get("version", ""),
                                           vuln["id"], tuple(vuln.get("aliases", ())),
                                           (vuln.get("description") or "")[:120]))
    return result


def _advisory_id(via: dict) -> str:
    match = re.search(r"GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}", via.get("url", ""))
    return match.group(0) if match else str(via.get("source", "npm-advisory"))


def parse_npm_audit(report: dict, packages) -> Result:
    """`npm audit --json`: its vulnerabilities, or, when it could not ask, every package unchecked."""
    result = Result()
    if "vulnerabilities" not in report:
        why = report.get("message") or report.get("error", {}).get("summary") or "no answer"
        result.unchecked = [f"{n} {v}: npm audit failed ({why})" for n, v, _r in packages]
        return result
    versions = {n: v for n, v, _r in packages}
    for name, entry in report["vulnerabilities"].items():
        for via in entry.get("via", []):
            if isinstance(via, dict):  # a string names another vulnerable package
                result.findings.append(Finding("npm", name, versions.get(name, ""),
                                               _advisory_id(via), (), via.get("title", "")))
    return result


# --- accepted exceptions -------------------------------------------------------------------------

def load_accepted(path: Path = ACCEPTED, today: datetime.date | None = None):
    """({id: entry}, problems). Each [[accept]] needs id, package, reason and until (a date no
    more than a year ahead); an acceptance past its date no longer counts and is a problem."""
    today = today or datetime.date.today()
    if not path.exists():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"{path.name}: not valid TOML ({exc})"]
    accepted, problems = {}, []
    for i, entry in enumerate(data.get("accept", []), start=1):
        missing = [k for k in ("id", "package", "reason", "until") if not entry.get(k)]
        if missing:
            problems.append(f"{path.name}, acceptance {i}: missing {', '.join(missing)}")
            continue
        until = entry["until"]
        if not isinstance(until, datetime.date) or isinstance(until, datetime.datetime):
            problems.append(f"{path.name}, {entry['id']}: until must be a date (2027-01-31)")
        elif until < today:
            problems.append(f"{path.name}, {entry['id']}: accepted until {until}, which has "
                            "passed: upgrade, or review and renew the acceptance")
        elif until > today + datetime.timedelta(days=366):
            problems.append(f"{path.name}, {entry['id']}: until {until} is more than a year "
                            "ahead; accept for a shorter time and review it")
        else:
            accepted[entry["id"]] = entry
    return accepted, problems


def decide(results, accepted: dict, problems: list, *, strict: bool) -> tuple[int, list[str]]:
    """The exit code and the lines to print."""
    lines, code = [], 0
    findings = [f for r in results for f in r.findings]
    unchecked = [u for r in results for u in r.unchecked]
    open_ = [f for f in findings if not f.ids() & accepted.keys()]
    for f in findings:
        if f not in open_:
            lines.append(f"accepted: {f.ecosystem} {f.package} {f.version} {f.id} "
                         f"({accepted[next(iter(f.ids() & accepted.keys()))]['reason']})")
    for f in open_:
        lines.append(f"VULNERABLE: {f.ecosystem} {f.package} {f.version}: {f.id} "
                     f"{' '.join(f.aliases)} {f.summary}".rstrip())
    lines += [f"audit-accepted.toml: {p}" for p in problems]
    if open_ or problems:
        code = 1
    if unchecked:
        lines.append(f"unchecked: {len(unchecked)} packages could not be checked, e.g. "
                     + "; ".join(unchecked[:3]))
        if strict:
            code = code or 3
        elif not open_ and not problems:
            lines.append("dependency audit SKIPPED for those (no vulnerability service reachable "
                         "here); run `make audit` where PyPI and the npm registry answer")
    if code == 0 and not unchecked:
        lines.append(f"dependency audit: no known vulnerability ({len(findings)} accepted)")
    return code, lines


# --- running the tools ---------------------------------------------------------------------------

def run_pip_audit(pip_audit: Path, python: Path) -> Result:
    freeze = subprocess.run([str(python), "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    pinned = [line for line in freeze.splitlines() if "==" in line and not line.startswith("#")]
    if not pip_audit.exists():
        return Result(unchecked=[f"{line}: pip-audit is not installed (make audit-deps)"
                                 for line in pinned])
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text("\n".join(pinned) + "\n")
        out = Path(tmp) / "report.json"
        run = subprocess.run([str(pip_audit), "-r", str(requirements), "--no-deps", "--disable-pip",
                              "--format", "json", "--progress-spinner", "off", "-o", str(out)],
                             capture_output=True, text=True)
        if not out.exists() or not out.read_text().strip():
            why = (run.stderr.strip().splitlines() or ["no report"])[-1]
            return Result(unchecked=[f"{line}: pip-audit failed ({why})" for line in pinned])
        return parse_pip_audit(json.loads(out.read_text()))


def run_npm_audit(packages) -> Result:
    if not packages:
        return Result()
    npm = shutil.which("npm")
    if npm is None:
        return Result(unchecked=[f"{n} {v}: npm is not installed" for n, v, _r in packages])
    manifest, lock = npm_project(packages)
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "package.json").write_text(json.dumps(manifest))
        Path(tmp, "package-lock.json").write_text(json.dumps(lock))
        run = subprocess.run([npm, "audit", "--json", "--package-lock-only", "--audit=true"],
                             cwd=tmp, capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(run.stdout or "{}")
    except json.JSONDecodeError:
        report = {"message": (run.stderr.strip().splitlines() or ["no answer"])[-1]}
    return parse_npm_audit(report, packages)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strict", action="store_true",
                        help="fail (exit 3) when any package could not be checked")
    parser.add_argument("--pip-audit", type=Path, default=ROOT / ".venv-audit/bin/pip-audit")
    parser.add_argument("--python", type=Path, default=Path(sys.executable),
                        help="the interpreter whose installed packages are audited")
    args = parser.parse_args(argv)
    accepted, problems = load_accepted()
    results = [run_pip_audit(args.pip_audit, args.python), run_npm_audit(vendored_packages())]
    code, lines = decide(results, accepted, problems, strict=args.strict)
    for line in lines:
        print(line, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
