"""Admin pages for published records whose every change is a revision (organisations, helplines),
and the revisions themselves (read-only).

The form checks the record with the importer's rules (as `atlas import` and reverts do) and
save_model writes it through services.record_save, which keeps the revision and audits it. They
live here, beside the revisions, rather than in the catalogue and helplines apps, which sit below
this app and do not import it (docs/architecture.md).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from atlas.accounts.admin import ReadOnlyAdmin
from atlas.catalogue.models import Organisation
from atlas.helplines.models import Channel, Helpline
from atlas.helplines.records import helpline_fields
from atlas.revisions.models import Revision
from atlas.revisions.records import record_type
from atlas.revisions.services import record_save


class RevisedRecordForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            kind = record_type(self._meta.model)
            try:
                kind.check(kind.snapshot(self.instance))
            except ValidationError as exc:
                self.add_error(None, exc)


class RevisedRecordAdmin(admin.ModelAdmin):
    form = RevisedRecordForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Fields that name the record and may not change once it exists (an organisation's slug).
    key_fields = ()

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *(self.key_fields if obj else ()))

    def save_model(self, request, obj, form, change):
        saved = record_save(user=request.user, model=type(obj),
                            record=record_type(obj).snapshot(obj),
                            instance=obj if change else None)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        # A deletion would leave no version to restore; records leave through `atlas import`.
        return False


@admin.register(Organisation)
class OrganisationAdmin(RevisedRecordAdmin):
    """Every change is validated as `atlas import` does and kept as a revision (record_save)."""

    list_display = ("name", "slug", "kind", "headquarters_country")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    fields = ("slug", "name", "aliases", "kind", "website", "headquarters_country", "source_url")
    key_fields = ("slug",)


class ChannelFormSet(BaseInlineFormSet):
    """Checks the helpline and its channels together, as `atlas import` checks a record."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        record = {**helpline_fields(self.instance), "channels": [
            {**{k: form.cleaned_data.get(k, "") for k in (
                "kind", "value", "note", "hours", "free", "on_bill", "source_url",
                "source_title", "source_date")},
             "reread": "yes" if form.cleaned_data.get("reread") else "no"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")]}
        if not self.instance.pk and not record["channels"] and self.instance.kind != "none-found":
            raise ValidationError(_("A helpline needs at least one channel."))
        record_type(Helpline).check(record)
        self.record = record


class ChannelInline(admin.TabularInline):
    model = Channel
    formset = ChannelFormSet
    fields = ("kind", "value", "note", "hours", "free", "on_bill", "source_url", "source_title",
              "source_date", "reread")
    extra = 1


class HelplineForm(forms.ModelForm):
    """The helpline's own fields; the whole record (channels included) is checked by the
    channels' formset, which sees both."""


@admin.register(Helpline)
class HelplineAdmin(RevisedRecordAdmin):
    """A changed number is a revision (who, when, before, after) that a curator can revert.

    The numbers on record stay on the page beside the form, so a curator compares the old
    numbers with the new ones before saving.
    """

    form = HelplineForm
    inlines = [ChannelInline]
    list_display = ("name", "country", "kind", "needs_review", "last_verified")
    list_filter = ("needs_review", "kind", "country")
    search_fields = ("name", "operator", "channels__value")
    fields = ("numbers_on_record", "country", "name", "operator", "kind", "topics", "purposes",
              "languages", "opening_hours", "timezone", "website", "notes", "last_verified",
              "legacy")
    readonly_fields = ("numbers_on_record", "legacy")

    @admin.display(description=_("Numbers and addresses on record"))
    def numbers_on_record(self, obj):
        if not obj or not obj.pk:
            return "-"
        return format_html_join(", ", "{}: {}", ((c.get_kind_display(), c.value)
                                                for c in obj.channels.all())) or "-"

    def save_model(self, request, obj, form, change):
        """Written with its channels in save_related, through the one service."""

    def save_related(self, request, form, formsets, change):
        channels = next(fs for fs in formsets if isinstance(fs, ChannelFormSet))
        record = channels.record
        # The admin's change message reads what the formset saved; the service saves it all.
        channels.new_objects, channels.changed_objects, channels.deleted_objects = [], [], []
        saved = record_save(user=request.user, model=Helpline, record=record,
                            instance=form.instance if change else None)
        form.instance.pk = saved.pk
        form.instance.refresh_from_db()


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ("changed_at", "content_type", "record_key", "action", "changed_by")
    list_filter = ("action", "content_type")
    readonly_fields = [f.name for f in Revision._meta.fields]
