"""What each query parameter of the API accepts.

One definition serves three readers: the operations check their parameters with it, the OpenAPI
document lists the values as enums, and every 400 repeats them in `allowed`. The /tools filters
are the facet registry's (catalogue/facets.py), read when asked, so a new facet needs no edit here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext_lazy as _

from atlas.catalogue import vocabularies as v
from atlas.catalogue.facets import FACETS
from atlas.catalogue.filters import EMPTY_VALUE, SORTS, UNKNOWN_VALUE, ParamError
from atlas.core.countries import country_codes
from atlas.helplines import vocabularies as hv

# Filters combine like the /tools/ page's: the document says so on each list parameter.
MULTI = ("Repeat the parameter or separate values with commas; values of one filter combine "
         "with OR, filters with AND. An empty value is refused (400).")


@dataclass(frozen=True)
class Choice:
    """A query parameter whose values come from a list (compared after `normalise`)."""

    values: Callable[[], list[str]]
    normalise: Callable[[str], str] = str

    def errors(self, name: str, given: list[str]) -> list[ParamError]:
        allowed = self.values()
        return [ParamError(name, value[:100], UNKNOWN_VALUE if value else EMPTY_VALUE,
                           tuple(allowed))
                for value in given if self.normalise(value) not in allowed]


def _terms(vocabulary):
    return lambda: list(vocabulary.terms)


# Country codes are compared in upper case: `ke` is Kenya, as on the pages.
_COUNTRY = Choice(country_codes, normalise=str.upper)

CHOICES: dict[str, dict[str, Choice]] = {
    "/organisations": {"kind": Choice(_terms(v.ORGANISATION_KINDS)), "country": _COUNTRY},
    "/helplines": {"country": _COUNTRY, "kind": Choice(_terms(hv.KINDS)),
                   "topic": Choice(_terms(hv.TOPICS)), "channel": Choice(_terms(hv.CHANNELS))},
}

@dataclass(frozen=True)
class Form:
    """A query parameter checked by form rather than against a list (too many values to list)."""

    regex: str  # matched against the whole value
    message: object

    @property
    def pattern(self) -> str:
        """The regex as the document gives it (JSON Schema patterns are not anchored)."""
        return f"^{self.regex}$"

    def errors(self, name: str, given: list[str]) -> list[ParamError]:
        return [ParamError(name, value[:100], self.message) for value in given
                if not re.fullmatch(self.regex, value)]


FORMS: dict[str, dict[str, Form]] = {
    "/helplines": {"language": Form("[a-z]{2,3}", _("Give an ISO 639 language code: two or "
                                                    "three lower-case letters."))},
}


def allowed_values(path: str) -> dict[str, list[str]]:
    """The values of each listed parameter of the operation at `path` (relative to /api/v1)."""
    if path == "/tools":
        return {**{f.param: f.allowed for f in FACETS}, "sort": list(SORTS)}
    return {name: choice.values() for name, choice in CHOICES.get(path, {}).items()}


def check(path: str, query) -> list[ParamError]:
    """Every value in `query` (a QueryDict) outside its parameter's list or form, empty ones
    included. /tools is checked by parse_filters, which also splits comma-separated values."""
    errors = []
    for name, rule in [*CHOICES.get(path, {}).items(), *FORMS.get(path, {}).items()]:
        errors += rule.errors(name, query.getlist(name))
    return errors
