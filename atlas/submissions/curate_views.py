"""The curators' pages under /curate/. Every view is protected by staff_required (no-store too)."""

from collections.abc import Callable
from dataclasses import dataclass

from csp.decorators import csp_update
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atlas.accounts.models import AuditEvent
from atlas.accounts.permissions import staff_required
from atlas.accounts.services import audit_record
from atlas.catalogue.models import Tool
from atlas.helplines.selectors import helplines_to_review
from atlas.revisions.records import tool_snapshot
from atlas.submissions import selectors
from atlas.submissions.forms import CorrectionForm, ExcerptForm, RejectForm, ToolForm
from atlas.submissions.models import Submission
from atlas.submissions.payloads import Correction, ToolProposal
from atlas.revisions.services import tool_verify_by_curator
from atlas.submissions.services import (story_excerpt_publish, submission_approve,
                                        submission_reject)

REVIEW = "submissions.review_submission"


@staff_required(REVIEW)
def queue(request):
    return render(request, "submissions/curate/queue.html", {
        "groups": selectors.submission_queue(), "helplines_to_review": helplines_to_review()})


def _pending(pk):
    return get_object_or_404(Submission.objects.select_related("tool"), pk=pk)


def _detail_page(request, pk, *, errors=(), reject_form=None, status=200):
    """A submission's page; with errors (a service's or the reject form's) after a refused POST.
    Only the views below call it, each behind staff_required."""
    submission = _pending(pk)
    diff, profile_diff = [], []
    if submission.kind == Submission.Kind.CORRECTION and submission.tool_id:
        current = tool_snapshot(submission.tool_id)
        diff = selectors.correction_diff(submission=submission, current=current)
        profile_diff = selectors.correction_profile_diff(submission=submission, current=current)
    proposal = (selectors.tool_proposal_view(submission=submission)
                if submission.kind == Submission.Kind.TOOL else None)
    duplicates = Tool.objects.filter(slug__in=submission.duplicates)
    return render(request, "submissions/curate/detail.html", {
        "submission": submission, "diff": diff, "profile_diff": profile_diff,
        "duplicates": duplicates, "errors": errors,
        "proposal": proposal,
        "reject_form": reject_form or RejectForm(),
    }, status=status)


@staff_required(REVIEW)
def detail(request, pk):
    return _detail_page(request, pk)


def _detail_refused(request, pk, **context):
    """The submission's page again, with what was wrong (a service's or the form's errors)."""
    return _detail_page(request, pk, status=400, **context)


@staff_required(REVIEW)
@require_POST
def approve(request, pk):
    submission = _pending(pk)
    try:
        submission_approve(submission=submission, user=request.user)
    except ValidationError as exc:
        return _detail_refused(request, pk, errors=exc.messages)
    return redirect("submissions:queue")


