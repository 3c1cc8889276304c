"""Quick exit: Shift pressed three times leaves for the neutral site and drops the page from history."""

import pytest


@pytest.mark.browser
def test_shift_three_times_leaves_at_once_and_back_does_not_return(live_server, page, settings):
    settings.ATLAS_QUICK_EXIT_URL = live_server.url + "/healthz"
    page.goto(live_server.url + "/about/")
    page.goto(live_server.url + "/submit/story/")
    assert page.locator("#quick-exit").get_attribute("href") == live_server.url + "/healthz"
    page.locator("h1").click()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(live_server.url + "/healthz", timeout=5000)
    page.go_back()
    page.wait_for_load_state()
    # location.replace: the story page is no longer in this tab's history.
    assert page.url == live_server.url + "/about/"


@pytest.mark.browser
def test_shift_pressed_twice_or_with_typing_in_between_stays(live_server, page, settings):
    settings.ATLAS_QUICK_EXIT_URL = live_server.url + "/healthz"
    page.goto(live_server.url + "/submit/tool/")
    page.locator("#id_name").click()
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.type("a")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == live_server.url + "/submit/tool/"
