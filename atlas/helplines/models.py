from django.db import models
from django.utils.translation import gettext_lazy as _

HELPLINE_KINDS = {
    "trafficking-hotline": _("Anti-trafficking hotline"),
    "child-helpline": _("Child helpline"),
    "modern-slavery-helpline": _("Modern slavery helpline"),
    "online-reporting": _("Online reporting portal"),
    "general-emergency": _("General emergency number"),
}


class Helpline(models.Model):
    country = models.CharField(_("country"), max_length=2, db_index=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=40, choices=list(HELPLINE_KINDS.items()))
    phone = models.CharField(_("phone"), max_length=200, blank=True)
    sms = models.CharField(_("SMS"), max_length=200, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    languages = models.CharField(_("languages"), max_length=300, blank=True)
    hours = models.CharField(_("hours"), max_length=300, blank=True)
    source_url = models.CharField(_("source URL"), max_length=500)
    source_date = models.DateField(_("source read on"), null=True, blank=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
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
        return HELPLINE_KINDS.get(self.kind, self.kind)
