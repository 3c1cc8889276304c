"""Controlled vocabularies: defined once, with stable slugs and translatable labels.

The slugs are part of the data format (CSV/JSON imports, URLs, the API) and must never change;
labels may be reworded and are translated.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atlas.core.vocabularies import Vocabulary  # noqa: F401 - part of this module's interface


PURPOSES = Vocabulary("purposes", _("Purpose"), {
    "prevention-awareness": _("Prevention and awareness"),
    "victim-identification": _("Victim identification"),
    "victim-support": _("Victim and survivor support"),
    "investigation-prosecution": _("Investigation and prosecution"),
    "supply-chain-transparency": _("Supply-chain transparency"),
    "worker-voice": _("Worker voice"),
    "reporting-hotline": _("Reporting and hotlines"),
    "data-research": _("Data and research"),
    "training": _("Training"),
    "financial-intelligence": _("Financial intelligence"),
    "online-child-safety": _("Child online safety"),
})

TECHNOLOGIES = Vocabulary("technologies", _("Technology"), {
    "mobile-app": _("Mobile app"),
    "web-platform": _("Web platform"),
    "data-analytics": _("Data analytics"),
    "machine-learning": _("Machine learning"),
    "image-analysis": _("Image analysis"),
    "blockchain": _("Blockchain"),
    "messaging-chatbot": _("Messaging and chatbots"),
    "hotline-sms": _("Hotline and SMS"),
    "satellite-geospatial": _("Satellite and geospatial"),
    "social-media": _("Social media"),
    "database": _("Database"),
})

USERS = Vocabulary("users", _("Target users"), {
    "ngos": _("NGOs"),
    "law-enforcement": _("Law enforcement"),
    "businesses": _("Businesses"),
    "workers": _("Workers"),
    "survivors": _("Survivors"),
    "general-public": _("General public"),
    "governments": _("Governments"),
    "researchers": _("Researchers"),
    "financial-institutions": _("Financial institutions"),
    "children-youth": _("Children and youth"),
    "educators": _("Educators"),
})

EXPLOITATION = Vocabulary("exploitation", _("Exploitation type"), {
    "sex-trafficking": _("Sex trafficking"),
    "labour-trafficking": _("Labour trafficking and forced labour"),
    "child-exploitation": _("Child sexual exploitation"),
    "forced-marriage": _("Forced marriage"),
    "organ-trafficking": _("Organ trafficking"),
    "all": _("All forms"),
})

COST = Vocabulary("cost", _("Cost"), {
    "free": _("Free"),
    "freemium": _("Freemium"),
    "paid": _("Paid"),
    "unknown": pgettext_lazy("cost", "Unknown"),
})

ACCESS = Vocabulary("access", _("Access"), {
    "public": _("Public"),
    "law-enforcement-only": _("Law enforcement only"),
    "ngos-only": _("NGOs only"),
    "restricted": _("Restricted to vetted partners"),
    "unknown": pgettext_lazy("access", "Unknown"),
})

STATUS = Vocabulary("status", _("Status"), {
    "active": _("Active"),
    "dormant": _("Dormant"),
    "discontinued": _("Discontinued"),
    "unknown": pgettext_lazy("status", "Unknown"),
})

YES_NO_UNKNOWN = Vocabulary("yes-no-unknown", _("Yes, no or unknown"), {
    "yes": _("Yes"),
    "no": _("No"),
    "unknown": pgettext_lazy("answer", "Unknown"),
})

VICTIM_DATA = Vocabulary("victim_data", _("Processes victims' data"), {
    "yes": _("Processes victims' data"),
    "no": _("Does not process victims' data"),
    "unknown": pgettext_lazy("answer", "Unknown"),
})

SURVIVORS = Vocabulary("survivors", _("Survivors or workers involved"), {
    "yes": _("Survivors or workers involved"),
    "no": _("No survivor or worker involvement"),
    "unknown": pgettext_lazy("answer", "Unknown"),
})

DATA_PROTECTION = Vocabulary("data_protection", _("Data-protection information"), {
    "published": _("Privacy policy or impact assessment published"),
    "not-published": _("No privacy policy published"),
})

OPEN_SOURCE = Vocabulary("open_source", _("Open source"), {
    "yes": _("Open source"),
    "no": _("Not open source"),
    "unknown": _("Licence unknown"),
})

EVIDENCE = Vocabulary("evidence", _("Evidence cautions"), {
    "thin": _("Thin evidence: a single short mention"),
    "old": _("Old evidence: the newest source is more than five years old"),
    "secondary": _("Secondary source: news or an aggregator, not the operator's own page"),
})

ROLES = Vocabulary("roles", _("Role"), {
    "owner": _("Owner"),
    "maintainer": _("Maintainer"),
    "funder": _("Funder"),
    "implementer": _("Implementer"),
})

ORGANISATION_KINDS = Vocabulary("organisation_kinds", _("Kind of organisation"), {
    "ngo": _("NGO"),
    "company": _("Company"),
    "government": _("Government"),
    "international-organisation": _("International organisation"),
    "academia": _("Academia"),
    "law-enforcement": _("Law enforcement"),
    "foundation": _("Foundation"),
    "network": _("Network or coalition"),
    "other": _("Other"),
})

# The vocabularies a tool carries as lists, keyed by field name.
TOOL_LIST_VOCABULARIES = {
    "purposes": PURPOSES,
    "technologies": TECHNOLOGIES,
    "users": USERS,
    "exploitation": EXPLOITATION,
}

ALL = {v.slug: v for v in (PURPOSES, TECHNOLOGIES, USERS, EXPLOITATION, COST, ACCESS, STATUS,
                           OPEN_SOURCE, EVIDENCE, ROLES, ORGANISATION_KINDS)}
