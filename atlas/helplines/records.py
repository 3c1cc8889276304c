"""The record format of helplines: columns and checks (core/records.py for the mechanics)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from atlas.core.records import RecordFormat
from atlas.helplines.models import HELPLINE_KINDS


class HelplineFormat(RecordFormat):
    name = "helplines"
    columns = ("country", "name", "kind", "phone", "sms", "website", "languages", "hours",
               "source_url", "source_date", "last_verified")

    def key(self, data):
        return (data["country"], data["name"])

    def check(self, c, context):
        data = {
            "country": c.country("country", required=True),
            "name": c.text("name", required=True, max_length=300),
            "kind": c.text("kind", required=True),
            "phone": c.text("phone", max_length=200),
            "sms": c.text("sms", max_length=200),
            "website": c.url("website"),
            "languages": c.text("languages", max_length=300),
            "hours": c.text("hours", max_length=300),
            "source_url": c.url("source_url", required=True, allow_github_file=True),
            "source_date": c.date("source_date"),
            "last_verified": c.date("last_verified"),
        }
        if data["kind"] and data["kind"] not in HELPLINE_KINDS:
            # Translators: the kinds are codes; keep them as they are.
            c.fail("kind", data["kind"], _("unknown helpline kind; expected one of: %(terms)s")
                   % {"terms": ", ".join(HELPLINE_KINDS)})
        if not (data["phone"] or data["sms"] or data["website"]):
            c.fail("phone", "", _("a helpline needs a phone number, an SMS code or a website"))
        return data
