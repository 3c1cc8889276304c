"""Sign in (password, then the second factor where the role needs one) and sign out."""

from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

import django_otp

from atlas.accounts.forms import LoginForm
from atlas.accounts.models import AuditEvent
from atlas.accounts.services import audit_record, login_check


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
    error = ""
    if request.method == "POST" and form.is_valid():
        result = login_check(request=request, username=form.cleaned_data["username"],
                             password=form.cleaned_data["password"],
                             token=form.cleaned_data["otp_token"])
        if result.user is not None:
            auth_login(request, result.user)
            if result.device is not None:
                django_otp.login(request, result.device)
            audit_record(actor=result.user, action=AuditEvent.Action.LOGIN, object_type="user",
                         object_id=result.user.get_username())
            return redirect(_next_url(request, result.user))
        error = result.error
        # A one-time code is never shown back (a wrong one would tell it was the code).
        form.data = {**form.data.dict(), "otp_token": ""}
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "accounts/login.html", {
        "form": form, "error": error, "next": next_url}, status=400 if error else 200)


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
