"""Sign-in failures tell nothing about which part was wrong; curators are not named publicly."""

import re

import pytest

from atlas.revisions.services import tool_verify_by_curator
from tests.accounts.fixtures import PASSWORD, current_code, make_account

pytestmark = pytest.mark.django_db
LOGIN = "/account/login/"


def _answer(client, username, password, token=""):
    response = client.post(LOGIN, {"username": username, "password": password,
                                   "otp_token": token, "next": "/curate/"})
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    # The form shows back the name typed (never the password or the code).
    html = html.replace(f'value="{username}"', "")
    return response.status_code, html


def test_a_right_password_without_its_code_looks_like_a_wrong_password(client, curator):
    wrong_password = _answer(client, "curator", "not-the-password-at-all")
    right_password_no_code = _answer(client, "curator", PASSWORD)
    wrong_code = _answer(client, "curator", PASSWORD,
                         "000000" if current_code(curator.device) != "000000" else "111111")
    unknown_account = _answer(client, "nobody", PASSWORD)
    assert wrong_password == right_password_no_code == wrong_code
    assert unknown_account[0] == wrong_password[0] == 400


def test_a_curator_with_no_authenticator_enrolled_gets_the_same_answer(client, db):
    make_account("fresh", "curators")  # no `atlas accounts totp` yet
    assert _answer(client, "fresh", PASSWORD) == _answer(client, "fresh", "not-the-password-x")
    from atlas.accounts.models import AuditEvent
    assert AuditEvent.objects.filter(object_id__startswith="no second factor").exists()


def test_public_history_and_verification_show_a_role_not_a_user_name(client, tool_factory):
    curator = make_account("alice-k", "curators", )
    curator.first_name = "Alice"
    curator.save()
    tool = tool_factory("Harbour Watch")
    tool_verify_by_curator(tool=tool, user=curator)
    for url in (tool.get_absolute_url(), f"/tools/{tool.slug}/history/"):
        html = client.get(url).content.decode()
        assert "by a curator" in html, url
        assert "Alice" not in html and "alice-k" not in html, url
