"""Two ways through a form that is over its budget, neither of which keeps anything about anyone.

- A proof of work in ALTCHA's scheme (through the `altcha` library): the server signs a challenge,
  SHA-256(salt + n), with HMAC; the form's script (submissions/js/challenge.js) finds n with the
  browser's WebCrypto. Cheap once for a person, costly a thousand times for a flood.
- A wait, for browsers without JavaScript: every form carries a signed ticket that is good from
  ATLAS_SUBMISSIONS_WAIT_SECONDS after the form was shown; only a few a minute are let in this way.

Each solved challenge and each ticket is good once (kept in the cache until it expires). No cookie.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import math
import secrets
from dataclasses import dataclass

import altcha
from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

from atlas.submissions import ratelimit

CHALLENGE_SECONDS = 15 * 60  # how long a challenge can be solved and sent
TICKET_SECONDS = 60 * 60  # how long after it matures a wait ticket is good
MAX_PAYLOAD = 2000  # characters; a real payload is about 400
_TICKET_SALT = "atlas.submissions.wait"
# Each budget's worth stored beyond the first doubles the work, up to this many doublings.
MAX_DOUBLINGS = 5


def _hmac_key() -> str:
    # Derived from SECRET_KEY for this one purpose, so the challenge key is no other key.
    return salted_hmac("atlas.submissions.challenge", "altcha", algorithm="sha256").hexdigest()


def challenge_create(*, kind: str, level: int) -> dict:
    """A signed challenge for this form, harder with the pressure level (1 and up)."""
    max_number = settings.ATLAS_SUBMISSIONS_CHALLENGE_DIFFICULTY * 2 ** min(
        max(level, 1) - 1, MAX_DOUBLINGS)
    expires = datetime.datetime.fromtimestamp(ratelimit.clock() + CHALLENGE_SECONDS,
                                              tz=datetime.timezone.utc)
    challenge = altcha.create_challenge_v1(altcha.ChallengeOptionsV1(
        max_number=max_number, hmac_key=_hmac_key(), expires=expires, params={"form": kind}))
    return challenge.to_dict()


def _payload(value: str) -> dict | None:
    """The solution the form sent, if it has the shape of one (hostile input is common here)."""
    if not value or len(value) > MAX_PAYLOAD:
        return None
    try:
        data = json.loads(base64.b64decode(value, validate=True))
    except (ValueError, binascii.Error, RecursionError):  # RecursionError: "[[[[..." nested deep
        return None
    if not isinstance(data, dict):
        return None
    if not all(isinstance(data.get(k), str) and len(data[k]) <= 500
               for k in ("algorithm", "challenge", "salt", "signature")):
        return None
    number = data.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < 2 ** 32:
        return None
    return {k: data[k] for k in ("algorithm", "challenge", "number", "salt", "signature")}


def challenge_solved(*, kind: str, value: str) -> bool:
    """True for a correct, unexpired, unused solution of a challenge issued for this form."""
    payload = _payload(value)
    if payload is None or payload["algorithm"] != "SHA-256":
        return False
    params = altcha.extract_params_v1(payload)
    if params.get("form") != [kind]:
        return False
    # Expiry on the budgets' clock (the library would read the system's), after the signature
    # check has shown that the salt, and so its expires, is the server's.
    verified, _error = altcha.verify_solution_v1(payload, _hmac_key(), check_expires=False)
    expires = params.get("expires", [""])
    if not verified or len(expires) != 1 or not expires[0].isdigit():
        return False
    if int(expires[0]) <= ratelimit.clock():
        return False
    return ratelimit.once(f"pow:{payload['challenge']}", seconds=CHALLENGE_SECONDS)


def ticket_create(*, kind: str) -> str:
    """A wait ticket for this form, good from ATLAS_SUBMISSIONS_WAIT_SECONDS from now."""
    ready = int(ratelimit.clock()) + settings.ATLAS_SUBMISSIONS_WAIT_SECONDS
    return signing.dumps({"f": kind, "r": ready, "n": secrets.token_hex(8)}, salt=_TICKET_SALT,
                         compress=False)


@dataclass(frozen=True)
class Ticket:
    wait: int  # seconds until it is good; 0: good now
    nonce: str


def ticket_read(*, kind: str, value: str) -> Ticket | None:
    """The wait ticket sent with a form, or None if it is none for this form (forged, for
    another form, or expired)."""
    if not value or len(value) > MAX_PAYLOAD:
        return None
    try:
        data = signing.loads(value, salt=_TICKET_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("f") != kind or not isinstance(data.get("r"), int):
        return None
    now = ratelimit.clock()
    if now >= data["r"] + TICKET_SECONDS:
        return None
    return Ticket(wait=math.ceil(data["r"] - now) if now < data["r"] else 0,
                  nonce=str(data.get("n")))


def ticket_use(ticket: Ticket) -> bool:
    """True the first time a ticket is used."""
    return ratelimit.once(f"wait:{ticket.nonce}", seconds=TICKET_SECONDS * 2)
