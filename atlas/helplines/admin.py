from django.contrib import admin

from atlas.helplines.models import Helpline
from atlas.submissions.record_admin import RevisedRecordAdmin


@admin.register(Helpline)
class HelplineAdmin(RevisedRecordAdmin):
    """A changed number is a revision (who, when, before, after) that a curator can revert."""

    list_display = ("name", "country", "kind", "phone", "last_verified")
    list_filter = ("kind", "country")
    search_fields = ("name", "phone")
    fields = ("country", "name", "kind", "phone", "sms", "website", "languages", "hours",
              "source_url", "source_date", "last_verified")
