"""System checks for the Atlas's replacement of Django's CSRF middleware.

Django's security.W003 and W016 look for the exact path django.middleware.csrf.CsrfViewMiddleware,
so W003 is silenced in settings and neither would ever fire; these checks stand in for them and
accept our subclass (W016 is Django's own warning, raised again here).
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.checks.security.csrf import W016
from django.utils.module_loading import import_string

from atlas.accounts.csrf import NoReferrerCsrfViewMiddleware


def _csrf_middleware_installed() -> bool:
    for path in settings.MIDDLEWARE:
        try:
            cls = import_string(path)
        except ImportError:
            continue
        if isinstance(cls, type) and issubclass(cls, NoReferrerCsrfViewMiddleware):
            return True
    return False


@register(Tags.security, deploy=True)
def csrf_middleware_installed(app_configs, **kwargs):
    if _csrf_middleware_installed():
        return []
    return [Error("CSRF protection is off: add atlas.accounts.csrf.NoReferrerCsrfViewMiddleware "
                  "to MIDDLEWARE.", id="atlas.E001")]


@register(Tags.security, deploy=True)
def csrf_cookie_settings(app_configs, **kwargs):
    """Django's W016 (the CSRF cookie is not Secure), and a CSRF cookie that outlives the visit."""
    if settings.CSRF_USE_SESSIONS or not _csrf_middleware_installed():
        return []
    problems = [] if settings.CSRF_COOKIE_SECURE is True else [W016]
    if settings.CSRF_COOKIE_AGE is not None:
        problems.append(Warning(
            "CSRF_COOKIE_AGE keeps the CSRF cookie on a visitor's device after the visit.",
            hint="Set CSRF_COOKIE_AGE = None (until the browser closes).", id="atlas.W010"))
    return problems
