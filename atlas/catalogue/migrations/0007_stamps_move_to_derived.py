"""The catalogue's change stamp moves to atlas.derived's data stamps (one per scope)."""

import uuid

from django.db import migrations
from django.db.models import Max
from django.utils import timezone


def forwards(apps, schema_editor):
    Stamp = apps.get_model("derived", "Stamp")
    version = apps.get_model("catalogue", "CatalogueVersion").objects.first()
    if version is not None:
        Stamp.objects.update_or_create(scope="catalogue", defaults={
            "value": version.stamp, "changed_at": version.changed_at})
    helplines = apps.get_model("helplines", "Helpline").objects.aggregate(t=Max("updated_at"))["t"]
    if helplines is not None:
        Stamp.objects.update_or_create(scope="helplines", defaults={
            "value": uuid.uuid4().hex, "changed_at": helplines})


def backwards(apps, schema_editor):
    stamp = apps.get_model("derived", "Stamp").objects.filter(scope="catalogue").first()
    if stamp is not None:
        apps.get_model("catalogue", "CatalogueVersion").objects.create(
            pk=1, stamp=stamp.value, changed_at=stamp.changed_at or timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0006_search_rows_follow_tool_deletes"),
        ("derived", "0001_initial"),
        ("helplines", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="CatalogueVersion"),
    ]
