"""TOTP secrets stay hidden in the admin, and staff cannot tell which device or user ids exist."""

import pytest
from django.test import Client

from atlas.accounts.models import AuditEvent
from tests.accounts.fixtures import sign_in_verified

pytestmark = pytest.mark.django_db

MISSING = 987654


def test_curators_get_the_same_403_for_existing_and_missing_device_and_user_ids(
        curator, administrator):
    client = sign_in_verified(Client(raise_request_exception=False), curator)
    device, user = administrator.device.pk, administrator.pk
    for template in ("/admin/otp_totp/totpdevice/{}/config/", "/admin/otp_totp/totpdevice/{}/qrcode/",
                     "/admin/otp_totp/totpdevice/{}/history/", "/admin/otp_totp/totpdevice/{}/change/",
                     "/admin/auth/user/{}/history/", "/admin/auth/user/{}/change/"):
        known = template.format(device if "totp" in template else user)
        answers = {client.get(known).status_code, client.get(template.format(MISSING)).status_code}
        assert answers == {403}, (template, answers)
    assert AuditEvent.objects.filter(action="permission-denied",
                                     object_id=f"/admin/otp_totp/totpdevice/{MISSING}/config/").exists()


def test_administrators_never_see_a_totp_secret(administrator, curator):
    client = sign_in_verified(Client(raise_request_exception=False), administrator)
    device = curator.device
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode() and "/config/" not in page.content.decode()
    for path in ("config", "qrcode"):
        assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{path}/").status_code == 403
        assert client.get(f"/admin/otp_totp/totpdevice/{MISSING}/{path}/").status_code == 403


def test_with_secrets_shown_an_unknown_device_is_404_not_a_server_error(administrator, settings):
    from django_otp.conf import settings as otp_settings
    settings.OTP_ADMIN_HIDE_SENSITIVE_DATA = False
    assert otp_settings.OTP_ADMIN_HIDE_SENSITIVE_DATA is False
    client = sign_in_verified(Client(raise_request_exception=False), administrator)
    assert client.get(f"/admin/otp_totp/totpdevice/{MISSING}/config/").status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{administrator.device.pk}/config/").status_code == 200
