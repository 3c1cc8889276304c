"""Sign in (password, then the second factor where the role needs one) and sign out."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

import django_otp

from atlas.accounts.forms import LoginForm
from atlas.accounts.models import AuditEvent
from atlas.accounts.services import audit_record, login_check
from atlas.core.database import DATABASE_UNAVAILABLE

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def _next_url(request, user=None):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    if user is not None and not user.has_perm("submissions.review_submission"):
        return reverse("submissions:account")
    return reverse("submissions:queue")


@never_cache
def login(request):
    form = LoginForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                result = _sign_in(request, form.cleaned_data)
        except DATABASE_UNAVAILABLE:
            # An import holds the write lock, or the database is read-only or down: nobody is
            # signed in by halves, and the form says to try again (never a 500).
            request.session = SessionStore()
            request.user = AnonymousUser()
            result = None
            error, status = _("Signing in is not possible just now. Please try again in a "
                              "minute."), 503
        if result is not None and result.user is not None:
            return redirect(_next_url(request, result.user))
        if result is not None:
            error, status = result.error, 400
        # A one-time code is never shown back (a wrong one would tell it was the code).
        form.data = {**form.data.dict(), "otp_token": ""}
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    response = render(request, "accounts/login.html", {
        "form": form, "error": error, "next": next_url}, status=status)
    if status == 503:
        response["Retry-After"] = "60"
    return response


def _sign_in(request, data):
    """Check the sign-in and, if it is right, sign in and audit it (every write of signing in)."""
    result = login_check(request=request, username=data["username"], password=data["password"],
                         token=data["otp_token"])
    if result.user is not None:
        auth_login(request, result.user)
        if result.device is not None:
            django_otp.login(request, result.device)
        audit_record(actor=result.user, action=AuditEvent.Action.LOGIN, object_type="user",
                     object_id=result.user.get_username())
    return result


@never_cache
@require_POST
def logout(request):
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=AuditEvent.Action.LOGOUT, object_type="user",
                     object_id=request.user.get_username())
    auth_logout(request)
    return redirect("web:home")


@never_cache
@login_required
def account(request):
    """A signed-in user's organisations, their tools, and the fate of their own submissions."""
    from atlas.submissions.selectors import account_overview
    return render(request, "accounts/account.html", account_overview(user=request.user))
