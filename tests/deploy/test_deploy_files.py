"""What an operator copies from deploy/ is valid as it stands, and every setting is documented."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OPERATIONS_MD = (ROOT / "docs" / "operations.md").read_text()
DOCS = "\n".join(p.read_text() for p in sorted((ROOT / "docs").glob("*.md")))


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is missing")
def test_the_systemd_units_verify_without_a_warning(tmp_path):
    # The unit as shipped, pointing at this checkout's atlas and the example settings.
    unit = (DEPLOY / "systemd" / "atlas@.service").read_text()
    unit = unit.replace("/srv/atlas/venv/bin/atlas", str(Path(sys.executable).parent / "atlas"))
    unit = unit.replace("/etc/atlas/atlas.env", str(DEPLOY / "atlas.env.example"))
    (tmp_path / "atlas@.service").write_text(unit)
    shutil.copy(DEPLOY / "systemd" / "atlas.target", tmp_path)
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", "atlas@8001.service",
                           "atlas.target"], cwd=tmp_path, capture_output=True, text=True)
    output = [line for line in (done.stdout + done.stderr).splitlines()
              # Outside a booted systemd (CI containers) the dependencies cannot be loaded.
              if "not found" not in line and "Failed to" not in line]
    assert done.returncode == 0 and output == [], done.stdout + done.stderr


def test_the_unit_runs_every_app_server_on_loopback_with_its_port():
    unit = (DEPLOY / "systemd" / "atlas@.service").read_text()
    assert re.search(r"^ExecStart=\S+/atlas serve --host 127\.0\.0\.1 --port %i$", unit, re.M)
    assert "ProtectSystem=strict" in unit and "NoNewPrivileges=yes" in unit


def test_gunicorn_opens_no_control_socket_that_app_servers_would_share():
    from gunicorn.config import Config

    from atlas.cli import gunicorn_command
    command = gunicorn_command(host="127.0.0.1", port="8001", workers="1", threads="2")
    if "control_socket_disable" in Config().settings:
        assert "--no-control-socket" in command
    else:
        assert not any("control" in part for part in command)


def settings_read_from_the_environment():
    names = set()
    for path in [*(ROOT / "atlas" / "settings").glob("*.py"), ROOT / "atlas" / "cli.py"]:
        names |= set(re.findall(r"""environ(?:\.get)?[(\[]["'](ATLAS_[A-Z_]+)""", path.read_text()))
        names |= set(re.findall(r"""env_(?:bool|list)\(["'](ATLAS_[A-Z_]+)""", path.read_text()))
    return names


def test_every_setting_is_documented():
    documented = set(re.findall(r"`(ATLAS_[A-Z_]+)`", DOCS))
    test_only = {"ATLAS_TEST_DB_SUFFIX"}
    missing = settings_read_from_the_environment() - documented - test_only
    assert not missing, f"no page in docs/ documents {sorted(missing)}"


def test_the_example_environment_file_sets_only_documented_settings():
    env = [line.split("=", 1)[0] for line in (DEPLOY / "atlas.env.example").read_text().splitlines()
           if line and not line.startswith("#")]
    documented = set(re.findall(r"`([A-Z_]+)`", DOCS))
    assert set(env) - documented == set()
