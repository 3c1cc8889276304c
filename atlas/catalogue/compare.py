"""Tools side by side: the same lines for each, differences marked, unknowns left unknown.

One function reads the request's tool list (`compare_tools`) and one builds the aligned lines
(`compare_rows`); the page and its JSON twin both call them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from atlas.catalogue import profile
from atlas.catalogue import vocabularies as v
from atlas.catalogue.filters import ParamError
from atlas.catalogue.models import Tool
from atlas.catalogue.selectors import tools_with_relations
from atlas.core.records import SLUG_PATTERN

MAX_TOOLS = 4


def compare_slugs(values: list[str]) -> list[str]:
    """?tools=a,b&tools=c -> [a, b, c]: repeated or comma-separated, blanks dropped."""
    return [s.strip() for value in values for s in value.split(",") if s.strip()]


def compare_tools(slugs: list[str]) -> tuple[list[Tool], list[ParamError]]:
    """The tools to compare, in the order asked, or the problems with the request: unknown,
    repeated, too many or too few tools (nothing is compared then)."""
    errors = []
    if len(slugs) > MAX_TOOLS:
        errors.append(ParamError("tools", ",".join(slugs), _(
            "Compare at most %(max)s tools at once.") % {"max": MAX_TOOLS}))
    repeated = sorted({s for s in slugs if slugs.count(s) > 1})
    for slug in repeated:
        errors.append(ParamError("tools", slug, _("This tool is named more than once.")))
    wanted = list(dict.fromkeys(slugs))
    found = {t.slug: t for t in tools_with_relations(Tool.objects.prefetch_related("sources"))
             .filter(slug__in=[s for s in wanted if SLUG_PATTERN.match(s)])}
    for slug in wanted:
        if slug not in found:
            errors.append(ParamError("tools", slug[:100], _("No tool with this address.")))
    if not errors and len(wanted) < 2:
        errors.append(ParamError("tools", ",".join(slugs), _(
            "Choose at least two tools to compare.")))
    return ([] if errors else [found[s] for s in wanted]), errors


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    group: str
    cells: list  # per tool: {"values": codes, "labels": labels, "sources": [(url, title)]}

    @property
    def differs(self) -> bool:
        return len({tuple(sorted(c["values"])) for c in self.cells}) > 1

    def as_dict(self) -> dict:
        return {"item": self.key, "label": self.label, "group": self.group,
                "differs": self.differs, "tools": self.cells}


def _cell(values, labels, sources=()):
    return {"values": [str(x) for x in values], "labels": [str(x) for x in labels],
            "sources": [{"url": url, "title": title} for url, title in sources]}


_FACTS = [
    ("organisations", gettext_lazy("Organisations"),
     lambda t: ([r.organisation.slug for r in t.roles.all()],
                [r.organisation.name for r in t.roles.all()])),
    ("status", gettext_lazy("Status"), lambda t: ([t.status], [t.get_status_display()])),
    ("purposes", v.PURPOSES.label,
     lambda t: (t.purposes, [v.PURPOSES.label_of(x) for x in t.purposes])),
    ("users", v.USERS.label, lambda t: (t.users, [v.USERS.label_of(x) for x in t.users])),
    ("access", v.ACCESS.label, lambda t: ([t.access], [t.get_access_display()])),
    ("countries", gettext_lazy("Countries where it is used"),
     lambda t: (sorted(d.country for d in t.deployments.all()), _countries(t))),
]


def _countries(tool) -> list[str]:
    n = len(tool.deployments.all())
    labels = [ngettext("%(n)s country", "%(n)s countries", n) % {"n": n}] if n else []
    return labels + ([str(_("offered globally"))] if tool.is_global else [])


def compare_rows(tools: list[Tool]) -> list[Line]:
    """The lines of a comparison: a few facts from the record, then every profile item."""
    lines = [Line(key, str(label), str(_("The record")),
                  [_cell(*read(t)) for t in tools]) for key, label, read in _FACTS]
    by_tool = [{row["item"].code: row for row in profile.rows(t.profile, t)} for t in tools]
    for item in profile.ITEMS:
        cells = []
        for rows in by_tool:
            entries = rows[item.code]["entries"]
            values = [x for e in entries for x in
                      (e["value"] if isinstance(e["value"], list) else [e["value"]])]
            labels = [label for e in entries for label in e["labels"]]
            cells.append(_cell(values, labels, [(e["source_url"], e["source_title"])
                                                for e in entries if e["source_url"]]))
        lines.append(Line(item.code, str(item.label), str(profile.GROUPS[item.group]), cells))
    return lines
