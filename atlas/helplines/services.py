"""Writes to the helplines. Every write moves the helplines stamp, in its transaction."""

from __future__ import annotations

from django.db import transaction

from atlas.derived import stamps
from atlas.helplines.models import Channel, Helpline

FIELDS = ("kind", "operator", "topics", "purposes", "languages", "opening_hours", "timezone",
          "website", "notes", "last_verified")
CHANNEL_FIELDS = ("kind", "value", "note", "hours", "free", "on_bill", "dial", "source_url",
                  "source_title", "source_date", "reread")


def _state(helpline: Helpline) -> dict:
    return {**{k: getattr(helpline, k) for k in FIELDS},
            "channels": [{k: getattr(ch, k) for k in CHANNEL_FIELDS}
                         for ch in helpline.channels.all()]}


DEFAULTS = {"topics": [], "purposes": [], "languages": [], "last_verified": None}
CHANNEL_DEFAULTS = {"free": "unknown", "on_bill": "unknown", "reread": False}


def _wanted(fields: dict) -> dict:
    """The state a helpline will have once these fields are written (defaults filled in)."""
    return {**{k: fields.get(k, DEFAULTS.get(k, "")) for k in FIELDS},
            "channels": [{k: channel.get(k, CHANNEL_DEFAULTS.get(k, "")) for k in CHANNEL_FIELDS}
                         for channel in fields.get("channels", [])]}


@transaction.atomic
def helpline_upsert(*, country: str, name: str, **fields) -> tuple[Helpline, str]:
    """Create or update a helpline and its channels, keyed by country and name:
    "created", "updated" or "unchanged"."""
    helpline = Helpline.objects.filter(country=country, name=name).prefetch_related(
        "channels").first()
    if helpline is not None and _state(helpline) == _wanted(fields):
        return helpline, "unchanged"
    result = "updated" if helpline else "created"
    return helpline_save(helpline=helpline or Helpline(country=country, name=name),
                         **fields), result


@transaction.atomic
def helpline_save(*, helpline: Helpline, **fields) -> Helpline:
    """Write the given fields (country and name included) and channels to this helpline, new
    or existing. Curators' changes use this: a helpline renamed in the admin stays the same
    record; its channels are replaced by the ones given."""
    unknown = set(fields) - {"country", "name", "channels", *FIELDS}
    if unknown:
        raise TypeError(f"unknown helpline fields: {sorted(unknown)}")
    wanted = _wanted(fields)
    for key in ("country", "name"):
        if key in fields:
            setattr(helpline, key, fields[key])
    for key in FIELDS:
        if key in fields:
            setattr(helpline, key, wanted[key])
    if "channels" in fields:
        helpline.needs_review = False  # the channels are data now
    helpline.full_clean()
    helpline.save()
    if "channels" in fields:
        helpline.channels.all().delete()
        Channel.objects.bulk_create(Channel(helpline=helpline, position=i, **channel)
                                    for i, channel in enumerate(wanted["channels"]))
    stamps.bump(stamps.HELPLINES)
    return helpline
