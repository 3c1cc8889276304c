from django.apps import AppConfig


class HarvestConfig(AppConfig):
    """Pulling another Atlas's tools into this one's review queue, with their provenance."""

    name = "atlas.harvest"
    label = "harvest"

    def ready(self):
        from atlas.harvest.services import record_origin
        from atlas.submissions.services import proposal_approved
        # Provenance is the harvest app's: submissions knows nothing of harvests, it only says
        # when a proposal was approved.
        proposal_approved.connect(record_origin, dispatch_uid="harvest.record_origin")
