"""Access to staff pages: anonymous users go to sign in, users without the permission get 403."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.cache import add_never_cache_headers

from atlas.accounts.models import AuditEvent
from atlas.accounts.services import audit_record, requires_second_factor


def is_verified(user) -> bool:
    """Signed in with the second factor, where the role needs one."""
    if not requires_second_factor(user):
        return True
    return bool(getattr(user, "is_verified", lambda: False)())


def check_staff_access(request, perm: str):
    """None if the request may go on, else the response to send (or PermissionDenied)."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user.has_perm(perm):
        audit_record(actor=user, action=AuditEvent.Action.PERMISSION_DENIED,
                     object_type="url", object_id=request.path)
        raise PermissionDenied
    if not is_verified(user):
        # Signed in without the second factor (e.g. before their role changed): sign in again.
        return redirect_to_login(request.get_full_path())
    return None


def staff_required(perm: str):
    """Protect a staff view with a permission; its responses are never cached."""
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            refusal = check_staff_access(request, perm)
            response = refusal or view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response
        wrapper.staff_permission = perm
        return wrapper
    return decorator


def permission_require(user, perm: str) -> None:
    """Outside the write's transaction, so the audit record of a refusal is kept."""
    if not user.has_perm(perm):
        audit_record(actor=user, action=AuditEvent.Action.PERMISSION_DENIED,
                     object_type="permission", object_id=perm)
        raise PermissionDenied(perm)


def guarded(perm):
    """A staff member's write (a service): the permission is checked first, then the service
    runs in a transaction. perm is a permission name, or a function of the service's keyword
    arguments that returns one."""
    def decorator(service):
        atomic = transaction.atomic(service)

        @wraps(service)
        def wrapper(*, user, **kwargs):
            permission_require(user, perm(**kwargs) if callable(perm) else perm)
            return atomic(user=user, **kwargs)
        return wrapper
    return decorator
