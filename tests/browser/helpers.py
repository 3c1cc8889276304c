"""Helpers shared by the browser tests."""

import re
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# WCAG 2.0 and 2.1 A/AA violations, of the given impacts (all when null), three nodes each.
RUN_AXE = """async (impacts) => (await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
    .filter(v => impacts === null || impacts.includes(v.impact))
    .map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""

SERIOUS = ("serious", "critical")


def run_axe(page, impacts=None):
    """The page's WCAG 2.1 A/AA violations found by axe-core (vendored for tests): of every
    impact by default, or only of the given impacts (e.g. SERIOUS)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, list(impacts) if impacts is not None else None)


def number_in(text):
    """The number a short label shows, whatever its grouping separators ("1,234 tools": 1234)."""
    digits = re.sub(r"\D", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)


def results_total(page):
    """The total number of tools a search found, read from its heading ("1,234 tools")."""
    return number_in(page.locator("#results-heading").inner_text())
