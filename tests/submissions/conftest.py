import pytest

from tests.accounts.fixtures import *  # noqa: F401,F403 - shared staff fixtures


class Clock:
    """The budgets' and wait tickets' clock, stopped: a test never straddles a minute."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    import time

    from atlas.submissions import ratelimit
    stopped = Clock(float(int(time.time() // 3600) * 3600 + 1800))  # mid-hour
    monkeypatch.setattr(ratelimit, "clock", stopped)
    return stopped


@pytest.fixture
def story_key(db, settings):
    """A curators' key pair; the server only gets the public half."""
    from nacl.public import PrivateKey

    from atlas.submissions.stories import keypair_generate
    private, public = keypair_generate()
    settings.ATLAS_STORY_PUBLIC_KEY = public
    from nacl.encoding import Base64Encoder
    return PrivateKey(private.encode(), encoder=Base64Encoder)
