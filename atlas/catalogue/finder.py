""""Which tool fits us?": a few questions that become a normal search, ranked by how many of
the asker's constraints each tool is known to meet.

Who you are, where and what you need to do are filters (the same as the list's facets); the
constraints (free, works offline, in your language, victims' data kept at home) rank the
matches and explain them. A constraint the profile does not answer is unknown: it never counts
as met, and the explanation says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atlas.catalogue import profile
from atlas.catalogue import vocabularies as v
from atlas.catalogue.filters import ToolFilters
from atlas.catalogue.models import Tool
from atlas.catalogue.selectors import hydrate, tool_search_ids
from atlas.core.languages import is_language_code, language_name
from atlas.derived import stamps
from atlas.derived.cache import memoised
from atlas.core.countries import GLOBAL, country_name, is_country_code

# Who is asking -> the target users whose tools fit them.
ROLES = {
    "ngo": (gettext_lazy("An NGO"), ("ngos",)),
    "shelter": (gettext_lazy("A shelter or victim service"), ("ngos", "survivors")),
    "law-enforcement": (gettext_lazy("Law enforcement"), ("law-enforcement",)),
    "labour-inspection": (gettext_lazy("A labour inspectorate"), ("governments", "workers")),
    "business": (gettext_lazy("A business checking its supply chain"), ("businesses",)),
    "platform": (gettext_lazy("An online platform"), ("businesses", "children-youth")),
    "researcher": (gettext_lazy("A researcher"), ("researchers",)),
}
CONSTRAINTS = {
    "free": gettext_lazy("Free of charge"),
    "offline": gettext_lazy("Works offline or on low bandwidth"),
    "language": gettext_lazy("Speaks our language"),
    "data_home": gettext_lazy("Victims' data does not leave our country"),
}
SHOWN = 20
RANKED = 2000  # the first matches (by name) that are ranked; a bigger catalogue needs filters


# Each question's query parameter, how it is read, when it is understood and what is said when
# it is not.
_QUESTIONS = [
    ("role", str, lambda value: value in ROLES,
     gettext_lazy("Unknown kind of organisation: %(value)s")),
    ("country", str.upper, is_country_code, gettext_lazy("Unknown country code: %(value)s")),
    ("need", str, lambda value: value in v.PURPOSES, gettext_lazy("Unknown need: %(value)s")),
    ("language", str.lower, is_language_code,
     gettext_lazy("Unknown language code: %(value)s")),
]


@dataclass(frozen=True)
class Answers:
    role: str = ""
    country: str = ""
    need: str = ""
    language: str = ""
    constraints: tuple = ()

    @classmethod
    def from_query(cls, query) -> tuple["Answers", list[str]]:
        """The answers a query string gives, and what in it was not understood."""
        problems, answers = [], {}
        for name, normalise, valid, message in _QUESTIONS:
            value = normalise(query.get(name, ""))
            if value and not valid(value):
                problems.append(str(message) % {"value": value[:40]})
                value = ""
            answers[name] = value
        given = query.getlist("constraint")
        problems += [_("Unknown constraint: %(value)s") % {"value": c[:40]}
                     for c in given if c not in CONSTRAINTS]
        return cls(**answers, constraints=tuple(c for c in CONSTRAINTS if c in given)), problems

    @property
    def asked(self) -> bool:
        return bool(self.role or self.country or self.need or self.constraints)

    def filters(self) -> ToolFilters:
        """The list search these answers are: the same facets as /tools/."""
        chosen = {}
        if self.role:
            chosen["user"] = ROLES[self.role][1]
        if self.country:
            chosen["country"] = (self.country, GLOBAL)
        if self.need:
            chosen["purpose"] = (self.need,)
        return ToolFilters(**chosen)


def _met(tool, constraint: str, answers: Answers):
    """True, False, or None when unknown."""
    if constraint == "free":
        return None if tool.cost == "unknown" else tool.cost == "free"
    if constraint == "offline":
        stated = profile.values(tool.profile, "offline")
        return stated[0] == "yes" if stated else None
    if constraint == "language":
        if not answers.language:
            return None
        return answers.language in tool.languages if tool.languages else None
    # data_home: no victims' data at all, or it stays with the user or in the asker's country.
    if tool.processes_victim_data == "no":
        return True
    hosting = profile.values(tool.profile, "hosting")
    if hosting and hosting[0] in ("self-hosted", "on-device"):
        return True
    where = profile.values(tool.profile, "hosting_country")
    if where and answers.country:
        return where[0] == answers.country
    return None


@dataclass(frozen=True)
class Fit:
    tool: object
    checks: list  # (constraint label, True / False / None)

    @property
    def met(self) -> int:
        return sum(1 for _label, ok in self.checks if ok)

    @property
    def known(self) -> int:
        return sum(1 for _label, ok in self.checks if ok is not None)

    def why(self) -> str:
        """One line: each constraint met, not met, or unknown."""
        parts = []
        for label, ok in self.checks:
            state = _("yes") if ok else _("no") if ok is False else _("unknown")
            parts.append(f"{label}: {state}")
        return " · ".join(parts)


def constraint_label(constraint: str, answers: Answers) -> str:
    if constraint == "language" and answers.language:
        return _("In %(language)s") % {"language": language_name(answers.language)}
    if constraint == "data_home" and answers.country:
        return _("Victims' data stays in %(country)s") % {
            "country": country_name(answers.country)}
    return str(CONSTRAINTS[constraint])


def languages_offered() -> list[tuple[str, str]]:
    """(code, name) of every interface language some tool speaks, by name in the reader's
    language."""
    return sorted(((c, language_name(c)) for c in _languages_spoken()),
                  key=lambda x: x[1].casefold())


@memoised(stamps.CATALOGUE)
def _languages_spoken() -> frozenset:
    return frozenset(code for langs in Tool.objects.values_list("languages", flat=True)
                     for code in langs)


def find(answers: Answers) -> tuple[list[Fit], int, ToolFilters]:
    """The best-fitting tools (at most SHOWN), how many match the filters, and the filters."""
    filters = answers.filters()
    ids = tool_search_ids(filters.changed(sort="name"))
    tools = hydrate(ids[:RANKED])
    fits = [Fit(t, [(constraint_label(c, answers), _met(t, c, answers))
                    for c in answers.constraints]) for t in tools]
    fits.sort(key=lambda f: (-f.met, -f.known, -profile.filled(f.tool.profile),
                             f.tool.name.casefold()))
    return fits[:SHOWN], len(fits), filters
