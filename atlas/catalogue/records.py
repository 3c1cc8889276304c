"""The record format of tools and organisations: columns, checks, and how names become slugs.

One home for what a tool or an organisation record must be, whichever way it arrives: `atlas
import` (dataio/), a public proposal or correction approved by a curator, a curator's edit, an
admin save, a revert, a harvest from another Atlas. Each checks the record here and gets
problems as data (core/records.py); none goes through a file format to do it.
"""

from __future__ import annotations

import re

import pycountry
from django.utils.translation import gettext as _

from atlas.catalogue import profile, services
from atlas.catalogue import vocabularies as v
from atlas.catalogue.licences import canonical_licence, is_known_licence
from atlas.catalogue.models import Organisation, Tool
from atlas.core.records import Cells, Problem, RecordFormat, slug_from_name

_ROLE = re.compile(r"^(?P<name>.*?)\s*\[(?P<role>[a-z-]+)\]\s*$")


class OrganisationFormat(RecordFormat):
    name = "organisations"
    columns = ("slug", "name", "aliases", "kind", "website", "headquarters_country", "source_url")

    def key(self, data):
        return data["slug"]

    def check(self, c, context):
        name = c.text("name", required=True, max_length=200)
        return {
            "slug": c.slug("slug", name),
            "name": name,
            "aliases": c.items("aliases"),
            "kind": c.choice("kind", v.ORGANISATION_KINDS, default=""),
            "website": c.url("website"),
            "headquarters_country": c.country("headquarters_country"),
            "source_url": c.url("source_url", allow_github_file=True),
        }


class ToolFormat(RecordFormat):
    name = "tools"
    columns = ("slug", "name", "aliases", "organization", "website", "year_launched",
               "description", "long_description", "purposes", "technologies", "users",
               "exploitation", "countries", "headquarters_country", "languages", "cost", "access",
               "licence", "source_repository", "status", "survivor_involvement",
               "processes_victim_data", "source_url", "source_title", "source_date", "evidence")

    def key(self, data):
        return data.slug

    def check(self, c, context):
        name = c.text("name", required=True, max_length=200)
        description_column = "description" if "description" in c.row else "short_description"
        languages = c.items("languages", max_length=3)
        for code in languages:
            if not pycountry.languages.get(alpha_2=code.lower()):
                c.fail("languages", code, _("unknown ISO 639-1 language code"))
        licence = c.text("licence", max_length=100)
        if not is_known_licence(licence):
            c.fail("licence", licence, _("not an SPDX licence id (or 'proprietary')"))
        sources = []
        source_url = c.url("source_url", required="sources" not in c.row, allow_github_file=True)
        if source_url:
            sources.append((source_url, c.text("source_title", max_length=300),
                            c.date("source_date")))
        sources += self._extra_sources(c)
        data = services.ToolData(
            slug=c.slug("slug", name),
            name=name,
            aliases=c.items("aliases"),
            short_description=c.text(description_column, required=True, max_length=1000),
            long_description=c.text("long_description", max_length=20000),
            website=c.url("website"),
            organisations=self._organisations(c, context),
            purposes=c.terms("purposes", v.PURPOSES),
            technologies=c.terms("technologies", v.TECHNOLOGIES),
            users=c.terms("users", v.USERS),
            exploitation=c.terms("exploitation", v.EXPLOITATION),
            countries=c.countries("countries"),
            deployments=self._deployments(c),
            headquarters_country=c.country("headquarters_country"),
            languages=[x.lower() for x in languages],
            cost=c.choice("cost", v.COST),
            access=c.choice("access", v.ACCESS),
            licence=canonical_licence(licence),
            source_repository=c.url("source_repository"),
            status=c.choice("status", v.STATUS),
            year_launched=c.year("year_launched"),
            survivor_involvement=c.choice("survivor_involvement", v.YES_NO_UNKNOWN),
            processes_victim_data=c.choice("processes_victim_data", v.YES_NO_UNKNOWN),
            evidence=c.terms("evidence", v.EVIDENCE),
            sources=sources,
        )
        if "profile" in c.row:
            data.profile = profile.entries_check(c.row["profile"], c)
            self._mirror(c, data)
        return data

    def _mirror(self, c, data):
        """The fields a profile entry gives a source to take its value; a record giving the
        field another value is refused rather than guessed at."""
        for name, value in profile.mirrors(data.profile).items():
            given = getattr(data, name)
            if given not in (Tool._meta.get_field(name).get_default(), value):
                c.fail(name, given, _("differs from the profile's sourced value %(value)s")
                       % {"value": repr(value)})
            setattr(data, name, value)

    def _organisations(self, c, context):
        """[(organisation slug, role)]; unknown names become new organisations on write
        (context["organisations"], an OrganisationResolver, remembers which)."""
        column = "organization" if "organization" in c.row else "organisations"
        raw = c.row.get(column)
        entries = []
        if isinstance(raw, list) and raw and all(isinstance(x, dict) for x in raw):
            entries = [(str(x.get("name", "")).strip(), str(x.get("role") or "owner")) for x in raw]
        else:
            for item in c.items(column):
                m = _ROLE.match(item)
                entries.append((m["name"], m["role"]) if m else (item, "owner"))
        result = []
        for name, role in entries:
            if not name:
                c.fail(column, name, _("organisation name is empty"))
                continue
            if role not in v.ROLES:
                # Translators: the roles are codes; keep them as they are.
                c.fail(column, role, _("unknown role; expected one of: %(terms)s")
                       % {"terms": ", ".join(v.ROLES.terms)})
                continue
            if "organisations" not in context:
                context["organisations"] = OrganisationResolver()
            slug = context["organisations"].resolve(name)
            if not slug:
                c.fail(column, name, _("cannot derive a slug from this organisation name"))
                continue
            result.append((slug, role))
        return list(dict.fromkeys(result))

    def _deployments(self, c, context=None):
        raw = c.row.get("deployments")
        if not raw:
            return {}
        if not isinstance(raw, list) or not all(isinstance(d, dict) for d in raw):
            c.fail("deployments", raw, _("expected a list of objects"))
            return {}
        result = {}
        for d in raw:
            sub = Cells(d)
            code = sub.country("country", required=True)
            result[code] = {"year": sub.year("year"), "note": sub.text("note", max_length=500),
                            "source_url": sub.url("source_url", allow_github_file=True),
                            "organisation": sub.text("organisation") or None}
            c.problems += [Problem("deployments." + p.column, p.value, p.reason)
                           for p in sub.problems]
        return result

    def _extra_sources(self, c):
        raw = c.row.get("sources")
        if not raw:
            return []
        if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
            c.fail("sources", raw, _("expected a list of objects with url, title, date_read"))
            return []
        out = []
        for s in raw:
            sub = Cells(s)
            out.append((sub.url("url", required=True, allow_github_file=True),
                        sub.text("title", max_length=300), sub.date("date_read")))
            c.problems += [Problem("sources." + p.column, p.value, p.reason)
                           for p in sub.problems]
        return out


