"""Story topics: stable slugs with translatable labels, like the catalogue vocabularies."""

from django.utils.translation import gettext_lazy as _

from atlas.catalogue.vocabularies import Vocabulary

STORY_TOPICS = Vocabulary("story_topics", _("Story topic"), {
    "online-recruitment": _("Recruitment moved online"),
    "lockdown-isolation": _("Lockdowns and isolation"),
    "job-loss-debt": _("Lost income and debt bondage"),
    "online-sexual-exploitation": _("Online sexual exploitation"),
    "migration-border-closures": _("Migration and border closures"),
    "remote-support": _("Support moved to phone and online services"),
    "tech-response-helped": _("A technology-based response that helped"),
    "tech-harm": _("Technology that caused harm"),
})

CONSENT = Vocabulary("story_consent", _("Consent"), {
    "publish-anonymised": _("May be published, anonymised, as an excerpt written by a curator"),
    "analysis-only": _("For analysis only: never published"),
})
