from django.contrib import admin

from atlas.accounts.models import AuditEvent, Membership


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody edits in the admin, not even superusers: the audit log, revisions."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only for everyone: the audit log is appended to by the application, never edited."""

    list_display = ("at", "actor_name", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_id")



@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation")
    raw_id_fields = ("user", "organisation")
