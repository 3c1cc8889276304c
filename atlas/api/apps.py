from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "atlas.api"
    label = "api"

    def ready(self):
        from atlas.api import site  # noqa: F401 - registers the ATLAS_SITE_URL check
