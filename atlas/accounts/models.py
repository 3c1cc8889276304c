"""Staff accounts: organisation memberships, login throttling and the audit log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Membership(models.Model):
    """An organisation editor proposes changes to the tools of the organisations listed here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    organisation = models.ForeignKey("catalogue.Organisation", on_delete=models.CASCADE,
                                     related_name="editors")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"],
                                               name="unique_membership")]
        verbose_name = _("organisation membership")


class LoginThrottle(models.Model):
    """Failed sign-ins per account name; the name is kept as a keyed hash, never in clear."""

    account = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)


class AuditEvent(models.Model):
    """Who did what to which object, and when. Never the content of a submission."""

    class Action(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login-failed", _("failed to sign in")
        LOGIN_LOCKED = "login-locked", _("account locked after failed sign-ins")
        LOGOUT = "logout", _("signed out")
        PERMISSION_DENIED = "permission-denied", _("was refused access")
        APPROVE = "approve", _("approved")
        REJECT = "reject", _("rejected")
        REVERT = "revert", _("reverted")
        VERIFY = "verify", _("verified")
        EXPORT = "export", _("exported")
        STORY_OPEN = "story-open", _("opened stories")
        STORY_PURGE = "story-purge", _("purged stories")
        PURGE = "purge", _("purged old submissions")
        PUBLISH = "publish", _("published")
        ACCOUNT = "account", _("changed an account")
        CHANGE = "change", _("changed a record")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.CharField(_("object"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type} {self.object_id}"
