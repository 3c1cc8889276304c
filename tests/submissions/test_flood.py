"""A flood of junk from one client must not stop a genuine story or tool proposal (issue 14.1).

Budgets per form, spent only by submissions about to be stored; over budget a proof of work
(solved here as challenge.js does) or, without JavaScript, a wait; a refused submission comes back
with its text and when to send it again. The shared-cache tests are in test_flood_cache.py.
"""

import base64

import pytest

from atlas.submissions import ratelimit
from atlas.submissions.models import Submission
from tests.submissions.flooding import STORY, challenge_in, hidden, junk_tool, solve
from tests.submissions.test_public_forms import VALID_TOOL

GENUINE_TOOL = {**VALID_TOOL, "name": "Harbour Watch",
                "description": "Lets port workers report signs of forced labour on fishing boats."}


@pytest.fixture
def budgets(settings, story_key):
    settings.ATLAS_SUBMISSIONS_PER_MINUTE = 5
    settings.ATLAS_SUBMISSIONS_PER_HOUR = 20
    settings.ATLAS_SUBMISSIONS_WAIT_SECONDS = 20
    settings.ATLAS_SUBMISSIONS_WAITED_PER_MINUTE = 2
    settings.ATLAS_SUBMISSIONS_CHALLENGE_DIFFICULTY = 2000  # a quick solve in the test
    return settings


def flood(client, clock, *, valid_on="/submit/tool/", valid=200, junk=50):
    """Hundreds of junk POSTs from one client over several minutes: honeypot hits and invalid
    forms on the story and tool forms, then valid junk on one form; the statuses of the valid."""
    for i in range(junk):
        client.post("/submit/story/", {**STORY, "homepage": f"http://spam{i}.example"})
        client.post("/submit/tool/", {**junk_tool(i), "homepage": "x"})
        if i % 3 == 0:
            client.post("/submit/story/", {**STORY, "text": "short"})
            client.post("/submit/tool/", {**junk_tool(i), "source_url": "not a url"})
            client.post("/submit/solution/", {"title": "", "description": "x"})
    statuses = []
    for i in range(valid):
        if i and i % 50 == 0:
            clock.advance(60)  # the flood goes on for minutes, past the per-minute budget
        if valid_on == "/submit/story/":
            data = {**STORY, "text": f"Junk story {i} long enough to be valid."}
        else:
            data = junk_tool(i)
        statuses.append(client.post(valid_on, data).status_code)
    return statuses


def exhaust(kind, settings, *, hour=False):
    """Spend this minute's budget of one form (or the hour's), as stored submissions would."""
    for _ in range(settings.ATLAS_SUBMISSIONS_PER_HOUR if hour
                   else settings.ATLAS_SUBMISSIONS_PER_MINUTE):
        ratelimit.spend(kind, ratelimit.clock())


def test_a_flood_of_junk_does_not_stop_a_genuine_story_or_tool_proposal(client, budgets, clock):
    statuses = flood(client, clock)
    # Only the hour's budget of valid junk was stored; the rest was refused.
    assert statuses.count(302) == 20 and statuses.count(429) == 180
    assert Submission.objects.count() == 20
    # The story form's budget is untouched: a genuine story goes straight in.
    assert client.post("/submit/story/", STORY).status_code == 302
    # The tool form is under pressure: its page carries a challenge that its script solves.
    page = client.get("/submit/tool/").content.decode()
    challenge = challenge_in(page)
    assert challenge and 'src="/static/submissions/js/challenge.js"' in page
    response = client.post("/submit/tool/", {**GENUINE_TOOL, "altcha": solve(challenge)})
    assert response.status_code == 302 and response["Location"] == "/submit/thanks/"
    assert Submission.objects.filter(kind="tool", payload__name="Harbour Watch").exists()
    assert Submission.objects.filter(kind="story").count() == 1


def test_a_flood_of_valid_stories_does_not_stop_a_genuine_one(client, budgets, clock):
    statuses = flood(client, clock, valid_on="/submit/story/", valid=60, junk=0)
    assert statuses.count(302) == 10
    refused = client.post("/submit/story/", {**STORY, "text": "Our real story, written once."})
    assert refused.status_code == 429
    page = refused.content.decode()
    response = client.post("/submit/story/", {**STORY, "text": "Our real story, written once.",
                                              "altcha": solve(challenge_in(page))})
    assert response.status_code == 302
    # And the tool form never noticed.
    assert client.post("/submit/tool/", GENUINE_TOOL).status_code == 302


