"""Writes for submissions, reviews, revisions and story excerpts. Web UI, admin and tests use these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from atlas.accounts.models import AuditEvent
from atlas.accounts.services import audit_record
from atlas.catalogue.models import Tool
from atlas.catalogue.services import organisation_upsert, tool_verify
from atlas.submissions.models import Revision, StoryExcerpt, Submission
from atlas.submissions.records import record_apply, record_diff, tool_snapshot, unique_slug
from atlas.submissions.stories import StoryKeyError, public_key, story_seal

Kind, Status = Submission.Kind, Submission.Status

# Keys of a tool proposal's payload that are about the proposal, not part of the tool record:
# the submitter's note, where the proposal came from (a harvest records the Atlas and the slug
# there) and details of organisations the record names that this Atlas does not have yet.
PROPOSAL_KEYS = ("note", "origin", "new_organisations")

# Sent inside the approval's transaction once a proposed tool exists, so other apps can attach
# what they know about it (the API app records a harvested tool's provenance). Arguments:
# submission, tool, user.
tool_proposal_approved = Signal()


def submission_create(*, kind: str, payload: dict, tool: Tool | None = None,
                      duplicates=(), submitted_by=None) -> Submission:
    """A tool proposal, correction or solution, pending review. Stories use story_submit."""
    if kind == Kind.STORY:
        raise ValueError("stories are sealed: use story_submit")
    submission = Submission(kind=kind, payload=payload, tool=tool, duplicates=list(duplicates),
                            submitted_by=submitted_by if getattr(submitted_by, "pk", None) else None)
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


def _require(user, perm):
    """Outside the write's transaction, so the audit record of a refusal is kept."""
    if not user.has_perm(perm):
        audit_record(actor=user, action=AuditEvent.Action.PERMISSION_DENIED,
                     object_type="permission", object_id=perm)
        raise PermissionDenied(perm)


def _revision(*, tool: Tool, action: str, before: dict | None, user,
              submission: Submission | None = None) -> Revision:
    after = tool_snapshot(tool.pk)
    return Revision.objects.create(
        tool=tool, tool_slug=tool.slug, action=action, before=before, after=after,
        changed_fields=[f for f, _old, _new in record_diff(before, after)],
        changed_by=user, submission=submission)


def correction_record(*, tool: Tool, changes: dict) -> dict:
    return {**tool_snapshot(tool.pk), **changes}


def submission_approve(*, submission: Submission, user, payload: dict | None = None) -> Submission:
    """Publish a pending submission; payload replaces the submitted content (edit, then approve).

    A new tool is created, a correction applied to its tool, each with a revision. Stories are
    published through story_excerpt_publish instead.
    """
    _require(user, "submissions.review_submission")
    return _approve(submission, user, payload)


@transaction.atomic
def _approve(submission, user, payload):
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Status.PENDING:
        raise ValidationError("This submission has already been reviewed.")
    if submission.kind == Kind.STORY:
        raise ValidationError("Stories are published as excerpts written by a curator.")
    if payload is not None:
        submission.payload = payload
    if submission.kind == Kind.TOOL:
        record = {k: v for k, v in submission.payload.items() if k not in PROPOSAL_KEYS}
        record["slug"] = unique_slug(record.get("slug") or record["name"])
        _organisations_create(submission.payload.get("new_organisations") or [])
        tool = record_apply(record)
        submission.tool = tool
        _revision(tool=tool, action=Revision.Action.CREATE, before=None, user=user,
                  submission=submission)
        tool_proposal_approved.send(sender=Submission, submission=submission, tool=tool,
                                    user=user)
    elif submission.kind == Kind.CORRECTION:
        if submission.tool_id is None:
            raise ValidationError("The tool this correction was for no longer exists.")
        before = tool_snapshot(submission.tool_id)
        changes = submission.payload.get("changes", {})
        tool = record_apply({**before, **changes})
        _revision(tool=tool, action=Revision.Action.UPDATE, before=before, user=user,
                  submission=submission)
    submission.status = Status.APPROVED
    submission.reviewed_by, submission.reviewed_at = user, timezone.now()
    submission.save()
    audit_record(actor=user, action=AuditEvent.Action.APPROVE, object_type="submission",
                 object_id=submission.pk)
    return submission


ORGANISATION_FIELDS = ("name", "aliases", "kind", "website", "headquarters_country", "source_url")


def _organisations_create(organisations: list[dict]):
    """Create the organisations a proposal describes, unless one with that slug exists by now."""
    from atlas.catalogue.models import Organisation
    for org in organisations:
        slug = org.get("slug")
        if not slug or Organisation.objects.filter(slug=slug).exists():
            continue
        try:
            organisation_upsert(slug=slug, **{k: org[k] for k in ORGANISATION_FIELDS if k in org})
        except (ValidationError, TypeError, ValueError) as exc:
            raise ValidationError(f"new_organisations: {slug}: {exc}") from exc


def submission_reject(*, submission: Submission, user, reason: str) -> Submission:
    _require(user, "submissions.review_submission")
    return _reject(submission, user, reason)


@transaction.atomic
def _reject(submission, user, reason):
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Status.PENDING:
        raise ValidationError("This submission has already been reviewed.")
    if not reason.strip():
        raise ValidationError("Give a reason for rejecting.")
    submission.status, submission.reason = Status.REJECTED, reason.strip()
    submission.reviewed_by, submission.reviewed_at = user, timezone.now()
    submission.full_clean()
    submission.save()
    audit_record(actor=user, action=AuditEvent.Action.REJECT, object_type="submission",
                 object_id=submission.pk)
    return submission


def tool_revert(*, revision: Revision, user) -> Revision:
    """Restore the tool as it was before this revision's change; itself a new revision."""
    _require(user, "submissions.revert_revision")
    return _revert(revision, user)


@transaction.atomic
def _revert(revision, user):
    if revision.tool_id is None or revision.before is None:
        raise ValidationError("This revision created the tool; there is no earlier version.")
    before = tool_snapshot(revision.tool_id)
    tool = record_apply({**revision.before, "slug": revision.tool_slug})
    new = _revision(tool=tool, action=Revision.Action.REVERT, before=before, user=user)
    audit_record(actor=user, action=AuditEvent.Action.REVERT, object_type="tool",
                 object_id=f"{tool.slug} to before revision {revision.pk}")
    return new


def tool_verify_by_curator(*, tool: Tool, user) -> Tool:
    _require(user, "catalogue.change_tool")
    return _verify(tool, user)


@transaction.atomic
def _verify(tool, user):
    snapshot = tool_snapshot(tool.pk)
    tool = tool_verify(tool=tool, user=user)
    Revision.objects.create(tool=tool, tool_slug=tool.slug, action=Revision.Action.VERIFY,
                            before=snapshot, after=snapshot, changed_by=user)
    audit_record(actor=user, action=AuditEvent.Action.VERIFY, object_type="tool",
                 object_id=tool.slug)
    return tool


def story_excerpt_publish(*, user, text: str, countries=(), topics=(), tools=(),
                          submission: Submission | None = None) -> StoryExcerpt:
    """Publish an anonymised excerpt a curator wrote; marks its story or solution approved."""
    _require(user, "submissions.add_storyexcerpt")
    return _publish(user, text, countries, topics, tools, submission)


@transaction.atomic
def _publish(user, text, countries, topics, tools, submission):
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
