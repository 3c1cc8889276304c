"""Submissions in the admin: read-only records whose actions call the same services as /curate/."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from atlas.submissions.models import OrganisationContact, StoryExcerpt, Submission
from atlas.submissions.services import submission_approve

@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "received_on", "reviewed_by")
    list_filter = ("kind", "status")
    # The sealed story is ciphertext; showing it helps nobody.
    exclude = ("sealed",)
    readonly_fields = ("kind", "status", "received_on", "payload", "tool", "duplicates",
                       "submitted_by", "reviewed_by", "reviewed_at", "reason")
    actions = ["approve"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve and publish the selected tools and corrections"),
                  permissions=["review"])
    def approve(self, request, queryset):
        for submission in queryset.filter(kind__in=["tool", "correction"], status="pending"):
            try:
                submission_approve(submission=submission, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"#{submission.pk}: {exc}", messages.ERROR)

    def has_review_permission(self, request):
        return request.user.has_perm("submissions.review_submission")


@admin.register(StoryExcerpt)
class StoryExcerptAdmin(admin.ModelAdmin):
    list_display = ("published_on", "text")
    readonly_fields = ("submission", "published_by", "published_on")


@admin.register(OrganisationContact)
class OrganisationContactAdmin(admin.ModelAdmin):
    list_display = ("organisation", "email")
    raw_id_fields = ("organisation",)
