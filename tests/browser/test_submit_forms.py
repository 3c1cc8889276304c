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


@pytest.fixture
def story_key(settings):
    from atlas.submissions.stories import keypair_generate
    settings.ATLAS_STORY_PUBLIC_KEY = keypair_generate()[1]


@pytest.mark.browser
def test_under_a_flood_the_form_solves_its_challenge_and_goes_in_under_the_csp(live_server, page,
                                                                             settings, story_key):
    """challenge.js finds the proof of work with WebCrypto while the person writes; pressing Send
    early sends the form as soon as it is found. No CSP violation, no inline code."""
    from atlas.submissions import ratelimit
    settings.ATLAS_SUBMISSIONS_CHALLENGE_DIFFICULTY = 50_000  # the default, as a person meets it
    for _ in range(settings.ATLAS_SUBMISSIONS_PER_HOUR):  # the flood spent the hour's budget
        ratelimit.spend("story", ratelimit.clock())
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else None)
    page.goto(live_server.url + "/submit/story/")  # the search does not hold up the page
    assert page.locator("input[name=altcha][data-challenge]").count() == 1
    page.fill("#id_text", "The agency kept our passports after the lockdown started.")
    page.check("input[name=consent][value=analysis-only]")
    page.click("main form button[type=submit]")  # very likely before the check is done
    page.wait_for_url(live_server.url + "/submit/thanks/", timeout=60_000)
    assert Submission.objects.filter(kind="story").count() == 1
    assert violations == []


@pytest.mark.browser
def test_under_a_flood_a_browser_without_javascript_is_told_to_wait_and_then_goes_in(
        live_server, new_page, settings, story_key):
    from atlas.submissions import ratelimit
    settings.ATLAS_SUBMISSIONS_WAIT_SECONDS = 2
    for _ in range(settings.ATLAS_SUBMISSIONS_PER_HOUR):
        ratelimit.spend("story", ratelimit.clock())
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + "/submit/story/")
    page.fill("#id_text", "The agency kept our passports after the lockdown started.")
    page.check("input[name=consent][value=analysis-only]")
    page.click("main form button[type=submit]")  # at once: sooner than the wait
    alert = page.locator("main [role=alert]").inner_text()
    assert "send it again in" in alert
    assert page.input_value("#id_text") == "The agency kept our passports after the lockdown started."
    page.wait_for_timeout(2500)  # a person reading the message
    page.click("main form button[type=submit]")
    page.wait_for_url(live_server.url + "/submit/thanks/")
    assert Submission.objects.filter(kind="story").count() == 1


@pytest.mark.browser
def test_a_profile_correction_in_the_browser_ties_its_refusal_to_the_field_then_goes_in(
        live_server, axe_page, tool_factory):
    """The profile rows of the correction form, as a person fills them: a refused answer is
    announced on its field, the page has no accessibility violation, and once fixed the
    correction is stored with only the changed item."""
    from tests.browser.helpers import run_axe
    tool = tool_factory("Lantern", slug="lantern",
                        short_description="Lets shelters keep case notes on a phone.")
    page = axe_page
    page.goto(live_server.url + f"/submit/correction/{tool.slug}/")
    page.check("input[name=profile-basic_phone-value][value=sms]")
    page.fill("#id_profile-basic_phone-source_url", "ftp://lantern.example/sms")
    page.click("main form button[type=submit]")
    field = page.locator("#id_profile-basic_phone-source_url")
    assert field.get_attribute("aria-invalid") == "true"
    message = page.locator("#id_profile-basic_phone-source_url_errors").inner_text()
    assert "'ftp' is not allowed" in message
    assert run_axe(page) == []
    assert not Submission.objects.exists()
    page.fill("#id_profile-basic_phone-source_url", "https://lantern.example/sms")
    page.click("main form button[type=submit]")
    page.wait_for_url(live_server.url + "/submit/thanks/")
    assert list(Submission.objects.get().payload["profile"]) == ["basic_phone"]
