import os

import pytest

# Playwright's sync API runs an event loop in the test thread; without this, ORM calls in the
# test body raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.factories import make_organisation, make_tool  # noqa: E402


@pytest.fixture(autouse=True)
def _no_derived_data_from_other_tests():
    """Each test starts with no memoised index, vectors or cached page: test databases are
    rolled back, and a stamp's value may be reused by the next test's first write."""
    from atlas.derived.cache import clear_all
    clear_all()
    yield


@pytest.fixture(autouse=True)
def _fresh_submission_budgets():
    """Each test starts with every form's submission budget unspent (atlas/submissions/ratelimit.py)."""
    from django.core.cache import cache

    from atlas.submissions.gate import database
    from atlas.submissions.ratelimit import counts
    cache.clear()
    counts.reset()
    database.refusing = False  # each test sees an outage's first log line
    yield


@pytest.fixture(autouse=True)
def _source_language_after_each_test():
    """A request to /fr/... leaves French active in the test thread; start each test in English."""
    yield
    from django.utils import translation
    translation.deactivate()


@pytest.fixture
def tool_factory(db):
    return make_tool


@pytest.fixture
def organisation_factory(db):
    return make_organisation


@pytest.fixture
def default_dataset(db):
    from atlas.dataio.dataset import load_default_dataset
    reports = load_default_dataset()
    assert all(not r.problems for r in reports), [str(p) for r in reports for p in r.problems][:5]
    return reports


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }
