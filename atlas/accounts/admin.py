from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django_otp.conf import settings as otp_settings
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

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


class AtlasTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's device admin, whose config and QR code pages answered 500 for an unknown id
    and 403 for a known one: refused alike (secrets hidden), else permission first, then 404."""

    def _device_or_refuse(self, request, pk):
        if otp_settings.OTP_ADMIN_HIDE_SENSITIVE_DATA or not self.has_view_or_change_permission(
                request):
            raise PermissionDenied
        device = get_object_or_404(TOTPDevice, pk=pk)
        if not self.has_view_or_change_permission(request, device):
            raise PermissionDenied
        return device

    def config_view(self, request, pk):
        self._device_or_refuse(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        self._device_or_refuse(request, pk)
        return super().qrcode_view(request, pk)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, AtlasTOTPDeviceAdmin)
