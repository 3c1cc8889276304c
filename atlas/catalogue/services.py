"""Writes to the catalogue. Every write bumps the catalogue stamp and updates the search index."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from atlas.catalogue import bulk, profile
from atlas.catalogue.models import (Deployment, Organisation, SearchBacklog, Source, Tool,
                                    ToolOrganisation)
from atlas.catalogue.search import index_documents, index_tools, prepare_documents, remove_tools
from atlas.catalogue.search.backends import sweep_index
from atlas.catalogue.search.semantic import INLINE_LIMIT, embed_tools
from atlas.derived import stamps
from atlas.core.countries import GLOBAL

TOOL_SCALARS = ("name", "aliases", "short_description", "long_description", "website",
                "purposes", "technologies", "users", "exploitation", "is_global",
                "headquarters_country", "languages", "cost", "access", "licence",
                "source_repository", "status", "year_launched", "survivor_involvement",
                "processes_victim_data", "evidence", "profile")
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
    # Profile entries (catalogue/profile.py); None keeps what is stored (a CSV row has none).
    profile: list | None = None

    @property
    def is_global(self):
        return GLOBAL in self.countries

    @property
    def country_codes(self):
        return [c for c in self.countries if c != GLOBAL]


def catalogue_changed() -> None:
    """Record that the catalogue changed: every process's derived data and cached pages that
    depend on it are rebuilt (or updated, see tools_changed) on their next use."""
    stamps.bump(stamps.CATALOGUE)


def tools_changed(tool_ids) -> None:
    """Note that this transaction changed these tools and nothing else the facet index reads
    (a tool's fields, names, deployments, organisations): at the next catalogue_changed(),
    other processes update their index from these tools' rows instead of rebuilding it.

    Every service that writes those records notes what it wrote; a write that does not (an
    import, a deletion) leaves the transaction without a note, and the indexes are rebuilt.
    """
    stamps.note(stamps.CATALOGUE, tool_ids)


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


def _wanted_state(data: ToolData, stored_profile=()) -> dict:
    deployments = []
    for code in data.country_codes:
        extra = data.deployments.get(code, {})
        deployments.append((code, extra.get("year"), extra.get("note", ""),
                            extra.get("source_url", ""), extra.get("organisation")))
    return {
        **{name: getattr(data, name) for name in TOOL_SCALARS},
        "profile": list(stored_profile) if data.profile is None else data.profile,
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
    wanted = _wanted_state(data, tool.profile if tool else ())
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
    tools_changed([tool.pk])
    if reindex:
        search_reindex(tool_ids=[tool.pk])
        catalogue_changed()
    return result


@transaction.atomic
def tool_profiles_set(profiles: dict[str, list]) -> list[str]:
    """Replace the profiles of existing tools (slug -> entries, checked by catalogue/profile.py),
    all or nothing; the fields an entry mirrors take its value. An outcome per tool: "updated"
    or "unchanged"."""
    fields = ("profile", *profile.MIRRORED)
    stored = {tool.slug: tool for tool in Tool.objects.filter(slug__in=list(profiles)).only(
        "id", "slug", *fields)}
    outcomes, changed, now = [], [], timezone.now()
    for slug, entries in profiles.items():
        tool = stored[slug]
        wanted = {"profile": entries, **profile.mirrors(entries)}
        if all(getattr(tool, k) == value for k, value in wanted.items()):
            outcomes.append("unchanged")
            continue
        for name, value in {**wanted, "updated_at": now}.items():
            setattr(tool, name, value)
        changed.append(tool)
        outcomes.append("updated")
    if changed:
        Tool.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=BULK_CHUNK)
        ids = [tool.pk for tool in changed]
        search_reindex(tool_ids=ids)
        tools_changed(ids)
        catalogue_changed()
    return outcomes


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
    tools_changed([])  # the facet index holds organisation ids only: no tool's entry changed
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
    tools_changed([tool.pk])
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
    tools_changed([tool.pk])
    catalogue_changed()
    return result


@transaction.atomic
def tool_translation_delete(*, tool: Tool, language: str) -> bool:
    """Remove a tool's translation into one language; False if it had none."""
    deleted, _ = tool.translations.filter(language=language).delete()
    if deleted:
        search_reindex(tool_ids=[tool.pk])
        tools_changed([tool.pk])
        catalogue_changed()
    return bool(deleted)


# --- Many tools at once (imports) ---------------------------------------------------------------

BULK_CHUNK = 2000


def _chunks(items, size=BULK_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _stored_states(slugs) -> dict[str, tuple[int, dict]]:
    """slug -> (tool id, the state _tool_state would give) for the tools that exist, read in a
    few queries per chunk instead of a few per tool."""
    found = {}
    for chunk in _chunks(slugs):
        rows = {row["id"]: row for row in Tool.objects.filter(slug__in=chunk).values(
            "id", "slug", *TOOL_SCALARS)}
        if not rows:
            continue
        ids = list(rows)
        orgs = {i: [] for i in ids}
        for tool_id, org, role in ToolOrganisation.objects.filter(tool_id__in=ids).values_list(
                "tool_id", "organisation__slug", "role"):
            orgs[tool_id].append((org, role))
        deployments = {i: [] for i in ids}
        for tool_id, *deployment in Deployment.objects.filter(tool_id__in=ids).values_list(
                "tool_id", "country", "year", "note", "source_url", "organisation__slug"):
            deployments[tool_id].append(tuple(deployment))
        sources = {i: [] for i in ids}
        for tool_id, *source in Source.objects.filter(tool_id__in=ids).order_by("id").values_list(
                "tool_id", "url", "title", "date_read"):
            sources[tool_id].append(tuple(source))
        for tool_id, row in rows.items():
            found[row["slug"]] = (tool_id, {
                **{name: row[name] for name in TOOL_SCALARS},
                "organisations": sorted(orgs[tool_id]),
                "deployments": sorted(deployments[tool_id]),
                "sources": sources[tool_id],
            })
    return found


def _organisation_words(slugs) -> dict[str, list[str]]:
    """slug -> [name, *aliases] of existing organisations (what tools are found by)."""
    words = {}
    for chunk in _chunks(slugs):
        for slug, name, aliases in Organisation.objects.filter(slug__in=chunk).values_list(
                "slug", "name", "aliases"):
            words[slug] = [name, *aliases]
    return words


def _translated_parts(tool_ids) -> dict[int, tuple[list, list]]:
    from atlas.catalogue.models import ToolTranslation
    parts = {}
    for chunk in _chunks(tool_ids):
        for tool_id, name, short, long in ToolTranslation.objects.filter(
                tool_id__in=chunk).order_by("language").values_list(
                "tool_id", "name", "short_description", "long_description"):
            names, texts = parts.setdefault(tool_id, ([], []))
            if name:
                names.append(name)
            texts += [t for t in (short, long) if t]
    return parts


@dataclass
class _BulkPlan:
    """What tools_upsert will write, prepared before its transaction."""

    stamp: str  # the catalogue stamp the plan was read at
    outcomes: list
    new: list  # slugs of the tools to create
    updated: list  # ids of the tools to update
    stages: dict  # bulk.StagedRows by name: what the transaction copies (bulk.tool_stages)


def _bulk_plan(records: list[ToolData]) -> _BulkPlan:
    stamp = stamps.read().values.get(stamps.CATALOGUE, "")
    stored = _stored_states([d.slug for d in records])
    outcomes, changed = [], []
    for data in records:
        found = stored.get(data.slug)
        wanted = _wanted_state(data, found[1]["profile"] if found else ())
        outcomes.append("created" if found is None
                        else "unchanged" if found[1] == wanted else "updated")
        if outcomes[-1] != "unchanged":
            changed.append((data, wanted, found))
    now = timezone.now()
    stages = bulk.tool_stages(TOOL_SCALARS)
    updated, new = [], []
    for data, wanted, found in changed:
        if found is None:
            new.append(data.slug)
            stages["new"].add([*(wanted[n] for n in TOOL_SCALARS), data.slug, now, now])
        else:
            updated.append(found[0])
            stages["changed"].add([*(wanted[n] for n in TOOL_SCALARS), now, found[0]])
        # A changed tool's organisations, deployments or sources are replaced only when they
        # differ: a new description alone rewrites no relation.
        replaced = [kind for kind in ("organisations", "deployments", "sources")
                    if found is None or found[1][kind] != wanted[kind]]
        for kind in replaced:
            if found is not None:
                stages["replace_" + kind].add((found[0],))
        if "organisations" in replaced:
            for slug, role in wanted["organisations"]:
                stages["roles"].add((data.slug, slug, role))
        if "deployments" in replaced:
            for code, year, note, source_url, org in wanted["deployments"]:
                stages["deployments"].add((data.slug, code, year, note, source_url, org))
        if "sources" in replaced:
            for url, title, date_read in wanted["sources"]:
                stages["sources"].add((data.slug, url, title, date_read))
        stages["written"].add((data.slug,))
    return _BulkPlan(stamp, outcomes, new, updated, stages)


class _CatalogueMoved(Exception):
    """Another write changed the catalogue between planning and writing."""


def tools_upsert(*, records: list[ToolData], new_organisations: dict[str, str] | None = None,
                 timings: dict | None = None) -> list[str]:
    """Create or update many tools, keyed by slug, all or nothing: an outcome per record
    ("created", "updated" or "unchanged"), as tool_upsert would give one by one.

    The plan (reading what is stored, comparing, converting every row for the database) is
    made before the write transaction, in a few queries per thousands of tools, and sent to
    temporary tables (catalogue/bulk.py); the transaction then only copies them into the
    catalogue, one statement per table, and lists the changed tools in SearchBacklog, so it
    holds SQLite's write lock for seconds even for 100,000 tools (bench/RESULTS.md, "Import")
    and the site's own writes wait that long at most. Their search documents and vectors
    follow in short transactions of their own (search_backlog_process), after which the
    catalogue stamp moves and every page shows the import. If the stamp moved between planning
    and writing (a curator's save), the plan is made again. new_organisations (slug -> name)
    are created first, with kind "other". `timings`, if given, receives the longest time the
    write lock was held at once ("lock_seconds").
    """
    new_organisations = new_organisations or {}
    timings = {} if timings is None else timings
    for _attempt in range(3):
        plan = _bulk_plan(records)
        if not plan.new and not plan.updated:
            return plan.outcomes
        try:
            for stage in plan.stages.values():
                stage.send()
            started = time.perf_counter()
            with bulk.copying():
                _bulk_write(plan, new_organisations)
            timings["lock_seconds"] = time.perf_counter() - started
        except _CatalogueMoved:
            continue
        finally:
            for stage in plan.stages.values():
                stage.drop()
        search_backlog_process(timings=timings)
        return plan.outcomes
    raise RuntimeError("the catalogue kept changing during the import; try again")


@transaction.atomic
def _bulk_write(plan: _BulkPlan, new_organisations: dict[str, str]) -> None:
    if stamps.read().values.get(stamps.CATALOGUE, "") != plan.stamp:
        raise _CatalogueMoved
    if new_organisations:
        Organisation.objects.bulk_create(
            [Organisation(slug=slug, name=name, kind="other")
             for slug, name in new_organisations.items()], batch_size=BULK_CHUNK,
            ignore_conflicts=True)
    # Their old search documents stay until the backlog replaces them: until then the stamp has
    # not moved either, and every page shows the catalogue as it was before the import.
    bulk.tool_copy(plan.stages, TOOL_SCALARS)


def search_backlog_process(*, chunk: int = 2_500, timings: dict | None = None) -> int:
    """Write the search documents (and cross-language vectors) of the tools in SearchBacklog,
    a chunk per short transaction, then move the catalogue stamp; returns how many.

    Bulk imports call it once their records are committed; `atlas serve` and the data commands
    call it at start, so an import killed half way is indexed by the next one.
    """
    done = []
    while True:
        ids = list(SearchBacklog.objects.order_by("tool_id").values_list("tool_id", flat=True)
                   [:chunk])
        if not ids:
            break
        # Read and made into rows before the transaction, which only writes them.
        documents = prepare_documents(documents_of(ids))
        indexed = set(documents.ids)
        started = time.perf_counter()
        with transaction.atomic():
            remove_tools([i for i in ids if i not in indexed])  # tools deleted since
            index_documents(documents)
            SearchBacklog.objects.filter(tool_id__in=ids).delete()
        if timings is not None:
            timings["lock_seconds"] = max(timings.get("lock_seconds", 0),
                                          time.perf_counter() - started)
        done += ids
    if done:
        # Cross-language vectors: inline for a few tools; a big import is embedded afterwards
        # by `atlas manage embed_tools`, as a full reindex of a big catalogue is.
        embed_tools(tool_ids=done if len(done) <= INLINE_LIMIT else None)
        with transaction.atomic():
            catalogue_changed()
    return len(done)


def documents_of(tool_ids) -> list:
    """Search documents of these tools, read in a few queries without model instances."""
    from atlas.catalogue.search.documents import document

    db = connections[DEFAULT_DB_ALIAS]
    json_fields = ("aliases", "purposes", "technologies", "users", "exploitation")
    fields = ["id", "name", "short_description", "long_description", "is_global", *json_fields]
    tools = {}
    # values() would decode each JSON cell through the ORM's converters, which cost more than
    # the rest of the documents together on a 100,000-tool import.
    with db.cursor() as cursor:
        for chunk in _chunks(tool_ids, 900):
            cursor.execute(f"SELECT {', '.join(fields)} FROM catalogue_tool WHERE id IN "
                           f"({', '.join(['%s'] * len(chunk))})", chunk)
            for row in cursor.fetchall():
                tool = dict(zip(fields, row))
                for name in json_fields:
                    value = tool[name]
                    tool[name] = json.loads(value) if isinstance(value, (str, bytes)) else value
                tools[tool["id"]] = tool
    orgs, countries = {i: [] for i in tools}, {i: [] for i in tools}
    for chunk in _chunks(list(tools), 900):
        for tool_id, name, aliases in ToolOrganisation.objects.filter(tool_id__in=chunk) \
                .order_by("id").values_list("tool_id", "organisation__name",
                                            "organisation__aliases"):
            orgs[tool_id] += [name, *aliases]
        for tool_id, code in Deployment.objects.filter(tool_id__in=chunk).order_by(
                "country").values_list("tool_id", "country"):
            countries[tool_id].append(code)
    translated = _translated_parts(list(tools))
    return [document(
        tool_id=i, name=t["name"], aliases=t["aliases"], organisations=orgs[i],
        short_description=t["short_description"], long_description=t["long_description"],
        lists={f: t[f] for f in ("purposes", "technologies", "users", "exploitation")},
        countries=countries[i], is_global=bool(t["is_global"]),
        translated_names=translated.get(i, ([], []))[0],
        translated_texts=translated.get(i, ([], []))[1]) for i, t in tools.items()]
