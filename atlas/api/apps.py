from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "atlas.api"
    label = "api"

    def ready(self):
        from atlas.api.harvest import record_origin
        from atlas.submissions.services import tool_proposal_approved
        tool_proposal_approved.connect(record_origin, dispatch_uid="api.record_origin")
