"""Staff accounts. Roles are Django groups; this module is the one place that defines them."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atlas.accounts.models import AuditEvent, LoginThrottle, Membership

CURATORS = "curators"
ORGANISATION_EDITORS = "organisation-editors"
ADMINISTRATORS = "administrators"

CURATOR_PERMISSIONS = [
    ("catalogue", "add_tool"), ("catalogue", "change_tool"), ("catalogue", "delete_tool"),
    ("catalogue", "add_organisation"), ("catalogue", "change_organisation"),
    ("helplines", "add_helpline"), ("helplines", "change_helpline"),
    # A helpline's channels are edited on its admin page, saved with it through record_save.
    ("helplines", "view_channel"), ("helplines", "add_channel"), ("helplines", "change_channel"),
    ("helplines", "delete_channel"),
    ("submissions", "view_submission"), ("submissions", "review_submission"),
    ("revisions", "revert_revision"), ("submissions", "add_storyexcerpt"),
    ("submissions", "change_storyexcerpt"), ("submissions", "delete_storyexcerpt"),
    ("submissions", "view_organisationcontact"), ("submissions", "add_organisationcontact"),
    ("submissions", "change_organisationcontact"), ("submissions", "delete_organisationcontact"),
]
ROLE_PERMISSIONS = {
    CURATORS: CURATOR_PERMISSIONS,
    # Organisation editors propose; a curator reviews. They hold no publishing permission.
    ORGANISATION_EDITORS: [("submissions", "propose_for_organisation")],
    ADMINISTRATORS: CURATOR_PERMISSIONS + [
        ("auth", "view_user"), ("auth", "add_user"), ("auth", "change_user"),
        ("auth", "view_group"), ("accounts", "view_auditevent"),
        ("accounts", "view_membership"), ("accounts", "add_membership"),
        ("accounts", "delete_membership"), ("otp_totp", "view_totpdevice"),
        ("otp_totp", "delete_totpdevice"),
    ],
}
ROLES = (CURATORS, ORGANISATION_EDITORS, ADMINISTRATORS)
# Roles whose members must sign in with a second factor.
SECOND_FACTOR_ROLES = {CURATORS, ADMINISTRATORS}


def _permissions(pairs, *, create_missing: bool = True) -> list[Permission]:
    wanted = {f"{app}.{code}" for app, code in pairs}
    found = {f"{p.content_type.app_label}.{p.codename}": p for p in Permission.objects.filter(
        codename__in=[code for _app, code in pairs]).select_related("content_type")}
    missing = wanted - found.keys()
    if missing and create_missing:
        # Permissions are made after migrate; a database flushed without that step lacks them.
        from django.apps import apps
        from django.contrib.auth.management import create_permissions
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        return _permissions(pairs, create_missing=False)
    if missing:
        raise ImproperlyConfigured(f"Unknown permissions: {', '.join(sorted(missing))}")
    return [found[name] for name in sorted(wanted)]


def role_group(role: str) -> Group:
    """The group for a role, with its permissions brought up to date."""
    group, _created = Group.objects.get_or_create(name=role)
    group.permissions.add(*_permissions(ROLE_PERMISSIONS[role]))
    return group


def curator_group() -> Group:
    return role_group(CURATORS)


def requires_second_factor(user) -> bool:
    if not user.is_authenticated:
        return False
    return (user.is_staff or user.is_superuser
            or user.groups.filter(name__in=SECOND_FACTOR_ROLES).exists())


@transaction.atomic
def account_create(*, username: str, email: str, password: str, role: str = CURATORS,
                   organisations=()):
    """A staff account in one role; organisation editors are linked to their organisations."""
    if role not in ROLES:
        raise ValidationError(_("Unknown role %(role)s.") % {"role": role})
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("A user named %(name)r already exists.") % {"name": username})
    user = User(username=username, email=email, is_staff=role in SECOND_FACTOR_ROLES)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(role_group(role))
    for organisation in organisations:
        Membership.objects.create(user=user, organisation=organisation)
    return user


@transaction.atomic
def totp_enrol(*, user):
    """Replace the user's TOTP devices with a new one; returns it (its config_url is the secret)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    audit_record(actor=None, actor_name="cli", action=AuditEvent.Action.ACCOUNT,
                 object_type="user", object_id=user.username)
    return device


# --- audit -------------------------------------------------------------------------------------

