"""Country names, numbers and direction follow the visitor's language."""

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import translation

from atlas.catalogue.selectors import tool_search
from atlas.core.countries import all_countries, country_name, get_country


@pytest.mark.parametrize("language, kenya, ivory_coast", [
    ("en", "Kenya", "Côte d'Ivoire"), ("fr", "Kenya", "Côte d’Ivoire"), ("es", "Kenia", "Côte d’Ivoire"),
    ("ru", "Кения", "Кот-д’Ивуар"), ("ar", "كينيا", "ساحل العاج"), ("zh-hans", "肯尼亚", "科特迪瓦"),
])
def test_country_names_come_from_cldr_in_the_active_language(language, kenya, ivory_coast):
    with translation.override(language):
        assert country_name("KE") == kenya
        assert country_name("CI") == ivory_coast
        assert get_country("KE").name == kenya


def test_english_keeps_the_iso_names_and_unknown_codes_stay_codes():
    with translation.override("en"):
        assert country_name("XK") == "Kosovo"
    with translation.override("ru"):
        assert country_name("XK") == "Косово"
        assert country_name("QQ") == "QQ"
        assert country_name("global") == "Глобально"


def test_country_lists_sort_by_the_name_in_the_active_language():
    with translation.override("es"):
        names = [c.name for c in all_countries()]
    assert names == sorted(names) and "Alemania" in names


@pytest.mark.parametrize("language, expected", [
    ("en", "12,345"), ("fr", "12\xa0345"), ("ru", "12\xa0345"), ("es", "12\xa0345"),
    ("ar", "12,345"), ("zh-hans", "12,345"),
])
def test_large_numbers_are_grouped_in_every_language(language, expected):
    with translation.override(language):
        assert intcomma(12345) == expected


def test_a_spanish_or_russian_country_name_finds_the_tools_deployed_there(tool_factory):
    tool_factory("Line", slug="line", countries=["KE"])
    assert [t.slug for t in tool_search(q="Kenia").tools] == ["line"]
    assert [t.slug for t in tool_search(q="Кения").tools] == ["line"]


@pytest.mark.parametrize("prefix, lang, direction", [
    ("", "en", "ltr"), ("/ar", "ar", "rtl"), ("/zh-hans", "zh-hans", "ltr"), ("/fr", "fr", "ltr"),
    ("/ru", "ru", "ltr"), ("/es", "es", "ltr"),
])
def test_every_language_has_its_url_prefix_direction_switcher_and_alternates(client, db, prefix,
                                                                            lang, direction):
    html = client.get(f"{prefix}/tools/").content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    for code in ("en", "ar", "zh-hans", "fr", "ru", "es"):
        assert f'hreflang="{code}"' in html  # the switcher's link and the <link rel=alternate>
    assert html.count('rel="alternate" hreflang=') == 6


def test_arabic_tool_page_shows_localised_countries_and_vocabulary(client, tool_factory):
    tool_factory("Line", slug="line", countries=["KE"], purposes=["reporting-hotline"])
    html = client.get("/ar/tools/line/").content.decode()
    assert "كينيا" in html and "الإبلاغ والخطوط الساخنة" in html
