"""axe-core (vendored for tests) finds no serious or critical WCAG 2 A/AA violation on key pages."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

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

RUN_AXE = """async () => (await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""


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
    from atlas.helplines.services import helpline_upsert
    helpline_upsert(country="KE", name="Childline Kenya", kind="child-helpline", phone="116",
                    source_url="https://example.org/ke")


def test_key_pages_have_no_serious_or_critical_accessibility_violation(browser, live_server,
                                                                       catalogue):
    # The strict CSP would block the injected axe script: bypass it for this context only.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    found = {}
    for path, ready in PAGES:
        page.goto(live_server.url + path)
        page.locator(ready).first.wait_for()
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(RUN_AXE)
        if violations:
            found[path] = violations
    context.close()
    assert found == {}


def test_the_country_panel_has_no_serious_or_critical_accessibility_violation(browser,
                                                                             live_server,
                                                                             catalogue):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + "/map/")
    page.locator('#world-map path[data-code="KE"]').click()
    page.locator("#country-panel [data-slot=tools] a").first.wait_for()
    page.locator("#show-hq").check()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE)
    context.close()
    assert violations == []
