from django.apps import AppConfig


class OfflineConfig(AppConfig):
    name = "atlas.offline"
    label = "offline"
