"""“Contact the team” relays a message by email without revealing the address or keeping it."""

import logging

from django.core import mail

from atlas.submissions.models import OrganisationContact
from tests.submissions.scan import database_text

SENDER = "sender-marker-8812@example.net"
BODY = "BODY-MARKER-3391"


def _tool_with_contact(tool_factory, organisation_factory):
    org = organisation_factory("Harbour Trust")
    OrganisationContact.objects.create(organisation=org, email="team-secret@harbour.example")
    return tool_factory("Harbour Watch", organisations=["Harbour Trust"])


def test_the_message_is_relayed_and_the_address_never_shown(client, tool_factory,
                                                            organisation_factory, caplog):
    caplog.set_level(logging.DEBUG)
    tool = _tool_with_contact(tool_factory, organisation_factory)
    assert f"/tools/{tool.slug}/contact/" in client.get(tool.get_absolute_url()).content.decode()
    page = client.get(f"/tools/{tool.slug}/contact/").content.decode()
    assert "team-secret" not in page and 'name="message"' in page
    response = client.post(f"/tools/{tool.slug}/contact/", {
        "name": "Ana", "email": SENDER, "message": f"We would like to deploy this. {BODY}"})
    assert response.status_code == 200 and "team-secret" not in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["team-secret@harbour.example"] and message.reply_to == [SENDER]
    assert BODY in message.body and SENDER in message.body
    assert SENDER not in database_text() and BODY not in database_text()
    assert SENDER not in caplog.text


def test_contact_is_validated_rate_limited_and_honeypotted(client, tool_factory,
                                                           organisation_factory, settings):
    tool = _tool_with_contact(tool_factory, organisation_factory)
    url = f"/tools/{tool.slug}/contact/"
    response = client.post(url, {"name": "Ana", "email": "not-an-address", "message": "Hello there!"})
    assert response.status_code == 400 and "Enter a valid email address" in response.content.decode()
    client.post(url, {"name": "Ana", "email": SENDER, "message": "Hello there!", "homepage": "x"})
    assert not mail.outbox
    # Neither the invalid form nor the honeypot spent the budget: one message a minute goes.
    settings.ATLAS_SUBMISSIONS_PER_MINUTE = 1
    assert client.post(url, {"name": "Ana", "email": SENDER, "message": "Hello again"}).status_code == 200
    refused = client.post(url, {"name": "Ana", "email": SENDER, "message": "And once more"})
    assert refused.status_code == 429 and "And once more" in refused.content.decode()
    assert len(mail.outbox) == 1


def test_without_a_known_address_the_page_says_so_and_sends_nothing(client, tool_factory):
    tool = tool_factory("Lonely Tool", website="https://lonely.example/")
    page = client.get(f"/tools/{tool.slug}/contact/").content.decode()
    assert "no contact address" in page and 'name="message"' not in page
    client.post(f"/tools/{tool.slug}/contact/", {"name": "A", "email": SENDER, "message": "Hello there"})
    assert not mail.outbox


def test_organisation_editors_receive_messages_when_no_address_is_set(client, tool_factory, db):
    from atlas.accounts.models import Membership
    from tests.accounts.fixtures import make_account
    tool = tool_factory("Harbour Watch", organisations=["Harbour Trust"])
    user = make_account("ed", "organisation-editors")
    user.email = "ed@harbour.example"
    user.save()
    Membership.objects.create(user=user, organisation=tool.roles.get().organisation)
    client.post(f"/tools/{tool.slug}/contact/", {"name": "Ana", "email": SENDER,
                                                 "message": "Hello there, team"})
    assert mail.outbox[0].to == ["ed@harbour.example"]
