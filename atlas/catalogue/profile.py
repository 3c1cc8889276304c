"""A tool's responsible-technology profile: what a practitioner needs to choose it safely.

Each item says one thing about a tool (who can see the data it holds, whether it was evaluated,
whether a basic phone reaches it...) and rests on the page that says so. An item no source
states is absent and shown as "unknown": it never counts as meeting a need. A tool's profile is
a list of entries {item, value, source_url, source_title, note}, in ITEMS order; `evaluation`
may repeat (one entry per study), every other item appears once. Values are codes, labelled
here once per language (the offline copy ships codes, not text per tool).

Five items mirror fields a tool record already has (cost, licence, languages, survivor
involvement, processes victims' data): a profile entry for one of them gives the field its
source, and the field takes the entry's value (catalogue/services.py, tool_profiles_set).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atlas.catalogue import vocabularies as v
from atlas.catalogue.licences import canonical_licence, is_known_licence
from atlas.core.languages import is_language_code, language_name
from atlas.core.records import Cells, Problem
from atlas.core.countries import country_name, is_country_code

YES_NO = v.Vocabulary("yes-no", _("Yes or no"), {"yes": _("Yes"), "no": _("No")})
HOSTING = v.Vocabulary("hosting", _("Hosting"), {
    "self-hosted": _("On the organisation's own servers"),
    "vendor-cloud": _("On the provider's servers"),
    "on-device": _("On the device only"),
    "mixed": _("Mixed"),
})
DATA_ACCESS = v.Vocabulary("data-access", _("Who can see the data"), {
    "operator": _("The provider"),
    "user-organisation": _("The organisation using it"),
    "law-enforcement": _("Law enforcement"),
    "partners": _("Partners"),
    "public": _("The public"),
    "data-subject": _("The person themselves"),
    "nobody": _("Nobody (anonymous or aggregate only)"),
})
CONSENT = v.Vocabulary("consent", _("Consent"), {
    "explicit": _("Explicit consent"),
    "implied": _("Implied consent"),
    "none": pgettext_lazy("consent", "None"),
    "not-applicable": _("Not applicable"),
})
EVALUATION = v.Vocabulary("evaluation", _("Evaluation"), {
    "independent-evaluation": _("Independent evaluation"),
    "peer-reviewed": _("Peer-reviewed study"),
    "self-reported": _("Self-reported"),
})
BASIC_PHONE = v.Vocabulary("basic-phone", _("Basic phone"), {
    "sms": _("SMS"),
    "ussd": _("USSD"),
    "ivr": _("Voice menu (IVR)"),
    "voice": _("Voice call"),
    "none": _("Not from a basic phone"),
})
COST = v.Vocabulary("profile-cost", v.COST.label,
                    {k: label for k, label in v.COST.terms.items() if k != "unknown"})

GROUPS = {
    "data": _("Data"),
    "people": _("People"),
    "reach": _("Reach"),
    "ownership": _("Ownership"),
}


@dataclass(frozen=True)
class Item:
    code: str
    group: str
    label: object
    kind: str  # "choice", "choices", "languages", "country", "licence"
    vocabulary: v.Vocabulary | None = None
    repeats: bool = False
    field: str = ""  # the Tool field this item mirrors, if any

    @property
    def many(self) -> bool:
        return self.kind in ("choices", "languages")


ITEMS: list[Item] = [
    Item("processes_personal_data", "data", _("Processes personal data of victims or "
                                                  "workers"), "choice", YES_NO,
         field="processes_victim_data"),
    Item("hosting", "data", _("Where the data is kept"), "choice", HOSTING),
    Item("hosting_country", "data", _("Country where the data is stored"), "country"),
    Item("data_access", "data", _("Who can see the data"), "choices", DATA_ACCESS),
    Item("privacy_policy", "data", _("Privacy policy published"), "choice", YES_NO),
    Item("dpia", "data", _("Data-protection impact assessment published"), "choice", YES_NO),
    Item("consent", "data", _("Consent model"), "choice", CONSENT),
    Item("survivor_involvement", "people", _("Survivors or workers involved"), "choice",
         YES_NO, field="survivor_involvement"),
    Item("evaluation", "people", _("Evaluation of its effect"), "choice", EVALUATION,
         repeats=True),
    Item("languages", "reach", _("Interface languages"), "languages", field="languages"),
    Item("offline", "reach", _("Works offline or on low bandwidth"), "choice", YES_NO),
    Item("basic_phone", "reach", _("Reachable from a basic phone"), "choices", BASIC_PHONE),
    Item("accessibility_statement", "reach", _("Accessibility statement published"),
         "choice", YES_NO),
    Item("licence", "ownership", _("Licence"), "licence", field="licence"),
    Item("self_hostable", "ownership", _("Can be self-hosted"), "choice", YES_NO),
    Item("data_standard", "ownership", _("Open data standards supported"), "choices"),
    Item("cost", "ownership", v.COST.label, "choice", COST, field="cost"),
]
BY_CODE = {item.code: item for item in ITEMS}
MIRRORED = tuple(item.field for item in ITEMS if item.field)
_ORDER = {item.code: i for i, item in enumerate(ITEMS)}
ENTRY_KEYS = ("item", "value", "source_url", "source_title", "note")


def entries_check(raw, c: Cells, column: str = "profile") -> list[dict]:
    """A profile (a list of entry objects) checked and in canonical form; problems go to c,
    named "profile.<n>.<key>". An empty list for an empty profile."""
    if raw in (None, "", []):
        return []
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        c.fail(column, raw, gettext("expected a list of objects with item, value and source_url"))
        return []
    entries, seen = [], {}
    for n, raw_entry in enumerate(raw):
        sub = Cells(raw_entry)
        entry = entry_check(sub)
        c.problems += [Problem(f"{column}.{n}.{p.column}", p.value, p.reason)
                       for p in sub.problems]
        if entry is None or sub.problems:
            continue
        item = BY_CODE[entry["item"]]
        key = (item.code, str(entry["value"])) if item.repeats else item.code
        if key in seen:
            c.fail(f"{column}.{n}.item", item.code,
                   gettext("this item is already given in entry %(first)s")
                   % {"first": seen[key] + 1})
            continue
        seen[key] = n
        entries.append(entry)
    return ordered(entries)


def entry_check(c: Cells) -> dict | None:
    """One entry in canonical form (None when its item is unknown); problems go to c."""
    unknown = [k for k in c.row if k not in ENTRY_KEYS and k != "tool"]
    for key in unknown:
        c.fail(key, key, gettext("unknown key; expected: %(keys)s")
               % {"keys": ", ".join(ENTRY_KEYS)})
    code = c.text("item", required=True)
    item = BY_CODE.get(code)
    if item is None:
        if code:
            # Translators: the items are codes; keep them as they are.
            c.fail("item", code, gettext("unknown profile item; expected one of: %(items)s")
                   % {"items": ", ".join(BY_CODE)})
        return None
    return {
        "item": code,
        "value": _value(item, c),
        "source_url": c.url("source_url", required=True, allow_github_file=True),
        "source_title": c.text("source_title", max_length=300),
        "note": c.text("note", max_length=500),
    }


def _value(item: Item, c: Cells):
    if item.kind == "choice":
        value = c.text("value", required=True)
        if value and value not in item.vocabulary:
            c.fail("value", value, gettext("unknown value; expected one of: %(terms)s")
                   % {"terms": ", ".join(item.vocabulary.terms)})
        return value
    if item.kind == "country":
        return c.country("value", required=True)
    if item.kind == "licence":
        value = c.text("value", required=True, max_length=100)
        if value and not is_known_licence(value):
            c.fail("value", value, gettext("not an SPDX licence id (or 'proprietary')"))
        return canonical_licence(value)
    values = c.items("value", max_length=40)
    if not values:
        c.fail("value", "", gettext("required"))
    for value in values:
        if item.kind == "languages" and not (len(value) == 2 and is_language_code(value.lower())):
            # Interface languages are the tool's `languages` field: ISO 639-1, as it takes.
            c.fail("value", value, gettext("unknown ISO 639-1 language code"))
        elif item.vocabulary is not None and value not in item.vocabulary:
            c.fail("value", value, gettext("unknown value; expected one of: %(terms)s")
                   % {"terms": ", ".join(item.vocabulary.terms)})
        elif item.vocabulary is None and item.kind == "choices" and not value.replace(
                "-", "").isalnum():
            c.fail("value", value, gettext("expected a short lowercase code"))
    return [x.lower() for x in values] if item.kind == "languages" else values


def ordered(entries: list[dict]) -> list[dict]:
    """Entries in canonical order: ITEMS order, then value (how a profile is stored)."""
    return sorted(entries, key=lambda e: (_ORDER[e["item"]], str(e["value"])))


def mirrors(entries: list[dict]) -> dict:
    """The Tool fields these entries give values to (cost, licence, languages...)."""
    return {BY_CODE[e["item"]].field: e["value"] for e in entries if BY_CODE[e["item"]].field}


def values(profile, code: str) -> list[str]:
    """Every value a profile gives for an item, as codes ([] when unknown)."""
    out = []
    for entry in profile or ():
        if entry["item"] == code:
            value = entry["value"]
            out += value if isinstance(value, list) else [value]
    return out


def filled(profile) -> int:
    """How many items a profile states (an evaluation counts once)."""
    return len({entry["item"] for entry in profile or ()})


def value_label(item: Item, value: str) -> str:
    """A value's label in the active language."""
    if item.kind == "languages":
        return language_name(value)
    if item.kind == "country":
        return str(country_name(value)) if is_country_code(value) else value
    if item.vocabulary is not None and value in item.vocabulary:
        return str(item.vocabulary.label_of(value))
    return value


