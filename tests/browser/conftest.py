"""Fixtures shared by the browser tests (the browser itself is set up in tests/conftest.py)."""

import pytest

# The exported static copy of a small catalogue that tests/offline builds, for the browser tests
# of that copy (test_offline.py).
from tests.offline.conftest import exported_site, small_catalogue  # noqa: F401 (fixtures)


@pytest.fixture
def new_page(new_context):
    """new_page(**context_options) opens a page in a new browser context with those options
    (for example bypass_csp=True, java_script_enabled=False); every context closes after the
    test."""
    def open_page(**context_options):
        return new_context(**context_options).new_page()
    return open_page


@pytest.fixture
def axe_page(new_page):
    """A page that can run axe (tests.browser.helpers.run_axe): the strict CSP would block the
    injected axe script, so this page's context, and only it, bypasses the CSP."""
    return new_page(bypass_csp=True)
