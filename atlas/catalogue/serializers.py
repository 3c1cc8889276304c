"""Plain-dict forms of catalogue records, shared by JSON twins, the API and exports."""

from atlas.catalogue import vocabularies as v
from atlas.catalogue.models import Organisation
from atlas.core.countries import GLOBAL, country_name


def _terms(vocab, slugs):
    return [{"value": s, "label": str(vocab.label_of(s))} for s in slugs]


def tool_as_dict(tool, *, detail=True) -> dict:
    """Needs roles and deployments prefetched (selectors.tools_with_relations)."""
    data = {
        "slug": tool.slug,
        "name": tool.name,
        "aliases": tool.aliases,
        "url": tool.get_absolute_url(),
        "short_description": tool.short_description,
        "website": tool.website,
        "organisations": [{"slug": r.organisation.slug, "name": r.organisation.name,
                           "role": r.role} for r in tool.roles.all()],
        "purposes": _terms(v.PURPOSES, tool.purposes),
        "technologies": _terms(v.TECHNOLOGIES, tool.technologies),
        "users": _terms(v.USERS, tool.users),
        "exploitation": _terms(v.EXPLOITATION, tool.exploitation),
        "countries": ([GLOBAL] if tool.is_global else []) + [d.country for d in tool.deployments.all()],
        "headquarters_country": tool.headquarters_country,
        "cost": tool.cost,
        "access": tool.access,
        "status": tool.status,
        "open_source": tool.open_source,
        "licence": tool.licence,
        "year_launched": tool.year_launched,
        "verified": tool.is_verified,
        "verified_at": tool.verified_at.isoformat() if tool.verified_at else None,
        "evidence": tool.evidence,
        "created_at": tool.created_at.isoformat(),
        "updated_at": tool.updated_at.isoformat(),
    }
    if detail:
        deploying = _deploying_organisations(tool)
        data.update({
            "long_description": tool.long_description,
            "languages": tool.languages,
            "source_repository": tool.source_repository,
            "survivor_involvement": tool.survivor_involvement,
            "processes_victim_data": tool.processes_victim_data,
            "deployments": [{"country": d.country, "country_name": country_name(d.country),
                             "year": d.year, "note": d.note, "source_url": d.source_url,
                             "organisation": deploying.get(d.organisation_id)}
                            for d in tool.deployments.all()],
            "sources": [{"url": s.url, "title": s.title,
                         "date_read": s.date_read.isoformat() if s.date_read else None}
                        for s in tool.sources.all()],
            "profile": tool.profile,
        })
    return data


def _deploying_organisations(tool) -> dict[int, str]:
    """Organisation id -> slug for the tool's deployments: from its prefetched roles, and one
    query for a deploying organisation that has no role on the tool."""
    slugs = {r.organisation_id: r.organisation.slug for r in tool.roles.all()}
    missing = {d.organisation_id for d in tool.deployments.all()
               if d.organisation_id and d.organisation_id not in slugs}
    if missing:
        slugs.update(Organisation.objects.filter(pk__in=missing).values_list("pk", "slug"))
    return slugs


def search_result_as_dict(result) -> dict:
    return {
        "count": result.count,
        "page": result.page,
        "num_pages": result.num_pages,
        "next": result.filters.querystring(page=result.page + 1) if result.has_next else None,
        "previous": (result.filters.querystring(page=result.page - 1)
                     if result.has_previous else None),
        "suggestion": result.suggestion or None,
        "results": [tool_as_dict(t, detail=False) for t in result.tools],
        "facets": [f.as_dict() for f in result.facets],
    }
