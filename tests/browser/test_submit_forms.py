"""Real form posts in Chromium, under the site's no-referrer policy and strict CSP."""

import pytest

from atlas.submissions.models import Submission
from tests.accounts.fixtures import curator, current_code  # noqa: F401 - fixture


@pytest.mark.browser
def test_a_visitor_proposes_a_tool_in_the_browser(live_server, page, db):
    page.goto(live_server.url + "/submit/tool/")
    page.fill("#id_name", "Harbour Watch")
    page.fill("#id_description", "Lets port workers report signs of forced labour at sea.")
    page.fill("#id_countries", "TH, ID")
    page.fill("#id_source_url", "https://harbour.example/about")
    page.check("input[name=purposes][value=worker-voice]")
    page.click("main form button[type=submit]")
    page.wait_for_url(live_server.url + "/submit/thanks/")
    submission = Submission.objects.get()
    assert submission.payload["countries"] == ["TH", "ID"]
    assert submission.payload["purposes"] == ["worker-voice"]


@pytest.mark.browser
def test_a_curator_signs_in_with_the_authenticator_code_in_the_browser(live_server, page, curator):
    page.goto(live_server.url + "/curate/")
    assert "/account/login/" in page.url
    page.fill("#id_username", "curator")
    page.fill("#id_password", "a-long-enough-passphrase")
    page.fill("#id_otp_token", current_code(curator.device))
    page.click("main form button[type=submit]")
    page.wait_for_url(live_server.url + "/curate/")
    assert page.locator("h1").inner_text() == "Review queue"
