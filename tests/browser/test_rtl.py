"""Arabic pages mirror: the layout runs right to left, while English text inside stays LTR."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOXES = """() => {
  const box = s => { const r = document.querySelector(s).getBoundingClientRect();
                     return {left: r.left, right: r.right}; };
  return {facets: box('.facets'), results: box('.results'), brand: box('.brand'),
          width: document.documentElement.clientWidth,
          scrollWidth: document.documentElement.scrollWidth,
          leadDirection: getComputedStyle(document.querySelector('.tool-card p')).direction};
}"""


@pytest.fixture
def catalogue(tool_factory):
    for i in range(3):
        tool_factory(f"Tool {i}", slug=f"tool-{i}", countries=["KE"], purposes=["training"],
                     short_description="An English description of the tool.")


def boxes(page, url):
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(url)
    return page.evaluate(BOXES)


def test_arabic_tools_page_mirrors_the_english_layout(page, live_server, catalogue):
    english = boxes(page, f"{live_server.url}/tools/")
    arabic = boxes(page, f"{live_server.url}/ar/tools/")
    # English: filters on the left of the results; Arabic: on the right.
    assert english["facets"]["right"] <= english["results"]["left"]
    assert arabic["facets"]["left"] >= arabic["results"]["right"]
    # The site name starts on the right edge in Arabic.
    assert arabic["brand"]["right"] > arabic["width"] / 2 > english["brand"]["left"]
    # No horizontal scrolling caused by anything placed off to one side.
    assert arabic["scrollWidth"] <= arabic["width"]
    # An English description on an Arabic page keeps its own direction.
    assert arabic["leadDirection"] == "ltr" and english["leadDirection"] == "ltr"
