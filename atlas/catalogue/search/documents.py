"""The text a tool is found by: what practitioners type, in three weighted fields."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from atlas.catalogue import vocabularies as v
from atlas.derived.cache import memoised
from atlas.geo.countries import country_name


@dataclass(frozen=True)
class SearchDocument:
    tool_id: int
    name: str  # name and aliases: weighted highest
    organisations: str  # names and aliases of the organisations behind it
    body: str  # descriptions, vocabulary labels, country and region names


@memoised()
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


@memoised()
def _country_names(code: str) -> tuple[str, ...]:
    """A country's name in every interface language, so "Kenia" or "Кения" match Kenya."""
    names = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.append(country_name(code))
    return tuple(dict.fromkeys(names))


def _translations(tool) -> tuple[list[str], list[str]]:
    """Translated names and descriptions (ToolTranslation), when prefetched as "translations"."""
    every = getattr(tool, "_prefetched_objects_cache", {}).get("translations")
    if every is None:
        every = list(tool.translations.all()) if tool.pk else []
    names = [t.name for t in every if t.name]
    texts = [part for t in every for part in (t.short_description, t.long_description) if part]
    return names, texts


def document_for(tool) -> SearchDocument:
    """Needs tool.roles (with organisations), tool.deployments and tool.translations prefetched."""
    orgs = []
    for role in tool.roles.all():
        orgs.append(role.organisation.name)
        orgs += role.organisation.aliases
    countries = [name for d in tool.deployments.all() for name in _country_names(d.country)]
    if tool.is_global:
        countries += _country_names("global")
    translated_names, translated_texts = _translations(tool)
    body = "\n".join([tool.short_description, tool.long_description, *translated_texts,
                      " ; ".join(_labels(tool)), " ; ".join(dict.fromkeys(countries))])
    return SearchDocument(
        tool_id=tool.pk,
        name=" ; ".join(dict.fromkeys([tool.name, *tool.aliases, *translated_names])),
        organisations=" ; ".join(dict.fromkeys(orgs)),
        body=body,
    )
