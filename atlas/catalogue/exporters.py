"""Export formats: small classes in a registry, all fed by the same search selector.

Each exporter writes a list of tools (with roles, deployments and sources prefetched) to a text
stream. `atlas export`, the downloads on /tools/ and the docs test all read EXPORTERS, so a new
format is one class here.
"""

from __future__ import annotations

import csv
import json
import zipfile

from django.utils.translation import gettext_lazy as _

from atlas.catalogue import vocabularies as v
from atlas.catalogue.dpg import dpg_refusal, tool_dpg
from atlas.core.countries import GLOBAL, centroid, country_name

# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


_ROLE_RANK = {role: rank for rank, role in enumerate(v.ROLES.terms)}


def ordered_roles(tool) -> list:
    """A tool's organisation roles in the one order every export writes them: by organisation
    name, then role (owner first), then slug. Never the database's order, which depends on how
    the rows were written, so an export imported into an empty Atlas exports the same bytes."""
    return sorted(tool.roles.all(), key=lambda r: (r.organisation.name,
                                                   _ROLE_RANK.get(r.role, len(_ROLE_RANK)),
                                                   r.organisation.slug))


def ordered_deployments(tool) -> list:
    """A tool's deployments by country (one per country)."""
    return sorted(tool.deployments.all(), key=lambda d: d.country)


def tool_record(tool) -> dict:
    """A tool in the import format, so an export can be imported again unchanged.

    Lists that are part of the record (aliases, purposes, sources...) keep their stored order,
    which imports keep too; organisations and deployments are sorted (ordered_roles)."""
    deployments = ordered_deployments(tool)
    return {
        "slug": tool.slug,
        "name": tool.name,
        "aliases": tool.aliases,
        "organization": [{"name": r.organisation.name, "role": r.role}
                         for r in ordered_roles(tool)],
        "website": tool.website,
        "year_launched": tool.year_launched,
        "description": tool.short_description,
        "long_description": tool.long_description,
        "purposes": tool.purposes,
        "technologies": tool.technologies,
        "users": tool.users,
        "exploitation": tool.exploitation,
        "countries": (["global"] if tool.is_global else []) + [d.country for d in deployments],
        "deployments": [{"country": d.country, "year": d.year, "note": d.note,
                         "source_url": d.source_url,
                         "organisation": d.organisation.slug if d.organisation_id else ""}
                        for d in deployments if d.year or d.note or d.source_url or d.organisation_id],
        "headquarters_country": tool.headquarters_country,
        "languages": tool.languages,
        "cost": tool.cost,
        "access": tool.access,
        "licence": tool.licence,
        "source_repository": tool.source_repository,
        "status": tool.status,
        "survivor_involvement": tool.survivor_involvement,
        "processes_victim_data": tool.processes_victim_data,
        "evidence": tool.evidence,
        "sources": [{"url": s.url, "title": s.title,
                     "date_read": s.date_read.isoformat() if s.date_read else None}
                    for s in tool.sources.all()],
        "profile": tool.profile,
    }


def profile_rows(tools) -> list[dict]:
    """Every tool's profile in the long import format (profiles.csv): a row per entry."""
    return [{"tool": tool.slug, **entry,
             "value": "; ".join(entry["value"]) if isinstance(entry["value"], list)
             else entry["value"]}
            for tool in tools for entry in tool.profile]


def organisation_record(org) -> dict:
    """An organisation in the import format (organisations.csv columns)."""
    return {"slug": org.slug, "name": org.name, "aliases": org.aliases, "kind": org.kind,
            "website": org.website, "headquarters_country": org.headquarters_country,
            "source_url": org.source_url}


class Exporter:
    name = ""
    label = ""
    media_type = ""
    extension = ""
    binary = False  # writes bytes (a zip) rather than text
    absolute_links = False  # links to the Atlas's pages, made absolute with base_url

    def write(self, tools, out, *, base_url: str = "") -> None:
        raise NotImplementedError

    def left_out(self, tools) -> list[tuple[str, str]]:
        """(slug, reason) of the tools this format cannot hold; every format but one holds all."""
        return []


