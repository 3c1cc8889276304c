from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "atlas.submissions"
    label = "submissions"
