"""Tool records in the visitor's language, with a notice when a page falls back to the original."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from atlas.catalogue.models import Tool, ToolTranslation
from atlas.derived.models import Stamp
from atlas.catalogue.selectors import tool_search
from atlas.catalogue.services import tool_translation_delete, tool_translation_upsert
from atlas.catalogue.translations import tool_text

FRENCH_NOTE = "Cette description n’est pas encore disponible en français"


@pytest.fixture
def hotline(tool_factory):
    return tool_factory("Safe Line", slug="safe-line", countries=["KE"],
                        short_description="A hotline that takes reports of forced labour.",
                        long_description="Answered **day and night** by trained staff.")


def test_upsert_creates_updates_and_reports_unchanged_translations(hotline):
    assert tool_translation_upsert(tool=hotline, language="fr",
                                   short_description="Une ligne d’urgence.") == "created"
    assert tool_translation_upsert(tool=hotline, language="fr",
                                   short_description="Une ligne d’urgence.") == "unchanged"
    assert tool_translation_upsert(tool=hotline, language="fr", name="Ligne sûre",
                                   short_description="Une ligne d’urgence.") == "updated"
    assert ToolTranslation.objects.get(tool=hotline, language="fr").name == "Ligne sûre"


@pytest.mark.parametrize("language", ["en", "de", ""])
def test_upsert_refuses_a_language_that_is_not_a_translation_language(hotline, language):
    with pytest.raises(ValidationError) as error:
        tool_translation_upsert(tool=hotline, language=language, short_description="Texte.")
    assert "language" in error.value.message_dict
    assert not ToolTranslation.objects.exists()


def test_upsert_refuses_an_empty_description(hotline):
    with pytest.raises(ValidationError) as error:
        tool_translation_upsert(tool=hotline, language="es", short_description="  ")
    assert "short_description" in error.value.message_dict


def test_a_translation_bumps_the_catalogue_stamp_and_makes_the_tool_findable_in_that_language(
        hotline):
    before = Stamp.objects.get(scope="catalogue").value
    assert tool_search(q="travail forcé").count == 0
    tool_translation_upsert(tool=hotline, language="fr",
                            short_description="Une ligne qui reçoit les signalements de travail forcé.")
    assert Stamp.objects.get(scope="catalogue").value != before
    assert [t.slug for t in tool_search(q="travail forcé").tools] == ["safe-line"]
    tool_translation_delete(tool=hotline, language="fr")
    assert tool_search(q="travail forcé").count == 0


def test_tool_page_shows_the_translation_in_the_visitors_language(client, hotline):
    tool_translation_upsert(tool=hotline, language="fr", name="Ligne sûre",
                            short_description="Une ligne d’urgence contre le travail forcé.",
                            long_description="Répond **jour et nuit**.")
    html = client.get("/fr/tools/safe-line/").content.decode()
    assert "<h1>Ligne sûre</h1>" in html and "Une ligne d’urgence contre le travail forcé." in html
    assert "<strong>jour et nuit</strong>" in html
    body = html.split("</head>")[1]  # the head's JSON-LD keeps the original record
    assert FRENCH_NOTE not in body and "A hotline that takes reports" not in body
    english = client.get("/tools/safe-line/").content.decode()
    assert "<h1>Safe Line</h1>" in english and "Ligne sûre" not in english


def test_tool_page_says_when_it_shows_the_original(client, hotline):
    tool_translation_upsert(tool=hotline, language="es", short_description="Una línea de ayuda.")
    html = client.get("/fr/tools/safe-line/").content.decode()
    assert FRENCH_NOTE in html
    assert 'lang="en" dir="ltr">A hotline that takes reports of forced labour.' in html
    arabic = client.get("/ar/tools/safe-line/").content.decode()
    assert 'dir="rtl"' in arabic and 'lang="en" dir="ltr">A hotline' in arabic
    assert "هذا الوصف غير متاح بعد باللغة العربية" in arabic


def test_english_pages_never_show_the_notice(client, hotline):
    html = client.get("/tools/safe-line/").content.decode()
    assert "translation-note" not in html and 'lang="en" dir="ltr">A hotline' not in html


def test_tool_list_shows_translations_and_notes_the_originals(client, hotline, tool_factory):
    tool_factory("Other Tool", slug="other-tool", short_description="Only in English for now.")
    tool_translation_upsert(tool=hotline, language="ru",
                            short_description="Горячая линия для сообщений о принудительном труде.")
    html = client.get("/ru/tools/").content.decode()
    assert "Горячая линия для сообщений о принудительном труде." in html
    assert 'lang="en" dir="ltr">Only in English for now.' in html
    assert "Некоторые описания пока недоступны на русском языке" in html
    tool_translation_upsert(tool=Tool.objects.get(slug="other-tool"), language="ru",
                            short_description="Пока только на английском.")
    html = client.get("/ru/tools/").content.decode()
    assert "Некоторые описания пока недоступны" not in html


def test_tool_list_highlights_query_words_in_the_translation(client, hotline):
    tool_translation_upsert(tool=hotline, language="fr",
                            short_description="Une ligne contre le travail forcé.")
    html = client.get("/fr/tools/?q=travail").content.decode()
    assert "Une ligne contre le <mark>travail</mark> forcé." in html


def test_tool_text_prefers_the_translation_and_keeps_the_original_name_when_blank(hotline):
    tool_translation_upsert(tool=hotline, language="zh-hans", short_description="举报强迫劳动的热线。")
    tool = hotline.__class__.objects.prefetch_related("translations").get(pk=hotline.pk)
    text = tool_text(tool, "zh-hans")
    assert (text.name, text.short_description, text.fallback) == ("Safe Line", "举报强迫劳动的热线。",
                                                                  False)
    assert text.long_fallback  # the long description was not translated
    assert tool_text(tool, "ar").fallback and tool_text(tool, "en").fallback is False


def test_query_counts_stay_flat_with_translations(client, tool_factory, django_assert_max_num_queries):
    for i in range(25):
        tool = tool_factory(f"Tool {i}", organisations=[f"Org {i}"], countries=["KE"])
        tool_translation_upsert(tool=tool, language="es", short_description=f"Herramienta {i}.")
    client.get("/es/tools/")
    # The English page's seven, plus one for the Spanish translations of the page's tools.
    with django_assert_max_num_queries(8):
        response = client.get("/es/tools/?q=tool&country=KE")
    assert "Herramienta 19." in response.content.decode()
    client.get("/es/tools/tool-3/")
    with django_assert_max_num_queries(7):
        assert "Herramienta" in client.get("/es/tools/tool-3/").content.decode()


def test_english_query_count_does_not_grow_with_translations(client, hotline,
                                                              django_assert_max_num_queries):
    tool_translation_upsert(tool=hotline, language="es", short_description="Una línea.")
    client.get("/tools/safe-line/")
    with translation.override("en"), django_assert_max_num_queries(6):
        client.get("/tools/safe-line/")


def test_similar_tools_on_a_tool_page_are_shown_in_the_visitors_language(client, tool_factory):
    for slug in ("first", "second"):
        tool_factory(slug.title(), slug=slug, purposes=["training"], technologies=["mobile-app"],
                     short_description=f"The {slug} training app.")
    tool_translation_upsert(tool=Tool.objects.get(slug="second"), language="es",
                            short_description="La segunda aplicación de formación.")
    html = client.get("/es/tools/first/").content.decode()
    assert "La segunda aplicación de formación." in html
    english = client.get("/tools/first/").content.decode()
    assert "The second training app." in english
