from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "atlas.web"
    label = "web"

    def ready(self):
        from atlas.web import securitytxt  # noqa: F401 - registers the security.txt checks
