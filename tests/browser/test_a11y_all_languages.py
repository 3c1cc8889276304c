"""WCAG 2.1 AA in all six languages: axe-core (vendored for tests) finds no violation of any
impact on any public page, including a form showing its errors; errors are tied to their fields."""

import pytest

from tests.browser.helpers import run_axe
from tests.page_types import LANGUAGES, prefixed, public_pages, sample_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_public_page_has_any_accessibility_violation(axe_page, live_server, default_dataset,
                                                        language):
    tool, organisation = sample_records()
    found = {}
    for path, ready in public_pages(tool, organisation):
        response = axe_page.goto(live_server.url + prefixed(language, path))
        assert response.status == 200, path
        if ready:
            axe_page.locator(ready).first.wait_for(state="attached")
        assert axe_page.locator("main h1").count() == 1, path
        violations = run_axe(axe_page)
        if violations:
            found[path] = violations
    # The map's country panel, opened.
    axe_page.goto(live_server.url + prefixed(language, "/map/"))
    axe_page.locator('#world-map path[data-code="KE"]').click()
    axe_page.locator("#country-panel [data-slot=tools] a").first.wait_for()
    violations = run_axe(axe_page)
    if violations:
        found["/map/ (country panel)"] = violations
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_with_errors_ties_each_message_to_its_field_and_has_no_violation(
        axe_page, live_server, default_dataset, language):
    page = axe_page
    page.goto(live_server.url + prefixed(language, "/submit/tool/"))
    # Skip the browser's own checks to see the server's messages, as a browser without them would.
    page.locator("form.atlas-form, main form").last.evaluate("f => f.noValidate = true")
    page.locator("main form button[type=submit]").last.click()
    page.locator("[aria-invalid=true]").first.wait_for()
    problems = page.evaluate("""() => [...document.querySelectorAll('[aria-invalid=true]')]
        .map(el => {
          const ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
          const texts = ids.map(id => (document.getElementById(id) || {}).textContent || '');
          const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : '';
          return {name: el.name, ids, ok: ids.length > 0 && texts.every(t => t.trim()), label};
        }).filter(f => !f.ok || !f.label)""")
    assert problems == []
    assert run_axe(page) == []
