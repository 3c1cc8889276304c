from __future__ import annotations

from collections import Counter

from atlas.geo.countries import get_country
from atlas.helplines.models import Helpline


def helpline_list(*, country: str = "", kind: str = ""):
    qs = Helpline.objects.all()
    if country:
        qs = qs.filter(country=country.upper())
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("country", "kind", "name")


def helpline_countries() -> list[tuple]:
    """(Country, number of helplines) for every country with at least one, by country name."""
    counts = Counter(Helpline.objects.values_list("country", flat=True))
    countries = [(get_country(code), n) for code, n in counts.items() if get_country(code)]
    return sorted(countries, key=lambda cn: cn[0].name)
