"""Language names in the reader's language, from CLDR (Babel): one home for every page."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language

from atlas.derived.cache import memoised


@memoised()
def _names(language: str) -> dict:
    try:
        locale = Locale.parse((language or "en").replace("-", "_").replace("zh_hans", "zh_Hans"))
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse("en")
    return dict(locale.languages)


def language_name(code: str, language: str | None = None) -> str:
    """ISO 639 code -> its name in `language` (default: the active one); the code if unknown."""
    return _names(language or get_language() or "en").get(code, code)
