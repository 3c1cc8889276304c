"""What each kind of submission holds: one small class per kind, read from and written to the
JSON of `Submission.payload` (from_json / to_json), so no code reads a payload with `.get()`.

PAYLOADS is the registry of kinds: `payload_of(submission)` (also `Submission.content`) gives
the submission's payload object. The forms, the harvest and the curators' edit build these
objects; services.submission_approve applies them through its APPROVALS table; the curators'
edit forms are in curate_views.EDITS. A new kind of submission: a class here, a form, an entry
in APPROVALS if approving it changes a record, a template (docs/architecture.md).

to_json writes what the class holds, leaving out empty optional keys; from_json reads what
earlier versions stored too (an empty note, an empty list of new organisations), so two payloads
compare equal (==) when they say the same thing, however they were stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from atlas.catalogue.records import profile_items_replaced


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _strings(data: dict, key: str) -> list[str]:
    value = data.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _object(data: dict, key: str) -> dict | None:
    value = data.get(key)
    return value if isinstance(value, dict) else None


class Payload:
    kind: ClassVar[str]

    @classmethod
    def from_json(cls, data) -> "Payload":
        raise NotImplementedError

    def to_json(self) -> dict:
        raise NotImplementedError

    @property
    def title(self) -> str:
        return ""


@dataclass
class ToolProposal(Payload):
    """A new tool: its record in the import format, the proposer's note, and for a harvested
    proposal its origin ({instance, url, remote_slug}) and the organisations it names that this
    Atlas lacks (each an organisation record with its slug there)."""

    kind: ClassVar[str] = "tool"
    KEYS: ClassVar[tuple] = ("note", "origin", "new_organisations")  # the rest is the record

    record: dict
    note: str = ""
    origin: dict | None = None
    new_organisations: list[dict] = field(default_factory=list)

    @classmethod
    def from_json(cls, data) -> "ToolProposal":
        data = data if isinstance(data, dict) else {}
        return cls(record={k: v for k, v in data.items() if k not in cls.KEYS},
                   note=_text(data, "note"), origin=_object(data, "origin"),
                   new_organisations=[o for o in data.get("new_organisations") or []
                                      if isinstance(o, dict)])

    def to_json(self) -> dict:
        data = dict(self.record)
        if self.note:
            data["note"] = self.note
        if self.origin is not None:
            data["origin"] = self.origin
        if self.new_organisations:
            data["new_organisations"] = self.new_organisations
        return data

    @property
    def title(self) -> str:
        return str(self.record.get("name") or "")

    def edited(self, record: dict, note: str) -> "ToolProposal":
        """The proposal after a curator edited it with the proposal form: the form's fields
        replace the proposal's; what the form does not show (a harvested record's sources,
        deployments, aliases...) is kept. The organisations keep their roles unless the curator
        changed the organisation the form shows."""
        original, record = self.record, dict(record)
        first = (original.get("organization") or [{}])[0].get("name", "")
        if original.get("organization") and (
                record.get("organization") or [{}])[0].get("name") == first:
            record["organization"] = original["organization"]
        if record.get("source_url") in {s.get("url") for s in original.get("sources") or []}:
            del record["source_url"]  # already among the proposal's sources
        return ToolProposal(record={**original, **record}, note=note, origin=self.origin,
                            new_organisations=self.new_organisations)


@dataclass
class Correction(Payload):
    """Changes to a tool: the fields that differ, the profile items replaced ({item: entries},
    [] for an item that becomes unknown), the page that confirms them, a note; a harvested
    correction's origin ({instance, url, remote_slug, why, other})."""

    kind: ClassVar[str] = "correction"

    changes: dict
    source_url: str = ""
    note: str = ""
    profile: dict = field(default_factory=dict)
    origin: dict | None = None

    @classmethod
    def from_json(cls, data) -> "Correction":
        data = data if isinstance(data, dict) else {}
        return cls(changes=_object(data, "changes") or {}, source_url=_text(data, "source_url"),
                   note=_text(data, "note"), profile=_object(data, "profile") or {},
                   origin=_object(data, "origin"))

    def record(self, current: dict) -> dict:
        """The tool record this correction proposes: the current one with its changed fields,
        then its profile items (each replaces that item's entries now, whatever else changed
        since it was sent; the fields they mirror follow)."""
        record = {**current, **self.changes}
        return profile_items_replaced(record, self.profile) if self.profile else record

    def to_json(self) -> dict:
        data = {"changes": self.changes, "source_url": self.source_url}
        if self.note:
            data["note"] = self.note
        if self.profile:
            data["profile"] = self.profile
        if self.origin is not None:
            data["origin"] = self.origin
        return data


@dataclass
class Solution(Payload):
    """A tech-based response someone describes, for curators to publish as an excerpt."""

    kind: ClassVar[str] = "solution"

    title: str = ""
    description: str = ""
    countries: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    url: str = ""

    @classmethod
    def from_json(cls, data) -> "Solution":
        data = data if isinstance(data, dict) else {}
        return cls(title=_text(data, "title"), description=_text(data, "description"),
                   countries=_strings(data, "countries"), topics=_strings(data, "topics"),
                   tools=_strings(data, "tools"), url=_text(data, "url"))

    def to_json(self) -> dict:
        return {"title": self.title, "description": self.description,
                "countries": self.countries, "topics": self.topics, "tools": self.tools,
                "url": self.url}


@dataclass
class HelplineReport(Payload):
    """A reader's report that a helpline's number or address did not work."""

    kind: ClassVar[str] = "helpline-report"

    country: str = ""
    helpline: str = ""
    channel: str = ""
    value: str = ""

    @classmethod
    def from_json(cls, data) -> "HelplineReport":
        data = data if isinstance(data, dict) else {}
        return cls(country=_text(data, "country"), helpline=_text(data, "helpline"),
                   channel=_text(data, "channel"), value=_text(data, "value"))

    def to_json(self) -> dict:
        return {"country": self.country, "helpline": self.helpline, "channel": self.channel,
                "value": self.value, "title": self.title}

    @property
    def title(self) -> str:
        return f"{self.helpline}: {self.value}"


@dataclass
class Story(Payload):
    """A story holds nothing in the clear: it is sealed (Submission.sealed)."""

    kind: ClassVar[str] = "story"

    @classmethod
    def from_json(cls, data) -> "Story":
        return cls()

    def to_json(self) -> dict:
        return {}


PAYLOADS: dict[str, type[Payload]] = {
    cls.kind: cls for cls in (ToolProposal, Correction, Solution, HelplineReport, Story)}


def payload_of(submission) -> Payload:
    return PAYLOADS[submission.kind].from_json(submission.payload)
