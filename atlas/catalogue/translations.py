"""A tool's text in the visitor's language: its translation when one exists, else the original.

The record holds the original text, in the Atlas's source language (settings.LANGUAGE_CODE);
ToolTranslation rows hold the other interface languages. Selectors prefetch only the active
language's rows, so a page costs one query more outside English and none in English.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import get_language, get_language_info

ACTIVE_ATTR = "active_translations"


def source_language() -> str:
    return settings.LANGUAGE_CODE


def is_source_language(language: str | None) -> bool:
    return not language or language == settings.LANGUAGE_CODE


def active_translation_prefetch() -> list[Prefetch]:
    """The prefetch of translations into the active language (none in the source language)."""
    language = get_language()
    if is_source_language(language):
        return []
    from atlas.catalogue.models import ToolTranslation
    return [Prefetch("translations", queryset=ToolTranslation.objects.filter(language=language),
                     to_attr=ACTIVE_ATTR)]


def _direction(language: str) -> str:
    try:
        return "rtl" if get_language_info(language)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


@dataclass(frozen=True)
class ToolText:
    name: str
    short_description: str
    long_description: str
    language: str  # the language of short_description
    long_language: str  # the language of long_description
    fallback: bool  # the visitor's language has no translation: the description is the original
    long_fallback: bool = False  # the long description is the original (not translated)

    @property
    def direction(self):
        return _direction(self.language)

    @property
    def long_direction(self):
        return _direction(self.long_language)


def _translation_of(tool, language):
    found = getattr(tool, ACTIVE_ATTR, None)
    if found is None:  # prefetched some other way (every language), or not at all
        every = getattr(tool, "_prefetched_objects_cache", {}).get("translations")
        found = [t for t in every if t.language == language] if every is not None else []
    return found[0] if found else None


def tool_text(tool, language: str | None = None) -> ToolText:
    """The tool's text for a reader of `language` (default: the active language)."""
    language = language or get_language()
    source = source_language()
    in_source = is_source_language(language)
    original = ToolText(tool.name, tool.short_description, tool.long_description, source, source,
                        fallback=not in_source, long_fallback=not in_source and
                        bool(tool.long_description))
    if in_source:
        return original
    translation = _translation_of(tool, language)
    if translation is None:
        return original
    return ToolText(
        name=translation.name or tool.name,  # a blank name keeps the original (a proper noun)
        short_description=translation.short_description,
        long_description=translation.long_description or tool.long_description,
        language=language,
        long_language=language if translation.long_description else source,
        fallback=False,
        long_fallback=bool(tool.long_description) and not translation.long_description,
    )
