"""Get help now: a country's helplines as large tap targets, open ones first; the embeddable
finder for partner sites. Thin views over helplines.selectors."""

from __future__ import annotations

from dataclasses import dataclass

from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from atlas.core.languages import is_language_code
from atlas.core.countries import get_country
from atlas.helplines import vocabularies as v
from atlas.helplines.selectors import Lines, helpline_countries, helpline_search


@dataclass(frozen=True)
class LineFilters:
    """What the visitor narrowed the lines to, from the query string (invalid values dropped)."""

    topics: tuple = ()
    languages: tuple = ()
    channels: tuple = ()
    open_now: bool = False

    @classmethod
    def from_request(cls, request):
        def values(param, valid):
            return tuple(dict.fromkeys(x for x in request.GET.getlist(param) if valid(x)))
        return cls(values("topic", v.TOPICS.__contains__),
                   values("language", is_language_code),
                   values("channel", v.CHANNELS.__contains__),
                   request.GET.get("open_now") in ("1", "true", "on", "yes"))

    @property
    def active(self) -> bool:
        return bool(self.topics or self.languages or self.channels or self.open_now)


def _lines(country, filters: LineFilters):
    return helpline_search(country=country.code, topics=filters.topics,
                           languages=filters.languages, channels=filters.channels,
                           open_now=filters.open_now)


def _until(response, lines):
    # A cached copy must never show a stale "open now": it is kept until the next change.
    response.valid_until = lines.valid_until
    return response


def helpline_index(request):
    # The country picker works without JavaScript: a GET with ?country=KE goes to that page, so
    # the choice lives only in the URL (no cookie, no session). A script pre-selects the country
    # of the browser's language region; nothing is read from the visitor's address.
    chosen = get_country(request.GET.get("country", ""))
    if chosen is not None:
        return redirect("helplines:country", code=chosen.code)
    return render(request, "helplines/index.html", {"countries": helpline_countries()})


def helpline_country(request, code):
    country = get_country(code)
    if country is None:
        raise Http404(_("Unknown country code."))
    filters = LineFilters.from_request(request)
    lines = _lines(country, filters)
    return _until(render(request, "helplines/country.html", {
        "country": country, "lines": lines, "filters": filters,
        "topics": v.TOPICS.choices, "channel_kinds": v.CHANNELS.choices,
        "countries": helpline_countries(),
    }), lines)


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def helpline_embed(request):
    """/embed/helplines/: the finder partner sites put in an iframe. Its own small page: no
    cookie, no script of another origin, framable from anywhere (every other page keeps
    frame-ancestors 'none')."""
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        country = get_country(request.GET.get("country", ""))
        filters = LineFilters.from_request(request)
        lines = _lines(country, filters) if country else Lines()  # the picker alone
        response = render(request, "helplines/embed.html", {
            "country": country, "lines": lines, "filters": filters, "language": language,
            "countries": helpline_countries(),
        })
    return _until(response, lines)
