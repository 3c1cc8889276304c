"""Schemathesis explores the OpenAPI document in-process: no 5xx, no reply outside the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from atlas.wsgi import application


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app, not through Django's test client: stop the end of each
    request from closing the test transaction's connection (as the test client does)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def catalogue(tool_factory, keep_test_connection):
    tool_factory("Hotline One", organisations=["Org One"], countries=["KE", "global"],
                 purposes=["reporting-hotline"], slug="hotline-one", year_launched=2015)
    tool_factory("Supply Check", organisations=["Org Two"], countries=["BR"],
                 purposes=["supply-chain-transparency"], slug="supply-check", licence="MIT")
    from tests.factories import make_helpline
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")


def _schema():
    """The document /api/v1/openapi.json serves (built here: serving a page reads the data
    stamps, and the database is not open while tests are collected)."""
    from atlas.api.api import api
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = application
    return schema


schema = _schema()


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_conforms_to_its_openapi_document(case, catalogue):
    # The WSGI test client does not decompress: ask for the plain body, as a client that cannot
    # decode gzip would.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
