"""Staff accounts. Roles are Django groups; this module is the one place that defines them."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

CURATORS = "curators"
CURATOR_PERMISSIONS = [
    ("catalogue", "add_tool"), ("catalogue", "change_tool"), ("catalogue", "delete_tool"),
    ("catalogue", "add_organisation"), ("catalogue", "change_organisation"),
    ("helplines", "add_helpline"), ("helplines", "change_helpline"),
]


def curator_group() -> Group:
    group, _created = Group.objects.get_or_create(name=CURATORS)
    perms = [Permission.objects.get(content_type__app_label=app, codename=code)
             for app, code in CURATOR_PERMISSIONS]
    group.permissions.add(*perms)
    return group


@transaction.atomic
def curator_create(*, username: str, email: str, password: str):
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"A user named {username!r} already exists.")
    user = User(username=username, email=email, is_staff=True)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(curator_group())
    return user
