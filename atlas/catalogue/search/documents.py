"""The text a tool is found by: what practitioners type, in three weighted fields."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from atlas.catalogue import vocabularies as v
from atlas.derived.cache import memoised
from atlas.core.countries import country_name


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


def vocabulary_labels(lists: dict) -> list[str]:
    """Every language's label of every vocabulary term a tool carries ({field: [slugs]})."""
    labels = []
    for field in v.TOOL_LIST_VOCABULARIES:
        for slug in lists.get(field, ()):
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
    translated_names, translated_texts = _translations(tool)
    return document(
        tool_id=tool.pk, name=tool.name, aliases=tool.aliases, organisations=orgs,
        short_description=tool.short_description, long_description=tool.long_description,
        lists={field: getattr(tool, field) for field in v.TOOL_LIST_VOCABULARIES},
        countries=[d.country for d in tool.deployments.all()], is_global=tool.is_global,
        translated_names=translated_names, translated_texts=translated_texts)


def document(*, tool_id, name, aliases, organisations, short_description, long_description,
             lists, countries, is_global, translated_names=(), translated_texts=()
             ) -> SearchDocument:
    """A tool's search document from its parts (document_for reads them from a Tool; a bulk
    import passes them straight from the records it writes)."""
    places = [n for code in countries for n in _country_names(code)]
    if is_global:
        places += _country_names("global")
    body = "\n".join([short_description, long_description, *translated_texts,
                      " ; ".join(vocabulary_labels(lists)), " ; ".join(dict.fromkeys(places))])
    return SearchDocument(
        tool_id=tool_id,
        name=" ; ".join(dict.fromkeys([name, *aliases, *translated_names])),
        organisations=" ; ".join(dict.fromkeys(organisations)),
        body=body,
    )
