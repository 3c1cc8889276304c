"""The database itself removes a tool's search document when the tool goes.

Services already remove documents, but rows can also go behind their back: an ORM cascade, a
`flush` or the emptying of tables between transactional tests (DELETE on SQLite, TRUNCATE on
PostgreSQL). A stale document would let a later tool that reuses the id match old text.
"""

from django.db import migrations

SQLITE = """
CREATE TRIGGER IF NOT EXISTS catalogue_tool_fts_follow_delete AFTER DELETE ON catalogue_tool
BEGIN
    DELETE FROM catalogue_tool_fts WHERE rowid = old.id;
END
"""

POSTGRES = [
    """CREATE OR REPLACE FUNCTION catalogue_tool_search_follow_delete() RETURNS trigger AS $$
    BEGIN
        DELETE FROM catalogue_tool_search WHERE tool_id = OLD.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS catalogue_tool_search_follow_delete ON catalogue_tool",
    """CREATE TRIGGER catalogue_tool_search_follow_delete AFTER DELETE ON catalogue_tool
    FOR EACH ROW EXECUTE FUNCTION catalogue_tool_search_follow_delete()""",
    """CREATE OR REPLACE FUNCTION catalogue_tool_search_follow_truncate() RETURNS trigger AS $$
    BEGIN
        TRUNCATE catalogue_tool_search;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS catalogue_tool_search_follow_truncate ON catalogue_tool",
    """CREATE TRIGGER catalogue_tool_search_follow_truncate AFTER TRUNCATE ON catalogue_tool
    FOR EACH STATEMENT EXECUTE FUNCTION catalogue_tool_search_follow_truncate()""",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS catalogue_tool_fts_follow_delete")
    elif vendor == "postgresql":
        for name in ("delete", "truncate"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS catalogue_tool_search_follow_{name} "
                                  "ON catalogue_tool")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_search_table_without_foreign_key")]
    operations = [migrations.RunPython(create, drop)]
