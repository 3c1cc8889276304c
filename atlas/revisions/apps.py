from django.apps import AppConfig


class RevisionsConfig(AppConfig):
    """Every change to a published record, kept so it can be read and reverted."""

    name = "atlas.revisions"
    label = "revisions"
