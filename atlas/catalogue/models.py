"""Catalogue records: tools, organisations, deployments and sources.

Models hold fields, constraints and small properties only: writes go through services.py, reads
through selectors.py.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atlas.catalogue import vocabularies as v


class Organisation(models.Model):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=v.ORGANISATION_KINDS.choices,
                            default="other")
    website = models.URLField(_("website"), max_length=500, blank=True)
    headquarters_country = models.CharField(_("headquarters country"), max_length=2, blank=True)
    source_url = models.CharField(_("source URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse
        return reverse("catalogue:organisation_detail", args=[self.slug])


class Tool(models.Model):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    short_description = models.TextField(_("short description"), max_length=1000)
    long_description = models.TextField(_("long description (Markdown)"), max_length=20000,
                                        blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    organisations = models.ManyToManyField(Organisation, through="ToolOrganisation",
                                           related_name="tools")
    purposes = models.JSONField(_("purposes"), default=list, blank=True)
    technologies = models.JSONField(_("technologies"), default=list, blank=True)
    users = models.JSONField(_("target users"), default=list, blank=True)
    exploitation = models.JSONField(_("exploitation types"), default=list, blank=True)
    is_global = models.BooleanField(_("offered globally"), default=False)
    headquarters_country = models.CharField(_("headquarters country"), max_length=2, blank=True)
    languages = models.JSONField(_("interface languages"), default=list, blank=True)
    cost = models.CharField(_("cost"), max_length=20, choices=v.COST.choices, default="unknown")
    access = models.CharField(_("access"), max_length=30, choices=v.ACCESS.choices,
                              default="unknown")
    licence = models.CharField(_("licence (SPDX id)"), max_length=100, blank=True)
    source_repository = models.URLField(_("source repository"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=v.STATUS.choices,
                              default="unknown")
    year_launched = models.PositiveSmallIntegerField(_("year launched"), null=True, blank=True)
    survivor_involvement = models.CharField(_("survivor involvement"), max_length=10,
                                            choices=v.YES_NO_UNKNOWN.choices, default="unknown")
    processes_victim_data = models.CharField(_("processes personal data of victims"),
                                             max_length=10, choices=v.YES_NO_UNKNOWN.choices,
                                             default="unknown")
    evidence = models.JSONField(_("evidence cautions"), default=list, blank=True)
    # The responsible-technology profile: sourced entries, in catalogue/profile.py's format.
    profile = models.JSONField(_("responsible-technology profile"), default=list, blank=True)
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("verified by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tool")
        verbose_name_plural = _("tools")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse
        return reverse("catalogue:tool_detail", args=[self.slug])

    @property
    def is_verified(self):
        return self.verified_at is not None

    @property
    def open_source(self):
        """"yes", "no" or "unknown", from the SPDX licence id."""
        from atlas.catalogue.licences import open_source_state
        return open_source_state(self.licence)


class ToolOrganisation(models.Model):
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=v.ROLES.choices, default="owner")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tool", "organisation", "role"],
                                               name="unique_tool_organisation_role")]
        ordering = ["id"]


class Deployment(models.Model):
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="deployments")
    country = models.CharField(_("country"), max_length=2, db_index=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="deployments")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    source_url = models.CharField(_("source URL"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tool", "country"],
                                               name="unique_deployment_tool_country")]
        ordering = ["country"]


class Source(models.Model):
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="sources")
    url = models.CharField(_("URL"), max_length=500)
    title = models.CharField(_("title"), max_length=300, blank=True)
    date_read = models.DateField(_("date read"), null=True, blank=True)

    class Meta:
        ordering = ["id"]


def _translation_languages():
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class ToolTranslation(models.Model):
    """A tool's name and descriptions in one more interface language (the record itself holds
    the original, in the Atlas's source language). Pages show it to readers of that language."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=_translation_languages)
    # Blank keeps the original name: most tool names are proper nouns.
    name = models.CharField(_("name"), max_length=200, blank=True)
    short_description = models.TextField(_("short description"), max_length=1000)
    long_description = models.TextField(_("long description (Markdown)"), max_length=20000,
                                        blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tool", "language"],
                                               name="unique_tool_translation_language")]
        ordering = ["language"]
        verbose_name = _("tool translation")
        verbose_name_plural = _("tool translations")

    def __str__(self):
        return f"{self.tool_id} ({self.language})"


class ToolEmbedding(models.Model):
    """A tool's text as a vector from the bundled multilingual model, for cross-language search
    (atlas.catalogue.search.semantic). Derived data, stored so app servers stay stateless."""

    tool = models.OneToOneField(Tool, on_delete=models.CASCADE, primary_key=True,
                                related_name="embedding")
    # Hash of the model and the text embedded: unchanged text is not embedded again.
    digest = models.CharField(max_length=64)
    vector = models.BinaryField()  # float16, little-endian


class SearchBacklog(models.Model):
    """Tools whose search document is still to be written after a bulk import.

    A bulk import commits its records in one short transaction and lists the tools here in the
    same transaction; their search documents (derived data) are then written in short
    transactions of their own, so the import never holds the database's write lock for the
    time indexing takes. Whatever is listed here when a process starts (an import killed half
    way) is indexed then (atlas.catalogue.services.search_backlog_process).
    """

    tool_id = models.BigIntegerField(primary_key=True)
