"""The six interface languages: complete catalogues, compiled files that match them."""

import shutil

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from tests.i18n.catalogues import (IGNORE, LOCALE_DIR, ROOT, compiled_translations, problems,
                                   read_catalogue, translated_locales, translations)

LOCALES = translated_locales()


def test_the_five_languages_besides_english_are_the_un_languages():
    assert sorted(LOCALES) == ["ar", "es", "fr", "ru", "zh_Hans"]


@pytest.mark.parametrize("locale", LOCALES)
def test_committed_catalogue_has_no_untranslated_or_fuzzy_string(locale):
    catalogue = read_catalogue(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po")
    assert len(catalogue) > 100
    assert problems(catalogue) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_holds_exactly_what_its_source_says(locale):
    """A .po edited without running compilemessages would serve stale text."""
    directory = LOCALE_DIR / locale / "LC_MESSAGES"
    expected = translations(read_catalogue(directory / "django.po"))
    compiled = compiled_translations(directory / "django.mo")
    stale = sorted(str(k[1]) for k in expected.keys() ^ compiled.keys()
                   | {k for k in expected.keys() & compiled.keys() if expected[k] != compiled[k]})
    assert not stale, f"Run compilemessages for {locale}; these differ: {stale[:10]}"


@pytest.mark.skipif(shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
                    reason="makemessages needs GNU gettext (apt-get install gettext)")
def test_every_translatable_string_in_the_code_is_translated_in_every_catalogue(tmp_path,
                                                                               monkeypatch):
    """Extract the strings afresh into a copy of the catalogues: a new or changed string in a
    template or a module shows up there as untranslated (or fuzzy)."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    monkeypatch.chdir(ROOT)
    with override_settings(LOCALE_PATHS=[copy]):
        call_command("makemessages", locale=LOCALES, ignore_patterns=IGNORE + ["atlas/locale"],
                     verbosity=0)
    found = {locale: problems(read_catalogue(copy / locale / "LC_MESSAGES" / "django.po"))
             for locale in LOCALES}
    assert found == {locale: [] for locale in LOCALES}, (
        "Run makemessages (docs/translation.md), translate, then compilemessages")


@pytest.mark.parametrize("code, expected", [
    ("fr", "Rechercher des outils"), ("es", "Buscar herramientas"), ("ru", "Поиск инструментов"),
    ("ar", "البحث عن الأدوات"), ("zh-hans", "搜索工具"),
])
def test_django_serves_the_compiled_translation(code, expected):
    with translation.override(code):
        assert translation.gettext("Search tools") == expected


@pytest.mark.parametrize("code, n, expected", [
    ("ru", 1, "1 инструмент"), ("ru", 3, "3 инструмента"), ("ru", 11, "11 инструментов"),
    ("ar", 2, "2 أداتان"), ("ar", 5, "5 أدوات"), ("fr", 2, "2 outils"), ("zh-hans", 7, "7 个工具"),
])
def test_plural_forms_follow_each_language(code, n, expected):
    with translation.override(code):
        assert translation.ngettext("%(n)s tool", "%(n)s tools", n) % {"n": n} == expected
