"""Public submission forms. Every field is validated; errors say what is wrong and where.

The cleaned data of the tool and correction forms uses the keys of the catalogue's import format
(atlas.catalogue.exporters.tool_record), so approving reuses the importer's validation.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MinLengthValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from atlas.catalogue import vocabularies as v
from atlas.catalogue.models import Tool
from atlas.core.countries import GLOBAL, all_countries, is_country_code
from atlas.submissions.accessible import AccessibleForm
from atlas.submissions.payloads import Correction
from atlas.submissions.profile_form import ProfileForm
from atlas.submissions.vocabularies import CONSENT, STORY_TOPICS

_http_only = URLValidator(schemes=["http", "https"],
                          message=_("Enter a web address starting with http:// or https://."))


class HttpURLField(forms.CharField):
    """A URL field that accepts http and https only (no javascript:, data:, ftp: ...)."""

    default_validators = [_http_only]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("widget", forms.URLInput)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value and "://" not in value and ":" not in value.split("/", 1)[0]:
            value = "https://" + value  # "example.org" means https://example.org
        return value


class VocabularyField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, vocabulary, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=vocabulary.choices, label=vocabulary.label, **kwargs)


class CountriesField(forms.CharField):
    """ISO 3166-1 alpha-2 codes separated by commas or spaces; "global" for worldwide."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Two-letter country codes separated by commas, for "
                                         "example KE, UG, TZ; or “global”."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        codes, unknown = [], []
        for item in value.replace(";", ",").replace(" ", ",").split(","):
            item = item.strip()
            if not item:
                continue
            code = GLOBAL if item.lower() == GLOBAL else item.upper()
            if code != GLOBAL and not is_country_code(code):
                unknown.append(item)
            codes.append(code)
        if unknown:
            raise forms.ValidationError(
                _("Unknown country codes: %(codes)s. Use ISO 3166-1 two-letter codes."),
                params={"codes": ", ".join(unknown)}, code="country")
        return list(dict.fromkeys(codes))


class ToolsField(forms.CharField):
    """Names or addresses (slugs) of tools in the Atlas, separated by commas; cleans to slugs."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Names of tools listed in the Atlas, separated by commas."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        wanted = [x.strip() for x in value.split(",") if x.strip()]
        if not wanted:
            return []
        known = {}
        for slug, name in Tool.objects.values_list("slug", "name"):
            known[slug.casefold()] = slug
            known[name.casefold()] = slug
        unknown = [w for w in wanted if w.casefold() not in known]
        if unknown:
            raise forms.ValidationError(
                _("Not tools in the Atlas: %(names)s. Check the spelling, or leave them out."),
                params={"names": ", ".join(unknown)}, code="tool")
        return list(dict.fromkeys(known[w.casefold()] for w in wanted))


class PublicForm(AccessibleForm):
    """A public form with a honeypot: people never see the field, simple bots fill it."""

    homepage = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200,
                               widget=forms.TextInput(attrs={"tabindex": "-1",
                                                             "autocomplete": "off"}))

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("homepage"))


def _text(label, max_length, *, required=True, min_length=0, rows=None, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    validators = [MinLengthValidator(min_length)] if min_length else []
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget,
                           validators=validators, help_text=help_text)


class ToolForm(PublicForm):
    name = _text(_("Name of the tool"), 200)
    organisation = _text(_("Organisation that runs it"), 200, required=False)
    website = HttpURLField(label=_("Website"), required=False)
    description = _text(_("What it does"), 1000, min_length=20, rows=4,
                        help_text=_("One or two sentences, 20 to 1,000 characters."))
    purposes = VocabularyField(v.PURPOSES)
    technologies = VocabularyField(v.TECHNOLOGIES)
    users = VocabularyField(v.USERS)
    exploitation = VocabularyField(v.EXPLOITATION)
    countries = CountriesField(label=_("Countries where it is used"))
    source_url = HttpURLField(label=_("A public page that describes it"),
                              help_text=_("Curators check every record against a public source."))
    note = _text(_("Anything else the curators should know"), 2000, required=False, rows=3,
                 help_text=_("Please do not include personal details."))

    def __init__(self, *args, confirm_duplicates=False, **kwargs):
        super().__init__(*args, **kwargs)
        if confirm_duplicates:
            self.fields["not_duplicate"] = forms.BooleanField(
                label=_("None of these: this is a different tool."), required=False)

    def record(self) -> dict:
        """The proposal in the catalogue's import format."""
        d = self.cleaned_data
        record = {k: d[k] for k in ("name", "website", "description", "purposes", "technologies",
                                    "users", "exploitation", "countries", "source_url")}
        record["organization"] = ([{"name": d["organisation"], "role": "owner"}]
                                  if d["organisation"] else [])
        return record


