"""Production: refuses to start without its secret; HTTPS enforced unless ATLAS_HTTPS=false.

`atlas serve` on a fresh machine creates a secret key file and serves plain HTTP on loopback;
behind a TLS-terminating proxy, keep ATLAS_HTTPS at its default (true).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool, env_list

DEBUG = False
try:
    SECRET_KEY = os.environ["ATLAS_SECRET_KEY"]
except KeyError as exc:
    raise ImproperlyConfigured("Set ATLAS_SECRET_KEY (50+ random characters) for production.") from exc
ALLOWED_HOSTS = env_list("ATLAS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

HTTPS = env_bool("ATLAS_HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    # __Host- cookies are only accepted by browsers when Secure, for this host only (no Domain)
    # and for path /: no other host under the same domain can set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    # A TLS-terminating proxy in front says so with this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("ATLAS_CSRF_TRUSTED_ORIGINS", [])
