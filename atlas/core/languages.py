"""Language names in the reader's language, from CLDR (Babel): one home for every page."""

from __future__ import annotations

import pycountry
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


def is_language_code(code: str) -> bool:
    """An ISO 639-1 code, or an ISO 639-3 code for a language without one."""
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code) is not None
    return len(code) == 3 and pycountry.languages.get(alpha_3=code) is not None


@memoised()
def iso639_1_codes() -> tuple[str, ...]:
    """Every two-letter ISO 639-1 code, sorted (a tool's interface languages use these)."""
    return tuple(sorted(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")))
