from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), max_length=1024,
                               widget=forms.PasswordInput(render_value=False))
    otp_token = forms.CharField(
        label=_("Authentication code"), max_length=8, required=False,
        help_text=_("Curators and administrators: the 6-digit code from your authenticator app."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
