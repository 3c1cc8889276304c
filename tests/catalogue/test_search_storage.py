"""The search index is stored the way each database does it best."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_search_index_uses_the_native_full_text_engine(tool_factory):
    tool = tool_factory("Stored Vector", organisations=["Index Org"], short_description="Body.")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'catalogue_tool_fts'")
            assert "fts5" in cursor.fetchone()[0].lower()
            cursor.execute("SELECT name, organisations FROM catalogue_tool_fts WHERE rowid = %s",
                           [tool.pk])
            assert cursor.fetchone() == ("stored vector", "index org")  # the parser's words
        else:
            assert connection.vendor == "postgresql"
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'catalogue_tool_search'")
            assert any("USING gin (document)" in row[0] for row in cursor.fetchall())
            cursor.execute("SELECT document::text FROM catalogue_tool_search WHERE tool_id = %s",
                           [tool.pk])
            document = cursor.fetchone()[0]
            # The parser's words, a position left free between fields (no phrase across them).
            assert document == "'body':7C 'index':4B 'org':5B 'stored':1A 'vector':2A"


def test_deleting_a_tool_removes_it_from_the_index(tool_factory):
    from atlas.catalogue.search import parse_query, text_match
    from atlas.catalogue.services import tool_delete
    tool = tool_factory("Ephemeral")
    assert text_match(parse_query("ephemeral")) == [tool.pk]
    tool_delete(tool=tool)
    assert text_match(parse_query("ephemeral")) == []


def test_full_reindex_sweeps_documents_of_tools_deleted_elsewhere(tool_factory):
    from atlas.catalogue.models import Tool
    from atlas.catalogue.search import parse_query, text_match
    from atlas.catalogue.services import search_reindex
    from atlas.catalogue.search import index_documents
    from atlas.catalogue.search.documents import SearchDocument
    kept, gone = tool_factory("Kept Lantern"), tool_factory("Gone Lantern")
    Tool.objects.filter(pk=gone.pk).delete()  # an ORM delete, bypassing the services
    assert text_match(parse_query("lantern")) == [kept.pk]  # the database followed the delete
    # A row the trigger could not remove (written for a tool id that no longer exists, as an
    # interrupted job or a restored dump can leave one): only the full reindex sweeps it.
    index_documents([SearchDocument(900_000, "Stray Lantern", "", "")])
    assert sorted(text_match(parse_query("lantern"))) == [kept.pk, 900_000]
    search_reindex()
    assert text_match(parse_query("lantern")) == [kept.pk]


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_empty_the_tables(tool_factory):
    # Django empties tables with TRUNCATE between transactional tests; the search table must not
    # stop it (on PostgreSQL it once held a foreign key to catalogue_tool).
    tool_factory("Flushed")
    from django.core.management import call_command
    call_command("flush", interactive=False, verbosity=0)
    from atlas.catalogue.models import Tool
    from atlas.catalogue.search import parse_query, text_match
    assert not Tool.objects.exists()
    assert text_match(parse_query("flushed")) == []  # no stale document left for a reused id
