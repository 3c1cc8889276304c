"""Revision now belongs to the revisions app (revisions/migrations/0001), which keeps its
table: submissions only lets go of the model in Django's state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('submissions', '0009_submission_random_id'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Revision')], database_operations=[]),
    ]
