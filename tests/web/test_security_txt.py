"""/.well-known/security.txt (RFC 9116): operator-set contact and expiry, checked on deploy."""

import datetime
import re

import pytest

from atlas.web.securitytxt import security_txt_settings

pytestmark = pytest.mark.django_db
URL = "/.well-known/security.txt"
FIELD = re.compile(r"^(Contact|Expires|Policy|Preferred-Languages|Canonical|Encryption|"
                   r"Acknowledgments|Hiring): \S.*$")


def test_security_txt_has_the_operators_contact_and_expiry(client, settings):
    settings.ATLAS_SECURITY_CONTACT = ["security@example.org", "https://example.org/report"]
    settings.ATLAS_SECURITY_EXPIRES = "2027-03-31"
    settings.ATLAS_SECURITY_POLICY = "https://example.org/SECURITY.md"
    response = client.get(URL, secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert all(FIELD.match(line) for line in lines), lines
    assert lines[:2] == ["Contact: mailto:security@example.org",
                         "Contact: https://example.org/report"]
    assert "Expires: 2027-03-31T23:59:59Z" in lines and lines.count(next(
        line for line in lines if line.startswith("Expires"))) == 1
    assert "Canonical: https://testserver/.well-known/security.txt" in lines
    assert "Policy: https://example.org/SECURITY.md" in lines


def test_without_an_expiry_it_expires_thirty_days_ahead(client, settings):
    settings.ATLAS_SECURITY_CONTACT = ["mailto:security@example.org"]
    settings.ATLAS_SECURITY_EXPIRES = ""
    text = client.get(URL).content.decode()
    expires = re.search(r"^Expires: (\S+)$", text, re.M).group(1)
    moment = datetime.datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ")
    assert 29 <= (moment - datetime.datetime.utcnow()).days <= 30


def test_without_a_contact_there_is_no_security_txt(client, settings):
    settings.ATLAS_SECURITY_CONTACT = []
    assert client.get(URL).status_code == 404


def test_check_deploy_asks_for_a_contact_and_a_reviewed_expiry(settings):
    settings.ATLAS_SECURITY_CONTACT = []
    assert [w.id for w in security_txt_settings(None)] == ["atlas.W012"]
    settings.ATLAS_SECURITY_CONTACT = ["mailto:security@example.org"]
    for expires, wanted in (("", "not set"), ("2020-01-01", "expired"), ("soon", "not an ISO"),
                            ("2099-01-01", "more than a year")):
        settings.ATLAS_SECURITY_EXPIRES = expires
        [warning] = security_txt_settings(None)
        assert warning.id == "atlas.W013" and wanted in warning.msg, expires
    settings.ATLAS_SECURITY_EXPIRES = str(datetime.date.today() + datetime.timedelta(days=100))
    assert security_txt_settings(None) == []
    settings.ATLAS_SECURITY_CONTACT = ["ftp://example.org"]
    assert [w.id for w in security_txt_settings(None)] == ["atlas.W012"]
