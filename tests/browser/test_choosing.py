"""Choosing a tool in a real browser: the compare toggle and the finder work with JavaScript
off and on, and a comparison of two tools prints on one A4 page."""

import pytest

from tests.browser.test_low_bandwidth import pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [False, True])
def test_tick_two_results_compare_them_and_come_back_to_the_same_list(
        new_page, live_server, default_dataset, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto(live_server.url + "/fr/tools/?purpose=worker-voice")
    boxes = page.locator(".tool-card input[name=tools]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.locator("#compare-form button").click()
    assert "/fr/compare/" in page.url
    assert page.locator("table.compare thead th[scope=col]").count() == 3
    assert page.locator("main h1").inner_text() == "Comparer des outils"
    page.locator("main a", has_text="Retour à la liste").click()
    assert page.url.endswith("/fr/tools/?purpose=worker-voice")


@pytest.mark.parametrize("javascript", [False, True])
def test_the_finder_leads_to_ranked_tools_and_to_the_filtered_list(new_page, live_server,
                                                                    default_dataset, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto(live_server.url + "/es/finder/")
    page.locator("input[name=role][value=ngo]").check()
    page.locator("#finder-need").select_option("victim-support")
    page.locator("input[name=constraint][value=free]").check()
    page.locator(".finder button[type=submit]").click()
    assert "role=ngo" in page.url and "constraint=free" in page.url
    assert page.locator(".tool-list .tool-card").count() > 0
    assert "Por qué conviene:" in page.locator(".tool-card .why").first.inner_text()
    page.locator("main a", has_text="Verlas todas en la lista").click()
    assert "/es/tools/?" in page.url and "purpose=victim-support" in page.url


def test_a_comparison_of_two_tools_prints_on_one_a4_page(page, live_server, default_dataset):
    from atlas.catalogue.models import Tool
    # The two tools with the longest profiles: the fullest comparison there is.
    a, b = sorted(Tool.objects.exclude(profile=[]), key=lambda t: -len(t.profile))[:2]
    page.goto(f"{live_server.url}/compare/?tools={a.slug},{b.slug}")
    assert page.locator("table.compare tbody tr").count() > 20
    assert pdf_pages(page.pdf(format="A4")) == 1
