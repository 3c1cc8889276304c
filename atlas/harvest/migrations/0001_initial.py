"""HarvestedRecord moves from the api app to the harvest app: the table stays (db_table), only
Django's idea of which app owns the model changes (api/migrations/0002 lets go of it)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("api", "0001_initial"),
        ("catalogue", "0002_search_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HarvestedRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("instance", models.URLField(max_length=500,
                                                     verbose_name="source Atlas")),
                        ("remote_slug", models.SlugField(
                            max_length=100, verbose_name="slug on the source Atlas")),
                        ("first_harvested_at", models.DateTimeField(
                            verbose_name="first harvested")),
                        ("last_changed_at", models.DateTimeField(
                            verbose_name="last changed by a harvest")),
                        ("tool", models.OneToOneField(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="harvest_origin", to="catalogue.tool",
                            verbose_name="tool")),
                    ],
                    options={
                        "verbose_name": "harvested record",
                        "verbose_name_plural": "harvested records",
                        "ordering": ["instance", "remote_slug"],
                        "db_table": "api_harvestedrecord",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
