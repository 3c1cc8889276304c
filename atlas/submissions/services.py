"""Writes for submissions, reviews, revisions and story excerpts. Web UI, admin and tests use these.

Every curator's write checks its permission first (a refusal is audited and kept), then runs in
one transaction (_guarded).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from atlas.accounts.models import AuditEvent
from atlas.accounts.permissions import guarded
from atlas.accounts.services import audit_record
from atlas.catalogue.models import Organisation, Tool
from atlas.catalogue.services import organisation_upsert
from atlas.revisions.models import Revision
from atlas.revisions.records import record_apply, tool_snapshot, unique_slug
from atlas.revisions.services import revision_record
from atlas.submissions.models import StoryExcerpt, Submission
from atlas.submissions.payloads import Correction, ToolProposal
from atlas.submissions.selectors import editor_organisation_for
from atlas.submissions.stories import StoryKeyError, public_key, story_seal

Kind, Status = Submission.Kind, Submission.Status

# Sent inside the approval's transaction once a proposed tool or correction is published, so
# other apps can attach what they know about it (the API app records a harvested tool's
# provenance). Arguments: submission, tool, user.
proposal_approved = Signal()


def submission_create(*, kind: str, payload: dict, tool: Tool | None = None,
                      duplicates=(), submitted_by=None) -> Submission:
    """A tool proposal, correction or solution, pending review. Stories use story_submit.

    A correction from an organisation editor to a tool of their organisation is marked as coming
    from that organisation; from anyone else (an editor of another organisation included) it is
    an ordinary public correction.
    """
    if kind == Kind.STORY:
        raise ValueError("stories are sealed: use story_submit")
    submitted_by = submitted_by if getattr(submitted_by, "pk", None) else None
    organisation = None
    if kind == Kind.CORRECTION and tool is not None and submitted_by is not None:
        organisation = editor_organisation_for(user=submitted_by, tool=tool)
    submission = Submission(kind=kind, payload=payload, tool=tool, duplicates=list(duplicates),
                            submitted_by=submitted_by, organisation=organisation)
    submission.full_clean()
    submission.save()
    return submission


def story_submit(*, story: dict) -> Submission:
    """Seal a story to the curators' public key; only the ciphertext is stored."""
    key = public_key()
    if key is None:
        raise StoryKeyError("no story public key is configured")
    submission = Submission(kind=Kind.STORY, sealed=story_seal(story=story, key=key))
    submission.full_clean()
    submission.save()
    return submission


def _already_reviewed(submission):
    if submission.status != Status.PENDING:
        raise ValidationError(_("This submission has already been reviewed."))


def _reviewed(submission, user, action):
    submission.reviewed_by, submission.reviewed_at = user, timezone.now()
    submission.full_clean()
    submission.save()
    audit_record(actor=user, action=action, object_type="submission", object_id=submission.pk)
    return submission


@guarded("submissions.review_submission")
def submission_approve(*, submission: Submission, user, payload: dict | None = None) -> Submission:
    """Publish a pending submission; payload replaces the submitted content (edit, then approve).

    A new tool is created, a correction applied to its tool, each with a revision (and one for
    each organisation the approval creates). Stories are published through story_excerpt_publish.
    Approving a report that a helpline's number did not work records that a curator dealt with
    it (the number itself is changed in the helpline's admin page, which keeps its revision).
    """
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _already_reviewed(submission)
    if submission.kind == Kind.STORY:
        raise ValidationError(_("Stories are published as excerpts written by a curator."))
    if payload is not None:
        submission.payload = payload
    created = []
    approve = APPROVALS.get(submission.kind)
    if approve is not None:
        tool = approve(submission, user, created)
        proposal_approved.send(sender=Submission, submission=submission, tool=tool, user=user)
    for org in Organisation.objects.filter(slug__in=created):
        revision_record(obj=org, action=Revision.Action.CREATE, before=None, user=user,
                  submission=submission)
    submission.status = Status.APPROVED
    return _reviewed(submission, user, AuditEvent.Action.APPROVE)


def _tool_proposal_approve(submission, user, created: list) -> Tool:
    """A new tool, with the organisations the proposal describes that it still names."""
    proposal = submission.content
    record = dict(proposal.record)
    record["slug"] = unique_slug(record.get("slug") or record["name"])
    created += _organisations_create(proposal.new_organisations, record=record)
    tool = record_apply(record, created_organisations=created)
    submission.tool = tool
    revision_record(obj=tool, action=Revision.Action.CREATE, before=None, user=user,
              submission=submission)
    return tool


def _correction_approve(submission, user, created: list) -> Tool:
    if submission.tool_id is None:
        raise ValidationError(_("The tool this correction was for no longer exists."))
    before = tool_snapshot(submission.tool_id)
    tool = record_apply(submission.content.record(before), created_organisations=created)
    revision_record(obj=tool, action=Revision.Action.UPDATE, before=before, user=user,
              submission=submission)
    return tool


