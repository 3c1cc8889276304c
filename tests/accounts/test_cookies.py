"""Cookies a visitor's device keeps: session-length CSRF cookie, SameSite=Strict, __Host- names
over HTTPS; `check --deploy` sees the CSRF cookie settings despite the subclassed middleware."""

import os
import secrets
import subprocess
import sys

import pytest


def test_a_form_page_sets_a_csrf_cookie_that_ends_with_the_browser_session(client, db):
    cookie = client.get("/submit/tool/").cookies["csrftoken"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # no date: gone when the browser closes
    assert cookie["samesite"] == "Strict" and cookie["httponly"] is True


def test_the_session_cookie_is_strict_too(settings):
    assert settings.SESSION_COOKIE_SAMESITE == "Strict" and settings.SESSION_COOKIE_HTTPONLY


def _prod(code, tmp_path, **env):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "atlas.settings.prod",
           "ATLAS_SECRET_KEY": secrets.token_urlsafe(60), "ATLAS_DATA_DIR": str(tmp_path), **env}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if "ATLAS_HTTPS" not in env or env["ATLAS_HTTPS"] is None:
        env.pop("ATLAS_HTTPS", None)
    return subprocess.run([sys.executable, *code], env=env, capture_output=True, text=True)


SHOW = ["-c", "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_AGE)"]


def test_production_over_https_uses_host_prefixed_cookie_names(tmp_path):
    out = _prod(SHOW, tmp_path, ATLAS_HTTPS=None)
    assert out.stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "None"], out.stderr


def test_plain_http_keeps_plain_names_which_browsers_would_refuse_with_the_prefix(tmp_path):
    out = _prod(SHOW, tmp_path, ATLAS_HTTPS="false")
    assert out.stdout.split() == ["sessionid", "csrftoken", "None"], out.stderr


def test_check_deploy_reports_an_insecure_csrf_cookie_again(tmp_path):
    out = _prod(["-m", "atlas", "manage", "check", "--deploy"], tmp_path, ATLAS_HTTPS="false")
    assert "security.W016" in out.stdout + out.stderr


def test_check_deploy_reports_a_persistent_csrf_cookie(settings):
    from django.core.checks.security.csrf import W016

    from atlas.accounts.checks import csrf_cookie_settings
    settings.CSRF_COOKIE_SECURE = True
    assert csrf_cookie_settings(None) == []
    settings.CSRF_COOKIE_AGE = 365 * 24 * 3600
    settings.CSRF_COOKIE_SECURE = False
    assert [w.id for w in csrf_cookie_settings(None)] == [W016.id, "atlas.W010"]


@pytest.mark.parametrize("secure", [False, True])
def test_a_same_site_form_post_still_works_with_strict_cookies(client, db, secure):
    from django.test import Client
    browser = Client(enforce_csrf_checks=True)
    token = browser.get("/submit/tool/", secure=secure).cookies["csrftoken"].value
    response = browser.post("/submit/tool/", {
        "name": "Harbour Watch", "description": "Lets port workers report forced labour at sea.",
        "source_url": "https://harbour.example/", "countries": "", "csrfmiddlewaretoken": token},
        secure=secure, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 302
