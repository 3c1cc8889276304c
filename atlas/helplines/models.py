"""Helplines and the channels that reach them (docs/data-format.md, "Helplines")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from atlas.helplines import vocabularies as v

# Kept for callers that list the kinds with their labels (the API, filters).
HELPLINE_KINDS = v.KINDS.terms


class Helpline(models.Model):
    """A line (or a reporting service) in one country; reached through its channels."""

    country = models.CharField(_("country"), max_length=2, db_index=True)
    name = models.CharField(_("name"), max_length=300)
    operator = models.CharField(_("operator"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=v.KINDS.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    purposes = models.JSONField(_("what it is for"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)  # ISO 639 codes
    opening_hours = models.CharField(_("opening hours (OpenStreetMap syntax)"), max_length=300,
                                     blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    # Set by the migration from free-text fields when it could not split them without guessing;
    # `legacy` keeps the text as it was, for a curator to turn into channels.
    needs_review = models.BooleanField(_("needs a curator's review"), default=False)
    legacy = models.JSONField(_("text before the channels"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["country", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "name"],
                                               name="unique_helpline_country_name")]
        verbose_name = _("helpline")
        verbose_name_plural = _("helplines")

    def __str__(self):
        return f"{self.name} ({self.country})"

    @property
    def kind_label(self):
        return v.KINDS.label_of(self.kind)


class Channel(models.Model):
    """One way to reach a helpline: a number, a chat, an address; with its own source."""

    helpline = models.ForeignKey(Helpline, on_delete=models.CASCADE, related_name="channels")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("channel"), max_length=20, choices=v.CHANNELS.choices)
    value = models.CharField(_("number or address"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)
    hours = models.CharField(_("hours, if not the line's"), max_length=300, blank=True)
    free = models.CharField(_("free to call"), max_length=10, choices=v.YES_NO_UNKNOWN.choices,
                            default="unknown")
    on_bill = models.CharField(_("shows on the phone bill"), max_length=10,
                               choices=v.YES_NO_UNKNOWN.choices, default="unknown")
    # Derived from value by libphonenumber when the channel is saved (numbers.py).
    dial = models.CharField(_("dialled as"), max_length=32, blank=True)
    source_url = models.CharField(_("source URL"), max_length=500, blank=True)
    source_title = models.CharField(_("source title"), max_length=300, blank=True)
    source_date = models.CharField(_("source date"), max_length=10, blank=True)  # YYYY[-MM[-DD]]
    reread = models.BooleanField(_("re-read against its source"), default=False)

    class Meta:
        ordering = ["helpline", "position", "id"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self):
        return f"{self.kind}: {self.value}"
