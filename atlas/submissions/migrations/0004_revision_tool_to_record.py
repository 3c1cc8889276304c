"""Revisions cover organisations and helplines too: existing tool revisions get the generic key.

Existing tool revisions keep everything: content type catalogue.tool, object_id the tool's id
(empty where the tool was deleted, as the foreign key was), record_key the slug they had.
Schema and data steps are separate migrations (0003 adds the columns, this fills them, 0005 drops
the tool key): PostgreSQL refuses to alter a table with pending deferred-constraint checks in the
transaction that changed its rows.
"""

from django.db import migrations


def tool_to_record(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("submissions", "Revision")
    tool_type, _created = ContentType.objects.get_or_create(app_label="catalogue", model="tool")
    Revision.objects.update(content_type=tool_type)
    for revision in Revision.objects.exclude(tool_id=None).only("id", "tool_id").iterator():
        Revision.objects.filter(pk=revision.pk).update(object_id=revision.tool_id)


def record_to_tool(apps, schema_editor):
    """Back to tool-only revisions; those of other records cannot be kept by that schema."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("submissions", "Revision")
    Tool = apps.get_model("catalogue", "Tool")
    tool_type = ContentType.objects.filter(app_label="catalogue", model="tool").first()
    Revision.objects.exclude(content_type=tool_type).delete()
    existing = set(Tool.objects.values_list("pk", flat=True))
    for revision in Revision.objects.only("id", "object_id").iterator():
        if revision.object_id in existing:
            Revision.objects.filter(pk=revision.pk).update(tool_id=revision.object_id)


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0003_revision_record_fields"),
    ]

    operations = [
        migrations.RunPython(tool_to_record, record_to_tool),
    ]
