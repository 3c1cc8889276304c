"""Revisions: every change to a published record (a tool, an organisation, a helpline), who
made it, when, and the record before and after, so that a curator can see and revert it."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Revision(models.Model):
    """One change to a published record (a tool, an organisation or a helpline): who, when, what.

    before and after are the record in the import format of its kind (the exporters' records), so
    a revert goes through the importer's checks again. record_key names the record as it was
    (slug, or country/name for a helpline) and outlives it; object_id is empty for rows whose
    record was deleted before revisions covered every kind.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        REVERT = "revert", _("reverted")
        VERIFY = "verify", _("verified")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    record_key = models.CharField(_("record"), max_length=400, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField()
    changed_fields = models.JSONField(default=list, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    # The submission whose approval made this change, if any: named, not imported (the
    # revisions app sits below submissions, which records its changes through it).
    submission = models.ForeignKey("submissions.Submission", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="revisions")

    class Meta:
        db_table = "submissions_revision"  # created by the submissions app (its migration 0001)
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"],
                                name="revision_record")]
        verbose_name = _("revision")
        permissions = [("revert_revision", _("Can revert a record to an earlier revision"))]

    def __str__(self):
        return f"{self.record_key} {self.action}"
