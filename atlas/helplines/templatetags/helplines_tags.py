"""A line's state ("Open now", "Closed · opens at 08:00"), in the reader's language."""

import json

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from atlas.core.languages import language_name
from atlas.helplines import hours as opening

register = template.Library()


@register.filter
def week_json(week) -> str:
    return json.dumps(week, separators=(",", ":"))


@register.filter
def language_names(codes):
    return [language_name(code) for code in codes]


def _when(moment, now_local_date) -> str:
    time = formats.time_format(moment, "TIME_FORMAT")
    if moment.date() == now_local_date:
        return time
    return _("%(day)s at %(time)s") % {"day": formats.date_format(moment, "l"), "time": time}


@register.simple_tag
def line_status(status, zone):
    """The state as text; data-open and data-closed let open-now.js switch it as time passes,
    in the same words, without a parser or a round trip."""
    if status.state == opening.UNKNOWN:
        return ""
    open_label, closed_label = _("Open now"), _("Closed now")
    if status.state == opening.ALWAYS:
        return format_html('<p class="status open">{}</p>', _("Open 24 hours"))
    if status.state == opening.OPEN:
        text, css = open_label, "open"
        if status.changes_at:
            text = _("%(state)s · closes %(when)s (local time)") % {
                "state": open_label, "when": _when(status.changes_at, _today_in(status.changes_at))}
    else:
        text, css = closed_label, "closed"
        if status.changes_at:
            text = _("%(state)s · opens %(when)s (local time)") % {
                "state": closed_label,
                "when": _when(status.changes_at, _today_in(status.changes_at))}
    return format_html('<p class="status {}" data-open="{}" data-closed="{}">{}</p>', css,
                       open_label, closed_label, text)


def _today_in(moment):
    return timezone.now().astimezone(moment.tzinfo).date()