def profile_items_replaced(record: dict, items: dict[str, list[dict]]) -> dict:
    """A tool record whose profile has these items' entries replaced (an empty list makes an
    item unknown), with the fields the items mirror following them: the entry's value, or the
    field's default once the item is unknown, so that ToolFormat finds them consistent. The
    result is checked as any record is."""
    record = {**record, "profile": profile.replaced(record.get("profile"), items)}
    for code, entries in items.items():
        item = profile.BY_CODE.get(code)
        if item is not None and item.field:
            record[item.field] = (entries[0].get("value") if entries and isinstance(
                entries[0], dict) else Tool._meta.get_field(item.field).get_default())
    return record


class ProfileFormat(RecordFormat):
    """The long form of profiles: one row per (tool, item), a tool's rows merged into one
    record; importing it replaces the profile of every tool it names."""

    name = "profiles"
    columns = ("tool", *profile.ENTRY_KEYS)

    def key(self, data):
        return data["tool"]

    def check(self, c, context):
        reference = c.text("tool", required=True)
        if "tools" not in context:
            context["tools"] = {}
            for slug, name in Tool.objects.values_list("slug", "name"):
                context["tools"][slug] = slug
                context["tools"].setdefault(name.casefold(), slug)
        slug = context["tools"].get(reference) or context["tools"].get(reference.casefold())
        if reference and not slug:
            c.fail("tool", reference, _("no tool with this slug or name"))
        entry = profile.entry_check(c)
        return {"tool": slug, "entries": [entry] if entry else []}

    def merged(self, first, more):
        """A tool's next row added to its record; None when it states an item again."""
        entries = first["entries"] + more["entries"]
        keys = [(e["item"], str(e["value"])) if profile.BY_CODE[e["item"]].repeats else e["item"]
                for e in entries]
        return None if len(set(keys)) < len(keys) else {**first, "entries": entries}

    def merge_refusal(self, first_line):
        return _("this tool's item is already given on line %(first)s") % {"first": first_line}


class OrganisationResolver:
    """Maps organisation names in tool rows to slugs: existing records, then new ones."""

    def __init__(self):
        self.by_key = {}
        self.existing = set()
        self.names = {}
        for org in Organisation.objects.only("slug", "name", "aliases"):
            self.existing.add(org.slug)
            for key in [org.slug, org.name, *org.aliases]:
                self.by_key.setdefault(key.casefold(), org.slug)

    def resolve(self, name):
        key = name.casefold()
        if key in self.by_key:
            return self.by_key[key]
        slug = slug_from_name(name)
        if not slug:
            return ""
        self.by_key[key] = slug
        self.names.setdefault(slug, name[:200])
        return slug
