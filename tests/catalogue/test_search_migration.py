"""Migration catalogue/0011: search documents written before it are rewritten as the parser's
words (SQLite, in the migration) or indexed again from the backlog (PostgreSQL)."""

import pytest
from django.db import connection

from tests.migrating import migrate, migrated_forward_afterwards  # noqa: F401 (fixture)

BEFORE = [("catalogue", "0010_tool_profile")]
AFTER = [("catalogue", "0011_search_documents_as_parser_words")]


@pytest.mark.django_db(transaction=True)
def test_a_document_indexed_before_the_upgrade_is_found_by_the_parser_s_words(
        migrated_forward_afterwards, tool_factory):  # noqa: F811
    from atlas.catalogue.search import parse_query, text_match
    from atlas.catalogue.services import search_backlog_process
    tool = tool_factory("Russian Tool", short_description="Помощь для детей.")
    migrate(BEFORE)
    with connection.cursor() as cursor:  # the document as the old code wrote it
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM catalogue_tool_fts")
            cursor.execute("INSERT INTO catalogue_tool_fts (rowid, name, organisations, body) "
                           "VALUES (%s, 'Russian Tool', '', 'Помощь для детей.')", [tool.pk])
        else:
            cursor.execute("DELETE FROM catalogue_searchbacklog")
            cursor.execute("UPDATE catalogue_tool_search SET document = "
                           "to_tsvector('atlas_search', 'Russian Tool Помощь для детей.') "
                           "WHERE tool_id = %s", [tool.pk])
    assert text_match(parse_query("детей")) == []  # "й" folded by the parser, not the index
    migrate(AFTER)
    search_backlog_process()  # what `atlas serve` and the data commands do when they start
    assert text_match(parse_query("детей")) == [tool.pk]
    assert text_match(parse_query('"russian tool"')) == [tool.pk]