def stated(profile, fields: dict | None = None) -> dict[str, list[dict]]:
    """item code -> the entries that state it (items nobody states are left out). Given the
    values of the mirrored fields (MIRRORED -> value), an item that no entry states but whose
    field has a value gets that value as an entry without a source_url: it rests on the
    record's sources."""
    by_item = {}
    for entry in profile or ():
        by_item.setdefault(entry["item"], []).append(entry)
    for item in ITEMS:
        value = (fields or {}).get(item.field) if item.field else None
        if item.code not in by_item and value not in (None, "unknown", "", []):
            by_item[item.code] = [{"item": item.code, "value": value, "source_url": "",
                                   "source_title": "", "note": ""}]
    return by_item


def labelled(item: Item, entry: dict) -> dict:
    """An entry with its values' labels in the active language ("labels")."""
    value = entry["value"]
    return {**entry, "labels": [value_label(item, x)
                                for x in (value if isinstance(value, list) else [value])]}


def replaced(profile, items: dict[str, list[dict]]) -> list[dict]:
    """A profile whose entries for these items are replaced by the given ones (an empty list
    makes an item unknown); not checked, not ordered: entries_check does both."""
    kept = [entry for entry in profile or () if entry.get("item") not in items]
    return kept + [entry for entries in items.values() for entry in entries]


def rows(profile, tool=None) -> list[dict]:
    """Every item in ITEMS order, for a page: its label, group, and the entries that state it
    (each with its values' labels and source), or none when unknown. Given the tool, an item it
    mirrors that no entry states shows the tool's field, marked as resting on the record's
    sources."""
    fields = {name: getattr(tool, name) for name in MIRRORED} if tool is not None else None
    by_item = stated(profile, fields)
    return [{"item": item, "group": GROUPS[item.group],
             "entries": [labelled(item, entry) for entry in by_item.get(item.code, [])]}
            for item in ITEMS]


def grouped(rows_: list[dict]) -> list[dict]:
    """rows() by group, in order: each group's label, its rows and whether any is known."""
    groups = {}
    for row in rows_:
        group = groups.setdefault(row["item"].group, {"label": row["group"], "rows": [],
                                                      "known": False})
        group["rows"].append(row)
        group["known"] = group["known"] or bool(row["entries"])
    return list(groups.values())
