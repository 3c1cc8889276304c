"""Revisions cover any record: the generic key is required, the tool foreign key goes (see 0004)."""

import django.db.models.deletion
from django.db import migrations, models


def drop_other_records(apps, schema_editor):
    """Going back: the tool-only schema cannot hold revisions of organisations and helplines."""
    Revision = apps.get_model("submissions", "Revision")
    Revision.objects.exclude(content_type__app_label="catalogue",
                             content_type__model="tool").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0004_revision_tool_to_record"),
    ]

    operations = [
        migrations.AlterField(
            model_name="revision",
            name="content_type",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="contenttypes.contenttype"),
        ),
        migrations.RenameField(model_name="revision", old_name="tool_slug", new_name="record_key"),
        migrations.AlterField(
            model_name="revision",
            name="record_key",
            field=models.CharField(db_index=True, max_length=400, verbose_name="record"),
        ),
        migrations.RemoveField(model_name="revision", name="tool"),
        migrations.AddIndex(
            model_name="revision",
            index=models.Index(fields=["content_type", "object_id"], name="revision_record"),
        ),
        migrations.AlterModelOptions(
            name="revision",
            options={"ordering": ["-changed_at", "-id"],
                     "permissions": [("revert_revision", "Can revert a record to an earlier revision")],
                     "verbose_name": "revision"},
        ),
        # Reversed first when going back, before record_key shrinks to a tool slug's length.
        migrations.RunPython(migrations.RunPython.noop, drop_other_records),
    ]
