"""Admin pages for published records whose every change is a revision (organisations, helplines).

The form checks the record with the importer's rules (as `atlas import` and reverts do) and
save_model writes it through services.record_save, which keeps the revision and audits it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from atlas.submissions.records import record_type
from atlas.submissions.services import record_save


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