def test_without_javascript_a_proposal_is_accepted_after_the_wait(client, budgets, clock):
    flood(client, clock, valid=12, junk=0)
    refused = client.post("/submit/tool/", GENUINE_TOOL)
    page = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"] == "20"
    assert "Please send it again in 20 seconds." in page
    ticket = hidden(page, "wait_ticket")
    # Sent again at once: not yet, and the same ticket comes back, good a little later.
    clock.advance(5)
    early = client.post("/submit/tool/", {**GENUINE_TOOL, "wait_ticket": ticket})
    assert early.status_code == 429 and "in 15 seconds" in early.content.decode()
    assert hidden(early.content.decode(), "wait_ticket") == ticket
    clock.advance(15)
    response = client.post("/submit/tool/", {**GENUINE_TOOL, "wait_ticket": ticket})
    assert response.status_code == 302
    assert Submission.objects.filter(payload__name="Harbour Watch").count() == 1


def test_a_form_shown_before_the_flood_is_sent_without_any_wait_after_it(client, budgets, clock):
    """A person without JavaScript who takes longer than the wait to write is not held up."""
    ticket = hidden(client.get("/submit/story/").content.decode(), "wait_ticket")
    assert ticket
    clock.advance(60)
    exhaust("story", budgets, hour=True)
    assert client.post("/submit/story/", STORY).status_code == 429
    assert client.post("/submit/story/", {**STORY, "wait_ticket": ticket}).status_code == 302


def test_only_a_few_waited_submissions_a_minute_and_each_ticket_once(client, budgets, clock):
    tickets = [hidden(client.get("/submit/tool/").content.decode(), "wait_ticket")
               for _ in range(4)]
    clock.advance(20)
    exhaust("tool", budgets)
    sent = [client.post("/submit/tool/", {**junk_tool(i), "wait_ticket": t})
            for i, t in enumerate(tickets)]
    assert [r.status_code for r in sent] == [302, 302, 429, 429]
    # Refused for this minute: the form says to wait until the next one (40 s to go here).
    assert sent[3]["Retry-After"] == "40"
    clock.advance(60)
    exhaust("tool", budgets)
    # A used ticket is no ticket; the one the refused form came back with is good.
    assert client.post("/submit/tool/", {**junk_tool(10), "wait_ticket": tickets[0]}
                       ).status_code == 429
    renewed = hidden(sent[3].content.decode(), "wait_ticket")
    assert client.post("/submit/tool/", {**junk_tool(11), "wait_ticket": renewed}
                       ).status_code == 302


def test_honeypot_hits_and_invalid_forms_spend_no_budget(client, budgets, clock):
    flood(client, clock, valid=0, junk=100)
    assert challenge_in(client.get("/submit/tool/").content.decode()) is None
    for i in range(5):
        assert client.post("/submit/tool/", junk_tool(i)).status_code == 302
    assert challenge_in(client.get("/submit/tool/").content.decode())  # now, and only now


def test_the_form_carries_a_challenge_only_under_pressure(client, budgets):
    page = client.get("/submit/tool/").content.decode()
    assert challenge_in(page) is None and "challenge.js" not in page
    assert hidden(page, "wait_ticket")  # always: it costs nothing and keeps no state
    for i in range(5):
        client.post("/submit/tool/", junk_tool(i))
    assert challenge_in(client.get("/submit/tool/").content.decode())
    assert challenge_in(client.get("/submit/story/").content.decode()) is None


def test_the_proof_of_work_gets_harder_as_more_is_stored_under_pressure(client, budgets):
    sizes = []
    for i in range(5 * 3):
        page = client.get("/submit/tool/").content.decode()
        challenge = challenge_in(page)
        sizes.append(challenge["maxNumber"] if challenge else 0)
        data = {**junk_tool(i), "altcha": solve(challenge)} if challenge else junk_tool(i)
        assert client.post("/submit/tool/", data).status_code == 302
    assert sizes[:5] == [0] * 5 and sizes[5:10] == [2000] * 5 and sizes[10:] == [4000] * 5


def test_a_solved_challenge_is_good_once_and_for_its_own_form(client, budgets):
    exhaust("tool", budgets)
    exhaust("story", budgets)
    solved = solve(challenge_in(client.get("/submit/tool/").content.decode()))
    assert client.post("/submit/story/", {**STORY, "altcha": solved}).status_code == 429
    assert client.post("/submit/tool/", {**GENUINE_TOOL, "altcha": solved}).status_code == 302
    assert client.post("/submit/tool/", {**junk_tool(999), "altcha": solved}).status_code == 429


