"""PostgreSQL: the search table no longer references catalogue_tool.

Django empties tables with TRUNCATE between transactional tests (and `flush`), listing only its
models' tables; a foreign key from a table it does not know makes that TRUNCATE fail. The FTS5
table on SQLite never had one. Rows of deleted tools are removed by the services
(`remove_tools`), ignored by searches (ids not in the catalogue are dropped) and swept by a full
`search_reindex`.
"""

from django.db import migrations


def drop_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("""
            DO $$
            DECLARE name text;
            BEGIN
                FOR name IN SELECT conname FROM pg_constraint
                            WHERE conrelid = 'catalogue_tool_search'::regclass AND contype = 'f'
                LOOP
                    EXECUTE format('ALTER TABLE catalogue_tool_search DROP CONSTRAINT %%I', name);
                END LOOP;
            END $$""")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_tool_embedding")]
    operations = [migrations.RunPython(drop_foreign_key, migrations.RunPython.noop)]
