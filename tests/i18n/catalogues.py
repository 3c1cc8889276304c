"""Where the translation catalogues live and how they are read (shared by the i18n tests)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import to_locale

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "atlas" / "locale"
# What `makemessages` must not scan (docs/translation.md gives the same command).
IGNORE = ["var/*", "tests/*", "bench/*", "scripts/*", "docs/*", "*.egg-info/*", "node_modules/*"]


def translated_locales() -> list[str]:
    """Every interface language but English (the source language), as locale names."""
    return [to_locale(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def read_catalogue(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def problems(catalogue) -> list[str]:
    """Untranslated and fuzzy entries, as readable lines."""
    out = []
    if catalogue.fuzzy:
        out.append("the header is marked fuzzy")
    for message in catalogue:
        if not message.id:
            continue
        text = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            out.append(f"fuzzy: {text!r}")
        elif not all(strings) or len(strings) < (catalogue.num_plurals if message.pluralizable else 1):
            out.append(f"untranslated: {text!r}")
    return out


def translations(catalogue) -> dict:
    """(context, msgid) -> translation for every finished entry: what a compiled file must hold."""
    out = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        if all(strings):
            out[(message.context, message.id if isinstance(message.id, str) else tuple(message.id))] = \
                tuple(strings)
    return out


def compiled_translations(path: Path) -> dict:
    with path.open("rb") as fh:
        return translations(read_mo(fh))
