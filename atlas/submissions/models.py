"""Public submissions, the revision history of published records and published story excerpts.

A story is stored only as a sealed box (ciphertext); no column holds its text or contact details.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atlas.submissions.payloads import payload_of


def today():
    return timezone.now().date()


def random_id() -> int:
    """A submission's id: random, so that no id tells in which order submissions arrived (with a
    timed log line elsewhere, an order would undo the day-only date). 16 digits, below 2**53 so
    that JavaScript reads it exactly."""
    return 2**52 + secrets.randbelow(2**53 - 2**52)



class Submission(models.Model):
    class Kind(models.TextChoices):
        TOOL = "tool", _("new tool")
        CORRECTION = "correction", _("correction")
        SOLUTION = "solution", _("tech-based solution")
        STORY = "story", _("story")
        HELPLINE_REPORT = "helpline-report", _("helpline that did not work")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        # Closed without a review because its source sent a newer version (a harvest), which
        # is a new submission: nobody approves content that changed after they read it.
        SUPERSEDED = "superseded", _("superseded by a newer version")

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    # To the day only: a precise time could tie a submission to a person's visit.
    received_on = models.DateField(_("received on"), default=today)
    payload = models.JSONField(_("proposed content"), default=dict, blank=True)
    sealed = models.TextField(_("sealed story"), blank=True)
    tool = models.ForeignKey("catalogue.Tool", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("tool"))
    duplicates = models.JSONField(_("possible duplicates"), default=list, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # Set only for a correction from an organisation editor to a tool of their own organisation.
    organisation = models.ForeignKey("catalogue.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("on behalf of"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reason = models.TextField(_("reason for rejection"), max_length=2000, blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("superseded by"))

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        permissions = [
            ("review_submission", _("Can review, approve and reject submissions")),
            ("propose_for_organisation", _("Can propose changes for their organisation")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def content(self):
        """The payload as its kind's class (submissions/payloads.py)."""
        return payload_of(self)

    @property
    def title(self):
        if self.kind == self.Kind.STORY:
            return _("Sealed story")
        if self.kind == self.Kind.CORRECTION and self.tool_id:
            return self.tool.name
        return self.content.title


class StoryExcerpt(models.Model):
    """An anonymised excerpt a curator writes from a story (or a solution) and publishes."""

    text = models.TextField(_("excerpt"), max_length=4000)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    tools = models.JSONField(_("related tools"), default=list, blank=True)  # tool slugs
    published_on = models.DateField(_("published on"), default=today)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="excerpts")

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("story excerpt")


class OrganisationContact(models.Model):
    """Where "Contact the team" messages for an organisation's tools go; never shown publicly."""

    organisation = models.OneToOneField("catalogue.Organisation", on_delete=models.CASCADE,
                                        related_name="+")
    email = models.EmailField(_("contact address"))

    class Meta:
        verbose_name = _("organisation contact address")
        verbose_name_plural = _("organisation contact addresses")

    def __str__(self):
        return f"{self.organisation}"
