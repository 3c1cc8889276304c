"""Helpers the submissions tests share."""

from atlas.submissions.models import Revision


def revisions_of(obj):
    """The revisions of one record (a tool, an organisation, a helpline), newest first."""
    return Revision.objects.filter(content_type__model=obj._meta.model_name, object_id=obj.pk)
