from django.contrib import admin

from atlas.harvest.models import HarvestedRecord


@admin.register(HarvestedRecord)
class HarvestedRecordAdmin(admin.ModelAdmin):
    """Read-only: provenance is written when a curator approves a harvested proposal."""

    list_display = ("tool", "instance", "first_harvested_at", "last_changed_at")
    list_filter = ("instance",)
    search_fields = ("tool__name", "remote_slug")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
