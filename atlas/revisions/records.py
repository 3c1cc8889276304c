"""Published records applied through the catalogue's and helplines' formats and services.

Tools, organisations and helplines each have a RecordType: its snapshot is the exporters' record,
and approvals, curators' edits and reverts check a record with its format (catalogue/records.py,
helplines/records.py), exactly as `atlas import` does, then write it with the catalogue's (or
helplines') services; this app never writes those tables itself.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from atlas.catalogue.exporters import organisation_record, tool_record
from atlas.catalogue.models import Organisation, Tool
from atlas.catalogue.records import OrganisationFormat, OrganisationResolver, ToolFormat
from atlas.catalogue.selectors import tools_with_relations
from atlas.catalogue.services import (catalogue_changed, organisation_upsert, search_reindex,
                                      tool_upsert)
from atlas.core.records import RecordInvalid, unique_slug as slug_unique
from atlas.helplines.records import HelplineFormat, helpline_record
from atlas.helplines.models import Helpline
from atlas.helplines.services import helpline_save

# Labels for diff tables, reusing the catalogue's own translated field names.
RECORD_LABELS = {
    "name": _("name"), "website": _("website"), "description": _("short description"),
    "long_description": _("long description (Markdown)"), "purposes": _("purposes"),
    "technologies": _("technologies"), "users": _("target users"),
    "exploitation": _("exploitation types"), "countries": _("countries"), "status": _("status"),
    "cost": _("cost"), "access": _("access"), "licence": _("licence (SPDX id)"),
    "source_repository": _("source repository"), "organization": _("organisations"),
    "sources": _("Sources"), "deployments": _("Where it is used"), "aliases": _("aliases"),
    "headquarters_country": _("headquarters country"), "languages": _("interface languages"),
    "year_launched": _("year launched"), "survivor_involvement": _("survivor involvement"),
    "processes_victim_data": _("processes personal data of victims"),
    "evidence": _("evidence cautions"), "profile": _("responsible-technology profile"),
    # organisations and helplines
    "kind": _("kind"), "source_url": _("source URL"), "country": _("country"),
    "source_date": _("source read on"), "last_verified": _("last verified"),
}
# A helpline's languages are the languages it answers in, not an interface's.
HELPLINE_LABELS = {
    **RECORD_LABELS, "languages": _("languages"), "operator": _("operator"),
    "topics": _("topics"), "purposes": _("what it is for"),
    "opening_hours": _("opening hours (OpenStreetMap syntax)"), "timezone": _("time zone"),
    "notes": _("notes"), "channels": _("channels"), "channel": _("channel"),
    "value": _("number or address"), "source_date": _("source date"),
}


def tool_snapshot(tool_id: int) -> dict:
    tool = tools_with_relations(Tool.objects.prefetch_related("sources")).get(pk=tool_id)
    return tool_record(tool)


def record_diff(before: dict | None, after: dict) -> list[tuple[str, object, object]]:
    """(field, old, new) for every field that differs, in the record's order."""
    before = before or {}
    return [(key, before.get(key), after.get(key)) for key in after
            if key != "slug" and before.get(key) != after.get(key)]


def record_check(fmt, record: dict, context: dict | None = None):
    """The format's data for a record; ValidationError lists the problems, each with the
    field's label in the active language."""
    try:
        return fmt.checked(record, context)
    except RecordInvalid as invalid:
        labels = HELPLINE_LABELS if isinstance(fmt, HelplineFormat) else RECORD_LABELS
        # Translators: a field a curator saved or approved, what is wrong with it, and its value.
        raise ValidationError([gettext("%(field)s: %(reason)s (value: %(value)s)") % {
            "field": _label(labels, p.column), "reason": p.reason,
            "value": repr(str(p.value)[:80])} for p in invalid.problems]) from None


def _label(labels, column: str) -> str:
    """A column's label; a nested one ("channels.0.value") as "channel 1, number or address"."""
    parts = column.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        # Translators: a record's list item (a helpline's channel) and one of its fields.
        return gettext("%(item)s %(n)s, %(field)s") % {
            "item": labels.get(parts[0][:-1], parts[0]), "n": int(parts[1]) + 1,
            "field": labels.get(parts[2], parts[2])}
    return str(labels.get(column, column))


def record_apply(record: dict, *, created_organisations: list | None = None) -> Tool:
    """Check a tool record as the importer does and write it.

    Organisations the record names that do not exist yet are created, as `atlas import` does;
    their slugs are appended to created_organisations when a list is given.
    """
    resolver = OrganisationResolver()
    data = record_check(ToolFormat(), record, {"organisations": resolver})
    new = sorted({slug for slug, _role in data.organisations if slug not in resolver.existing})
    for slug in new:
        organisation_upsert(slug=slug, name=resolver.names[slug], kind="other")
    if created_organisations is not None:
        created_organisations += new
    tool_upsert(data=data, reindex=False)
    tool = Tool.objects.get(slug=data.slug)
    search_reindex(tool_ids=[tool.pk])
    catalogue_changed()
    return tool


class RecordType:
    """A kind of published record that has revisions: its snapshot, key, labels and writer."""

    name = ""
    model = None
    labels = RECORD_LABELS

    def snapshot(self, obj) -> dict:
        raise NotImplementedError

    def key(self, obj) -> str:
        return obj.slug

    def history_url(self, obj) -> str:
        return reverse(f"submissions:{self.name}_history", args=[obj.slug])

    def check(self, record: dict):
        """The importer's data for the record; ValidationError lists its problems."""
        raise NotImplementedError

    def apply(self, record: dict, instance=None):
        """Validate the record as the importer does and write it to instance (or a new record)."""
        raise NotImplementedError


class ToolRecord(RecordType):
    name, model = "tool", Tool

    def snapshot(self, obj):
        return tool_snapshot(obj.pk)

    def check(self, record):
        return record_check(ToolFormat(), record, {"organisations": OrganisationResolver()})

    def apply(self, record, instance=None):
        return record_apply({**record, "slug": instance.slug} if instance else record)


class OrganisationRecord(RecordType):
    name, model = "organisation", Organisation

    def snapshot(self, obj):
        return organisation_record(obj)

    def check(self, record):
        return record_check(OrganisationFormat(), record)

    def apply(self, record, instance=None):
        data = self.check(record)
        if instance is not None:  # the slug is the organisation's key: it is never changed here
            data["slug"] = instance.slug
        org, _result = organisation_upsert(**data)
        return org


class HelplineRecord(RecordType):
    name, model = "helpline", Helpline
    labels = HELPLINE_LABELS

    def snapshot(self, obj):
        return helpline_record(obj)

    def key(self, obj):
        return f"{obj.country}/{obj.name}"

    def history_url(self, obj):  # one page per country
        return reverse("submissions:helpline_history", args=[obj.country])

    def check(self, record):
        return record_check(HelplineFormat(), record)

    def apply(self, record, instance=None):
        data = self.check(record)
        return helpline_save(helpline=instance or Helpline(), **data)


RECORD_TYPES = {t.model: t for t in (ToolRecord(), OrganisationRecord(), HelplineRecord())}


def record_type(model_or_obj) -> RecordType:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return RECORD_TYPES[model._meta.concrete_model]


def unique_slug(name: str) -> str:
    """A free tool slug for a name (the one slug rule: core/records.slug_from_name)."""
    return slug_unique(name, taken=lambda slug: Tool.objects.filter(slug=slug).exists())
