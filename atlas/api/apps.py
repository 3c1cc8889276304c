from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "atlas.api"
    label = "api"

    def ready(self):
        from atlas.api import site  # noqa: F401 - registers the ATLAS_SITE_URL check
        from atlas.api.harvest import record_origin
        from atlas.submissions.services import proposal_approved
        # Provenance is the API app's: submissions knows nothing of harvests, it only says
        # when a proposal was approved.
        proposal_approved.connect(record_origin, dispatch_uid="api.record_origin")
