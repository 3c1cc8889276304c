"""Writing revisions: a curator's change to a record, a revert, a verification, each kept as a
Revision (and audited). Approvals of submissions record theirs with revision_record."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from atlas.accounts.models import AuditEvent
from atlas.accounts.permissions import guarded
from atlas.accounts.services import audit_record
from atlas.catalogue.models import Organisation, Tool
from atlas.catalogue.services import tool_verify
from atlas.revisions.models import Revision
from atlas.revisions.records import record_diff, record_type, tool_snapshot


def revision_record(*, obj, action: str, before: dict | None, user, after: dict | None = None,
                    submission=None) -> Revision:
    """Keep one change to a record: before and after in its import format (after defaults to the
    record as it is now), who made it, and the submission whose approval made it."""
    kind = record_type(obj)
    after = kind.snapshot(obj) if after is None else after
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
        record_key=kind.key(obj), action=action, before=before, after=after,
        changed_fields=[f for f, _old, _new in record_diff(before, after)],
        changed_by=user, submission=submission)


def _change_permission(*, model, instance=None, record=None) -> str:
    meta = model._meta
    return f"{meta.app_label}.{'change' if instance is not None else 'add'}_{meta.model_name}"


@guarded(_change_permission)
def record_save(*, user, model, record: dict, instance=None):
    """A curator's change to a record (an organisation or a helpline, from the admin): validated
    as `atlas import` validates it, written through the app's service, kept as a revision.

    record is in the import format of its kind; instance is the record to change, or None to
    create one. Saving a record unchanged writes no revision.
    """
    kind = record_type(model)
    before = None
    if instance is not None:
        instance = model.objects.select_for_update().get(pk=instance.pk)
        before = kind.snapshot(instance)
    elif model is Organisation and Organisation.objects.filter(slug=record.get("slug")).exists():
        raise ValidationError(_("An organisation with this slug already exists."))
    obj = kind.apply(record, instance)
    after = kind.snapshot(obj)
    if after != before:
        revision_record(obj=obj, action=Revision.Action.UPDATE if before else Revision.Action.CREATE,
                  before=before, after=after, user=user)
        audit_record(actor=user, action=AuditEvent.Action.CHANGE, object_type=kind.name,
                     object_id=kind.key(obj))
    return obj


@guarded("revisions.revert_revision")
def revision_revert(*, revision: Revision, user) -> Revision:
    """Restore a record as it was before this revision's change; itself a new revision.

    The earlier version is checked by the importer's rules again, as any change is.
    """
    if revision.before is None:
        raise ValidationError(_("This revision created the record; there is no earlier version."))
    obj = revision.record
    if obj is None:
        raise ValidationError(_("This record no longer exists."))
    kind = record_type(obj)
    before = kind.snapshot(obj)
    obj = kind.apply(revision.before, instance=obj)
    new = revision_record(obj=obj, action=Revision.Action.REVERT, before=before, user=user)
    audit_record(actor=user, action=AuditEvent.Action.REVERT, object_type=kind.name,
                 object_id=f"{kind.key(obj)} to before revision {revision.pk}")
    return new


@guarded("catalogue.change_tool")
def tool_verify_by_curator(*, tool: Tool, user) -> Tool:
    snapshot = tool_snapshot(tool.pk)
    tool = tool_verify(tool=tool, user=user)
    revision_record(obj=tool, action=Revision.Action.VERIFY, before=snapshot, after=snapshot, user=user)
    audit_record(actor=user, action=AuditEvent.Action.VERIFY, object_type="tool",
                 object_id=tool.slug)
    return tool
