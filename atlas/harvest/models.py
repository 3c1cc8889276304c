"""Provenance of records harvested from other Atlas instances."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from atlas.catalogue.models import Tool


class HarvestedRecord(models.Model):
    """Which Atlas a tool came from: written when a curator approves a harvested proposal, so
    later harvests recognise the tool (by the slug it has there) and propose corrections to it.

    A tool has at most one origin: a later harvest from another instance may not overwrite it.
    """

    tool = models.OneToOneField(Tool, on_delete=models.CASCADE, related_name="harvest_origin",
                                verbose_name=_("tool"))
    instance = models.URLField(_("source Atlas"), max_length=500)
    remote_slug = models.SlugField(_("slug on the source Atlas"), max_length=100)
    first_harvested_at = models.DateTimeField(_("first harvested"))
    last_changed_at = models.DateTimeField(_("last changed by a harvest"))

    class Meta:
        # The table the api app created before harvesting had its own app (migration 0001).
        db_table = "api_harvestedrecord"
        ordering = ["instance", "remote_slug"]
        verbose_name = _("harvested record")
        verbose_name_plural = _("harvested records")

    def __str__(self):
        return f"{self.tool} from {self.instance}"
