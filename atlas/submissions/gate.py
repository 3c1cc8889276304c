"""Whether a valid submission may be stored now, and what the form says when it may not.

Each public form has its own budget (ratelimit.py), spent only by submissions about to be stored:
a filled honeypot or an invalid form costs nothing. Within the budget nothing more is asked. Over
it, a submission is let in with a solved proof of work (the form's script solves it in the
background) or, without JavaScript, a wait ticket that has matured (challenge.py). A refused
submission comes back in its form, with everything typed and when to send it again (429); one the
database cannot take just now comes back the same way (503). docs/security.md explains the choice.
"""

from __future__ import annotations

import json
import logging
from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atlas.submissions import challenge, ratelimit

logger = logging.getLogger(__name__)

RETRY_AFTER_UNAVAILABLE = 60


class _DatabaseState:
    refusing = False  # logged once per process until a submission is stored again


database = _DatabaseState()


class Gate:
    """One public form's request: admit a submission, or say why not and when to try again."""

    def __init__(self, kind: str, data=None):
        assert kind in ratelimit.KINDS, kind
        self.kind = kind
        self.data = data if data is not None else {}
        self.status: int | None = None  # 429 (over budget) or 503 (database), once refused
        self.retry_after = 0
        self._spent = False
        self._when = 0.0  # when the budget was spent: given back to the same windows
        self._ticket: challenge.Ticket | None = None

    # --- admitting ------------------------------------------------------------------------------

    def admit(self) -> bool:
        """Spend this form's budget, or a proof of work, or a matured wait ticket; False if none."""
        self._when = ratelimit.clock()
        if ratelimit.spend(self.kind, self._when):
            self._spent = True
            return True
        # Over budget, a submission let in stays counted, so the pressure shows what was stored.
        if challenge.challenge_solved(kind=self.kind, value=self._posted("altcha")):
            self._spent = True
            return True
        ratelimit.give_back(self.kind, self._when)
        wait = self._waited()
        if not wait:
            ratelimit.spend(self.kind, self._when)
            self._spent = True
            return True
        self.status, self.retry_after = 429, wait
        return False

    def _waited(self) -> int:
        """0 if a matured wait ticket lets this submission in; else the seconds until one would."""
        self._ticket = challenge.ticket_read(kind=self.kind, value=self._posted("wait_ticket"))
        if self._ticket is not None and self._ticket.wait:
            return self._ticket.wait  # sent too early: the same ticket comes back with the form
        used = self._ticket is not None and challenge.ticket_use(self._ticket)
        self._ticket = None  # the form comes back with a new one
        if not used:
            return settings.ATLAS_SUBMISSIONS_WAIT_SECONDS
        full_for = ratelimit.spend_waited(self.kind)
        return max(settings.ATLAS_SUBMISSIONS_WAIT_SECONDS, full_for) if full_for else 0

    def stored(self) -> None:
        if database.refusing:
            database.refusing = False
            logger.warning("The database stores submissions again.")

    def give_back(self) -> None:
        """The admitted submission was not kept after all: its budget is free again."""
        if self._spent:
            ratelimit.give_back(self.kind, self._when)
            self._spent = False

    def unavailable(self, exc: BaseException) -> None:
        """The database could not take the admitted submission."""
        self.give_back()
        self.status, self.retry_after = 503, RETRY_AFTER_UNAVAILABLE
        if not database.refusing:  # once until it stores again; never the submission
            database.refusing = True
            logger.warning("A submission could not be stored and its form was shown again: the "
                           "database refused the write (%s: %s).", type(exc).__name__, exc)

    def message(self) -> str:
        if self.status == 503:
            return _("The Atlas cannot store submissions just now. Nothing you wrote is lost: it "
                     "is in the form below. Please send it again in a minute.")
        if self.kind == "helpline_report":
            return ngettext(
                "Many reports are arriving just now. Please press the button again in "
                "%(seconds)d second.",
                "Many reports are arriving just now. Please press the button again in "
                "%(seconds)d seconds.", self.retry_after) % {"seconds": self.retry_after}
        return ngettext(
            "Many submissions are arriving just now. Nothing you wrote is lost: it is in the "
            "form below. Please send it again in %(seconds)d second.",
            "Many submissions are arriving just now. Nothing you wrote is lost: it is in the "
            "form below. Please send it again in %(seconds)d seconds.",
            self.retry_after) % {"seconds": self.retry_after}

    def _posted(self, name: str) -> str:
        value = self.data.get(name, "")
        return value if isinstance(value, str) else ""

    # --- what the form carries ------------------------------------------------------------------

    @cached_property
    def ticket(self) -> str:
        """A wait ticket: the one sent back too early, or a new one."""
        if self._ticket is not None and self._ticket.wait:
            return self._posted("wait_ticket")
        return challenge.ticket_create(kind=self.kind)

    @cached_property
    def challenge_json(self) -> str:
        """A proof-of-work challenge as JSON for the form's script, only under pressure."""
        level = ratelimit.pressure(self.kind)
        if not level and self.status != 429:
            return ""
        return json.dumps(challenge.challenge_create(kind=self.kind, level=max(level, 1)))
