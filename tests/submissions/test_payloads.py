"""Submission payloads as classes (atlas/submissions/payloads.py): what each kind holds, read
from and written to Submission.payload."""

import pytest

from atlas.submissions.models import Submission
from atlas.submissions.payloads import (PAYLOADS, Correction, HelplineReport, Solution, Story,
                                        ToolProposal, payload_of)

EXAMPLES = [
    ToolProposal(record={"name": "Safe Route", "countries": ["KE"]}, note="seen at a fair"),
    ToolProposal(record={"name": "Harvested"}, origin={"instance": "https://a.example",
                                                       "remote_slug": "h"},
                 new_organisations=[{"slug": "org", "name": "Org"}]),
    Correction(changes={"status": "dormant"}, source_url="https://a.example/news"),
    Correction(changes={}, source_url="https://a.example/p", note="n",
               profile={"cost": [{"item": "cost", "value": "free",
                                  "source_url": "https://a.example/p"}]}),
    Solution(title="Hotline app", description="What was done.", countries=["PH"],
             topics=["hotlines"], tools=["x"], url=""),
    HelplineReport(country="KE", helpline="Childline", channel="phone", value="116"),
    Story(),
]


@pytest.mark.parametrize("payload", EXAMPLES, ids=lambda p: type(p).__name__)
def test_every_payload_reads_back_what_it_writes(payload):
    assert type(payload).from_json(payload.to_json()) == payload
    assert PAYLOADS[payload.kind] is type(payload)


def test_payloads_stored_by_earlier_versions_read_the_same():
    # The web form stored an empty note; a harvest stored an empty list of new organisations.
    assert ToolProposal.from_json({"name": "A", "note": ""}) == ToolProposal(record={"name": "A"})
    assert ToolProposal.from_json({"name": "A", "origin": {"instance": "i"},
                                   "new_organisations": []}) == ToolProposal(
        record={"name": "A"}, origin={"instance": "i"})
    assert Correction.from_json({"changes": {"a": 1}, "source_url": "u", "note": ""}) == \
        Correction(changes={"a": 1}, source_url="u")


def test_a_malformed_payload_reads_as_empty_values_not_an_error():
    assert Correction.from_json({"changes": "nonsense", "profile": [1]}) == Correction(changes={})
    assert Solution.from_json(None) == Solution()
    assert ToolProposal.from_json({"name": "A", "origin": "x", "new_organisations": [1]}) == \
        ToolProposal(record={"name": "A"})


def test_a_submission_gives_its_payload_as_its_kind_s_class(db):
    submission = Submission(kind=Submission.Kind.HELPLINE_REPORT, payload=HelplineReport(
        country="KE", helpline="Childline", channel="phone", value="116").to_json())
    assert payload_of(submission) == submission.content
    assert submission.content.value == "116" and submission.title == "Childline: 116"


def test_a_curator_s_edit_keeps_what_the_form_does_not_show():
    proposal = ToolProposal(record={"name": "A", "organization": [{"name": "Org",
                                                                   "role": "funder"}],
                                    "sources": [{"url": "https://a.example/s"}]},
                            origin={"instance": "i"})
    edited = proposal.edited({"name": "B", "organization": [{"name": "Org", "role": "owner"}],
                              "source_url": "https://a.example/s"}, note="checked")
    assert edited.record["name"] == "B" and edited.note == "checked"
    assert edited.record["organization"] == [{"name": "Org", "role": "funder"}]
    assert "source_url" not in edited.record and edited.origin == {"instance": "i"}
