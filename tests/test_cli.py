import subprocess
import sys

import pytest

from atlas.cli import build_parser, main


def test_help_lists_every_command_with_one_line():
    help_text = build_parser().format_help()
    for command in ["serve", "import", "export", "accounts", "manage", "load-default",
                    "export-site", "backup", "harvest"]:
        assert f"    {command}" in help_text


def test_each_command_is_defined_once_and_no_command_module_sets_django_up():
    """The explicit list of command modules registers each command once (argparse refuses a
    second); none imports the entry point back: main() sets Django up before dispatch."""
    import inspect

    from atlas.cli import COMMAND_MODULES
    parser = build_parser()
    commands = next(a for a in parser._subparsers._group_actions).choices
    assert len(commands) == len(set(commands)) and "createcurator" not in commands
    for module in COMMAND_MODULES:
        source = inspect.getsource(module)
        assert "atlas.cli" not in source and "setup_django" not in source, module.__name__


def test_python_dash_m_atlas_works():
    out = subprocess.run([sys.executable, "-m", "atlas", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "import" in out.stdout


@pytest.mark.django_db
def test_import_command_dry_run_and_errors(tmp_path, capsys):
    good = tmp_path / "t.csv"
    good.write_text("name,description,source_url\nA,Does a,https://a.example\n")
    with pytest.raises(SystemExit) as exit_:
        main(["import", str(good), "--dry-run"])
    assert exit_.value.code == 0
    assert "nothing was written" in capsys.readouterr().out
    bad = tmp_path / "b.csv"
    bad.write_text("name,description,source_url\nA,Does a,gopher://a\n")
    with pytest.raises(SystemExit) as exit_:
        main(["import", str(bad)])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"{bad}, line 2, column 'source_url'" in err and "Nothing was imported" in err


@pytest.mark.django_db
def test_export_then_import_round_trips(tmp_path, tool_factory, capsys):
    tool_factory("Round Trip", organisations=["Org A"], countries=["KE", "global"],
                 purposes=["training"], aliases=["RT"], licence="MIT")
    out = tmp_path / "export.json"
    with pytest.raises(SystemExit):
        main(["export", "--format", "json", "--output", str(out)])
    from atlas.dataio.imports import import_file
    report = import_file(out)
    assert (report.unchanged, report.created, report.updated) == (1, 0, 0)


@pytest.mark.django_db
def test_accounts_create_makes_a_curator_by_default(monkeypatch, capsys):
    import io
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    with pytest.raises(SystemExit) as exit_:
        main(["accounts", "create", "alice", "--password-stdin"])
    assert exit_.value.code == 2 and "too short" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-passphrase\n"))
    with pytest.raises(SystemExit) as exit_:
        main(["accounts", "create", "alice", "--password-stdin"])
    assert exit_.value.code == 0
    from django.contrib.auth.models import User
    assert User.objects.get(username="alice").groups.filter(name="curators").exists()


def test_import_dry_run_names_organisations_that_would_be_created(tmp_path, capsys, db):
    path = tmp_path / "t.csv"
    path.write_text("name,organization,description,source_url\n"
                    "A,Brand New Org [funder],Does a,https://a.example\n")
    with pytest.raises(SystemExit):
        main(["import", str(path), "--dry-run"])
    assert "would be created with kind 'other': Brand New Org" in capsys.readouterr().out


@pytest.mark.django_db
def test_load_default_dry_run_checks_every_file_and_writes_nothing(capsys):
    from atlas.catalogue.models import Organisation, Tool
    with pytest.raises(SystemExit) as exit_:
        main(["load-default", "--dry-run"])
    assert exit_.value.code == 0
    assert "Dry run: the default dataset is valid; nothing was written." in capsys.readouterr().out
    assert not Tool.objects.exists() and not Organisation.objects.exists()


def test_every_data_command_that_writes_offers_dry_run():
    parser = build_parser()
    commands = next(a for a in parser._subparsers._group_actions).choices

    def subcommand(name, action):
        return next(a for a in commands[name]._subparsers._group_actions).choices[action]

    for found in (commands["import"], commands["load-default"], commands["harvest"],
                  subcommand("stories", "purge"), subcommand("submissions", "purge")):
        assert "--dry-run" in found.format_help(), found.prog
