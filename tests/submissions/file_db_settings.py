"""Settings for an app server that tests start on a SQLite file (test_database_unavailable_served).

As the test settings, but on the file ATLAS_DATABASE_URL names, writers waiting one second for
the write lock instead of twenty (the tests hold it longer than that), and with
ATLAS_TEST_READ_ONLY=1 the file opened read-only: what SQLite does by itself when the process may
not write the file (a read-only mount, a file of another account), so root, who may write any
file, sees it too. Every write then fails with "attempt to write a readonly database".
"""

import os

from atlas.settings.test import *  # noqa: F401,F403
from atlas.settings.base import database_from_url

DATABASES = {"default": database_from_url(os.environ["ATLAS_DATABASE_URL"])}
DATABASES["default"]["OPTIONS"]["timeout"] = 1
if os.environ.get("ATLAS_TEST_READ_ONLY"):
    DATABASES["default"]["NAME"] = f"file:{DATABASES['default']['NAME']}?mode=ro"
