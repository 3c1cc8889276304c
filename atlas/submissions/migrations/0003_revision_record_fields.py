"""Revisions cover organisations and helplines too: a generic key next to the tool one (see 0004)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):


    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalogue", "0002_search_index"),
        ("submissions", "0002_organisationcontact"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="content_type",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="contenttypes.contenttype"),
        ),
        migrations.AddField(
            model_name="revision",
            name="object_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
    ]
