"""Organisation editors speak for the tools of their own organisations, and only for those."""

import pytest

from atlas.accounts.models import Membership
from atlas.catalogue.services import ToolData, tool_upsert
from atlas.submissions.models import Submission
from atlas.submissions.services import submission_approve, submission_create, submission_reject

pytestmark = pytest.mark.django_db

CORRECTION = {"name": "Harbour Watch", "description": "Lets port workers report abuse at sea, and more.",
              "countries": "", "status": "unknown", "cost": "unknown", "access": "unknown",
              "source_url": "https://news.example/harbour"}


@pytest.fixture
def own_tool(tool_factory, editor):
    return tool_factory("Harbour Watch", short_description="Lets port workers report abuse at sea.",
                        organisations=["Editor Org"])


@pytest.fixture
def other_tool(tool_factory):
    return tool_factory("Harbour Watch", short_description="Lets port workers report abuse at sea.",
                        organisations=["Another Org"])


def _correct(client, tool):
    response = client.post(f"/submit/correction/{tool.slug}/", CORRECTION)
    assert response.status_code == 302, response.content.decode()[-1500:]
    return Submission.objects.get(tool=tool)


def test_an_editors_correction_to_their_organisations_tool_comes_from_that_organisation(
        client, curator_client, editor, own_tool):
    client.force_login(editor)
    form = client.get(f"/submit/correction/{own_tool.slug}/").content.decode()
    assert "Curators will see that this correction comes from Editor Org." in form
    submission = _correct(client, own_tool)
    assert submission.organisation.name == "Editor Org" and submission.submitted_by == editor
    queue = curator_client.get("/curate/").content.decode()
    assert "from Editor Org" in queue
    page = curator_client.get(f"/curate/submissions/{submission.pk}/").content.decode()
    assert "From Editor Org, an organisation of this tool" in page
    assert "Sent by the signed-in account editor." in page
    # still only a proposal: a curator publishes it
    assert submission.status == "pending"


def test_an_editor_cannot_speak_for_another_organisations_tool(
        client, curator_client, editor, other_tool):
    client.force_login(editor)
    form = client.get(f"/submit/correction/{other_tool.slug}/").content.decode()
    assert "not linked to your organisation" in form and "Curators will see" not in form
    submission = _correct(client, other_tool)
    assert submission.organisation is None and submission.submitted_by == editor
    page = curator_client.get(f"/curate/submissions/{submission.pk}/").content.decode()
    assert "Sent by the signed-in account editor." in page
    assert "Editor Org" not in page and "an organisation of this tool" not in page
    assert "from Editor Org" not in curator_client.get("/curate/").content.decode()


def test_a_membership_without_the_editor_role_speaks_for_nobody(plain_user, own_tool):
    Membership.objects.create(user=plain_user, organisation=own_tool.roles.get().organisation)
    submission = submission_create(kind="correction", tool=own_tool, submitted_by=plain_user,
                                   payload={"changes": {"status": "dormant"}})
    assert submission.organisation is None


def test_any_role_on_the_tool_links_it_to_the_organisation(editor, own_tool, tool_factory):
    funded = tool_factory("Funded Tool", organisations=["Another Org"])
    data = ToolData(slug=funded.slug, name=funded.name, short_description=funded.short_description,
                    organisations=[("another-org", "owner"), ("editor-org", "funder")],
                    sources=[("https://example.org/source", "Source", None)])
    tool_upsert(data=data)
    submission = submission_create(kind="correction", tool=funded, submitted_by=editor,
                                   payload={"changes": {"status": "dormant"}})
    assert submission.organisation.slug == "editor-org"


def test_the_public_can_still_correct_any_tool(client, curator, own_tool):
    submission = _correct(client, own_tool)
    assert submission.organisation is None and submission.submitted_by is None
    submission_approve(submission=submission, user=curator)
    own_tool.refresh_from_db()
    assert own_tool.short_description.endswith("and more.")


def test_the_account_page_shows_the_fate_of_each_proposal(client, curator, editor, own_tool,
                                                          other_tool):
    client.force_login(editor)
    approved, rejected = _correct(client, own_tool), _correct(client, other_tool)
    submission_approve(submission=approved, user=curator)
    submission_reject(submission=rejected, user=curator, reason="The source does not say so.")
    submission_create(kind="correction", tool=own_tool, submitted_by=editor,
                      payload={"changes": {"status": "dormant"}})
    page = client.get("/account/").content.decode()
    tools = page.split('id="account-tools"')[1].split("</section>")[0]
    assert f"/submit/correction/{own_tool.slug}/" in tools
    assert f"/submit/correction/{other_tool.slug}/" not in tools
    mine = page.split('id="account-submissions"')[1].split("</section>")[0]
    assert mine.count("<li>") == 3
    assert "approved" in mine and "pending" in mine
    assert "rejected (The source does not say so.)" in mine
    assert mine.count("from Editor Org") == 2  # the approved and the pending one, not the other
