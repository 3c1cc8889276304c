import io
import sys

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from atlas.accounts.models import LoginThrottle
from atlas.cli import main


def run(monkeypatch, argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    return exit_.value.code


@pytest.mark.django_db
def test_creating_a_curator_enrols_a_second_factor_and_shows_the_otpauth_uri(monkeypatch,
                                                                             capsys):
    assert run(monkeypatch, ["accounts", "create", "alice", "--password-stdin"],
               "a-long-enough-passphrase\n") == 0
    out = capsys.readouterr().out
    device = TOTPDevice.objects.get(user__username="alice")
    assert device.confirmed and device.config_url in out
    assert "otpauth://totp/Anti-Trafficking%20Tech%20Atlas%3Aalice?secret=" in out
    assert "█" in out or "▀" in out or "▄" in out  # the terminal QR code


@pytest.mark.django_db
def test_accounts_create_makes_an_organisation_editor_linked_to_an_organisation(
        monkeypatch, capsys, organisation_factory):
    org = organisation_factory("Polaris")
    assert run(monkeypatch, ["accounts", "create", "carol", "--role", "organisation-editors",
                             "--organisation", org.slug, "--password-stdin"],
               "a-long-enough-passphrase\n") == 0
    user = User.objects.get(username="carol")
    assert user.groups.get().name == "organisation-editors" and not user.is_staff
    assert user.memberships.get().organisation == org
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert "otpauth://" not in capsys.readouterr().out


@pytest.mark.django_db
def test_accounts_create_refuses_an_unknown_organisation(monkeypatch, capsys):
    assert run(monkeypatch, ["accounts", "create", "dan", "--role", "organisation-editors",
                             "--organisation", "nope", "--password-stdin"], "x" * 20 + "\n") == 2
    assert "no organisation with slug nope" in capsys.readouterr().err
    assert not User.objects.filter(username="dan").exists()


@pytest.mark.django_db
def test_accounts_totp_replaces_the_device_and_unlock_clears_the_lock(monkeypatch, capsys, curator):
    old = curator.device.pk
    assert run(monkeypatch, ["accounts", "totp", "curator"]) == 0
    assert TOTPDevice.objects.get(user=curator).pk != old
    from atlas.accounts.services import _account_key
    LoginThrottle.objects.create(account=_account_key("curator"), failures=3)
    assert run(monkeypatch, ["accounts", "unlock", "curator"]) == 0
    assert not LoginThrottle.objects.exists()
    assert run(monkeypatch, ["accounts", "totp", "nobody"]) == 2


@pytest.mark.django_db
def test_administrators_hold_curator_permissions_and_the_audit_log(administrator, curator, editor):
    assert administrator.has_perm("submissions.review_submission")
    assert administrator.has_perm("accounts.view_auditevent")
    assert curator.has_perm("submissions.review_submission")
    assert not curator.has_perm("accounts.view_auditevent")
    assert not editor.has_perm("submissions.review_submission")
    assert not any(u.has_perm("accounts.change_auditevent") for u in (administrator, curator))


def test_the_help_lists_the_account_key_and_story_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("accounts", "keys", "stories"):
        assert f"    {command}" in out, command


@pytest.mark.django_db
def test_roles_are_set_up_even_when_permissions_were_flushed():
    from django.contrib.auth.models import Permission

    from atlas.accounts.services import role_group
    Permission.objects.filter(content_type__app_label="submissions").delete()
    group = role_group("curators")
    assert group.permissions.filter(codename="review_submission").exists()