@pytest.mark.parametrize("payload", [
    "not base64!", "", "x" * 5000, "bnVsbA==",  # null
    "ImFsZ29yaXRobSBjaGFsbGVuZ2UgbnVtYmVyIHNhbHQgc2lnbmF0dXJlIg==",  # a string naming the keys
    "eyJhbGdvcml0aG0iOiAxLCAiY2hhbGxlbmdlIjogW10sICJudW1iZXIiOiAiMSIsICJzYWx0IjogMiwgInNpZ25h"
    "dHVyZSI6IG51bGx9",  # every field of the wrong type
    base64.b64encode(b"[" * 1400).decode(),  # nested deeper than the parser's recursion limit
])
def test_hostile_proofs_and_tickets_are_refused_with_the_form_never_a_500(client, budgets,
                                                                          payload):
    exhaust("tool", budgets)
    response = client.post("/submit/tool/", {**GENUINE_TOOL, "altcha": payload,
                                             "wait_ticket": payload})
    assert response.status_code == 429 and "Harbour Watch" in response.content.decode()


def test_a_forged_or_expired_proof_is_refused(client, budgets, clock):
    import json
    exhaust("tool", budgets)
    challenge = challenge_in(client.get("/submit/tool/").content.decode())
    solved = json.loads(base64.b64decode(solve(challenge)))
    forged = base64.b64encode(json.dumps({**solved, "number": solved["number"] + 1}).encode())
    assert client.post("/submit/tool/", {**GENUINE_TOOL, "altcha": forged.decode()}
                       ).status_code == 429
    clock.advance(16 * 60)  # challenges are good for 15 minutes
    exhaust("tool", budgets)
    assert client.post("/submit/tool/", {**GENUINE_TOOL, "altcha": solve(challenge)}
                       ).status_code == 429


def test_a_refused_submission_comes_back_with_everything_typed(client, budgets):
    exhaust("story", budgets)
    story = {**STORY, "text": "What happened to us <b>at the port</b> in March, in detail.",
             "contact": "Signal: ask for Amina"}
    response = client.post("/submit/story/", story)
    page = response.content.decode()
    assert response.status_code == 429
    assert "What happened to us &lt;b&gt;at the port&lt;/b&gt; in March, in detail." in page
    assert 'value="Signal: ask for Amina"' in page
    assert '<option value="KE" selected>' in page
    assert 'value="online-recruitment" id="id_topics_0" checked' in page
    assert 'value="analysis-only" required id="id_consent_1" checked' in page
    assert "Nothing you wrote is lost" in page and 'role="alert"' in page
    assert not Submission.objects.exists()


def test_the_refusal_is_in_the_readers_language(client, budgets):
    exhaust("tool", budgets)
    response = client.post("/fr/submit/tool/", GENUINE_TOOL)
    page = response.content.decode()
    assert response.status_code == 429
    assert "Rien de ce que vous avez écrit n’est perdu" in page
    assert "dans 20 secondes" in page
    assert "Lets port workers report signs of forced labour on fishing boats." in page


def test_helpline_reports_have_their_own_budget(client, budgets, clock):
    from tests.factories import make_helpline
    from atlas.helplines.models import Channel
    budgets.ATLAS_HELPLINE_REPORTS_PER_MINUTE = 3
    make_helpline(country="GB", name="Referral Helpline", kind="modern-slavery-helpline",
                  channels=[{"kind": "phone", "value": "0800 808 3733", "dial": "+448008083733",
                             "source_url": "https://s.example/sa"}])
    channel = Channel.objects.get()
    exhaust("tool", budgets, hour=True)  # the forms' flood leaves reports alone
    exhaust("story", budgets, hour=True)
    assert client.post("/helplines/GB/report/", {"channel": channel.pk}).status_code == 200
    for _ in range(2):
        client.post("/helplines/GB/report/", {"channel": channel.pk})
    refused = client.post("/helplines/GB/report/", {"channel": channel.pk})
    page = refused.content.decode()
    assert refused.status_code == 429 and "press the button again in 20 seconds" in page
    assert f'name="channel" value="{channel.pk}"' in page
    again = client.post("/helplines/GB/report/", {"channel": channel.pk,
                                                  "altcha": solve(challenge_in(page))})
    assert again.status_code == 200 and "We will check 0800 808 3733" in again.content.decode()
    # ... and a flood of reports leaves the forms alone.
    assert client.post("/submit/solution/", {
        "title": "SMS check-ins", "description": "Weekly SMS check-ins with workers kept contact "
        "during lockdowns.", "countries": "PH", "tools": "", "url": ""}).status_code == 302
