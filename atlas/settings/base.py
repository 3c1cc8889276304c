"""Settings shared by every environment, read from environment variables (docs/operations.md)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Where the embedded database, collected static files and generated keys live.
DATA_DIR = Path(os.environ.get("ATLAS_DATA_DIR", PACKAGE_DIR.parent / "var")).resolve()


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url):
    """A DATABASES entry from a URL; SQLite gets WAL mode and IMMEDIATE write transactions."""
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0 if config["NAME"] == ":memory:" else 60
        config["OPTIONS"] = {
            # WAL lets readers proceed while one writer writes; IMMEDIATE makes writers queue on
            # the busy timeout instead of failing with "database is locked" mid-transaction.
            # secure_delete: deleted rows (purged stories and proposals) are overwritten with
            # zeros, not left in free pages of the file where a copy of it would keep them.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                            "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'atlas.sqlite3'}"
DATABASES = {"default": database_from_url(os.environ.get("ATLAS_DATABASE_URL")
                                          or DEFAULT_DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "atlas.accounts.apps.AtlasAdminConfig",  # django.contrib.admin with a second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "atlas.derived",
    "atlas.web",
    "atlas.geo",
    "atlas.catalogue",
    "atlas.helplines",
    "atlas.accounts",
    "atlas.insights",
    "atlas.api",
    "atlas.revisions",
    "atlas.submissions",
    "atlas.harvest",
    "atlas.offline",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages from the cache; ETag and Last-Modified from the data stamps (docs/operations.md)
    "atlas.derived.pages.PageCacheMiddleware",
    # A database that cannot be reached: the generic 503 page, one log line (atlas/web/unavailable.py)
    "atlas.web.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",  # ETag and 304s for the other pages
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "atlas.accounts.csrf.NoReferrerCsrfViewMiddleware",  # CSRF under Referrer-Policy: no-referrer
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "atlas.urls"
WSGI_APPLICATION = "atlas.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {
        "context_processors": [
            "django.template.context_processors.request",
            "django.template.context_processors.i18n",
            "django.contrib.auth.context_processors.auth",
            "django.contrib.messages.context_processors.messages",
            "atlas.web.context_processors.atlas",
        ],
    },
}]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese (Simplified)")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Digit grouping for Arabic and Chinese from CLDR (atlas/formats/); Django's own formats otherwise.
FORMAT_MODULE_PATH = ["atlas.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60  # unfingerprinted files; fingerprinted ones are cached for a year

# Sessions only for signed-in staff; anonymous visitors get no cookie on plain pages.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
# Strict: neither cookie is sent with a request that starts on another site, so no link, form or
# redirect elsewhere can act as a signed-in curator. A curator who follows a link to the Atlas
# from elsewhere sees it signed out until the next click within the Atlas (docs/security.md).
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
# The CSRF cookie lasts until the browser closes (Django's default is a year on the device of
# whoever opened a form); no script reads it.
CSRF_COOKIE_AGE = None
CSRF_COOKIE_HTTPONLY = True
LOGIN_URL = "submissions:login"

# Security headers on every response.
# security.W003 wants the exact path of Django's CSRF middleware; the Atlas uses a subclass
# (atlas/accounts/csrf.py) and its own check, atlas.E001, makes sure it is installed.
SILENCED_SYSTEM_CHECKS = ["security.W003"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The public address (https://atlas.example.org) for the absolute links of exports, the Atom feed
# and JSON-LD; web responses fall back to the request's address (atlas/api/site.py).
ATLAS_SITE_URL = os.environ.get("ATLAS_SITE_URL", "").strip()

# Optional basemap tiles for online deployments ("https://tile.example.org/{z}/{x}/{y}.png").
# Empty by default: the map then draws offline country shapes and no request leaves the host.
ATLAS_TILE_URL = os.environ.get("ATLAS_TILE_URL", "")
ATLAS_QUICK_EXIT_URL = os.environ.get("ATLAS_QUICK_EXIT_URL", "https://www.wikipedia.org/")


def _tile_origin(url):
    from urllib.parse import urlsplit
    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} else None


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"] + ([_tile_origin(ATLAS_TILE_URL)]
                                      if _tile_origin(ATLAS_TILE_URL) else []),
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        # No <base> element at all: an injected one could redirect every relative link and form.
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Caches (docs/operations.md, "Shared cache"). "default" counts the submission rate limit;
# "pages" holds rendered public pages (atlas/derived/pages.py), each entry one page and its gzip
# copy (about 40 KB), so ATLAS_PAGE_CACHE_ENTRIES bounds a process's memory. Without
# ATLAS_CACHE_URL both are per process: right for one server, but with several the rate limit
# would be counted once per process. With it, every process shares one Redis; a process that
# cannot reach it falls back to its own memory until it can (atlas/derived/sharedcache.py).
CACHE_URL_SCHEMES = ("redis", "rediss", "unix")


def caches_from_url(url, *, page_entries, prefix="atlas"):
    """The CACHES setting for ATLAS_CACHE_URL (empty: per-process caches)."""
    if not url:
        return {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "LOCATION": "pages", "OPTIONS": {"MAX_ENTRIES": page_entries}},
        }
    from urllib.parse import urlsplit
    from django.core.exceptions import ImproperlyConfigured
    if urlsplit(url).scheme not in CACHE_URL_SCHEMES:
        raise ImproperlyConfigured(
            "ATLAS_CACHE_URL must be a Redis URL (redis://host:6379/0, rediss://... or "
            f"unix:///path/redis.sock?db=0), not {url.split('@')[-1]!r}")

    def shared(prefix, entries):
        return {"BACKEND": "atlas.derived.sharedcache.SharedRedisCache", "LOCATION": url,
                "KEY_PREFIX": prefix,
                # A Redis that does not answer within a second is taken as down (fallback).
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1,
                            "fallback_max_entries": entries}}
    # One prefix per cache: clearing the pages never touches the rate limit's counters.
    return {"default": shared(prefix, 1000), "pages": shared(f"{prefix}-pages", page_entries)}


CACHES = caches_from_url(os.environ.get("ATLAS_CACHE_URL", "").strip(),
                         page_entries=int(os.environ.get("ATLAS_PAGE_CACHE_ENTRIES", 2000)),
                         # Two sites on one Redis (staging and production) need two prefixes.
                         prefix=os.environ.get("ATLAS_CACHE_PREFIX", "").strip() or "atlas")

# Submissions, stories and staff accounts (docs/curation.md).
ATLAS_STORY_PUBLIC_KEY = os.environ.get("ATLAS_STORY_PUBLIC_KEY", "")
# Submission budgets, per public form (a flood on one blocks no other), counted only for
# submissions about to be stored. Beyond them a form asks for a proof of work that its script
# solves in the background, or without JavaScript for a wait (docs/security.md, "Floods").
ATLAS_SUBMISSIONS_PER_MINUTE = int(os.environ.get("ATLAS_SUBMISSIONS_PER_MINUTE", 10))
ATLAS_SUBMISSIONS_PER_HOUR = int(os.environ.get("ATLAS_SUBMISSIONS_PER_HOUR", 60))
ATLAS_HELPLINE_REPORTS_PER_MINUTE = int(os.environ.get("ATLAS_HELPLINE_REPORTS_PER_MINUTE", 10))
ATLAS_HELPLINE_REPORTS_PER_HOUR = int(os.environ.get("ATLAS_HELPLINE_REPORTS_PER_HOUR", 60))
# The proof of work's range at the first level of pressure (about half of it is tried on average;
# a phone does about 100,000 a second); it doubles with each further budget's worth stored.
ATLAS_SUBMISSIONS_CHALLENGE_DIFFICULTY = int(
    os.environ.get("ATLAS_SUBMISSIONS_CHALLENGE_DIFFICULTY", 50_000))
# Without JavaScript: a form shown this long ago may be sent over budget, this many a minute.
ATLAS_SUBMISSIONS_WAIT_SECONDS = int(os.environ.get("ATLAS_SUBMISSIONS_WAIT_SECONDS", 20))
ATLAS_SUBMISSIONS_WAITED_PER_MINUTE = int(os.environ.get("ATLAS_SUBMISSIONS_WAITED_PER_MINUTE", 2))
ATLAS_STORY_PURGE_DAYS = int(os.environ.get("ATLAS_STORY_PURGE_DAYS", 180))
ATLAS_SUBMISSION_PURGE_DAYS = int(os.environ.get("ATLAS_SUBMISSION_PURGE_DAYS", 180))
ATLAS_LOGIN_FAILURE_LIMIT = int(os.environ.get("ATLAS_LOGIN_FAILURE_LIMIT", 5))
ATLAS_LOGIN_LOCK_MINUTES = int(os.environ.get("ATLAS_LOGIN_LOCK_MINUTES", 15))
# /.well-known/security.txt (RFC 9116): where to report a vulnerability in this deployment.
# Contact: comma-separated mailto:/https:/tel: URIs (a bare address becomes mailto:); without
# one there is no security.txt. Expires: the date by which the operator reviews it (ISO 8601).
ATLAS_SECURITY_CONTACT = env_list("ATLAS_SECURITY_CONTACT", [])
ATLAS_SECURITY_EXPIRES = os.environ.get("ATLAS_SECURITY_EXPIRES", "")
ATLAS_SECURITY_POLICY = os.environ.get("ATLAS_SECURITY_POLICY", "")
ATLAS_SECURITY_LANGUAGES = env_list("ATLAS_SECURITY_LANGUAGES", ["en"])
OTP_TOTP_ISSUER = "Anti-Trafficking Tech Atlas"
# Nobody, administrators included, reads a curator's TOTP secret or its QR code in the admin:
# a new authenticator is enrolled with `atlas accounts totp NAME` on the server.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# "Contact the team" relays messages by email (atlas/submissions/mail.py). Off unless the operator
# configures mail: ATLAS_EMAIL_BACKEND=smtp (or just ATLAS_EMAIL_HOST), outbox or a dotted path.
# Never the console (messages in the logs) nor a world-readable file outbox.
EMAIL_BACKENDS = {"off": "atlas.submissions.mail.DisabledBackend",
                  "outbox": "atlas.submissions.mail.OutboxBackend",
                  "smtp": "django.core.mail.backends.smtp.EmailBackend"}


def email_backend(default):
    value = os.environ.get("ATLAS_EMAIL_BACKEND", "").strip() or default
    return EMAIL_BACKENDS.get(value, value)


EMAIL_BACKEND = email_backend("smtp" if os.environ.get("ATLAS_EMAIL_HOST") else "off")
EMAIL_FILE_PATH = DATA_DIR / "outbox"
ATLAS_OUTBOX_DAYS = int(os.environ.get("ATLAS_OUTBOX_DAYS", 3))
EMAIL_HOST = os.environ.get("ATLAS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ATLAS_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("ATLAS_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ATLAS_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ATLAS_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("ATLAS_FROM_EMAIL", "atlas@localhost")

# Imports larger than this are refused before parsing (bytes). 100,000 tools as CSV are about
# 63 MB and take about 0.8 GB of memory to import (bench/RESULTS.md, "Import").
ATLAS_IMPORT_MAX_BYTES = int(os.environ.get("ATLAS_IMPORT_MAX_BYTES", 100 * 1024 * 1024))
# Imports with more records (CSV rows, JSON objects) than this are refused before any is checked:
# a file of tiny rows within the byte limit would otherwise take many times the memory.
ATLAS_IMPORT_MAX_ROWS = int(os.environ.get("ATLAS_IMPORT_MAX_ROWS", 200_000))

# Cross-language search with the bundled multilingual model (docs/translation.md).
ATLAS_SEMANTIC_SEARCH = env_bool("ATLAS_SEMANTIC_SEARCH", True)

# `atlas backup` encrypts to these age public keys (comma-separated) unless --recipient is given;
# empty: backups are written unencrypted, 0600 (docs/backups.md).
ATLAS_BACKUP_RECIPIENTS = env_list("ATLAS_BACKUP_RECIPIENT", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No log line tells when someone used a submission form (atlas/web/accesslog.py).
    "filters": {"no_submission_warnings": {"()": "atlas.web.accesslog.SubmissionWarningFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "filters": ["no_submission_warnings"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
