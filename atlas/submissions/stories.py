"""Stories are sealed on arrival: a libsodium sealed box to the curators' public key.

Only the public key is on the server (ATLAS_STORY_PUBLIC_KEY, or the file `atlas keys generate`
writes into the data directory). The private key stays with the curators.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from django.conf import settings
from nacl.encoding import Base64Encoder
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

PUBLIC_KEY_FILE = "story-public-key"


class StoryKeyError(Exception):
    pass


def public_key_path() -> Path:
    return Path(settings.DATA_DIR) / PUBLIC_KEY_FILE


def public_key() -> PublicKey | None:
    text = settings.ATLAS_STORY_PUBLIC_KEY
    if not text and public_key_path().exists():
        text = public_key_path().read_text().strip()
    if not text:
        return None
    try:
        return PublicKey(text.encode(), encoder=Base64Encoder)
    except (ValueError, TypeError, CryptoError) as exc:
        raise StoryKeyError("ATLAS_STORY_PUBLIC_KEY is not a base64 Curve25519 public key") from exc


def story_seal(*, story: dict, key: PublicKey) -> str:
    plaintext = json.dumps(story, ensure_ascii=False, sort_keys=True).encode()
    return base64.b64encode(SealedBox(key).encrypt(plaintext)).decode("ascii")


def story_open(*, sealed: str, key: PrivateKey) -> dict:
    try:
        return json.loads(SealedBox(key).decrypt(base64.b64decode(sealed)))
    except (CryptoError, ValueError) as exc:
        raise StoryKeyError("this key cannot open the story (wrong key, or damaged data)") from exc


def keypair_generate() -> tuple[str, str]:
    """(private, public), both base64."""
    private = PrivateKey.generate()
    return (private.encode(Base64Encoder).decode("ascii"),
            private.public_key.encode(Base64Encoder).decode("ascii"))


def private_key_load(path) -> PrivateKey:
    try:
        text = Path(path).read_text().strip()
    except OSError as exc:
        raise StoryKeyError(f"cannot read the key file: {exc.strerror}") from exc
    # The key file may carry comment lines; the key is the last non-comment line.
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith("#")]
    try:
        return PrivateKey(lines[-1].encode(), encoder=Base64Encoder)
    except (IndexError, ValueError, TypeError, CryptoError) as exc:
        raise StoryKeyError("the key file does not hold a private story key") from exc
