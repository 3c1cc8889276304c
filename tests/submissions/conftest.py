import pytest
from django.core.cache import cache

from tests.accounts.fixtures import *  # noqa: F401,F403 - shared staff fixtures


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def story_key(db, settings):
    """A curators' key pair; the server only gets the public half."""
    from nacl.public import PrivateKey

    from atlas.submissions.stories import keypair_generate
    private, public = keypair_generate()
    settings.ATLAS_STORY_PUBLIC_KEY = public
    from nacl.encoding import Base64Encoder
    return PrivateKey(private.encode(), encoder=Base64Encoder)
