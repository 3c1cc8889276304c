"""The full-text search tables: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_CREATE = """
CREATE VIRTUAL TABLE IF NOT EXISTS catalogue_tool_fts USING fts5(
    name, organisations, body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
)
"""

POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # "simple" keeps every word of every language (no English stemming or stop words);
    # unaccent makes search diacritic-insensitive.
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'atlas_search') THEN
            CREATE TEXT SEARCH CONFIGURATION atlas_search (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION atlas_search
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
        END IF;
    END $$""",
    """CREATE TABLE IF NOT EXISTS catalogue_tool_search (
        tool_id bigint PRIMARY KEY REFERENCES catalogue_tool (id) ON DELETE CASCADE
            DEFERRABLE INITIALLY DEFERRED,
        document tsvector NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS catalogue_tool_search_document ON catalogue_tool_search USING gin (document)",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for sql in POSTGRES_CREATE:
            schema_editor.execute(sql)
    else:
        raise NotImplementedError(f"Search does not support the {vendor} database.")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    table = "catalogue_tool_fts" if vendor == "sqlite" else "catalogue_tool_search"
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
