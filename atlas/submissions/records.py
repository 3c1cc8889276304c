"""Tool records (the import format) applied to the catalogue through its services and importer.

Approvals and reverts validate a record exactly as `atlas import` does, then write it with
atlas.catalogue.services; the submissions app never writes catalogue tables itself.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from atlas.catalogue.exporters import tool_record
from atlas.catalogue.importers import ImportReport, OrganisationResolver, RowChecker, ToolKind
from atlas.catalogue.models import Tool
from atlas.catalogue.selectors import tools_with_relations
from atlas.catalogue.services import catalogue_changed, search_reindex

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
    "evidence": _("evidence cautions"),
}


def tool_snapshot(tool_id: int) -> dict:
    tool = tools_with_relations(Tool.objects.prefetch_related("sources")).get(pk=tool_id)
    return tool_record(tool)


def record_diff(before: dict | None, after: dict) -> list[tuple[str, object, object]]:
    """(field, old, new) for every field that differs, in the record's order."""
    before = before or {}
    return [(key, before.get(key), after.get(key)) for key in after
            if key != "slug" and before.get(key) != after.get(key)]


def record_apply(record: dict) -> Tool:
    """Validate a record as the importer does and write it; ValidationError lists the problems."""
    checker = RowChecker("submission", 1, record, "record")
    context = {"organisations": OrganisationResolver()}
    kind = ToolKind()
    data = kind.check(checker, context)
    if checker.problems:
        raise ValidationError([f"{p.column}: {p.reason} (value: {p.value[:80]!r})"
                               for p in checker.problems])
    kind.write(data, ImportReport("submission", "tools"), context)
    tool = Tool.objects.get(slug=data.slug)
    search_reindex(tool_ids=[tool.pk])
    catalogue_changed()
    return tool


def unique_slug(name: str) -> str:
    from django.utils.text import slugify
    base = slugify(name)[:90].strip("-") or "tool"
    slug, n = base, 2
    while Tool.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
