"""Compare: up to four tools side by side, the same lines for each, a clear refusal otherwise."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tools(tool_factory):
    a = tool_factory("Lantern", slug="lantern", status="active", cost="free",
                     profile=[{"item": "offline", "value": "yes", "source_url":
                               "https://l.example/offline", "source_title": "", "note": ""}])
    b = tool_factory("Beacon", slug="beacon", status="active", cost="paid")
    return a, b


def test_the_comparison_aligns_every_line_marks_differences_and_keeps_unknowns(client,
                                                                              two_tools):
    data = client.get("/compare.json?tools=lantern,beacon").json()
    assert [t["slug"] for t in data["tools"]] == ["lantern", "beacon"]
    lines = {line["item"]: line for line in data["lines"]}
    assert lines["offline"]["tools"][0]["values"] == ["yes"]
    assert lines["offline"]["tools"][1]["values"] == []  # unknown stays unknown
    assert lines["offline"]["differs"] and lines["cost"]["differs"]
    assert not lines["status"]["differs"] and not lines["hosting"]["differs"]
    assert lines["offline"]["tools"][0]["sources"] == [{"url": "https://l.example/offline",
                                                        "title": ""}]
    page = client.get("/compare/?tools=lantern&tools=beacon&from=purpose%3Dtraining")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="differs"') == sum(line["differs"] for line in data["lines"])
    assert 'href="/tools/?purpose=training"' in html  # the way back keeps the list's filters


@pytest.mark.parametrize("query, value, message", [
    ("tools=lantern,nowhere", "nowhere", "No tool with this address."),
    ("tools=lantern,beacon,lantern", "lantern", "named more than once"),
    ("tools=a,b,c,d,e", "a,b,c,d,e", "at most 4"),
    ("tools=lantern", "lantern", "at least two"),
    ("tools=lantern,%3Cscript%3E", "<script>", "No tool with this address."),
])
def test_a_bad_request_gets_a_clear_message_on_the_page_and_a_400_from_the_twin(
        client, two_tools, query, value, message):
    response = client.get("/compare.json?" + query)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e["value"] == value and message in e["message"] and e["field"] == "tools"
               for e in errors), errors
    page = client.get("/compare/?" + query)
    assert page.status_code == 400 and message in page.content.decode()
    assert "<script>" not in page.content.decode()


def test_the_list_offers_a_compare_form_that_works_without_javascript(client, two_tools):
    html = client.get("/tools/?status=active").content.decode()
    assert '<form id="compare-form"' in html and 'action="/compare/"' in html
    assert 'name="from" value="status=active"' in html
    assert html.count('form="compare-form"') == 2


def test_compare_reads_in_arabic(client, two_tools):
    html = client.get("/ar/compare/?tools=lantern,beacon").content.decode()
    assert 'dir="rtl"' in html and "Compare tools" not in html