# What approving a submission changes, by kind: a tool created or corrected (with a revision).
# Approving a solution or a helpline report only records that a curator dealt with it.
APPROVALS = {ToolProposal.kind: _tool_proposal_approve, Correction.kind: _correction_approve}

ORGANISATION_FIELDS = ("name", "aliases", "kind", "website", "headquarters_country", "source_url")


def _organisations_create(organisations: list[dict], *, record: dict) -> list[str]:
    """Create the organisations a proposal describes that its (possibly edited) record still
    names, unless one with that slug exists by now. Returns the slugs created."""
    names = {o.get("name") for o in record.get("organization") or []}
    slugs = {d.get("organisation") for d in record.get("deployments") or []}
    created = []
    for org in organisations:
        slug = org.get("slug")
        if not slug or (slug not in slugs and org.get("name") not in names):
            continue
        if Organisation.objects.filter(slug=slug).exists():
            continue
        try:
            organisation_upsert(slug=slug, **{k: org[k] for k in ORGANISATION_FIELDS if k in org})
        except (ValidationError, TypeError, ValueError) as exc:
            problem = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise ValidationError(_("New organisation %(slug)s: %(problem)s")
                                  % {"slug": slug, "problem": problem}) from exc
        created.append(slug)
    return created


@guarded("submissions.review_submission")
def submission_reject(*, submission: Submission, user, reason: str) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _already_reviewed(submission)
    if not reason.strip():
        raise ValidationError(_("Give a reason for rejecting."))
    submission.status, submission.reason = Status.REJECTED, reason.strip()
    return _reviewed(submission, user, AuditEvent.Action.REJECT)


@guarded("submissions.add_storyexcerpt")
def story_excerpt_publish(*, user, text: str, countries=(), topics=(), tools=(),
                          submission: Submission | None = None) -> StoryExcerpt:
    """Publish an anonymised excerpt a curator wrote; marks its story or solution approved."""
    excerpt = StoryExcerpt(text=text, countries=list(countries), topics=list(topics),
                           tools=list(tools), published_by=user, submission=submission)
    excerpt.full_clean()
    excerpt.save()
    if submission is not None and submission.status == Status.PENDING:
        submission.status = Status.APPROVED
        submission.reviewed_by, submission.reviewed_at = user, timezone.now()
        submission.save()
    audit_record(actor=user, action=AuditEvent.Action.PUBLISH, object_type="story-excerpt",
                 object_id=excerpt.pk)
    return excerpt


@transaction.atomic
def stories_purge(*, older_than_days: int, commit: bool = False, actor_name: str = "cli") -> int:
    """Delete unpublished stories received more than N days ago; returns how many (would be) gone."""
    cutoff = timezone.now().date() - timezone.timedelta(days=older_than_days)
    qs = Submission.objects.filter(kind=Kind.STORY, received_on__lt=cutoff).exclude(
        status=Status.APPROVED)
    count = qs.count()
    if commit and count:
        qs.delete()
        audit_record(actor=None, actor_name=actor_name, action=AuditEvent.Action.STORY_PURGE,
                     object_type="story", object_id=f"{count} older than {older_than_days} days")
    return count


# What `atlas submissions purge` deletes: proposals that were closed without being published,
# and solutions once reviewed (their plaintext is up to 4,000 characters; a published excerpt is
# its own record and stays). Approved tool proposals and corrections stay: each is the source of
# a revision of a public record, whose content is public anyway.
PURGEABLE = (
    models.Q(kind__in=[Kind.TOOL, Kind.CORRECTION, Kind.SOLUTION],
             status__in=[Status.REJECTED, Status.SUPERSEDED])
    | models.Q(kind=Kind.SOLUTION, status=Status.APPROVED)
)


@transaction.atomic
def submissions_purge(*, older_than_days: int, commit: bool = False,
                      actor_name: str = "cli") -> dict[str, int]:
    """Delete closed proposals (rejected or superseded tools, corrections, solutions) and reviewed
    solutions received and reviewed more than N days ago; returns how many of each kind (would) go."""
    cutoff = timezone.now() - timezone.timedelta(days=older_than_days)
    qs = Submission.objects.filter(PURGEABLE, received_on__lt=cutoff.date()).filter(
        models.Q(reviewed_at__isnull=True) | models.Q(reviewed_at__lt=cutoff))
    counts = dict(qs.order_by().values_list("kind").annotate(n=models.Count("pk")))
    total = sum(counts.values())
    if commit and total:
        # Other closed proposals may point at these as their newer version.
        Submission.objects.filter(superseded_by__in=qs).update(superseded_by=None)
        qs.delete()
        audit_record(actor=None, actor_name=actor_name, action=AuditEvent.Action.PURGE,
                     object_type="submission",
                     object_id=f"{total} older than {older_than_days} days")
    return counts
