"""The base of every form of this app: errors that screen readers find."""

from django import forms


class AccessibleForm(forms.Form):
    """Fields with errors point screen readers at their messages, and still at their help text
    (ids from _fields.html; "<id>_helptext" is the id Django itself points fields at)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                described_by = [f"id_{name}_errors"]
                if self.fields[name].help_text:
                    described_by.append(f"id_{name}_helptext")
                self.fields[name].widget.attrs.update({
                    "aria-invalid": "true", "aria-describedby": " ".join(described_by)})
