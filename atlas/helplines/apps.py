from django.apps import AppConfig


class HelplinesConfig(AppConfig):
    name = "atlas.helplines"
    label = "helplines"
