import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp

from atlas.accounts.services import ADMINISTRATORS, ORGANISATION_EDITORS, account_create, totp_enrol

PASSWORD = "a-long-enough-passphrase"


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def make_account(username, role, **kwargs):
    return account_create(username=username, email="", password=PASSWORD, role=role, **kwargs)


@pytest.fixture
def curator(db):
    user = make_account("curator", "curators")
    user.device = totp_enrol(user=user)
    return user


@pytest.fixture
def administrator(db):
    user = make_account("admin1", ADMINISTRATORS)
    user.device = totp_enrol(user=user)
    return user


@pytest.fixture
def editor(db, organisation_factory):
    return make_account("editor", ORGANISATION_EDITORS,
                        organisations=[organisation_factory("Editor Org")])


@pytest.fixture
def plain_user(db):
    from django.contrib.auth import get_user_model
    return get_user_model().objects.create_user("plain", password=PASSWORD)


def sign_in_verified(client, user):
    """Signed in with the second factor, as the login view leaves a session."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.device.persistent_id
    session.save()
    return client


@pytest.fixture
def curator_client(curator):
    """A second browser, so tests can compare what the public and a curator see."""
    from django.test import Client
    return sign_in_verified(Client(), curator)
