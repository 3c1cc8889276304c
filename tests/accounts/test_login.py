import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import override_settings
from django.urls import reverse

from atlas.accounts.models import AuditEvent, LoginThrottle
from atlas.settings import base
from tests.accounts.fixtures import PASSWORD, current_code

LOGIN = "/account/login/"


def post_login(client, username, password=PASSWORD, token="", next_url="/curate/"):
    return client.post(LOGIN, {"username": username, "password": password, "otp_token": token,
                               "next": next_url})


def test_passwords_are_hashed_with_argon2_by_the_base_settings():
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert identify_hasher(make_password("a-long-enough-passphrase")).algorithm == "argon2"


@pytest.mark.django_db
def test_a_password_shorter_than_twelve_characters_is_refused():
    from django.core.exceptions import ValidationError

    from atlas.accounts.services import account_create
    with pytest.raises(ValidationError, match="at least 12"):
        account_create(username="bob", email="", password="Short1!pass", role="curators")


def test_sessions_expire_after_thirty_idle_minutes_and_cookies_are_httponly(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Strict"


def test_production_settings_make_session_cookies_secure():
    import os
    import subprocess
    import sys
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "atlas.settings.prod",
           "ATLAS_SECRET_KEY": "x" * 60}
    env.pop("ATLAS_HTTPS", None)
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                          "from django.conf import settings as s; "
                          "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)"],
                         env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "True", "True"], out.stderr


def test_a_curator_signs_in_with_password_and_authenticator_code(client, curator):
    response = post_login(client, "curator", token=current_code(curator.device))
    assert response.status_code == 302 and response["Location"] == "/curate/"
    assert client.get("/curate/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=curator).exists()


def test_a_curator_without_the_code_is_not_signed_in(client, curator):
    response = post_login(client, "curator", token="")
    assert response.status_code == 400
    assert "user name, password or authentication code is wrong" in response.content.decode()
    assert client.get("/curate/").status_code == 302


def test_a_wrong_code_is_refused_and_counted(client, curator):
    good = current_code(curator.device)
    response = post_login(client, "curator", token="000000" if good != "000000" else "111111")
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action="login-failed", actor_name="curator").count() == 1


def test_an_organisation_editor_needs_no_second_factor(client, editor):
    response = post_login(client, "editor", next_url="/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" in client.session


def test_a_wrong_password_fails_with_a_generic_message_and_is_audited(client, curator):
    response = post_login(client, "curator", password="not-the-password")
    assert response.status_code == 400
    assert "user name, password or authentication code is wrong" in response.content.decode()
    event = AuditEvent.objects.get(action="login-failed")
    assert event.actor_name == "curator" and event.actor is None


def test_repeated_failures_slow_that_account_only(client, curator, editor, settings):
    settings.ATLAS_LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert post_login(client, "curator", password="wrong-password-x").status_code == 400
    # Waiting: even the right password and code are refused until the wait is over.
    response = post_login(client, "curator", token=current_code(curator.device))
    assert response.status_code == 400 and "Too many failed sign-ins" in response.content.decode()
    assert "Try again in 1 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login-locked").count() == 1
    # Another account is unaffected.
    assert post_login(client, "editor", next_url="/").status_code == 302


def _wait_is_over():
    from django.utils import timezone
    LoginThrottle.objects.update(locked_until=timezone.now() - timezone.timedelta(seconds=1))


def test_a_wait_ends_and_the_right_credentials_then_sign_in(client, editor, settings):
    settings.ATLAS_LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        post_login(client, "editor", password="wrong-password-x")
    _wait_is_over()
    assert post_login(client, "editor", next_url="/").status_code == 302
    assert not LoginThrottle.objects.exists()


def test_each_further_failure_doubles_the_wait_up_to_the_longest(client, db, settings):
    from django.utils import timezone
    settings.ATLAS_LOGIN_FAILURE_LIMIT, settings.ATLAS_LOGIN_LOCK_MINUTES = 2, 5
    waits = []
    for _ in range(7):
        post_login(client, "nobody-by-this-name", password="wrong-password-x")
        row = LoginThrottle.objects.get()
        waits.append(round((row.locked_until - timezone.now()).total_seconds() / 60))
        _wait_is_over()
    # The second failure (the limit) costs 1 minute, then 2, 4, then the longest wait (5).
    assert waits == [0, 1, 2, 4, 5, 5, 5]


def test_failures_are_forgotten_after_a_quiet_day(client, db, settings):
    from django.utils import timezone
    settings.ATLAS_LOGIN_FAILURE_LIMIT = 2
    for _ in range(3):
        post_login(client, "someone", password="wrong-password-x")
        _wait_is_over()
    LoginThrottle.objects.update(locked_until=timezone.now() - timezone.timedelta(days=1, seconds=1))
    post_login(client, "someone", password="wrong-password-x")
    assert LoginThrottle.objects.get().failures == 1


def test_the_throttle_table_never_holds_typed_account_names(client, db):
    post_login(client, "my-secret-passphrase-typed-as-name", password="x" * 12)
    row = LoginThrottle.objects.get()
    assert "secret" not in row.account and len(row.account) == 64


def test_unknown_accounts_are_audited_without_the_typed_name(client, db):
    post_login(client, "someone-typed-this", password="x" * 12)
    assert AuditEvent.objects.get().actor_name == "(unknown account)"


def test_login_redirects_only_to_this_site(client, editor):
    response = post_login(client, "editor", next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == reverse("submissions:account")


def test_logout_is_a_post_and_is_audited(curator_client, curator):
    assert curator_client.get("/account/logout/").status_code == 405
    assert curator_client.post("/account/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=curator).exists()
    assert curator_client.get("/curate/").status_code == 302


def test_the_login_page_is_never_cached(client, db):
    assert "no-store" in client.get(LOGIN)["Cache-Control"]


def test_an_editor_lands_on_their_account_page_with_their_tools_and_submissions(
        client, editor, tool_factory):
    from atlas.submissions.services import submission_create
    tool = tool_factory("Editor Tool", organisations=["Editor Org"])
    tool_factory("Someone Else's Tool")
    submission_create(kind="correction", tool=tool, payload={"changes": {"status": "dormant"}},
                      submitted_by=editor)
    response = client.post(LOGIN, {"username": "editor", "password": PASSWORD})
    assert response["Location"] == "/account/"
    page = client.get("/account/").content.decode()
    assert "Editor Tool" in page and f"/submit/correction/{tool.slug}/" in page
    assert "Someone Else" not in page
    mine = page.split('id="account-submissions"')[1].split("</section>")[0]
    assert "Editor Tool" in mine and "pending" in mine


def test_the_account_page_needs_a_signed_in_user(client, db):
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
