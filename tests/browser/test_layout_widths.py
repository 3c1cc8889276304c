"""No page overflows sideways: every page type, in every language, at the widths of a small phone
(320 px), a common phone (390), a tablet (768) and a laptop (1280). Nothing sticks out of the
viewport and no box cuts its content off, except where scrolling sideways is the design (the
coverage table's scroller, the map's own panes); a chart's labels fit beside their bars.

One browser page per language: each page loads once and is measured at the four widths by
resizing the viewport, which re-runs the layout without another request.
"""

import pytest

from tests.page_types import LANGUAGES, prefixed, public_pages, sample_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 390, 768, 1280)

# Problems on the page at its current width, at most ten, each naming the element.
OVERFLOWS = """() => {
  const root = document.documentElement, width = root.clientWidth;
  // Off-screen or clipped by design: hidden helpers, the map's panes, sideways scrollers.
  const exempt = '.visually-hidden, .skip-link, .honeypot, .leaflet-container, .matrix-scroll';
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].map(c => '.' + c).join('');
  const path = el => { const names = [];
    for (let a = el; a && a !== document.body && names.length < 4; a = a.parentElement) {
      names.unshift(name(a)); }
    return names.join(' > '); };
  const problems = [];
  if (root.scrollWidth > width) {
    problems.push(`the page is ${root.scrollWidth}px wide in a ${width}px viewport`);
  }
  // A chart's label must fit in the chart (an SVG cuts off what sticks out) and end where its
  // bar starts.
  for (const label of document.querySelectorAll('svg.chart text.label')) {
    const chart = label.ownerSVGElement.getBoundingClientRect();
    const box = label.getBoundingClientRect();
    const bar = label.nextElementSibling.getBoundingClientRect();
    if (box.left < chart.left - 1 || box.right > bar.left + 1) {
      problems.push(`chart label "${label.textContent}" spans ${Math.round(box.left)}..` +
                    `${Math.round(box.right)}px: chart from ${Math.round(chart.left)}px, ` +
                    `bar from ${Math.round(bar.left)}px`);
      break;
    }
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest(exempt)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.height && (box.left < -1 || box.right > width + 1)) {
      problems.push(`${path(el)} spans ${Math.round(box.left)}..${Math.round(box.right)}px`);
    } else if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1 &&
               !el.matches('input, textarea, select')) {  // a field's text scrolls inside it
      problems.push(`${path(el)} cuts off ${el.scrollWidth - el.clientWidth}px of its content`);
    }
    if (problems.length >= 10) break;
  }
  return problems;
}"""


def _page_types(tool, organisation):
    """public_pages, and the other public page types: (path, HTTP status, ready selector)."""
    return [(path, 200, ready) for path, ready in public_pages(tool, organisation)] + [
        ("/submit/thanks/", 200, None),
        (f"/organisations/{organisation.slug}/history/", 200, None),
        ("/helplines/KE/history/", 200, None),
        (f"/tools/{tool.slug}/contact/", 200, None),
        ("/no-such-page/", 404, None),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_overflows_at_phone_tablet_or_laptop_width(new_page, live_server,
                                                         default_dataset, language):
    page = new_page(viewport={"width": WIDTHS[-1], "height": 900})
    tool, organisation = sample_records()
    found = {}
    for path, status, ready in _page_types(tool, organisation):
        response = page.goto(live_server.url + prefixed(language, path))
        assert response.status == status, path
        if ready:
            page.locator(ready).first.wait_for(state="attached")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            problems = page.evaluate(OVERFLOWS)
            if problems:
                found[f"{path} at {width}px"] = problems
        page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
    assert found == {}, "\n".join(f"{where}: {'; '.join(problems)}"
                                   for where, problems in found.items())


def test_the_check_finds_a_box_that_sticks_out_and_one_that_cuts_off(new_page, live_server,
                                                                      db):
    """Not a no-op: a too-wide element and a clipping box are reported."""
    page = new_page(viewport={"width": 320, "height": 600}, bypass_csp=True)
    page.goto(live_server.url + "/about/")
    assert page.evaluate(OVERFLOWS) == []
    page.evaluate("""() => {
      const wide = document.createElement('div');
      wide.id = 'too-wide'; wide.style.inlineSize = '500px'; wide.textContent = 'x';
      document.querySelector('main').append(wide);
    }""")
    assert any("div#too-wide" in p for p in page.evaluate(OVERFLOWS))
    page.evaluate("""() => {
      const wide = document.getElementById('too-wide'); wide.style.inlineSize = '200px';
      wide.style.overflow = 'hidden'; wide.innerHTML = '<table><tr><td>' +
        'a'.repeat(80) + '</td></tr></table>';
    }""")
    problems = page.evaluate(OVERFLOWS)
    assert any("div#too-wide cuts off" in p for p in problems), problems
