"""Tests: SQLite in memory unless ATLAS_DATABASE_URL points elsewhere (make test's PostgreSQL run)."""

import os

from .base import *  # noqa: F401,F403
from .base import database_from_url

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105 - the test settings never serve real users
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("ATLAS_DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["ATLAS_DATABASE_URL"])}
    # A separate test database per run name, so parallel runs on one server do not collide.
    DATABASES["default"]["TEST"] = {
        "NAME": "test_atlas" + os.environ.get("ATLAS_TEST_DB_SUFFIX", "")}
else:
    DATABASES = {"default": database_from_url("sqlite://:memory:")}

# Static files straight from the apps (no collectstatic in tests), as in development.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Embedding every tool of the default dataset takes most of a minute; tests of cross-language
# search turn it on for their few tools (tests/i18n/test_semantic.py).
ATLAS_SEMANTIC_SEARCH = False
