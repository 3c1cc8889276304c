"""Reads of revisions: a record's history, and the diff tables curators and readers see."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from atlas.revisions.models import Revision
from atlas.revisions.records import RECORD_LABELS, record_diff, record_type


def display_value(value) -> str:
    """A record value as plain text for a diff table (lists joined, objects summarised)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(display_value(v) for v in value)
    if isinstance(value, dict):
        if "name" in value:
            return f"{value['name']} [{value.get('role', '')}]"
        return value.get("url") or value.get("country") or ", ".join(
            f"{k}: {v}" for k, v in value.items() if v)
    return str(value)


def diff_rows(pairs, labels=RECORD_LABELS):
    return [(labels.get(f, f), display_value(old), display_value(new)) for f, old, new in pairs]


def revision_list(*, records, also: models.Q | None = None,
                  limit: int | None = None) -> list[Revision]:
    """The revisions of some records of one kind (a tool; a country's helplines), newest first.

    records is an object or a queryset; `also` adds revisions of that kind matching it (a
    country's page keeps those of helplines moved elsewhere or deleted since). Otherwise
    revisions of records since deleted are kept out.
    """
    if isinstance(records, models.Model):
        model, ids = type(records), [records.pk]
    else:
        model, ids = records.model, records.values("pk")
    which = models.Q(object_id__in=ids)
    if also is not None:
        which |= also
    revisions = Revision.objects.filter(
        which, content_type=ContentType.objects.get_for_model(model),
    ).select_related("changed_by")
    revisions = list(revisions[:limit] if limit else revisions)
    labels = record_type(model).labels
    for revision in revisions:
        revision.diff = diff_rows(record_diff(revision.before, revision.after), labels)
    return revisions
