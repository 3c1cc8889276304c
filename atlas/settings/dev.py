"""Development: DEBUG on, a throwaway secret key, plain static storage."""

from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F401,F403
from .base import STORAGES, email_backend, env_list

DEBUG = True
SECRET_KEY = get_random_secret_key()  # sessions do not survive a restart, by design
ALLOWED_HOSTS = env_list("ATLAS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Contact messages go to the private outbox in var/outbox (0600, purged after ATLAS_OUTBOX_DAYS).
EMAIL_BACKEND = email_backend("outbox")
