"""The admin site: sign-in goes through the Atlas login (password and second factor)."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from atlas.accounts.models import AuditEvent
from atlas.accounts.permissions import is_verified
from atlas.accounts.services import audit_record


def _no_permission_on_model(view, request) -> bool:
    """True for a model admin's page when the user holds no permission at all on that model."""
    model_admin = getattr(view, "__self__", None)
    return (isinstance(model_admin, admin.ModelAdmin)
            and not any(model_admin.get_model_perms(request).values()))


class AtlasAdminSite(admin.AdminSite):
    site_header = _("Anti-Trafficking Tech Atlas administration")
    site_title = _("Atlas administration")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and is_verified(user)

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated and request.path != reverse("admin:logout"):
                return redirect_to_login(request.get_full_path())
            if user.is_authenticated and not (user.is_active and user.is_staff):
                audit_record(actor=user, action=AuditEvent.Action.PERMISSION_DENIED,
                             object_type="url", object_id=request.path)
                raise PermissionDenied
            if user.is_authenticated and not is_verified(user):
                return redirect_to_login(request.get_full_path())
            if _no_permission_on_model(view, request):
                # Refused before any lookup: whether an object exists (a history page, a TOTP
                # device's config) is never told to someone who may not see that model at all.
                audit_record(actor=user, action=AuditEvent.Action.PERMISSION_DENIED,
                             object_type="url", object_id=request.path)
                raise PermissionDenied
            return inner(request, *args, **kwargs)
        wrapper.admin_site = self
        wrapper.__wrapped__ = inner
        return wrapper
