from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "atlas.api"
    label = "api"
