from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "atlas.web"
    label = "web"
