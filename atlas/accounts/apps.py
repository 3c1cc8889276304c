from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "atlas.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from atlas import datafiles  # noqa: F401 - registers the data file permission check
        from atlas.accounts import checks  # noqa: F401 - registers the CSRF middleware check


class AtlasAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with a site that asks staff for their second factor."""

    default = False
    default_site = "atlas.accounts.admin_site.AtlasAdminSite"
