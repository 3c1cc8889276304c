"""/.well-known/security.txt (RFC 9116) from the operator's settings, and its deploy checks.

Without ATLAS_SECURITY_CONTACT there is no file (404): a security.txt that points nowhere is worse
than none. Expires is ATLAS_SECURITY_EXPIRES, the date the operator promises to review it by;
unset, it is 30 days ahead, always, and `check --deploy` says so (atlas.W013).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

ROLLING_DAYS = 30


def contact_uris() -> list[str]:
    uris = []
    for value in settings.ATLAS_SECURITY_CONTACT:
        if "@" in value and ":" not in value:
            value = f"mailto:{value}"
        uris.append(value)
    return uris


def expires() -> datetime.datetime | None:
    """The configured Expires in UTC; None when unset or not a date."""
    text = settings.ATLAS_SECURITY_EXPIRES.strip()
    if not text:
        return None
    try:
        day = parse_date(text)
        moment = (datetime.datetime.combine(day, datetime.time(23, 59, 59)) if day
                  else parse_datetime(text))  # a day lasts to its end
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)


def security_txt(*, canonical: str) -> str | None:
    contacts = contact_uris()
    if not contacts:
        return None
    until = expires() or (timezone.now() + datetime.timedelta(days=ROLLING_DAYS)).replace(
        hour=0, minute=0, second=0, microsecond=0)
    lines = [f"Contact: {uri}" for uri in contacts]
    lines.append(f"Expires: {until.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    if settings.ATLAS_SECURITY_POLICY:
        lines.append(f"Policy: {settings.ATLAS_SECURITY_POLICY}")
    lines.append(f"Preferred-Languages: {', '.join(settings.ATLAS_SECURITY_LANGUAGES)}")
    lines.append(f"Canonical: {canonical}")
    return "\n".join(lines) + "\n"


@register(Tags.security, deploy=True)
def security_txt_settings(app_configs, **kwargs):
    problems = []
    if not settings.ATLAS_SECURITY_CONTACT:
        return [Warning("No /.well-known/security.txt: ATLAS_SECURITY_CONTACT is not set.",
                        hint="Set it to a mailto: or https: address where the operator receives "
                             "vulnerability reports (RFC 9116).", id="atlas.W012")]
    for uri in contact_uris():
        if not uri.startswith(("mailto:", "https://", "tel:")):
            problems.append(Warning(f"ATLAS_SECURITY_CONTACT {uri!r} is not a mailto:, https: or "
                                    "tel: URI.", id="atlas.W012"))
    until = expires()
    if settings.ATLAS_SECURITY_EXPIRES and until is None:
        problems.append(Warning(f"ATLAS_SECURITY_EXPIRES {settings.ATLAS_SECURITY_EXPIRES!r} is "
                                "not an ISO 8601 date.", id="atlas.W013"))
    elif until is None:
        problems.append(Warning(f"ATLAS_SECURITY_EXPIRES is not set: security.txt says it expires "
                                f"in {ROLLING_DAYS} days, always.",
                                hint="Set the date by which you will review the file (at most a "
                                     "year ahead).", id="atlas.W013"))
    elif until < timezone.now():
        problems.append(Warning(f"security.txt expired on {until:%Y-%m-%d}.",
                                hint="Review the contact and set a new ATLAS_SECURITY_EXPIRES.",
                                id="atlas.W013"))
    elif until > timezone.now() + datetime.timedelta(days=366):
        problems.append(Warning("ATLAS_SECURITY_EXPIRES is more than a year ahead (RFC 9116 "
                                "recommends less).", id="atlas.W013"))
    return problems
