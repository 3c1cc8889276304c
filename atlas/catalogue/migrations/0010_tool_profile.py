"""Tools get a responsible-technology profile (catalogue/profile.py).

On SQLite, adding (or removing) a column with a default copies the tool table, which drops the
trigger that keeps the search table in step with deletes (0006): it is made again after."""

from django.db import migrations, models

TRIGGER = """CREATE TRIGGER IF NOT EXISTS catalogue_tool_fts_follow_delete
    AFTER DELETE ON catalogue_tool BEGIN
        DELETE FROM catalogue_tool_fts WHERE rowid = old.id;
    END"""


def delete_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(TRIGGER)


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0009_search_backlog'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, delete_trigger),
        migrations.AddField(
            model_name='tool',
            name='profile',
            field=models.JSONField(blank=True, default=list, verbose_name='responsible-technology profile'),
        ),
        migrations.RunPython(delete_trigger, migrations.RunPython.noop),
    ]
