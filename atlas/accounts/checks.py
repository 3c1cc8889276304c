"""System checks for the Atlas's replacement of Django's CSRF middleware.

Django's security.W003 looks for the exact path django.middleware.csrf.CsrfViewMiddleware, so it
is silenced in settings; this check stands in for it and accepts our subclass.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

from atlas.accounts.csrf import NoReferrerCsrfViewMiddleware


@register(Tags.security, deploy=True)
def csrf_middleware_installed(app_configs, **kwargs):
    for path in settings.MIDDLEWARE:
        try:
            cls = import_string(path)
        except ImportError:
            continue
        if isinstance(cls, type) and issubclass(cls, NoReferrerCsrfViewMiddleware):
            return []
    return [Error("CSRF protection is off: add atlas.accounts.csrf.NoReferrerCsrfViewMiddleware "
                  "to MIDDLEWARE.", id="atlas.E001")]
