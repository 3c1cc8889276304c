"""Backups encrypted to an operator's age key (https://age-encryption.org/v1), through pyrage.

age is a standard format with a command operators know: `age -d -i key.txt FILE` opens a backup
without the Atlas. Files are encrypted and decrypted as streams (64 KiB chunks, each
authenticated), so a large database never sits in memory and a damaged file is refused.
"""

from __future__ import annotations

from pathlib import Path

import pyrage
from django.utils.translation import gettext as _

from atlas.backups import BackupError

MAGIC = b"age-encryption.org/v1"
ARMORED_MAGIC = b"-----BEGIN AGE ENCRYPTED FILE-----"


def is_sealed(head: bytes) -> bool:
    return head.startswith(MAGIC) or head.startswith(ARMORED_MAGIC)


def recipients_parse(texts) -> list:
    """age public keys (age1...) or SSH public keys (ssh-ed25519 ..., ssh-rsa ...)."""
    recipients = []
    for text in texts:
        text = text.strip()
        try:
            if text.startswith("age1"):
                recipients.append(pyrage.x25519.Recipient.from_str(text))
            elif text.startswith("ssh-"):
                recipients.append(pyrage.ssh.Recipient.from_str(text))
            else:
                raise pyrage.RecipientError(text)
        except pyrage.RecipientError as exc:
            raise BackupError(_("%(key)r is not an age public key (age1...) nor an SSH public "
                                "key; nothing was written.") % {"key": text[:80]}) from exc
    return recipients


def identities_load(paths) -> list:
    """The private keys in age identity files (AGE-SECRET-KEY-1... lines) or unencrypted SSH
    private key files."""
    identities = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise BackupError(_("cannot read the key file %(path)s: %(reason)s") % {
                "path": path, "reason": exc.strerror}) from exc
        found = []
        try:
            if b"-----BEGIN OPENSSH PRIVATE KEY-----" in data:
                found.append(pyrage.ssh.Identity.from_buffer(data))
            else:
                found = [pyrage.x25519.Identity.from_str(line.strip())
                         for line in data.decode("utf-8", "replace").splitlines()
                         if line.strip().startswith("AGE-SECRET-KEY-")]
        except (pyrage.IdentityError, ValueError) as exc:
            raise BackupError(_("%(path)s holds a damaged private key.") % {"path": path}) from exc
        if not found:
            raise BackupError(_("%(path)s holds no age private key (a line AGE-SECRET-KEY-1...) "
                                "nor an SSH private key.") % {"path": path})
        identities += found
    return identities


def seal(*, source: Path, dest: Path, recipients: list) -> None:
    """Encrypt source into dest (which exists: its mode is kept)."""
    with open(source, "rb") as reader, open(dest, "wb") as writer:
        try:
            pyrage.encrypt_io(reader, writer, recipients)
        except (pyrage.EncryptError, OSError) as exc:
            raise BackupError(_("cannot encrypt the backup: %(reason)s; nothing was written.")
                              % {"reason": exc}) from exc


def unseal(*, source: Path, dest: Path, identities: list) -> None:
    """Decrypt source into dest; refused whole if any part of source was changed or cut."""
    with open(source, "rb") as reader, open(dest, "wb") as writer:
        try:
            pyrage.decrypt_io(reader, writer, identities)
        # A cut or changed stream fails as OSError ("decryption error") from pyrage's reader.
        except (pyrage.DecryptError, OSError) as exc:
            raise BackupError(_("cannot decrypt %(path)s: the key does not open it, or the file "
                                "is damaged (%(reason)s). Nothing was changed.")
                              % {"path": source, "reason": exc}) from exc
