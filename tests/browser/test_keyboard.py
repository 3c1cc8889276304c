"""A keyboard-only journey: skip link, search, filter, open a tool, open its country's helplines,
with a visible focus indicator at every step and no positive tabindex anywhere."""

import re

import pytest

from tests.browser.helpers import number_in, results_total

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || '').trim().slice(0, 80),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
                    && box.top < innerHeight && box.left < innerWidth};
}"""


def tab_to(page, selector, limit=250):
    """Press Tab until the focused element matches selector; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            state = page.evaluate(FOCUS_STATE)
            assert state["outline"], f"no visible focus on {state}"
            assert state["onScreen"], f"focused element off screen: {state}"
            return state
    raise AssertionError(f"Tab never reached {selector}")


def no_positive_tabindex(page):
    return page.evaluate("() => [...document.querySelectorAll('[tabindex]')]"
                         ".filter(e => e.tabIndex > 0).map(e => e.outerHTML.slice(0, 80))")


@pytest.mark.parametrize("language", ["", "/ar"])
def test_a_keyboard_user_searches_filters_opens_a_tool_and_its_country_helplines(
        page, live_server, default_dataset, language):
    page.goto(f"{live_server.url}{language}/")
    # The first Tab lands on the skip link, which becomes visible and moves focus to main.
    state = tab_to(page, "a.skip-link", limit=1)
    assert state["onScreen"]
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert no_positive_tabindex(page) == []

    tab_to(page, "#home-q")
    page.keyboard.type("hotline")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tools/\?q=hotline"))
    before = results_total(page)

    # Filter: the first value of the first facet (facets are links in open <details>).
    first_value = page.locator(".facets details[open] li a").first
    value_text = first_value.inner_text()
    value_count = number_in(
        page.locator(".facets details[open] li:first-child .count").first.inner_text())
    tab_to(page, ".facets details[open] li:first-child a")
    assert page.evaluate("() => document.activeElement.innerText") == value_text
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&](purpose|technology|user|exploitation)="))
    # The total (not the cards on one page, which a full page of results caps) shrinks, to the
    # count the facet value announced.
    assert 0 < results_total(page) < before
    assert results_total(page) == value_count
    assert no_positive_tabindex(page) == []

    # Open the first result.
    tab_to(page, ".tool-list .tool-card h3 a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tools/[\w-]+/$"))
    assert page.locator("main h1").count() == 1

    # And its country's helplines.
    tab_to(page, ".deployments a[href*='/helplines/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/helplines/[A-Z]{2}/$"))
    assert page.locator("main h1").count() == 1
    assert no_positive_tabindex(page) == []
