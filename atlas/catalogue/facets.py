"""The facets of a tool search: one entry per facet, and everything iterates over them.

A facet owns its query parameter, its label, the values it allows and how to read a tool's
values from its record. The search index (search/index.py), the query-string state
(filters.py), the API's documented parameters, the map, insights, the offline copy and
`atlas report coverage` all loop over FACETS; adding a facet is adding one entry here.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Callable, Iterable

from django.utils.translation import gettext_lazy as _

from atlas.catalogue import profile
from atlas.catalogue import vocabularies as v
from atlas.catalogue.licences import open_source_state
from atlas.core.languages import is_language_code, iso639_1_codes, language_name
from atlas.core.countries import (GLOBAL, REGIONS, country_codes, country_name, is_country_code,
                                 region_of)


@dataclass(frozen=True)
class Facet:
    param: str  # the query parameter, and the facet's key everywhere
    label: object  # lazy translatable string
    columns: tuple[str, ...]  # Tool fields `values` reads
    values: Callable[[dict], Iterable[str]]  # a tool's values, from those fields
    vocabulary: v.Vocabulary | None = None  # a fixed list of values, with their labels
    # Values a tool takes from each country it is deployed in (country and region facets).
    from_deployment: Callable[[str], Iterable[str]] | None = None
    # For facets without a vocabulary: every value allowed (the API lists them), and a fast test.
    options: Callable[[], list[str]] | None = None
    valid: Callable[[str], bool] | None = None  # defaults to membership of options()
    label_of: Callable[[str], object] | None = None
    normalise: Callable[[str], str] = str  # applied to values read from a query string
    about: str = ""  # what the values are, for the API's document (English, as the document)

    def is_valid(self, value: str) -> bool:
        if self.vocabulary is not None:
            return value in self.vocabulary
        return self.valid(value) if self.valid is not None else value in self.options()

    def value_label(self, value: str):
        return self.vocabulary.label_of(value) if self.vocabulary is not None \
            else self.label_of(value)

    @property
    def choices(self) -> list[str] | None:
        """Every allowed value, when the facet has a fixed list (the API documents it)."""
        return list(self.vocabulary.terms) if self.vocabulary is not None else None

    @property
    def allowed(self) -> list[str]:
        """Every value the query parameter takes: the API's enum and its 400s list them."""
        return self.choices if self.vocabulary is not None else list(self.options())


def _list_facet(param, field, vocab):
    return Facet(param, vocab.label, (field,), lambda row: row[field], vocabulary=vocab)


def _scalar_facet(param, field, vocab):
    return Facet(param, vocab.label, (field,), lambda row: (row[field],), vocabulary=vocab)


def _profile_facet(param, item, label=None):
    """A facet over one profile item: a tool has the values its sourced entries state, and
    none while the item is unknown (unknown never matches a choice)."""
    spec = profile.BY_CODE[item]
    return Facet(param, label or spec.label, ("profile",),
                 lambda row: profile.values(row["profile"], item), vocabulary=spec.vocabulary)


def _data_protection(row):
    """"published" when a privacy policy or an impact assessment is, "not-published" when a
    source says there is no privacy policy; nothing while unknown."""
    stated = {item: profile.values(row["profile"], item) for item in ("privacy_policy", "dpia")}
    if "yes" in stated["privacy_policy"] or "yes" in stated["dpia"]:
        return ("published",)
    return ("not-published",) if "no" in stated["privacy_policy"] else ()


def _global(row):
    return (GLOBAL,) if row["is_global"] else ()


def _country_code(value: str) -> str:
    return value if value.lower() == GLOBAL else value.upper()


# Order is the order facets appear in on the page and in the API.
FACETS: list[Facet] = [
    _list_facet("purpose", "purposes", v.PURPOSES),
    _list_facet("technology", "technologies", v.TECHNOLOGIES),
    _list_facet("user", "users", v.USERS),
    _list_facet("exploitation", "exploitation", v.EXPLOITATION),
    Facet("region", _("Region"), ("is_global",), _global,
          from_deployment=lambda code: (region_of(code),) if region_of(code) else (),
          options=lambda: [GLOBAL, *REGIONS],
          about="A UN M49 region, or 'global' for tools offered internationally.",
          label_of=lambda value: _("Global") if value == GLOBAL else REGIONS.get(value, value)),
    Facet("country", _("Country"), ("is_global",), _global,
          from_deployment=lambda code: (code,),
          options=lambda: [GLOBAL, *country_codes()],
          valid=lambda value: value == GLOBAL or is_country_code(value),
          label_of=country_name, normalise=_country_code,
          about="An ISO 3166-1 alpha-2 code (any case), or 'global' for tools offered "
                "internationally."),
    _scalar_facet("cost", "cost", v.COST),
    _scalar_facet("access", "access", v.ACCESS),
    _scalar_facet("status", "status", v.STATUS),
    Facet("open_source", v.OPEN_SOURCE.label, ("licence",),
          lambda row: (open_source_state(row["licence"]),), vocabulary=v.OPEN_SOURCE),
    # The responsible-technology profile (catalogue/profile.py).
    Facet("language", _("Interface language"), ("languages",), lambda row: row["languages"],
          options=lambda: list(iso639_1_codes()),
          valid=lambda value: len(value) == 2 and is_language_code(value),
          label_of=language_name, normalise=str.lower,
          about="An ISO 639-1 code of a language the tool's interface speaks (any case)."),
    _profile_facet("basic_phone", "basic_phone"),
    _profile_facet("offline", "offline"),
    _profile_facet("self_hostable", "self_hostable"),
    _profile_facet("evaluation", "evaluation"),
    _scalar_facet("victim_data", "processes_victim_data", v.VICTIM_DATA),
    _scalar_facet("survivors", "survivor_involvement", v.SURVIVORS),
    Facet("data_protection", v.DATA_PROTECTION.label, ("profile",), _data_protection,
          vocabulary=v.DATA_PROTECTION),
]


def facet(param: str) -> Facet:
    return next(f for f in FACETS if f.param == param)


def params() -> list[str]:
    return [f.param for f in FACETS]


@contextlib.contextmanager
def registered(extra: Facet):
    """Add a facet for the duration of a block (tests prove that one entry is enough)."""
    FACETS.append(extra)
    try:
        yield extra
    finally:
        FACETS.remove(extra)
