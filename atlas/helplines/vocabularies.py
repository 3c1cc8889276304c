"""The helplines' vocabularies: kinds of line, topics, purposes, channels. Slugs are part of the
data format and the API and never change; labels are translated."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atlas.core.vocabularies import Vocabulary

KINDS = Vocabulary("helpline_kinds", _("Kind of helpline"), {
    "trafficking-hotline": _("Anti-trafficking hotline"),
    "modern-slavery-helpline": _("Modern slavery helpline"),
    "child-helpline": _("Child helpline"),
    "gbv-helpline": _("Gender-based violence helpline"),
    "labour-helpline": _("Labour and migrant workers' line"),
    "police": _("Police hotline"),
    "general-emergency": _("General emergency number"),
    "online-reporting": _("Online reporting portal"),
    "international-office": _("International organisation's office"),
    "none-found": _("No dedicated helpline found"),
})

# The order in which a country's lines are listed: the most specific help first.
KIND_ORDER = list(KINDS.terms)

TOPICS = Vocabulary("helpline_topics", _("Topic"), {
    "trafficking": _("Trafficking for any purpose"),
    "forced-labour": _("Forced labour"),
    "sexual-exploitation": _("Sexual exploitation"),
    "child-protection": _("Child protection"),
    "migrant-domestic-workers": _("Migrant and domestic workers"),
    "online-abuse": _("Online abuse"),
    "gender-based-violence": _("Gender-based violence"),
})

PURPOSES = Vocabulary("helpline_purposes", _("What it is for"), {
    "report": _("Report a case"),
    "support": _("Get support"),
    "emergency": _("Emergency"),
})

CHANNELS = Vocabulary("helpline_channels", _("Channel"), {
    "phone": _("Phone"),
    "short-code": _("Short number"),
    "sms": _("SMS"),
    "whatsapp": _("WhatsApp"),
    "signal": _("Signal"),
    "telegram": _("Telegram"),
    "viber": _("Viber"),
    "web-chat": _("Web chat"),
    "email": _("E-mail"),
    "web-form": _("Web form"),
    "app": _("App"),
})
# Channels whose value is a number, checked and formatted with libphonenumber.
NUMBER_CHANNELS = {"phone", "short-code", "sms", "whatsapp", "signal", "telegram", "viber"}
# Channels whose value is a web address.
URL_CHANNELS = {"web-chat", "web-form", "app"}

YES_NO_UNKNOWN = Vocabulary("yes-no-unknown", _("Yes, no or unknown"), {
    "yes": _("Yes"),
    "no": _("No"),
    "unknown": pgettext_lazy("answer", "Unknown"),
})
