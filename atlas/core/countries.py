"""Countries and UN M49 regions, read from maintained packages rather than a hand-typed table.

ISO 3166-1 codes and names come from pycountry; the M49 region and sub-region of each country
from country_converter's bundled data file. That file is read with the csv module instead of
through country_converter's API, which would import pandas (about 60 MB) into every process.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import json
from dataclasses import dataclass

import pycountry
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

GLOBAL = "global"

# M49 regions. country_converter calls the Americas "America".
REGIONS = {
    "africa": _("Africa"),
    "americas": _("Americas"),
    "asia": _("Asia"),
    "europe": _("Europe"),
    "oceania": _("Oceania"),
}
_CONTINENT_TO_REGION = {"Africa": "africa", "America": "americas", "Asia": "asia",
                        "Europe": "europe", "Oceania": "oceania"}


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    english_name: str
    numeric: str  # ISO 3166-1 numeric, zero-padded: the id used by Natural Earth shapes
    region: str  # slug in REGIONS, "" for Antarctica and a few territories
    subregion: str  # M49 sub-region name in English

    @property
    def name(self):
        """The name in the active language (CLDR, through Babel), English when CLDR has none."""
        return localised_name(self.code, get_language()) or self.english_name

    @property
    def region_label(self):
        return REGIONS.get(self.region, "")

    def __str__(self):
        return self.name


def _m49_rows():
    path = importlib.resources.files("country_converter") / "country_data.tsv"
    with path.open(encoding="utf-8") as fh:
        # Keyed by ISO3: the ISO2 column holds regular expressions for a few countries (^GR$|^EL$).
        return {row["ISO3"]: row for row in csv.DictReader(fh, delimiter="\t") if row["ISO3"]}


@functools.cache
def _countries() -> dict[str, Country]:
    m49 = _m49_rows()
    result = {}
    for c in pycountry.countries:
        row = m49.get(c.alpha_3, {})
        result[c.alpha_2] = Country(
            code=c.alpha_2,
            english_name=getattr(c, "common_name", None) or c.name,
            numeric=c.numeric,
            region=_CONTINENT_TO_REGION.get(row.get("continent", ""), ""),
            subregion=row.get("UNregion", ""),
        )
    # Kosovo has no ISO 3166-1 code yet; XK is the user-assigned code used by the EU and the UN.
    row = m49.get("XKX", {})
    result["XK"] = Country("XK", "Kosovo", "", _CONTINENT_TO_REGION.get(row.get("continent"), "europe"),
                           row.get("UNregion", "Southern Europe"))
    return result


def all_countries() -> list[Country]:
    return sorted(_countries().values(), key=lambda c: c.name)


def get_country(code: str) -> Country | None:
    return _countries().get((code or "").upper())


def is_country_code(code: str) -> bool:
    return code in _countries()


def country_codes() -> list[str]:
    """Every ISO 3166-1 alpha-2 code the Atlas knows (and XK), in alphabetical order."""
    return sorted(_countries())


def country_name(code: str) -> str:
    """The country's name in the active language; the code itself if it is not a country."""
    if code == GLOBAL:
        return str(_("Global"))
    country = get_country(code)
    return country.name if country else code


@functools.lru_cache(maxsize=16)
def _cldr_territories(language: str) -> dict[str, str]:
    from babel import Locale, UnknownLocaleError
    try:
        return dict(Locale.parse(to_locale(language)).territories)
    except (ValueError, UnknownLocaleError):
        return {}


def localised_name(code: str, language: str | None) -> str:
    """CLDR's name of a country in a language; "" for English (the ISO names stay) or if unknown."""
    if not language or language.split("-")[0] == "en":
        return ""
    return _cldr_territories(language).get(code, "")


def region_of(code: str) -> str:
    country = get_country(code)
    return country.region if country else ""


def countries_in_region(region: str) -> list[Country]:
    return [c for c in all_countries() if c.region == region]


_CENTROIDS_FILE = importlib.resources.files("atlas.core") / "data" / "centroids.json"


@functools.cache
def _centroids() -> dict[str, tuple[float, float]]:
    # Built from Natural Earth shapes by scripts/build_shapes.py.
    with _CENTROIDS_FILE.open(encoding="utf-8") as fh:
        return {code: (lat, lng) for code, (lat, lng) in json.load(fh).items()}


def centroid(code: str) -> tuple[float, float] | None:
    """(latitude, longitude) inside the country's largest landmass, or None if unknown."""
    return _centroids().get((code or "").upper())