def audit_record(*, actor, action: str, object_type: str = "", object_id="",
                 actor_name: str = "") -> AuditEvent:
    """Append to the audit log. It is never updated or deleted by the application."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        name = actor.get_username()
    else:
        actor, name = None, actor_name or "anonymous"
    return AuditEvent.objects.create(actor=actor, actor_name=name[:150], action=action,
                                     object_type=object_type, object_id=str(object_id)[:200])


# --- signing in --------------------------------------------------------------------------------

def _account_key(username: str) -> str:
    # Keyed hash: the throttle table never holds typed names (which may be mistyped passwords).
    return hmac.new(settings.SECRET_KEY.encode(), username.strip().casefold().encode(),
                    hashlib.sha256).hexdigest()


# Failures of one account name are forgotten after a day without any.
FAILURES_FORGOTTEN_AFTER = datetime.timedelta(days=1)


def login_locked_until(*, username: str):
    """When this account name may try again, if it is waiting after repeated failures."""
    throttle = LoginThrottle.objects.filter(account=_account_key(username)).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        return throttle.locked_until
    return None


def login_wait(failures: int) -> datetime.timedelta:
    """The wait after this many failures in a row: none before the ATLAS_LOGIN_FAILURE_LIMIT-th,
    then one minute, doubling with each further failure up to ATLAS_LOGIN_LOCK_MINUTES. Slowed,
    not locked out: a typo costs a minute, and a guesser gets about four tries an hour."""
    over = failures - settings.ATLAS_LOGIN_FAILURE_LIMIT
    if over < 0:
        return datetime.timedelta(0)
    return datetime.timedelta(minutes=min(2 ** min(over, 20), settings.ATLAS_LOGIN_LOCK_MINUTES))


@transaction.atomic
def _login_failed(username: str, user, why: str = "") -> bool:
    """Count a failure for this account name; True if it must now wait before trying again."""
    throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(
        account=_account_key(username))
    now = timezone.now()
    # locked_until is also the time of the last failure when no wait followed it.
    if throttle.locked_until and throttle.locked_until + FAILURES_FORGOTTEN_AFTER <= now:
        throttle.failures = 0
    throttle.failures += 1
    wait = login_wait(throttle.failures)
    throttle.locked_until = now + wait
    throttle.save()
    audit_record(actor=None, actor_name=user.get_username() if user else "(unknown account)",
                 action=AuditEvent.Action.LOGIN_LOCKED if wait
                 else AuditEvent.Action.LOGIN_FAILED, object_type="user", object_id=why)
    return bool(wait)


@dataclass
class LoginResult:
    user: object = None
    device: object = None
    error: str = ""


def login_check(*, request, username: str, password: str, token: str = "") -> LoginResult:
    """Check a sign-in: lockout, password, then the second factor where the role needs one."""
    from django_otp import devices_for_user, match_token

    # One message for every failure: a wrong password, a missing or wrong code and a missing
    # second factor look alike, so a right password is never confirmed without its code. The
    # audit log says which it was.
    refused = _("The user name, password or authentication code is wrong.")
    waiting_until = login_locked_until(username=username)
    if waiting_until:
        audit_record(actor=None, actor_name="(locked account)",
                     action=AuditEvent.Action.LOGIN_FAILED, object_type="user")
        minutes = max(1, math.ceil((waiting_until - timezone.now()).total_seconds() / 60))
        return LoginResult(error=_(
            "Too many failed sign-ins for this account. Try again in %(minutes)d minutes.")
            % {"minutes": minutes})
    user = authenticate(request, username=username, password=password)
    if user is None:
        known = get_user_model().objects.filter(username=username).first()
        _login_failed(username, known, "password")
        return LoginResult(error=refused)
    device = None
    if requires_second_factor(user):
        if not list(devices_for_user(user)):
            _login_failed(username, user, "no second factor enrolled (atlas accounts totp)")
            return LoginResult(error=refused)
        device = match_token(user, token.strip()) if token.strip() else None
        if device is None:
            _login_failed(username, user, "code")
            return LoginResult(error=refused)
    LoginThrottle.objects.filter(account=_account_key(username)).delete()
    return LoginResult(user=user, device=device)


def login_unlock(*, username: str) -> None:
    LoginThrottle.objects.filter(account=_account_key(username)).delete()
    audit_record(actor=None, actor_name="cli", action=AuditEvent.Action.ACCOUNT,
                 object_type="user", object_id=f"{username} unlocked")
