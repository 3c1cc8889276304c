"""Digital Public Goods Alliance nominee files: the Atlas's records in the Alliance's published
nominee schema (schemas/dpg-nominee-schema.json, vendored unchanged).

Only a tool whose licence is on the schema's list of open licences can be a nominee: the schema
requires one, and a file claiming a licence the Atlas does not know would be false. Every other
tool is left out, with the reason (dpg_refusal). The schema's other required fields come from
what the Atlas records, mapped onto the schema's own vocabularies (the tables below, also in
docs/data-format.md); a reviewer completes and corrects the file before nominating.
"""

from __future__ import annotations

import functools
import importlib.resources
import json

from django.utils import translation

from atlas.catalogue import vocabularies as v
from atlas.core.countries import country_name

SCHEMA_FILE = "dpg-nominee-schema.json"

# The schema's "sectors" for each of the Atlas's purposes. A purpose the schema has no sector
# for maps to none rather than to a near miss.
SECTORS = {
    "prevention-awareness": ["Advocacy"],
    "victim-identification": ["Social Protection"],
    "victim-support": ["Social Protection"],
    "investigation-prosecution": ["Justice"],
    "supply-chain-transparency": ["Supply Chain Solutions", "Transparency & Accountability"],
    "worker-voice": ["Workforce"],
    "reporting-hotline": ["Communication"],
    "data-research": ["Research"],
    "training": ["Capacity Development"],
    "financial-intelligence": ["Economics/Finance"],
    "online-child-safety": ["Youth"],
}

# The Sustainable Development Goals whose targets name human trafficking, and which tools they
# apply to: target 8.7 to every tool in the Atlas (its scope is technology used against human
# trafficking); 5.2 to tools against the exploitation of women and girls the target names; 16.2
# to tools against the exploitation of children.
_ALL_FORMS = {"all"}
SDG_TARGETS = [
    (8, "8.7", "end forced labour, modern slavery and human trafficking",
     lambda tool: True),
    (5, "5.2", "eliminate all forms of violence against all women and girls, including "
               "trafficking and sexual and other types of exploitation",
     lambda tool: bool(set(tool.exploitation) & {"sex-trafficking", "forced-marriage", *_ALL_FORMS})),
    (16, "16.2", "end abuse, exploitation, trafficking and all forms of violence against "
                 "children",
     lambda tool: bool(set(tool.exploitation) & {"child-exploitation", *_ALL_FORMS})
     or "online-child-safety" in tool.purposes or "children-youth" in tool.users),
]

# The schema's "type": every record in the Atlas is a technology tool.
TYPE = ["software"]


@functools.cache
def nominee_schema() -> dict:
    """The Alliance's published nominee schema, as vendored."""
    path = importlib.resources.files("atlas.catalogue") / "schemas" / SCHEMA_FILE
    return json.loads(path.read_text(encoding="utf-8"))


def _enum(*path) -> list:
    node = nominee_schema()["properties"]
    for key in path:
        node = node[key]
    return node["enum"]


@functools.cache
def _open_licences() -> dict[str, str]:
    """lower-cased SPDX id -> the schema's spelling of it."""
    return {spdx.lower(): spdx for spdx in _enum("license", "items", "properties", "spdx")}


def dpg_licence(licence: str) -> str | None:
    """The schema's id for an SPDX licence id, or None when it is not on the schema's list.

    The schema lists the GNU licences by their older ids (GPL-3.0, not GPL-3.0-only or
    GPL-3.0-or-later): those map to it, as does the deprecated "+" form.
    """
    known = _open_licences()
    key = (licence or "").strip().lower()
    if key in known:
        return known[key]
    for suffix in ("-only", "-or-later", "+"):
        if key.endswith(suffix) and key[:-len(suffix)] in known:
            return known[key[:-len(suffix)]]
    return None


def dpg_refusal(tool) -> str | None:
    """Why a tool cannot be a nominee (no nominee file is written for it), or None."""
    if not tool.licence:
        return "licence unknown"
    if tool.licence.lower() == "proprietary":
        return "proprietary"
    if dpg_licence(tool.licence) is None:
        return "licence not on the DPG list of open licences"
    return None


def _unique(values) -> list:
    return list(dict.fromkeys(values))


def tool_sdgs(tool, *, evidence_url: str) -> list[dict]:
    """The schema's "SDGs" for a tool, each with the target and why it applies."""
    exploitation = ", ".join(str(v.EXPLOITATION.label_of(e)).lower() for e in tool.exploitation)
    reason = (f"the Anti-Trafficking Tech Atlas lists {tool.name} as technology used against "
              f"human trafficking" + (f" ({exploitation})" if exploitation else "") + ".")
    return [{"SDGNumber": number,
             "evidenceText": f"Target {target} ({wording}): {reason}",
             "evidenceURL": evidence_url}
            for number, target, wording, applies in SDG_TARGETS if applies(tool)]


def tool_dpg(tool, *, base_url: str, roles, deployments) -> dict:
    """A nominee file for a tool that dpg_refusal accepts (roles and deployments in export
    order). Written in English, the language of the DPG registry, whatever the active one."""
    with translation.override("en"):
        page = base_url + tool.get_absolute_url()
        record = {
            "name": tool.name,
            "aliases": _unique(tool.aliases),
            "description": tool.short_description,
            "website": tool.website,
            "license": [{"spdx": dpg_licence(tool.licence),
                         # Where the licence can be checked: the code, the tool's site, or the
                         # Atlas's record of it (which shows its sources).
                         "licenseURL": tool.source_repository or tool.website or page}],
            "SDGs": tool_sdgs(tool, evidence_url=page),
            "sectors": _unique(sector for purpose in tool.purposes
                               for sector in SECTORS.get(purpose, [])),
            "type": TYPE,
            "repositories": ([{"url": tool.source_repository}] if tool.source_repository else []),
            "organizations": [
                {"name": r.organisation.name, "org_type": r.role,
                 **({"website": r.organisation.website} if r.organisation.website else {})}
                for r in roles],
            "stage": "nominee",
            # Not in the schema (which allows more properties): what the Atlas knows besides,
            # in its own vocabulary, for the reviewer.
            "atlas": {
                "slug": tool.slug, "url": page, "licence": tool.licence,
                "global": tool.is_global,
                "deploymentCountries": [country_name(d.country) for d in deployments],
                "developmentCountries": ([country_name(tool.headquarters_country)]
                                         if tool.headquarters_country else []),
                "processesVictimData": tool.processes_victim_data,
            },
        }
    if not record["website"]:
        del record["website"]
    return record
