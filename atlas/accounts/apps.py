from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "atlas.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from atlas import datafiles  # noqa: F401 - registers the data file permission check
        from atlas.accounts import checks  # noqa: F401 - registers the CSRF middleware check
        post_migrate.connect(_refresh_role_groups, sender=self,
                             dispatch_uid="atlas-refresh-role-groups")


def _refresh_role_groups(**_kwargs):
    """Existing role groups get the permissions a new version gives their role (a new model
    their members edit), as groups made from now on do."""
    from django.contrib.auth.models import Group

    from atlas.accounts.services import ROLES, role_group
    for role in ROLES:
        if Group.objects.filter(name=role).exists():
            role_group(role)


class AtlasAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with a site that asks staff for their second factor."""

    default = False
    default_site = "atlas.accounts.admin_site.AtlasAdminSite"
