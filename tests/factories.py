"""Test data made through the same services the application uses."""

import itertools

from django.utils.text import slugify

from atlas.catalogue.services import ToolData, organisation_upsert, tool_upsert
from atlas.catalogue.models import Organisation, Tool

_seq = itertools.count(1)


def make_organisation(name=None, **fields):
    n = next(_seq)
    name = name or f"Organisation {n}"
    slug = fields.pop("slug", None) or slugify(name)
    fields.setdefault("kind", "ngo")
    org, _ = organisation_upsert(slug=slug, name=name, **fields)
    return org


def make_tool(name=None, *, organisations=(), **fields) -> Tool:
    n = next(_seq)
    name = name or f"Tool {n}"
    fields.setdefault("short_description", f"A tool numbered {n}.")
    fields.setdefault("sources", [("https://example.org/source", "Source", None)])
    orgs = []
    for org in organisations:
        if isinstance(org, str):
            org = Organisation.objects.filter(name=org).first() or make_organisation(org)
        orgs.append((org.slug, "owner"))
    data = ToolData(slug=fields.pop("slug", None) or f"tool-{n}", name=name, organisations=orgs,
                    **fields)
    tool_upsert(data=data)
    return Tool.objects.get(slug=data.slug)


def make_helpline(*, country, name, kind="child-helpline", number=None, source_url="",
                  channels=None, **fields):
    """A helpline through the service, with one channel for `number` (checked and dialled as
    the importer does); `channels` gives them all instead."""
    from atlas.helplines.numbers import number as checked
    from atlas.helplines.services import helpline_upsert

    if channels is None and number:
        found = checked(number, country, sourced=True)
        channels = [{"kind": "short-code" if found.short else "phone", "value": number,
                     "dial": found.dial, "source_url": source_url or "https://example.org/src"}]
    helpline, _result = helpline_upsert(country=country, name=name, kind=kind,
                                        channels=channels or [], **fields)
    return helpline
