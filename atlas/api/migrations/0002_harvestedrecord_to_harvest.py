"""HarvestedRecord now belongs to the harvest app (harvest/migrations/0001), which keeps its
table: the api app only lets go of the model in Django's state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
        ("harvest", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HarvestedRecord")],
            database_operations=[],
        ),
    ]
