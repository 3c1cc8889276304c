"""Forms work under Referrer-Policy: no-referrer (Origin: null) without weakening CSRF checks."""

import pytest
from django.test import Client

VALID = {"name": "Harbour Watch", "description": "Lets port workers report forced labour at sea.",
         "source_url": "https://harbour.example/", "countries": ""}


@pytest.fixture
def browser_like(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/submit/tool/")
    return client, client.cookies["csrftoken"].value


def post(client, token, secure=False, **headers):
    return client.post("/submit/tool/", {**VALID, "csrfmiddlewaretoken": token}, secure=secure,
                       **headers)


@pytest.mark.parametrize("secure", [False, True])
def test_a_same_origin_post_with_origin_null_is_accepted(browser_like, secure):
    client, token = browser_like
    response = post(client, token, secure=secure, HTTP_ORIGIN="null",
                    HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 302


@pytest.mark.parametrize("headers", [
    {"HTTP_ORIGIN": "null"},  # no fetch metadata: cannot tell where it came from
    {"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "cross-site"},
    {"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "same-origin"},
])
def test_other_origins_are_still_refused(browser_like, headers):
    client, token = browser_like
    assert post(client, token, secure=True, **headers).status_code == 403


def test_the_token_is_still_required(browser_like):
    client, _token = browser_like
    response = post(client, "wrong" * 8, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 403


def test_https_without_referer_or_fetch_metadata_is_refused(browser_like):
    client, token = browser_like
    assert post(client, token, secure=True).status_code == 403
