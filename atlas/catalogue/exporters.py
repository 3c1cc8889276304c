"""Export formats: small classes in a registry, all fed by the same search selector."""

from __future__ import annotations

import csv
import json

# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def tool_record(tool) -> dict:
    """A tool in the import format, so an export can be imported again unchanged."""
    deployments = list(tool.deployments.all())
    return {
        "slug": tool.slug,
        "name": tool.name,
        "aliases": tool.aliases,
        "organization": [{"name": r.organisation.name, "role": r.role} for r in tool.roles.all()],
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
    }


class Exporter:
    name = ""
    media_type = ""
    extension = ""

    def write(self, tools, out) -> None:
        raise NotImplementedError


class JSONExporter(Exporter):
    name, media_type, extension = "json", "application/json", "json"

    def write(self, tools, out):
        json.dump({"tools": [tool_record(t) for t in tools]}, out, ensure_ascii=False, indent=1,
                  default=str)
        out.write("\n")


class CSVExporter(Exporter):
    name, media_type, extension = "csv", "text/csv", "csv"
    columns = ("slug", "name", "aliases", "organization", "website", "year_launched",
               "description", "long_description", "purposes", "technologies", "users",
               "exploitation", "countries", "headquarters_country", "languages", "cost", "access",
               "licence", "source_repository", "status", "survivor_involvement",
               "processes_victim_data", "source_url", "source_title", "source_date", "evidence")

    def write(self, tools, out):
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


EXPORTERS = {e.name: e for e in (JSONExporter(), CSVExporter())}


def export_tools(*, fmt: str, out, filters=None) -> int:
    """Write the tools matching filters (default: all) in a registered format; returns the count."""
    from atlas.catalogue.models import Tool
    from atlas.catalogue.selectors import tool_search, tools_with_relations

    exporter = EXPORTERS[fmt]
    if filters is None:
        tools = list(tools_with_relations(Tool.objects.prefetch_related("sources").order_by("slug")))
    else:
        tools = tool_search(**filters.as_kwargs(), all_results=True).tools
    exporter.write(tools, out)
    return len(tools)
