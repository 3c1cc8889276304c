"""Every curator and admin URL, found in the URL configuration, is closed to the wrong people."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from atlas.accounts.models import AuditEvent
from tests.accounts.fixtures import sign_in_verified

SAMPLE = {"int": "1", "slug": "some-tool", "str": "x", "path": "1/x"}


def _walk(patterns, prefix=""):
    for p in patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            yield prefix + route


def _regex_sample(match):
    body = match.group(1)
    return body.split("|")[0] if "|" in body else "x"  # (?P<app_label>auth|...) or (?P<url>.*)


def _concrete(route):
    route = route.replace("^", "").replace("\\Z", "").replace("$", "").replace("\\", "")
    route = re.sub(r"\(\?P<\w+>([^)]*)\)", _regex_sample, route)  # the admin's regex routes
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route)
    return "/" + route


def staff_urls():
    routes = [r for r in _walk(get_resolver().url_patterns)]
    urls = sorted({_concrete(r) for r in routes
                   if r.lstrip("^").startswith(("curate/", "admin/"))})
    # Signing in and out of the admin are for everyone.
    return [u for u in urls if not u.startswith(("/admin/login", "/admin/logout"))]


def test_the_url_configuration_has_curator_and_admin_urls():
    urls = staff_urls()
    assert "/curate/" in urls and "/curate/submissions/1/approve/" in urls
    assert "/admin/" in urls and any(u.startswith("/admin/accounts/auditevent/") for u in urls)


@pytest.mark.django_db
@pytest.mark.parametrize("url", staff_urls())
def test_anonymous_users_are_sent_to_sign_in(client, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith("/account/login/?next="), url


@pytest.mark.django_db
@pytest.mark.parametrize("url", staff_urls())
def test_users_without_the_permission_get_403(client, plain_user, editor, url):
    for user in (plain_user, editor):
        client.force_login(user)
        for method in (client.get, client.post):
            assert method(url).status_code == 403, (user, url)
    assert AuditEvent.objects.filter(action="permission-denied", object_id=url).exists()


@pytest.mark.django_db
def test_a_curator_without_the_second_factor_in_this_session_signs_in_again(client, curator):
    client.force_login(curator)
    for url in ("/curate/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login/" in response["Location"]


@pytest.mark.django_db
def test_a_verified_curator_reaches_the_queue_and_the_admin(client, curator):
    sign_in_verified(client, curator)
    assert client.get("/curate/").status_code == 200
    assert client.get("/admin/").status_code == 200
    # The audit log is for administrators only.
    assert client.get("/curate/audit/").status_code == 403


@pytest.mark.django_db
def test_an_administrator_reads_the_audit_log_but_cannot_edit_it(client, administrator):
    sign_in_verified(client, administrator)
    assert client.get("/curate/audit/").status_code == 200
    event = AuditEvent.objects.create(actor_name="x", action="approve")
    assert client.get("/admin/accounts/auditevent/").status_code == 200
    page = client.get(f"/admin/accounts/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and b'type="submit"' not in page.content.split(b"<main")[-1]
    assert client.post(f"/admin/accounts/auditevent/{event.pk}/delete/").status_code == 403
    assert client.post("/admin/accounts/auditevent/add/", {"actor_name": "y"}).status_code == 403


@pytest.mark.django_db
def test_curator_pages_are_never_cached(curator_client):
    assert "no-store" in curator_client.get("/curate/")["Cache-Control"]
