"""Tool records (the import format) applied to the catalogue through its services and importer.

Approvals and reverts validate a record exactly as `atlas import` does, then write it with
atlas.catalogue.services; the submissions app never writes catalogue tables itself.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from atlas.catalogue.exporters import tool_record
from atlas.catalogue.importers import ImportReport, OrganisationResolver, RowChecker, ToolKind
from atlas.catalogue.models import Tool
from atlas.catalogue.selectors import tools_with_relations
from atlas.catalogue.services import catalogue_changed, search_reindex

RECORD_LABELS = {
    "name": "name", "website": "website", "description": "description",
    "long_description": "long description", "purposes": "purposes",
    "technologies": "technologies", "users": "target users", "exploitation": "exploitation",
    "countries": "countries", "status": "status", "cost": "cost", "access": "access",
    "licence": "licence", "source_repository": "source repository", "organization": "organisations",
    "sources": "sources", "deployments": "deployments", "aliases": "aliases",
    "headquarters_country": "headquarters", "languages": "languages",
    "year_launched": "year launched", "survivor_involvement": "survivor involvement",
    "processes_victim_data": "processes victim data", "evidence": "evidence",
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
