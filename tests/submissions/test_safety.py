"""Safety on public pages: no cookies for anonymous reading, headers, deploy checks, inert XSS."""

import os
import secrets
import subprocess
import sys

import pytest

from atlas.catalogue.models import Tool
from atlas.submissions.models import Submission
from atlas.submissions.services import (story_excerpt_publish, submission_approve,
                                        submission_reject)

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>"\'><svg onload=alert(2)>'


def _public_urls(tool):
    return ["/", "/tools/", f"/tools/{tool.slug}/", f"/tools/{tool.slug}/history/",
            "/organisations/", "/helplines/", "/about/", "/stories/", "/submit/",
            "/submit/thanks/"]


def test_anonymous_visitors_get_no_cookie_on_plain_pages(client, tool_factory):
    tool = tool_factory("Harbour Watch", organisations=["Harbour Trust"])
    for url in _public_urls(tool):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, list(response.cookies))
        assert "Set-Cookie" not in response.headers, url


def test_form_pages_set_only_the_csrf_cookie_and_no_session(client, tool_factory):
    tool = tool_factory()
    for url in ("/submit/tool/", "/submit/solution/", f"/submit/correction/{tool.slug}/",
                "/account/login/"):
        response = client.get(url)
        assert set(response.cookies) <= {"csrftoken"}, url
        assert "sessionid" not in response.cookies


def test_security_headers_on_submission_and_curation_pages(client, curator_client, tool_factory):
    tool = tool_factory()
    pages = [(client, "/submit/tool/"), (client, "/stories/"), (client, f"/tools/{tool.slug}/"),
             (curator_client, "/curate/")]
    for c, url in pages:
        r = c.get(url)
        csp = r["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, url
        assert r["X-Content-Type-Options"] == "nosniff"
        assert r["Referrer-Policy"] == "no-referrer"
        assert r["Cross-Origin-Opener-Policy"] == "same-origin"


def test_check_deploy_with_production_settings_reports_no_issue(tmp_path):
    import datetime
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "atlas.settings.prod",
           "ATLAS_SECRET_KEY": secrets.token_urlsafe(60), "ATLAS_DATA_DIR": str(tmp_path),
           # A deployment says where to report vulnerabilities (atlas.W012, W013 otherwise).
           "ATLAS_SECURITY_CONTACT": "mailto:security@example.org",
           "ATLAS_SECURITY_EXPIRES": str(datetime.date.today() + datetime.timedelta(days=90))}
    env.pop("ATLAS_HTTPS", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by tests/conftest.py for Playwright only
    out = subprocess.run([sys.executable, "-m", "atlas", "manage", "check", "--deploy",
                          "--fail-level", "WARNING"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    # Only Django's check for its exact CSRF class path is silenced; atlas.E001 replaces it.
    assert "System check identified no issues (1 silenced)." in out.stdout


def test_the_csrf_check_fails_when_the_middleware_is_missing(settings):
    from atlas.accounts.checks import csrf_middleware_installed
    assert csrf_middleware_installed(None) == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "Csrf" not in m]
    assert [e.id for e in csrf_middleware_installed(None)] == ["atlas.E001"]
    assert settings.SILENCED_SYSTEM_CHECKS == ["security.W003"]


def _assert_inert(html, where):
    for raw in ("<script>alert", "<img src=x onerror", "<svg onload", "onerror=alert(1)>"):
        assert raw not in html, (where, raw)
    assert "&lt;script&gt;" in html, where


def test_stored_xss_in_every_text_field_renders_inert(client, curator_client, curator, story_key):
    # A tool proposal with the attack in each free-text field, then published.
    client.post("/submit/tool/", {
        "name": "Harbour " + XSS[:150], "organisation": "Org " + XSS[:150],
        "description": "Describes the tool " + XSS, "source_url": "https://x.example/",
        "countries": "", "note": "Note " + XSS})
    proposal = Submission.objects.get(kind="tool")
    _assert_inert(curator_client.get("/curate/").content.decode(), "queue")
    _assert_inert(curator_client.get(f"/curate/submissions/{proposal.pk}/").content.decode(), "detail")
    _assert_inert(curator_client.get(f"/curate/submissions/{proposal.pk}/edit/").content.decode(), "edit")
    submission_approve(submission=proposal, user=curator)
    tool = Tool.objects.get()
    # A correction with the attack in the Markdown description.
    client.post(f"/submit/correction/{tool.slug}/", {
        "name": tool.name, "description": tool.short_description,
        "long_description": f"Details {XSS} [click](javascript:alert(3))", "countries": "",
        "status": "unknown", "cost": "unknown", "access": "unknown",
        "source_url": "https://x.example/"})
    correction = Submission.objects.get(kind="correction")
    _assert_inert(curator_client.get(f"/curate/submissions/{correction.pk}/").content.decode(),
                  "diff")
    submission_approve(submission=correction, user=curator)
    for url in (tool.get_absolute_url(), f"/tools/{tool.slug}/history/", "/tools/",
                f"/submit/correction/{tool.slug}/"):
        html = client.get(url).content.decode()
        _assert_inert(html, url)
        assert 'href="javascript:' not in html, url
    # Solutions, rejections and published excerpts.
    client.post("/submit/solution/", {"title": "Sol " + XSS[:150], "description": "About " + XSS,
                                      "countries": "", "tools": "", "url": ""})
    solution = Submission.objects.get(kind="solution")
    submission_reject(submission=solution, user=curator, reason="Because " + XSS)
    _assert_inert(curator_client.get(f"/curate/submissions/{solution.pk}/").content.decode(),
                  "solution")
    story_excerpt_publish(user=curator, text="Excerpt " + XSS, countries=["PH"])
    _assert_inert(client.get("/stories/").content.decode(), "stories")
