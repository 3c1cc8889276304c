"""axe-core (vendored for tests) finds no serious or critical WCAG 2 A/AA violation on key pages."""

import pytest

from tests.browser.helpers import SERIOUS, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# (path, a selector that exists once the page has finished drawing)
PAGES = [
    ("/", "main h1"),
    ("/tools/", ".tool-list"),
    ("/tools/?purpose=supply-chain-transparency&region=asia", ".tool-list"),
    ("/tools/cotton-tracer/", "main h1"),
    ("/map/", '#world-map path[data-code="KE"]'),
    ("/insights/", "#coverage table"),
    ("/insights/coverage/africa/", "table.coverage"),
    ("/helplines/", "main h1"),
    ("/helplines/KE/", "main h1"),
    ("/helplines/KE/history/", "main h1"),  # the history pages of tools and organisations alike
]

@pytest.fixture
def catalogue(tool_factory, organisation_factory):
    organisation_factory("Nairobi Watch", headquarters_country="KE")
    tool_factory("Cotton Tracer", organisations=["Nairobi Watch"], countries=["KE", "BR", "IN"],
                 purposes=["supply-chain-transparency"], technologies=["blockchain"],
                 year_launched=2019, licence="MIT", slug="cotton-tracer")
    for i in range(12):
        tool_factory(f"Hotline {i}", countries=["KE", "TH", "global"][: 1 + i % 3],
                     purposes=["reporting-hotline", "training"][: 1 + i % 2],
                     technologies=["hotline-sms"], year_launched=2010 + i, slug=f"hotline-{i}")
    from tests.factories import make_helpline
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")


def test_key_pages_have_no_serious_or_critical_accessibility_violation(axe_page, live_server,
                                                                       catalogue):
    page = axe_page
    found = {}
    for path, ready in PAGES:
        page.goto(live_server.url + path)
        page.locator(ready).first.wait_for()
        violations = run_axe(page, impacts=SERIOUS)
        if violations:
            found[path] = violations
    assert found == {}


def test_the_country_panel_has_no_serious_or_critical_accessibility_violation(axe_page,
                                                                             live_server,
                                                                             catalogue):
    page = axe_page
    page.goto(live_server.url + "/map/")
    page.locator('#world-map path[data-code="KE"]').click()
    page.locator("#country-panel [data-slot=tools] a").first.wait_for()
    page.locator("#show-hq").check()
    assert run_axe(page, impacts=SERIOUS) == []
