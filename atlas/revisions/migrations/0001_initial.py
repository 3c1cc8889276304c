"""Revision moves from the submissions app to the revisions app. Its table stays
(submissions_revision, db_table) and so do its rows: only Django's state changes, and the
content type, so that the permission to revert (granted to curators' groups) becomes
revisions.revert_revision with every group that holds it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="revision").exists():
        ContentType.objects.filter(app_label=old, model="revision").update(app_label=new)


def content_type_moved(apps, schema_editor):
    _move(apps, "submissions", "revisions")


def content_type_moved_back(apps, schema_editor):
    _move(apps, "revisions", "submissions")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('submissions', '0010_delete_revision'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.CreateModel(
            name='Revision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.PositiveBigIntegerField(blank=True, null=True)),
                ('record_key', models.CharField(db_index=True, max_length=400, verbose_name='record')),
                ('action', models.CharField(choices=[('create', 'created'), ('update', 'changed'), ('revert', 'reverted'), ('verify', 'verified')], max_length=20, verbose_name='action')),
                ('before', models.JSONField(blank=True, null=True)),
                ('after', models.JSONField()),
                ('changed_fields', models.JSONField(blank=True, default=list)),
                ('changed_at', models.DateTimeField(auto_now_add=True, verbose_name='changed at')),
                ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
                ('submission', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='revisions', to='submissions.submission')),
            ],
            options={
                'verbose_name': 'revision',
                'db_table': 'submissions_revision',
                'ordering': ['-changed_at', '-id'],
                'permissions': [('revert_revision', 'Can revert a record to an earlier revision')],
                'indexes': [models.Index(fields=['content_type', 'object_id'], name='revision_record')],
            },
        )], database_operations=[]),
        migrations.RunPython(content_type_moved, content_type_moved_back),
    ]