class CorrectionForm(PublicForm):
    """Every editable field of a tool, prefilled with the current record, then its profile
    (submissions/profile_form.py), one row per item. Cost and licence are corrected there: each
    is a profile item whose answer rests on its own page, and the field follows it."""

    FIELDS = ("name", "website", "description", "long_description", "purposes", "technologies",
              "users", "exploitation", "countries", "status", "access", "source_repository")

    name = _text(_("Name of the tool"), 200)
    website = HttpURLField(label=_("Website"), required=False)
    description = _text(_("What it does"), 1000, min_length=20, rows=4)
    long_description = _text(_("Longer description (Markdown)"), 20000, required=False, rows=8)
    purposes = VocabularyField(v.PURPOSES)
    technologies = VocabularyField(v.TECHNOLOGIES)
    users = VocabularyField(v.USERS)
    exploitation = VocabularyField(v.EXPLOITATION)
    countries = CountriesField(label=_("Countries where it is used"))
    status = forms.ChoiceField(label=v.STATUS.label, choices=v.STATUS.choices)
    access = forms.ChoiceField(label=v.ACCESS.label, choices=v.ACCESS.choices)
    source_repository = HttpURLField(label=_("Source code repository"), required=False)
    source_url = HttpURLField(label=_("A public page that confirms the correction"),
                              required=False,
                              help_text=_("Required when you change a field above; each "
                                          "profile answer below names its own page."))
    note = _text(_("What is wrong, and how do you know?"), 2000, required=False, rows=3,
                 help_text=_("Please do not include personal details."))

    def __init__(self, data=None, *, current: dict, shown_profile: dict | None = None, **kwargs):
        """current: the tool's record as published (tool_snapshot); the fields start from it
        unless initial says otherwise. shown_profile: {item: entries} to show in the profile
        rows instead of the published ones (a pending correction being edited)."""
        kwargs.setdefault("initial", self.initial_from(current))
        super().__init__(data, **kwargs)
        self.current = current
        self.profile = ProfileForm(data, current=current, shown=shown_profile)

    @staticmethod
    def initial_from(record: dict) -> dict:
        initial = {k: record.get(k) for k in CorrectionForm.FIELDS}
        initial["countries"] = ", ".join(record.get("countries") or [])
        return initial

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("source_url") and "source_url" not in self.errors and all(
                k in cleaned for k in self.FIELDS) and self.changes():
            self.add_error("source_url", forms.ValidationError(
                self.fields["source_url"].error_messages["required"], code="required"))
        return cleaned

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self.profile.is_valid():
            self.add_error(None, _("Some profile answers need attention: see the messages "
                                   "below."))

    def changes(self) -> dict:
        """The fields whose proposed value differs from the current record."""
        return {k: self.cleaned_data[k] for k in self.FIELDS
                if _normalise(self.cleaned_data[k]) != _normalise(self.current.get(k))}

    def profile_changes(self) -> dict:
        """{item: entries} for each profile item the correction changes ([] = unknown)."""
        return self.profile.changes()

    def correction(self, origin: dict | None = None) -> Correction:
        """The correction as stored: the changed fields, the changed profile items, the page that
        confirms it and the note (and, when a curator edits a harvested one, its origin)."""
        d = self.cleaned_data
        return Correction(changes=self.changes(), source_url=d["source_url"], note=d["note"],
                          profile=self.profile_changes(), origin=origin)


def _normalise(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return sorted(value)
    return value


class SolutionForm(PublicForm):
    title = _text(_("Name of the solution"), 200)
    description = _text(_("What was done, and what difference did it make?"), 4000,
                        min_length=20, rows=8)
    countries = CountriesField(label=_("Countries"))
    topics = VocabularyField(STORY_TOPICS)
    tools = ToolsField(label=_("Related tools in the Atlas"))
    url = HttpURLField(label=_("A public page about it"), required=False)


def _country_choices():
    return [("", _("Prefer not to say"))] + [(c.code, c.name) for c in all_countries()]


class StoryForm(PublicForm):
    text = _text(_("Your story"), 10000, min_length=20, rows=12,
                 help_text=_("Leave out names and details that could identify you or others, "
                             "unless you want the curators to know them."))
    country = forms.ChoiceField(label=_("Country"), required=False, choices=_country_choices)
    topics = VocabularyField(STORY_TOPICS)
    tools = ToolsField(label=_("Tools that were involved"))
    consent = forms.ChoiceField(label=_("What may we do with your story?"),
                                choices=CONSENT.choices, widget=forms.RadioSelect)
    contact = _text(_("How can we reach you? (optional)"), 300, required=False,
                    help_text=_("Only if you want the curators to reply. It is sealed with your "
                                "story."))


class HelplineReportForm(AccessibleForm):
    """No field (the button names the channel); it carries the message of a refused report."""


class RejectForm(AccessibleForm):
    reason = _text(_("Reason for rejecting"), 2000, min_length=3, rows=3,
                   help_text=_("Kept with the submission for other curators."))


class ExcerptForm(AccessibleForm):
    text = _text(_("Anonymised excerpt"), 4000, min_length=20, rows=8,
                 help_text=_("Written by you; never paste the original story."))
    countries = CountriesField(label=_("Countries"))
    topics = VocabularyField(STORY_TOPICS)
    tools = ToolsField(label=_("Related tools"))


class ContactForm(PublicForm):
    name = _text(_("Your name"), 100)
    email = forms.EmailField(label=_("Your email address"), max_length=254,
                             help_text=_("Only the organisation sees it, in the message they "
                                         "receive. The Atlas does not keep it."))
    message = _text(_("Message"), 3000, min_length=10, rows=8)
