"""The profile part of the correction form: one row per profile item, prefilled as published.

Each row has the item's answer (a select, ticks, or codes), the page that states it and an
optional quote; an item that repeats (evaluation) has a row per entry and one more to add
another. Leaving a row as it is changes nothing; an empty answer makes the item unknown. Only the
items whose rows changed are checked, with catalogue/profile.py's own entries_check, and only
they are proposed: a correction carries {item: entries} and its approval replaces just those
items (catalogue/records.py, profile_items_replaced).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atlas.catalogue import profile
from atlas.core.countries import all_countries
from atlas.core.records import Cells, is_web_address
from atlas.submissions.accessible import AccessibleForm

PREFIX = "profile-"
UNKNOWN = pgettext_lazy("answer", "Unknown")  # as the tool page says it


class _Answer(forms.ChoiceField):
    """A select whose choices are only offered: profile.entry_check judges the value, so a
    refusal says what the import would say."""

    def valid_value(self, value):
        return True


class _Answers(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value):
        return True


class _Codes(forms.CharField):
    """Codes separated by commas, semicolons or spaces ("en, sw"); cleans to a list."""

    def to_python(self, value):
        return [x for x in re.split(r"[\s,;]+", super().to_python(value)) if x]


def _countries():
    return [("", UNKNOWN)] + [(c.code, c.name) for c in all_countries()]


def _answer_field(item: profile.Item) -> forms.Field:
    if item.kind == "choice":
        return _Answer(label=_("Answer"), required=False,
                       choices=[("", UNKNOWN), *item.vocabulary.choices])
    if item.kind == "choices" and item.vocabulary is not None:
        return _Answers(label=_("Answers (tick all that apply; none for unknown)"),
                        required=False, choices=item.vocabulary.choices)
    if item.kind == "country":
        return _Answer(label=_("Answer"), required=False, choices=_countries)
    if item.kind == "licence":
        return forms.CharField(label=_("Answer"), required=False, max_length=100,
                               help_text=_("An SPDX licence id such as MIT or GPL-3.0-only, or "
                                           "“proprietary”; empty for unknown."))
    if item.kind == "languages":
        return _Codes(label=_("Answer"), required=False, max_length=400,
                      help_text=_("Two-letter ISO 639-1 language codes separated by commas, for "
                                  "example en, sw; empty for unknown."))
    return _Codes(label=_("Answer"), required=False, max_length=400,
                  help_text=_("Short codes separated by commas; empty for unknown."))


@dataclass
class Row:
    """One row of the form: an item (again for an extra entry of an item that repeats)."""

    item: profile.Item
    key: str  # the fields' common prefix: "profile-hosting", "profile-evaluation-2"
    first: bool  # the item's first row, which shows what is published now
    now: list = field(default_factory=list)  # the item's published entries, labelled
    fields: list = field(default_factory=list)  # bound fields: answer, source, quote


def _form_value(item, entry):
    if entry is None:
        return [] if item.kind == "choices" and item.vocabulary is not None else ""
    value = entry["value"]
    if isinstance(value, list) and not (item.kind == "choices" and item.vocabulary is not None):
        return ", ".join(value)
    return value


def _comparable(entries) -> list:
    """Entries as a form row can say them: values in any order, a note on one line."""
    return sorted((sorted(e["value"]) if isinstance(e["value"], list) else [e["value"]],
                   e.get("source_url") or "", " ".join((e.get("note") or "").split()))
                  for e in entries)


class ProfileForm(AccessibleForm):
    """The profile rows of a correction. current is the tool's record (tool_snapshot); shown,
    if given, replaces some items' entries in the prefilled rows (a pending correction that a
    curator edits). After is_valid(), changes() is {item: entries} for the items it changes."""

    def __init__(self, data=None, *, current: dict, shown: dict | None = None):
        super().__init__(data)
        self.now = profile.stated(current.get("profile"),
                                  {name: current.get(name) for name in profile.MIRRORED})
        shown = {**self.now, **(shown or {})}
        self.rows: list[Row] = []
        self._shown: dict[str, dict | None] = {}
        for item in profile.ITEMS:
            entries = shown.get(item.code, [])
            count = len(entries) + 1 if item.repeats and entries else max(1, len(entries))
            for n in range(count):
                entry = entries[n] if n < len(entries) else None
                self._add_row(item, n, entry)
        self._changes: dict[str, list] = {}

    def _add_row(self, item, n, entry):
        key = f"{PREFIX}{item.code}" + (f"-{n + 1}" if n else "")
        self.fields[f"{key}-value"] = _answer_field(item)
        # Text, not type=url: a published source may be a repository file ("owner/repo:path"),
        # which the import takes and an URL input cannot hold; a new one must be http(s).
        self.fields[f"{key}-source_url"] = forms.CharField(
            label=_("Page that states it (web address)"), required=False, max_length=500,
            widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}))
        self.fields[f"{key}-note"] = forms.CharField(
            label=_("Quote from that page, or a note (optional)"), required=False,
            max_length=500)
        for name, value in (("value", _form_value(item, entry)),
                            ("source_url", (entry or {}).get("source_url", "")),
                            ("note", (entry or {}).get("note", ""))):
            self.initial[f"{key}-{name}"] = value
        self._shown[key] = entry
        self.rows.append(Row(item=item, key=key, first=n == 0, now=[
            profile.labelled(item, e) for e in self.now.get(item.code, [])] if n == 0 else []))

    def groups(self) -> list[dict]:
        """The rows by profile group, in order, each row with its bound fields."""
        out = {}
        for row in self.rows:
            row.fields = [self[f"{row.key}-{name}"] for name in ("value", "source_url", "note")]
            out.setdefault(row.item.group, {"label": profile.GROUPS[row.item.group], "rows": []})
            out[row.item.group]["rows"].append(row)
        return list(out.values())

    def clean(self):
        cleaned = super().clean()
        by_item = {}
        for row in self.rows:
            by_item.setdefault(row.item.code, []).append(row)
        for code, rows in by_item.items():
            if any(f"{row.key}-source_url" not in self.data for row in rows):
                continue  # not sent (a form from before profiles): this item stays as it is
            proposed = [r for r in (self._proposed(row) for row in rows) if r is not None]
            if _comparable(proposed) != _comparable(self.now.get(code, [])):
                self._check(code, rows, proposed)
        return cleaned

    def _proposed(self, row):
        """The entry a row proposes (unchecked), or None when it leaves its item unknown."""
        value = self.cleaned_data.get(f"{row.key}-value")
        source = (self.cleaned_data.get(f"{row.key}-source_url") or "").strip()
        note = (self.cleaned_data.get(f"{row.key}-note") or "").strip()
        shown = self._shown[row.key] or {}
        if value in ("", [], None):
            if source and source != shown.get("source_url"):
                self.add_error(f"{row.key}-value", _("Choose the answer this page states, or "
                                                     "leave the web address empty."))
            return None
        return {"item": row.item.code, "value": value, "source_url": source,
                "source_title": shown.get("source_title", "")
                if source == shown.get("source_url") else "",
                "note": note, "_row": row.key}

    def _check(self, code, rows, proposed):
        """Check a changed item's entries with the profile's own rules; problems go to the
        row and field they are about."""
        published = _comparable(self.now.get(code, []))
        cells = Cells({})
        entries = profile.entries_check([{k: v for k, v in e.items() if k != "_row"}
                                         for e in proposed], cells)
        for problem in cells.problems:
            _column, n, key = problem.column.split(".", 2)
            entry = proposed[int(n)]
            name = key if key in ("value", "source_url", "note") else "value"
            reason = capfirst(problem.reason)
            if name == "source_url" and not entry["source_url"]:
                reason = _("Give the web address of the page that states this answer: every "
                           "answer rests on a source.")
            self.add_error(f"{entry['_row']}-{name}", reason)
        for entry in proposed:
            new = _comparable([entry])[0] not in published
            if new and entry["source_url"] and not is_web_address(entry["source_url"]):
                # The import also takes "owner/repo:path"; a public form takes web pages only.
                self.add_error(f"{entry['_row']}-source_url", _(
                    "Enter a web address starting with http:// or https://."))
        if not cells.problems and _comparable(entries) != published:
            self._changes[code] = entries  # ("MIT" for "mit" is no change)

    def changes(self) -> dict[str, list]:
        """{item: its proposed entries} for every item this form changes ([] = unknown)."""
        return dict(self._changes) if self.is_valid() else {}
