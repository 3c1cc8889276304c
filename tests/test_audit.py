"""The dependency audit (scripts/audit.py): what it checks, and when it fails (SECURITY.md)."""

import datetime
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("atlas_audit", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(spec)
sys.modules["atlas_audit"] = audit  # dataclasses look their module up
spec.loader.exec_module(audit)

TODAY = datetime.date(2026, 6, 1)
PIP_REPORT = {"dependencies": [
    {"name": "django", "version": "5.2.0", "vulns": [
        {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-1", "GHSA-aaaa-bbbb-cccc"],
         "fix_versions": ["5.2.1"], "description": "SQL injection in something"}]},
    {"name": "whitenoise", "version": "6.7.0", "vulns": []}]}
NPM_REPORT = {"auditReportVersion": 2, "vulnerabilities": {"leaflet": {
    "name": "leaflet", "severity": "high", "range": "<1.9.5", "via": [
        {"source": 1099, "name": "leaflet", "title": "XSS in popups",
         "url": "https://github.com/advisories/GHSA-xxxx-yyyy-zzzz"}]}}}


def test_every_vendored_package_is_listed_with_its_version():
    listed = {(name, version) for name, version, _readme in audit.vendored_packages()}
    assert {("leaflet", "1.9.4"), ("leaflet.markercluster", "1.5.3"), ("libsodium", "0.8.4"),
            ("libsodium-wrappers", "0.8.4"), ("axe-core", "4.14.1")} <= listed
    # Every vendor folder shipped with the Atlas has a README whose table the audit reads.
    for vendor in ROOT.glob("atlas/**/vendor"):
        assert any(readme.is_relative_to(vendor) for _n, _v, readme in audit.vendored_packages()), vendor


def test_the_listed_leaflet_version_is_the_vendored_file():
    header = (ROOT / "atlas/geo/static/vendor/leaflet/leaflet.js").read_text()[:200]
    versions = {n: v for n, v, _r in audit.vendored_packages()}
    assert f"Leaflet {versions['leaflet']}," in header


def test_the_npm_lock_names_exactly_the_vendored_versions():
    manifest, lock = audit.npm_project([("leaflet", "1.9.4", None), ("axe-core", "4.14.1", None)])
    assert manifest["dependencies"] == {"leaflet": "1.9.4", "axe-core": "4.14.1"}
    assert lock["lockfileVersion"] == 3
    assert lock["packages"]["node_modules/leaflet"] == {"version": "1.9.4"}


def test_a_known_vulnerability_fails_the_audit():
    results = [audit.parse_pip_audit(PIP_REPORT), audit.parse_npm_audit(NPM_REPORT, [
        ("leaflet", "1.9.4", None)])]
    code, lines = audit.decide(results, {}, [], strict=False)
    assert code == 1
    assert any("VULNERABLE: PyPI django 5.2.0: PYSEC-2099-1" in line for line in lines)
    assert any("VULNERABLE: npm leaflet 1.9.4: GHSA-xxxx-yyyy-zzzz" in line for line in lines)


def _accepted(tmp_path, until, ident="CVE-2099-1"):
    path = tmp_path / "audit-accepted.toml"
    path.write_text(f'[[accept]]\nid = "{ident}"\npackage = "django"\n'
                    f'reason = "the affected feature is unused"\nuntil = {until}\n')
    return audit.load_accepted(path, today=TODAY)


def test_an_accepted_vulnerability_passes_until_its_date(tmp_path):
    accepted, problems = _accepted(tmp_path, "2026-09-30")  # an alias of the finding's id
    code, lines = audit.decide([audit.parse_pip_audit(PIP_REPORT)], accepted, problems,
                               strict=True)
    assert code == 0 and any(line.startswith("accepted: PyPI django") for line in lines)


@pytest.mark.parametrize("until, message", [("2026-05-31", "has passed"),
                                            ("2027-12-31", "more than a year"),
                                            ('"soon"', "must be a date")])
def test_an_expired_or_open_ended_acceptance_fails(tmp_path, until, message):
    accepted, problems = _accepted(tmp_path, until)
    code, lines = audit.decide([audit.parse_pip_audit(PIP_REPORT)], accepted, problems,
                               strict=False)
    assert code == 1 and any(message in line for line in lines)


def test_an_acceptance_needs_a_reason(tmp_path):
    path = tmp_path / "audit-accepted.toml"
    path.write_text('[[accept]]\nid = "CVE-1"\npackage = "x"\nuntil = 2026-07-01\n')
    assert audit.load_accepted(path, today=TODAY) == ({}, [
        "audit-accepted.toml, acceptance 1: missing reason"])


def test_the_project_acceptances_are_valid():
    _accepted_, problems = audit.load_accepted()
    assert problems == []


def test_packages_the_service_could_not_check_are_never_reported_clean():
    skipped = {"dependencies": [{"name": "django", "skip_reason": "Dependency not found on PyPI"}]}
    npm_down = {"message": "405 Method Not Allowed - POST .../advisories/bulk"}
    results = [audit.parse_pip_audit(skipped), audit.parse_npm_audit(npm_down, [
        ("leaflet", "1.9.4", None)])]
    code, lines = audit.decide(results, {}, [], strict=False)
    assert code == 0 and any("SKIPPED" in line for line in lines)
    assert not any("no known vulnerability" in line for line in lines)
    code, lines = audit.decide(results, {}, [], strict=True)
    assert code == 3 and "2 packages could not be checked" in lines[0]


def test_the_whole_run_fails_on_a_vulnerable_installed_package(tmp_path, monkeypatch, capsys):
    # A stand-in for pip-audit that reports what the real one would for a vulnerable Django.
    fake = tmp_path / "pip-audit"
    fake.write_text(f"#!{sys.executable}\nimport json, sys\n"
                    "out = sys.argv[sys.argv.index('-o') + 1]\n"
                    f"open(out, 'w').write(json.dumps({PIP_REPORT!r}))\n")
    fake.chmod(0o755)
    monkeypatch.setattr(audit.shutil, "which", lambda name: None)  # no npm: unchecked
    monkeypatch.setattr(audit, "ACCEPTED", tmp_path / "none.toml")
    assert audit.main(["--pip-audit", str(fake)]) == 1
    err = capsys.readouterr().err
    assert "VULNERABLE: PyPI django 5.2.0" in err and "npm is not installed" in err
    assert audit.main(["--pip-audit", str(tmp_path / "missing")]) == 0  # offline: skipped
    assert audit.main(["--pip-audit", str(tmp_path / "missing"), "--strict"]) == 3