@staff_required(REVIEW)
@require_POST
def reject(request, pk):
    submission = _pending(pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            submission_reject(submission=submission, user=request.user,
                              reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            return _detail_refused(request, pk, errors=exc.messages)
        return redirect("submissions:queue")
    return _detail_refused(request, pk, reject_form=form)


def _tool_edit_form(submission, data):
    proposal = submission.content
    p = proposal.record
    initial = {**p, "note": proposal.note, "countries": ", ".join(p.get("countries", [])),
               "organisation": (p.get("organization") or [{}])[0].get("name", ""),
               "source_url": p.get("source_url") or (p.get("sources") or [{}])[0].get("url")}
    return ToolForm(data, initial=initial)


def _tool_edited(submission, form) -> dict:
    return submission.content.edited(form.record(), form.cleaned_data["note"]).to_json()


def _correction_edit_form(submission, data):
    correction = submission.content
    current = tool_snapshot(submission.tool_id)
    initial = {**CorrectionForm.initial_from({**current, **correction.changes}),
               "source_url": correction.source_url, "note": correction.note}
    return CorrectionForm(data, current=current, initial=initial,
                          shown_profile=correction.profile or None)


def _correction_edited(submission, form) -> dict:
    return form.correction(origin=submission.content.origin).to_json()


@dataclass(frozen=True)
class _Edit:
    """"Edit, then approve" for one kind: the form prefilled from the submission, and the
    payload the edited form gives (what the form does not show, such as an origin, is kept)."""

    form: Callable
    payload: Callable


EDITS = {ToolProposal.kind: _Edit(_tool_edit_form, _tool_edited),
         Correction.kind: _Edit(_correction_edit_form, _correction_edited)}


@staff_required(REVIEW)
def edit(request, pk):
    """Edit a tool proposal or correction, then approve it."""
    submission = _pending(pk)
    if submission.kind in (Submission.Kind.STORY, Submission.Kind.SOLUTION):
        return redirect("submissions:publish", pk=pk)
    editing = EDITS.get(submission.kind)
    if editing is None or submission.status != Submission.Status.PENDING or (
            submission.kind == Submission.Kind.CORRECTION and not submission.tool_id):
        return redirect("submissions:detail", pk=pk)
    form = editing.form(submission, request.POST if request.method == "POST" else None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            submission_approve(submission=submission, user=request.user,
                               payload=editing.payload(submission, form))
            return redirect("submissions:queue")
        except ValidationError as exc:
            errors = exc.messages
    return render(request, "submissions/curate/edit.html", {
        "submission": submission, "form": form, "errors": errors},
        status=400 if (form.errors or errors) else 200)


@staff_required("submissions.add_storyexcerpt")
def publish(request, pk):
    """Write and publish an anonymised excerpt for a story or a solution."""
    submission = _pending(pk)
    if submission.kind not in (Submission.Kind.STORY, Submission.Kind.SOLUTION):
        return redirect("submissions:detail", pk=pk)
    initial = {}
    if submission.kind == Submission.Kind.SOLUTION:
        solution = submission.content
        initial = {"text": solution.description, "countries": ", ".join(solution.countries),
                   "topics": solution.topics, "tools": ", ".join(solution.tools)}
    form = ExcerptForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        story_excerpt_publish(user=request.user, submission=submission, **form.cleaned_data)
        return redirect("submissions:queue")
    return render(request, "submissions/curate/publish.html", {
        "submission": submission, "form": form}, status=400 if form.errors else 200)


@staff_required("catalogue.change_tool")
@require_POST
def verify(request, slug):
    tool = get_object_or_404(Tool, slug=slug)
    tool_verify_by_curator(tool=tool, user=request.user)
    return redirect(tool.get_absolute_url())


@staff_required("accounts.view_auditevent")
def audit(request):
    return render(request, "submissions/curate/audit.html", {
        "events": AuditEvent.objects.all()[:500],
        "title": _("Audit log"),
    })


OPEN_STORIES = "submissions.review_submission"


# libsodium.js compiles WebAssembly; 'wasm-unsafe-eval' allows exactly that (not JavaScript eval),
# on this page only.
@csp_update({"script-src": ["'wasm-unsafe-eval'"]})
@staff_required(OPEN_STORIES)
def stories_open(request):
    """Open sealed stories in the browser with a key file that never leaves the curator's device."""
    return render(request, "submissions/curate/stories_open.html", {
        "pending": Submission.objects.filter(kind=Submission.Kind.STORY,
                                             status=Submission.Status.PENDING).count()})


@staff_required(OPEN_STORIES)
def stories_sealed(request):
    """The ciphertexts of pending stories; fetching them is recorded as opening stories."""
    stories = [{"id": s.pk, "received_on": s.received_on.isoformat(), "status": s.status,
                "sealed": s.sealed}
               for s in Submission.objects.filter(kind=Submission.Kind.STORY,
                                                  status=Submission.Status.PENDING)]
    audit_record(actor=request.user, action=AuditEvent.Action.STORY_OPEN, object_type="story",
                 object_id=f"{len(stories)} sent to the browser")
    return JsonResponse({"stories": stories})