class JSONExporter(Exporter):
    name, label, media_type, extension = "json", "JSON", "application/json", "json"

    def write(self, tools, out, *, base_url=""):
        json.dump({"tools": [tool_record(t) for t in tools]}, out, ensure_ascii=False, indent=1,
                  default=str)
        out.write("\n")


class CSVExporter(Exporter):
    name, label, media_type, extension = "csv", "CSV", "text/csv", "csv"
    columns = ("slug", "name", "aliases", "organization", "website", "year_launched",
               "description", "long_description", "purposes", "technologies", "users",
               "exploitation", "countries", "headquarters_country", "languages", "cost", "access",
               "licence", "source_repository", "status", "survivor_involvement",
               "processes_victim_data", "source_url", "source_title", "source_date", "evidence")

    def write(self, tools, out, *, base_url=""):
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        for tool in tools:
            rec = tool_record(tool)
            first = rec["sources"][0] if rec["sources"] else {}
            rec.update({
                "organization": "; ".join(f"{o['name']} [{o['role']}]" for o in rec["organization"]),
                "source_url": first.get("url", ""), "source_title": first.get("title", ""),
                "source_date": first.get("date_read") or "",
            })
            row = []
            for column in self.columns:
                value = rec.get(column)
                if isinstance(value, list):
                    value = "; ".join(value)
                row.append(csv_safe(value))
            writer.writerow(row)


# --- GeoJSON ------------------------------------------------------------------------------------

class GeoJSONExporter(Exporter):
    """One point per country with deployments, at the country's centroid, listing its tools."""

    name, label, media_type, extension = "geojson", "GeoJSON", "application/geo+json", "geojson"
    absolute_links = True

    def write(self, tools, out, *, base_url=""):
        by_country: dict[str, list] = {}
        for tool in tools:
            for d in ordered_deployments(tool):
                by_country.setdefault(d.country, []).append(
                    {"slug": tool.slug, "name": tool.name,
                     "url": base_url + tool.get_absolute_url(), "year": d.year})
        features = []
        for code in sorted(by_country):
            # The map's point for the country (atlas/core/countries.py): one source for both.
            point = centroid(code)
            features.append({
                "type": "Feature",
                "id": code,
                # A country without a known position keeps its feature, without geometry.
                "geometry": ({"type": "Point", "coordinates": [point[1], point[0]]}
                             if point else None),
                "properties": {"country": code, "name": country_name(code),
                               "tool_count": len(by_country[code]), "tools": by_country[code]},
            })
        json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False,
                  indent=1)
        out.write("\n")


# --- JSON-LD (schema.org) -----------------------------------------------------------------------

def tool_jsonld(tool, *, base_url: str = "") -> dict:
    """A tool as a schema.org SoftwareApplication (embedded in its page and exported).

    base_url (the site's address, atlas/api/site.py) makes @id and url absolute: a relative @id
    would be resolved against whatever base a JSON-LD processor happens to use. The source
    repository belongs to the application's SoftwareSourceCode (schema.org defines
    codeRepository there), which the application is based on.
    """
    url = base_url + tool.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "SoftwareApplication",
        "@id": url,
        "url": url,
        "name": tool.name,
        "description": tool.short_description,
        "applicationCategory": [str(v.PURPOSES.label_of(p)) for p in tool.purposes],
        "keywords": [*tool.purposes, *tool.technologies, *tool.exploitation],
        "audience": [{"@type": "Audience", "audienceType": str(v.USERS.label_of(u))}
                     for u in tool.users],
        "spatialCoverage": ([{"@type": "Place", "name": "Worldwide"}] if tool.is_global else [])
        + [{"@type": "Country", "name": country_name(d.country), "identifier": d.country}
           for d in ordered_deployments(tool)],
        "isAccessibleForFree": tool.cost == "free" if tool.cost != "unknown" else None,
        "creator": [{"@type": "Organization", "name": r.organisation.name,
                     "url": base_url + r.organisation.get_absolute_url()}
                    for r in ordered_roles(tool) if r.role in ("owner", "maintainer")],
        "funder": [{"@type": "Organization", "name": r.organisation.name}
                   for r in ordered_roles(tool) if r.role == "funder"],
        "alternateName": tool.aliases,
        "sameAs": [u for u in (tool.website,) if u],
        "isBasedOn": ({"@type": "SoftwareSourceCode", "codeRepository": tool.source_repository,
                       "targetProduct": {"@id": url}}
                      if tool.source_repository else None),
        "license": (f"https://spdx.org/licenses/{tool.licence}.html"
                    if tool.licence and tool.licence != "proprietary" else None),
        "inLanguage": tool.languages,
        "datePublished": str(tool.year_launched) if tool.year_launched else None,
        "dateModified": tool.updated_at.isoformat() if tool.updated_at else None,
    }
    # Leave out what is not known rather than publish empty claims.
    return {k: val for k, val in data.items() if val not in (None, [], "")}


