"""Reads of the helplines: lines as pages and the API show them, with "open now" computed."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from atlas.core.countries import get_country
from atlas.helplines import hours as opening
from atlas.helplines import vocabularies as v
from atlas.helplines.models import Channel, Helpline
from atlas.helplines.numbers import shown


@dataclass(frozen=True)
class ChannelView:
    """A channel as a person reaches it: what to tap, and what it says."""

    channel: Channel
    display: str  # the number grouped as the country writes it, or the address
    international: str  # the number from abroad ("" for a short number or a non-number)
    link: str  # tel:, sms:, https://wa.me/, mailto: or https:
    status: opening.Status

    @property
    def kind(self):
        return self.channel.kind

    @property
    def kind_label(self):
        return v.CHANNELS.label_of(self.channel.kind)

    @property
    def is_number(self):
        return self.channel.kind in v.NUMBER_CHANNELS


@dataclass
class Line:
    helpline: Helpline
    channels: list[ChannelView]
    status: opening.Status
    week: list = field(default_factory=list)  # open intervals of the coming week (hours.py)

    @property
    def is_open(self) -> bool:
        return self.status.is_open


def _link(channel: Channel, dial: str) -> str:
    kind, value = channel.kind, channel.value
    if kind in ("phone", "short-code", "signal", "telegram", "viber"):
        return f"tel:{dial}" if dial else ""
    if kind == "sms":
        return f"sms:{dial}" if dial else ""
    if kind == "whatsapp":
        return f"https://wa.me/{dial.lstrip('+')}" if dial.startswith("+") else ""
    if kind == "email":
        return f"mailto:{value}"
    return value if value.startswith(("https://", "http://")) else ""


def channel_view(channel: Channel, helpline: Helpline, now,
                 line_status: opening.Status) -> ChannelView:
    """line_status: the helpline's own status, which a channel without hours of its own has."""
    display, international = channel.value, ""
    if channel.kind in v.NUMBER_CHANNELS:
        found = shown(channel.value, helpline.country)
        if found:  # else a number saved before it was checked: shown as written
            display, international = found.national, found.international
    status = opening.status(channel.hours, helpline.timezone, now) if channel.hours \
        else line_status
    return ChannelView(channel, display, international, _link(channel, channel.dial), status)


def line(helpline: Helpline, now: datetime.datetime | None = None) -> Line:
    now = now or timezone.now()
    status = opening.status(helpline.opening_hours, helpline.timezone, now)
    return Line(helpline,
                [channel_view(c, helpline, now, status) for c in helpline.channels.all()],
                status, opening.week(helpline.opening_hours, helpline.timezone, now))


def _helplines():
    return Helpline.objects.prefetch_related(
        Prefetch("channels", queryset=Channel.objects.order_by("position", "id")))


def helpline_list(*, country: str = "", kind: str = ""):
    qs = _helplines()
    if country:
        qs = qs.filter(country=country.upper())
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("country", "kind", "name")


class Lines(list):
    """Lines found, with when what they show next changes (valid_until)."""

    valid_until: datetime.datetime | None = None


def _changes_at(found: Line) -> list[datetime.datetime]:
    return [s.changes_at for s in [found.status, *(c.status for c in found.channels)]
            if s.changes_at is not None]


def helpline_search(*, country: str = "", kind: str = "", topics=(), languages=(),
                    channels=(), open_now: bool = False, now=None) -> Lines:
    """Lines matching every filter given (values of one filter combine with OR), open ones
    first, then by kind (trafficking hotlines first) and name.

    valid_until is when any line considered (shown, or left out only because it is closed)
    next opens or closes: a page showing the result may be kept until then
    (atlas.derived.pages), and a line that opens later joins an "open now" list at once."""
    now = now or timezone.now()
    lines, changes = Lines(), []
    for helpline in helpline_list(country=country, kind=kind):
        if topics and not set(topics) & set(helpline.topics):
            continue
        if languages and not set(languages) & set(helpline.languages):
            continue
        if channels and not set(channels) & {c.kind for c in helpline.channels.all()}:
            continue
        found = line(helpline, now)
        changes += _changes_at(found)
        if open_now and not found.is_open:
            continue
        lines.append(found)
    order = {kind: i for i, kind in enumerate(v.KIND_ORDER)}
    lines.sort(key=lambda ln: (ln.helpline.country, not ln.is_open,
                               order.get(ln.helpline.kind, 99), ln.helpline.name))
    lines.valid_until = min(changes) if changes else None
    return lines


def helpline_countries() -> list[tuple]:
    """(Country, number of helplines) for every country with at least one, by country name."""
    counts = Counter(Helpline.objects.values_list("country", flat=True))
    countries = [(get_country(code), n) for code, n in counts.items() if get_country(code)]
    return sorted(countries, key=lambda cn: cn[0].name)


def helplines_to_review():
    """Helplines whose free text the migration could not split into channels."""
    return Helpline.objects.filter(needs_review=True).order_by("country", "name")


@dataclass(frozen=True)
class Freshness:
    """How current the helplines' numbers are: re-read, not re-read, the oldest source."""

    channels: int
    countries: int
    reread: int
    oldest: Channel | None  # the channel whose source is the oldest dated one


def helpline_freshness() -> Freshness:
    channels = Channel.objects.exclude(source_url="")
    dated = channels.exclude(source_date="").select_related("helpline").order_by("source_date")
    return Freshness(channels.count(),
                     Helpline.objects.values("country").distinct().count(),
                     channels.filter(reread=True).count(), dated.first())
