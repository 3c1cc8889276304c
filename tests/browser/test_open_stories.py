"""Curators open sealed stories in the browser with their key file (libsodium.js, vendored)."""

import pytest
from django.test import Client

from atlas.submissions.services import story_submit
from atlas.submissions.stories import keypair_generate
from tests.accounts.fixtures import curator, sign_in_verified  # noqa: F401 - fixture

MARKER = "BROWSER-MARKER-4410"


@pytest.mark.browser
def test_a_curator_opens_stories_locally_and_text_stays_text(live_server, page, settings, curator,
                                                            tmp_path):
    private, public = keypair_generate()
    settings.ATLAS_STORY_PUBLIC_KEY = public
    story_submit(story={"text": f"{MARKER} <img src=x onerror=\"document.title='pwned'\">",
                        "country": "PH", "topics": ["online-recruitment"], "tools": [],
                        "consent": "analysis-only", "contact": "reach-me@example.org"})
    key_file = tmp_path / "key.txt"
    key_file.write_text("# comment line\n" + private + "\n")
    client = sign_in_verified(Client(), curator)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    sent = []
    page.on("request", lambda r: sent.append(r.post_data or "") if r.method == "POST" else None)
    logs = []
    page.on("console", lambda m: logs.append(m.text))
    page.goto(live_server.url + "/curate/stories/open/")
    page.set_input_files("#story-key", str(key_file))
    page.locator("#stories-status:not(:empty)").wait_for(timeout=15000)
    assert page.locator(".opened-story").count() == 1, (logs, page.locator("#stories-status").inner_text())
    assert MARKER in page.locator(".story-text").inner_text()
    assert "reach-me@example.org" in page.locator(".opened-story dl").inner_text()
    assert page.locator(".opened-story img").count() == 0 and page.title() != "pwned"
    assert "Opened 1 stories; 0 could not" in page.locator("#stories-status").inner_text()
    assert not any(private in body for body in sent)  # the key never left the browser


@pytest.mark.browser
def test_a_wrong_key_opens_nothing(live_server, page, settings, curator, tmp_path):
    settings.ATLAS_STORY_PUBLIC_KEY = keypair_generate()[1]
    story_submit(story={"text": MARKER, "consent": "analysis-only"})
    key_file = tmp_path / "key.txt"
    key_file.write_text(keypair_generate()[0])
    client = sign_in_verified(Client(), curator)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(live_server.url + "/curate/stories/open/")
    page.set_input_files("#story-key", str(key_file))
    page.locator("#stories-status:not(:empty)").wait_for(timeout=15000)
    assert "Opened 0 stories; 1 could not" in page.locator("#stories-status").inner_text()
    assert MARKER not in page.content()
