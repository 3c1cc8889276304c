from __future__ import annotations

from django.db import transaction

from atlas.derived import stamps
from atlas.helplines.models import Helpline

FIELDS = ("kind", "phone", "sms", "website", "languages", "hours", "source_url", "source_date",
          "last_verified")


@transaction.atomic
def helpline_upsert(*, country: str, name: str, **fields) -> tuple[Helpline, str]:
    """Create or update a helpline keyed by country and name."""
    helpline = Helpline.objects.filter(country=country, name=name).first()
    if helpline is not None and all(getattr(helpline, k) == fields.get(k, getattr(helpline, k))
                                    for k in FIELDS):
        return helpline, "unchanged"
    result = "updated" if helpline else "created"
    return helpline_save(helpline=helpline or Helpline(country=country, name=name),
                         **fields), result


@transaction.atomic
def helpline_save(*, helpline: Helpline, **fields) -> Helpline:
    """Write the given fields (country and name included) to this helpline, new or existing.

    Curators' changes use this: a helpline renamed in the admin stays the same record.
    """
    for key in ("country", "name", *FIELDS):
        if key in fields:
            setattr(helpline, key, fields[key])
    helpline.full_clean()
    helpline.save()
    stamps.bump(stamps.HELPLINES)
    return helpline
