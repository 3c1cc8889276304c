"""Writes to the catalogue. Every write bumps the catalogue stamp and updates the search index."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from atlas.catalogue.models import Deployment, Organisation, Source, Tool, ToolOrganisation
from atlas.catalogue.search import index_tools, remove_tools
from atlas.catalogue.search.backends import sweep_index
from atlas.catalogue.search.semantic import embed_tools
from atlas.derived import stamps
from atlas.geo.countries import GLOBAL

TOOL_SCALARS = ("name", "aliases", "short_description", "long_description", "website",
                "purposes", "technologies", "users", "exploitation", "is_global",
                "headquarters_country", "languages", "cost", "access", "licence",
                "source_repository", "status", "year_launched", "survivor_involvement",
                "processes_victim_data", "evidence")
ORGANISATION_SCALARS = ("name", "aliases", "kind", "website", "headquarters_country", "source_url")


@dataclass
class ToolData:
    """A validated tool record, as importers, forms and harvesting produce it."""

    slug: str
    name: str
    short_description: str
    aliases: list = field(default_factory=list)
    long_description: str = ""
    website: str = ""
    organisations: list = field(default_factory=list)  # [(organisation slug, role)]
    purposes: list = field(default_factory=list)
    technologies: list = field(default_factory=list)
    users: list = field(default_factory=list)
    exploitation: list = field(default_factory=list)
    countries: list = field(default_factory=list)  # ISO codes; "global" sets is_global
    deployments: dict = field(default_factory=dict)  # country -> {year, note, source_url, organisation}
    headquarters_country: str = ""
    languages: list = field(default_factory=list)
    cost: str = "unknown"
    access: str = "unknown"
    licence: str = ""
    source_repository: str = ""
    status: str = "unknown"
    year_launched: int | None = None
    survivor_involvement: str = "unknown"
    processes_victim_data: str = "unknown"
    evidence: list = field(default_factory=list)
    sources: list = field(default_factory=list)  # [(url, title, date_read or None)]

    @property
    def is_global(self):
        return GLOBAL in self.countries

    @property
    def country_codes(self):
        return [c for c in self.countries if c != GLOBAL]


def catalogue_changed() -> None:
    """Record that the catalogue changed: every process's derived data and cached pages that
    depend on it are rebuilt on their next use."""
    stamps.bump(stamps.CATALOGUE)


def _tool_state(tool: Tool) -> dict:
    """What an upsert compares to decide whether anything changed."""
    return {
        **{name: getattr(tool, name) for name in TOOL_SCALARS},
        "organisations": sorted((r.organisation.slug, r.role) for r in tool.roles.all()),
        "deployments": sorted((d.country, d.year, d.note, d.source_url,
                               d.organisation.slug if d.organisation_id else None)
                              for d in tool.deployments.all()),
        "sources": [(s.url, s.title, s.date_read) for s in tool.sources.all()],
    }


def _wanted_state(data: ToolData) -> dict:
    deployments = []
    for code in data.country_codes:
        extra = data.deployments.get(code, {})
        deployments.append((code, extra.get("year"), extra.get("note", ""),
                            extra.get("source_url", ""), extra.get("organisation")))
    return {
        **{name: getattr(data, name) for name in TOOL_SCALARS},
        "organisations": sorted(set(data.organisations)),
        "deployments": sorted(deployments, key=lambda d: d[0]),
        "sources": [tuple(s) for s in data.sources],
    }


@transaction.atomic
def tool_upsert(*, data: ToolData, reindex: bool = True) -> str:
    """Create or update a tool from validated data, keyed by slug: "created", "updated" or "unchanged"."""
    from atlas.catalogue.selectors import tools_with_relations

    tool = tools_with_relations(Tool.objects.prefetch_related("sources")).filter(
        slug=data.slug).first()
    wanted = _wanted_state(data)
    if tool is not None and _tool_state(tool) == wanted:
        return "unchanged"
    result = "updated" if tool else "created"
    tool = tool or Tool(slug=data.slug)
    for name in TOOL_SCALARS:
        setattr(tool, name, wanted[name])
    tool.full_clean()
    tool.save()

    orgs = {o.slug: o for o in Organisation.objects.filter(
        slug__in=[s for s, _ in data.organisations] + [d[4] for d in wanted["deployments"] if d[4]])}
    tool.roles.all().delete()
    ToolOrganisation.objects.bulk_create(
        ToolOrganisation(tool=tool, organisation=orgs[slug], role=role)
        for slug, role in wanted["organisations"])
    tool.deployments.all().delete()
    Deployment.objects.bulk_create(
        Deployment(tool=tool, country=code, year=year, note=note, source_url=source_url,
                   organisation=orgs.get(org) if org else None)
        for code, year, note, source_url, org in wanted["deployments"])
    tool.sources.all().delete()
    Source.objects.bulk_create(Source(tool=tool, url=url, title=title, date_read=date_read)
                               for url, title, date_read in wanted["sources"])
    if reindex:
        search_reindex(tool_ids=[tool.pk])
        catalogue_changed()
    return result


@transaction.atomic
def organisation_upsert(*, slug: str, **fields) -> tuple[Organisation, str]:
    org = Organisation.objects.filter(slug=slug).first()
    if org is not None and all(getattr(org, k) == fields.get(k, getattr(org, k))
                               for k in ORGANISATION_SCALARS):
        return org, "unchanged"
    result = "updated" if org else "created"
    org = org or Organisation(slug=slug)
    for key in ORGANISATION_SCALARS:
        if key in fields:
            setattr(org, key, fields[key])
    org.full_clean()
    org.save()
    if result == "updated":  # organisation names are part of their tools' search documents
        search_reindex(tool_ids=list(org.tools.values_list("pk", flat=True)))
    catalogue_changed()
    return org, result


@transaction.atomic
def tool_delete(*, tool: Tool) -> None:
    remove_tools([tool.pk])
    tool.delete()
    catalogue_changed()


@transaction.atomic
def tool_verify(*, tool: Tool, user) -> Tool:
    """A curator confirms the record against the organisation: who and when are kept."""
    tool.verified_at = timezone.now()
    tool.verified_by = user
    tool.save(update_fields=["verified_at", "verified_by", "updated_at"])
    catalogue_changed()
    return tool


def search_reindex(*, tool_ids=None, batch_size: int = 2000) -> int:
    """Rebuild search documents for some tools, or all of them; returns how many."""
    from atlas.catalogue.selectors import tools_with_relations

    qs = Tool.objects.order_by("pk")
    if tool_ids is not None:
        qs = qs.filter(pk__in=tool_ids)
    else:
        sweep_index()  # a full rebuild also drops documents of tools deleted behind our back
    done = 0
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = tools_with_relations(Tool.objects.filter(pk__in=ids[start:start + batch_size])
                                     .prefetch_related("translations"))
        index_tools(list(batch))
        done += len(ids[start:start + batch_size])
    embed_tools(tool_ids=tool_ids)  # cross-language vectors; only for text that changed
    return done


@transaction.atomic
def tool_translation_upsert(*, tool: Tool, language: str, short_description: str, name: str = "",
                            long_description: str = "") -> str:
    """Set a tool's text in one interface language: "created", "updated" or "unchanged".

    The translated text joins the tool's search document, so the tool is reindexed.
    """
    from atlas.catalogue.models import ToolTranslation

    translation = ToolTranslation.objects.filter(tool=tool, language=language).first()
    wanted = {"name": name.strip(), "short_description": short_description.strip(),
              "long_description": long_description.strip()}
    if translation is not None and all(getattr(translation, k) == v for k, v in wanted.items()):
        return "unchanged"
    result = "updated" if translation else "created"
    translation = translation or ToolTranslation(tool=tool, language=language)
    for key, value in wanted.items():
        setattr(translation, key, value)
    translation.full_clean()
    translation.save()
    search_reindex(tool_ids=[tool.pk])
    catalogue_changed()
    return result


@transaction.atomic
def tool_translation_delete(*, tool: Tool, language: str) -> bool:
    """Remove a tool's translation into one language; False if it had none."""
    deleted, _ = tool.translations.filter(language=language).delete()
    if deleted:
        search_reindex(tool_ids=[tool.pk])
        catalogue_changed()
    return bool(deleted)
