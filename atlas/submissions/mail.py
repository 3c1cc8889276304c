"""How “Contact the team” messages leave the Atlas (docs/security.md, "E-mail").

A message holds a person's name, address and words: the Atlas never keeps one where others can
read it. Production relays mail only when an operator configures it (ATLAS_EMAIL_BACKEND=smtp or
ATLAS_EMAIL_HOST); otherwise the relay is off and the contact page says so. The file outbox
(development, or ATLAS_EMAIL_BACKEND=outbox) writes each message 0600 in a 0700 directory and
deletes messages older than ATLAS_OUTBOX_DAYS.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

DISABLED = "atlas.submissions.mail.DisabledBackend"


def mail_relay_enabled() -> bool:
    return settings.EMAIL_BACKEND != DISABLED


class DisabledBackend(BaseEmailBackend):
    """No relay: nothing is sent, written or logged."""

    def send_messages(self, email_messages):
        return 0


def _outbox_dir() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


def outbox_purge(*, days: int | None = None) -> int:
    """Delete outbox messages older than N days (ATLAS_OUTBOX_DAYS), make the rest private;
    returns how many were deleted."""
    directory = _outbox_dir()
    if not directory.is_dir():
        return 0
    days = settings.ATLAS_OUTBOX_DAYS if days is None else days
    cutoff = time.time() - days * 86400
    deleted = 0
    os.chmod(directory, 0o700)
    for path in directory.glob("*.log"):
        if path.stat().st_mtime < cutoff:
            path.unlink()
            deleted += 1
        elif stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)
    return deleted


class OutboxBackend(FileEmailBackend):
    """Django's file backend, private (0700 directory, 0600 files) and purged at every send."""

    def __init__(self, *args, file_path=None, **kwargs):
        path = Path(file_path or settings.EMAIL_FILE_PATH)
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        super().__init__(*args, file_path=str(path), **kwargs)

    def open(self):
        if self.stream is None:
            fd = os.open(self._get_filename(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self.stream = os.fdopen(fd, "ab")
            return True
        return False

    def send_messages(self, email_messages):
        outbox_purge()
        return super().send_messages(email_messages)


UNSAFE_BACKENDS = {
    "django.core.mail.backends.filebased.EmailBackend":
        "writes each message to a file readable by other accounts and never deletes it",
    "django.core.mail.backends.console.EmailBackend":
        "writes each message, sender and text, into the server's logs",
}


@register(Tags.security, deploy=True)
def email_backend_safe(app_configs, **kwargs):
    why = UNSAFE_BACKENDS.get(settings.EMAIL_BACKEND)
    if not why:
        return []
    return [Warning(f"EMAIL_BACKEND {settings.EMAIL_BACKEND} {why}.",
                    hint="Set ATLAS_EMAIL_BACKEND to smtp, outbox (private and purged) or off.",
                    id="atlas.W011")]
