"""Search documents hold the parser's words, so both databases match exactly what it parses.

Before, each database split and folded the text its own way: SQLite's unicode61 tokenizer kept
"й" and "أ" that the parser folded (Russian and Arabic words with them were never found), and
PostgreSQL's parser and unaccent split and folded differently again. Now the stored text is
`query.index_text` of each field: SQLite's FTS5 table uses the `ascii` tokenizer, which only
splits at the spaces; PostgreSQL stores a tsvector literal built by the Atlas
(search.backends.tsvector_literal) and queries a tsquery literal, with no text search
configuration in between.

SQLite: the table is recreated and its rows re-written as words here. PostgreSQL: a tsvector
cannot be turned back into its text, so every tool is listed in the search backlog, which
`atlas serve` and the data commands index when they start (search_backlog_process); until then
searches match the documents as they were.
"""

from django.db import migrations

COLUMNS = "name, organisations, body"


def _recreate(schema_editor, tokenize: str, rewrite) -> None:
    schema_editor.execute("DROP TRIGGER IF EXISTS catalogue_tool_fts_follow_delete")
    schema_editor.execute(f"CREATE VIRTUAL TABLE catalogue_tool_fts_new USING fts5({COLUMNS}, "
                          f"tokenize = '{tokenize}', prefix = '2')")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, {COLUMNS} FROM catalogue_tool_fts")
        rows = [(rowid, *(rewrite(text or "") for text in texts))
                for rowid, *texts in cursor.fetchall()]
        cursor.executemany(f"INSERT INTO catalogue_tool_fts_new (rowid, {COLUMNS}) "
                           f"VALUES (%s, %s, %s, %s)", rows)
    schema_editor.execute("DROP TABLE catalogue_tool_fts")
    schema_editor.execute("ALTER TABLE catalogue_tool_fts_new RENAME TO catalogue_tool_fts")
    schema_editor.execute("""CREATE TRIGGER IF NOT EXISTS catalogue_tool_fts_follow_delete
        AFTER DELETE ON catalogue_tool BEGIN
            DELETE FROM catalogue_tool_fts WHERE rowid = old.id;
        END""")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from atlas.catalogue.search.query import index_text
        _recreate(schema_editor, "ascii", index_text)
    elif vendor == "postgresql":
        schema_editor.execute("INSERT INTO catalogue_searchbacklog (tool_id) "
                              "SELECT id FROM catalogue_tool ON CONFLICT DO NOTHING")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # The words stay words: unicode61 reads them as well as it read the text.
        _recreate(schema_editor, "unicode61 remove_diacritics 2", lambda text: text)
    elif vendor == "postgresql":
        schema_editor.execute("INSERT INTO catalogue_searchbacklog (tool_id) "
                              "SELECT id FROM catalogue_tool ON CONFLICT DO NOTHING")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0010_tool_profile")]
    operations = [migrations.RunPython(forwards, backwards)]
