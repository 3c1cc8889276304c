"""Contact messages are never left readable: relay off unless configured, a private purged outbox."""

import os
import secrets
import socket
import stat
import subprocess
import sys
import time

import pytest
from django.core import mail

from atlas.submissions.mail import OutboxBackend, outbox_purge
from atlas.submissions.models import OrganisationContact

BODY = "BODY-MARKER-5521"


@pytest.fixture
def tool(tool_factory, organisation_factory):
    org = organisation_factory("Harbour Trust")
    OrganisationContact.objects.create(organisation=org, email="team@harbour.example")
    return tool_factory("Harbour Watch", organisations=["Harbour Trust"])


def _settings_of(module, **env):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ATLAS_EMAIL")},
           "DJANGO_SETTINGS_MODULE": module, "ATLAS_SECRET_KEY": secrets.token_urlsafe(60), **env}
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                          "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_production_relays_mail_only_when_the_operator_configures_it():
    assert _settings_of("atlas.settings.prod") == "atlas.submissions.mail.DisabledBackend"
    assert _settings_of("atlas.settings.prod", ATLAS_EMAIL_HOST="smtp.example.org") == \
        "django.core.mail.backends.smtp.EmailBackend"
    assert _settings_of("atlas.settings.prod", ATLAS_EMAIL_BACKEND="outbox") == \
        "atlas.submissions.mail.OutboxBackend"
    assert _settings_of("atlas.settings.dev") == "atlas.submissions.mail.OutboxBackend"


def test_with_the_relay_off_the_page_says_so_and_nothing_is_sent_or_kept(client, tool, settings,
                                                                       tmp_path):
    settings.EMAIL_BACKEND = "atlas.submissions.mail.DisabledBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "outbox"
    url = f"/tools/{tool.slug}/contact/"
    page = client.get(url).content.decode()
    assert "does not forward messages" in page and 'name="message"' not in page
    client.post(url, {"name": "Ana", "email": "a@example.net", "message": f"Hello {BODY}"})
    assert not mail.outbox and not (tmp_path / "outbox").exists()


def test_the_outbox_writes_each_message_private_and_purges_old_ones(client, tool, settings,
                                                                    tmp_path):
    outbox = tmp_path / "var" / "outbox"
    settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = "atlas.submissions.mail.OutboxBackend", outbox
    settings.ATLAS_OUTBOX_DAYS = 3
    old_umask = os.umask(0o022)
    try:
        outbox.mkdir(parents=True)
        stale = outbox / "20200101-000000-1.log"
        stale.write_text("an old message")
        os.utime(stale, (time.time() - 4 * 86400,) * 2)
        response = client.post(f"/tools/{tool.slug}/contact/", {
            "name": "Ana", "email": "a@example.net", "message": f"Hello {BODY}"})
    finally:
        os.umask(old_umask)
    assert response.status_code == 200
    [written] = list(outbox.glob("*.log"))
    assert BODY in written.read_text() and not stale.exists()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700


def test_the_purge_makes_messages_left_by_the_old_default_private(settings, tmp_path):
    outbox = tmp_path / "outbox"
    outbox.mkdir(mode=0o755)
    kept, gone = outbox / "recent.log", outbox / "old.log"
    for path in (kept, gone):
        path.write_text("message")
        os.chmod(path, 0o644)
    os.utime(gone, (time.time() - 10 * 86400,) * 2)
    settings.EMAIL_FILE_PATH, settings.ATLAS_OUTBOX_DAYS = outbox, 3
    assert outbox_purge() == 1
    assert not gone.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700


def test_check_deploy_warns_about_the_console_and_django_file_backends(settings):
    from atlas.submissions.mail import email_backend_safe
    for backend in ("django.core.mail.backends.filebased.EmailBackend",
                    "django.core.mail.backends.console.EmailBackend"):
        settings.EMAIL_BACKEND = backend
        assert [w.id for w in email_backend_safe(None)] == ["atlas.W011"]
    settings.EMAIL_BACKEND = "atlas.submissions.mail.OutboxBackend"
    assert email_backend_safe(None) == []


def test_a_mail_server_that_is_down_gives_the_form_back_with_the_text(client, tool, settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    response = client.post(f"/tools/{tool.slug}/contact/", {
        "name": "Ana", "email": "a@example.net", "message": f"Hello {BODY}"})
    assert response.status_code == 503
    html = response.content.decode()
    assert BODY in html and "could not be sent just now" in html


def test_the_outbox_backend_can_be_used_directly(tmp_path, settings):
    settings.EMAIL_FILE_PATH = tmp_path / "box"
    from django.core.mail import EmailMessage
    sent = OutboxBackend().send_messages([EmailMessage("s", "b", "f@x.example", ["t@x.example"])])
    assert sent == 1 and len(list((tmp_path / "box").glob("*.log"))) == 1