class JSONLDExporter(Exporter):
    name, label, media_type, extension = "jsonld", "JSON-LD", "application/ld+json", "jsonld"
    absolute_links = True

    def write(self, tools, out, *, base_url=""):
        graph = []
        for tool in tools:
            item = tool_jsonld(tool, base_url=base_url)
            item.pop("@context")
            graph.append(item)
        json.dump({"@context": "https://schema.org", "@graph": graph}, out, ensure_ascii=False,
                  indent=1)
        out.write("\n")


# --- Digital Public Goods nominee files ---------------------------------------------------------

class DPGExporter(Exporter):
    """One nominee file per openly licensed tool (atlas/catalogue/dpg.py): a directory on the
    command line, a zip as a download. The other tools are left out (left_out says why)."""

    name, media_type, extension = "dpg", "application/zip", "zip"
    label = _("Digital Public Goods nominee files of openly licensed tools (zip)")
    binary = True
    absolute_links = True

    def left_out(self, tools):
        return [(tool.slug, reason) for tool in tools if (reason := dpg_refusal(tool))]

    def files(self, tools, *, base_url=""):
        for tool in tools:
            if dpg_refusal(tool):
                continue
            record = tool_dpg(tool, base_url=base_url, roles=ordered_roles(tool),
                              deployments=ordered_deployments(tool))
            yield f"{tool.slug}.json", json.dumps(record, ensure_ascii=False, indent=4) + "\n"

    def write(self, tools, out, *, base_url=""):
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in self.files(tools, base_url=base_url):
                archive.writestr(name, text)

    def write_directory(self, tools, directory, *, base_url="") -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in self.files(tools, base_url=base_url):
            (directory / name).write_text(text, encoding="utf-8")


EXPORTERS = {e.name: e for e in (CSVExporter(), JSONExporter(), GeoJSONExporter(),
                                 JSONLDExporter(), DPGExporter())}


def tools_for_export(filters=None) -> list:
    """The tools matching filters (default: every tool, by slug), with everything prefetched."""
    from django.db.models import prefetch_related_objects

    from atlas.catalogue.models import Tool
    from atlas.catalogue.selectors import hydrate, tool_search_ids, tools_with_relations

    if filters is None:
        tools = list(tools_with_relations(Tool.objects.prefetch_related("sources")
                                          .order_by("slug")))
        prefetch_related_objects(tools, "deployments__organisation")
        return tools
    tools = hydrate(tool_search_ids(filters.changed(page=1)))
    prefetch_related_objects(tools, "sources", "deployments__organisation")
    return tools


def export_tools(*, fmt: str, out, filters=None, base_url: str = "") -> int:
    """Write the tools matching filters (default: all) in a registered format; returns the count."""
    tools = tools_for_export(filters)
    EXPORTERS[fmt].write(tools, out, base_url=base_url)
    return len(tools)
