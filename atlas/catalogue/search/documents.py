"""The text a tool is found by: what practitioners type, in three weighted fields."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from atlas.catalogue import vocabularies as v
from atlas.geo.countries import country_name


@dataclass(frozen=True)
class SearchDocument:
    tool_id: int
    name: str  # name and aliases: weighted highest
    organisations: str  # names and aliases of the organisations behind it
    body: str  # descriptions, vocabulary labels, country and region names


@functools.lru_cache(maxsize=None)
def _translated_labels(field: str, slug: str) -> tuple[str, ...]:
    """A term's label in every interface language, so "trata" or "chaîne d'approvisionnement" match."""
    vocab = v.TOOL_LIST_VOCABULARIES[field]
    labels = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.append(str(vocab.label_of(slug)))
    return tuple(dict.fromkeys(labels))


def _labels(tool) -> list[str]:
    labels = []
    for field in v.TOOL_LIST_VOCABULARIES:
        for slug in getattr(tool, field):
            labels += _translated_labels(field, slug)
    return list(dict.fromkeys(labels))


def document_for(tool) -> SearchDocument:
    """Needs tool.roles (with organisations) and tool.deployments prefetched."""
    orgs = []
    for role in tool.roles.all():
        orgs.append(role.organisation.name)
        orgs += role.organisation.aliases
    countries = [country_name(d.country) for d in tool.deployments.all()]
    if tool.is_global:
        countries.append("Global")
    body = "\n".join([tool.short_description, tool.long_description, " ; ".join(_labels(tool)),
                      " ; ".join(countries)])
    return SearchDocument(
        tool_id=tool.pk,
        name=" ; ".join([tool.name, *tool.aliases]),
        organisations=" ; ".join(dict.fromkeys(orgs)),
        body=body,
    )
