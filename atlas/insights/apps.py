from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "atlas.insights"
    label = "insights"
