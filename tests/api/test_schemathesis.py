"""Schemathesis explores the OpenAPI document in-process with every check it has, as
`schemathesis run --checks all` does: the examples, coverage and fuzzing phases for each operation,
then the stateful phase, which follows the document's links from one answer to the next.

Bounded so that CI stays fast: a fixed seed (the same cases on every run, on SQLite and on
PostgreSQL), a few fuzzed examples per operation and short scenarios. The coverage phase sends
every boundary and invalid value the document implies (empty values, unknown enum values,
numbers out of range, missing or unsupported methods) whatever the example count.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from atlas.wsgi import application

MAX_EXAMPLES = 15  # fuzzed cases per operation, and stateful scenarios
MAX_STEPS = 6  # calls per stateful scenario


def _all_checks():
    """What `--checks all` runs: every check this version of Schemathesis registers."""
    load_all_checks()
    return list(CHECKS.get_all())


ALL_CHECKS = _all_checks()


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
    config = SchemathesisConfig.from_dict({
        "seed": 20261205,
        "checks": {"enabled": True},
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
                   "fuzzing": {"enabled": True},
                   "stateful": {"enabled": True, "max-steps": MAX_STEPS}},
    })
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=config)
    schema.app = application
    return schema


schema = _schema()
# The WSGI test client does not decompress: ask for the plain body, as a client that cannot
# decode gzip would.
PLAIN = {"Accept-Encoding": "identity"}
BOUNDED = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))


@schema.parametrize()
@BOUNDED
@pytest.mark.django_db
def test_api_conforms_to_its_openapi_document(case, catalogue):
    case.call_and_validate(headers=PLAIN, checks=ALL_CHECKS)


class _Scenarios(schema.as_state_machine()):
    def get_call_kwargs(self, case):
        return {"headers": PLAIN}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(response, checks=ALL_CHECKS, headers=PLAIN, transport_kwargs=kwargs)


@pytest.mark.django_db
def test_api_answers_stay_conformant_along_the_documents_links(catalogue):
    """The stateful phase: list -> record -> related record, as a client would walk the API."""
    _Scenarios.run(settings=settings(BOUNDED, stateful_step_count=MAX_STEPS))


def test_the_stateful_phase_has_links_to_follow():
    """Without links Schemathesis has no transitions, and the test above would prove little."""
    links = schema.statistic.transitions
    assert links.total >= 5 and links.selected == links.total
