from tests.accounts.fixtures import *  # noqa: F401,F403 - shared staff fixtures
