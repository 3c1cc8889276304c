"""Public submission pages. Thin: forms validate, services write. Nothing about the visitor is kept.

Every response is marked no-store; a filled honeypot gets the same thank-you page as a person,
but nothing is stored.
"""

from smtplib import SMTPException

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from atlas.catalogue import selectors as catalogue
from atlas.core.database import DATABASE_UNAVAILABLE
from atlas.helplines.models import Channel
from atlas.revisions.records import tool_snapshot
from atlas.submissions import selectors
from atlas.submissions.duplicates import tool_duplicates
from atlas.submissions.contact import contact_relay, tool_contact_addresses
from atlas.submissions.mail import mail_relay_enabled
from atlas.submissions.forms import (ContactForm, CorrectionForm, HelplineReportForm, SolutionForm,
                                     StoryForm, ToolForm)
from atlas.submissions.gate import Gate
from atlas.submissions.models import Submission
from atlas.submissions.payloads import HelplineReport, Solution, ToolProposal
from atlas.submissions.services import story_submit, submission_create
from atlas.submissions.stories import public_key

# Larger request bodies are refused before any form is read (bytes).
MAX_BODY_BYTES = 256 * 1024


def _too_large(request):
    """A response refusing a POST whose body is too large to read, or None."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY_BYTES + 1
    if length > MAX_BODY_BYTES:
        return render(request, "submissions/refused.html", {
            "message": _("This submission is too large. Please shorten it and try again.")},
            status=413)
    return None


def _thanks():
    return redirect("submissions:thanks")


def _received(request, form_class, **kwargs):
    """(form, None) for a public POST to read, or (None, response) when it ends before that:
    too large (refused), or a filled honeypot (thanks, nothing stored, no budget spent)."""
    refusal = _too_large(request)
    if refusal:
        return None, refusal
    form = form_class(request.POST, **kwargs)
    return (None, _thanks()) if form.is_bot else (form, None)


def _stored(gate, form, write) -> bool:
    """Admit a valid submission and write it; False, with the reason on the form, when it is over
    its form's budget without a proof or a wait (429) or the database cannot take it (503)."""
    if not gate.admit():
        form.add_error(None, gate.message())
        return False
    try:
        write()
    except DATABASE_UNAVAILABLE as exc:
        gate.unavailable(exc)
        form.add_error(None, gate.message())
        return False
    gate.stored()
    return True


def _with_retry_after(response, gate):
    if gate is not None and gate.status:
        response["Retry-After"] = str(gate.retry_after)
    return response


def _form_page(request, template, form, gate=None, **context):
    status = (gate.status if gate is not None and gate.status else 400 if form.errors else 200)
    return _with_retry_after(render(request, template, {"form": form, "gate": gate, **context},
                                    status=status), gate)


def _tool_or_404(slug):
    tool = catalogue.tool_get(slug=slug)
    if tool is None:
        raise Http404(_("No tool with this address."))
    return tool


@never_cache
def submit_index(request):
    return render(request, "submissions/index.html")


@never_cache
def thanks(request):
    return render(request, "submissions/thanks.html")


def _submitter(request):
    return request.user if request.user.is_authenticated else None


@never_cache
def submit_tool(request):
    duplicates = []
    gate = Gate("tool", request.POST)
    if request.method == "POST":
        form, done = _received(request, ToolForm,
                               confirm_duplicates="not_duplicate" in request.POST
                               or "duplicates_shown" in request.POST)
        if done:
            return done
        if form.is_valid():
            d = form.cleaned_data
            duplicates = tool_duplicates(name=d["name"], website=d["website"],
                                         description=d["description"])
            if not duplicates or d.get("not_duplicate"):
                if _stored(gate, form, lambda: submission_create(
                        kind=Submission.Kind.TOOL,
                        payload=ToolProposal(record=form.record(), note=d["note"]).to_json(),
                        duplicates=[t.slug for t, _why in duplicates],
                        submitted_by=_submitter(request))):
                    return _thanks()
            else:
                form = ToolForm(request.POST, confirm_duplicates=True)
                form.is_valid()
    else:
        form = ToolForm()
    return _form_page(request, "submissions/tool_form.html", form, gate, duplicates=duplicates)


@never_cache
def submit_correction(request, slug):
    tool = _tool_or_404(slug)
    current = tool_snapshot(tool.pk)
    gate = Gate("correction", request.POST)
    if request.method == "POST":
        form, done = _received(request, CorrectionForm, current=current)
        if done:
            return done
        if form.is_valid():
            if not form.changes() and not form.profile_changes():
                form.add_error(None, _("You have not changed anything: edit the fields that are "
                                       "wrong, then send the form."))
            elif _stored(gate, form, lambda: submission_create(
                    kind=Submission.Kind.CORRECTION, tool=tool,
                    payload=form.correction().to_json(),
                    submitted_by=_submitter(request))):
                return _thanks()
    else:
        form = CorrectionForm(current=current)
    speaking_for = selectors.editor_organisation_for(user=request.user, tool=tool)
    return _form_page(request, "submissions/correction_form.html", form, gate, tool=tool,
                      speaking_for=speaking_for, editor_elsewhere=not speaking_for and bool(
                          selectors.editor_organisations(user=request.user)))


@never_cache
def submit_solution(request):
    gate = Gate("solution", request.POST)
    if request.method == "POST":
        form, done = _received(request, SolutionForm)
        if done:
            return done
        if form.is_valid():
            d = form.cleaned_data
            payload = Solution(title=d["title"], description=d["description"],
                               countries=d["countries"], topics=d["topics"], tools=d["tools"],
                               url=d["url"]).to_json()
            if _stored(gate, form, lambda: submission_create(
                    kind=Submission.Kind.SOLUTION, payload=payload,
                    submitted_by=_submitter(request))):
                return _thanks()
    else:
        form = SolutionForm()
    return _form_page(request, "submissions/solution_form.html", form, gate)


@csrf_exempt  # the button sits on cached public pages, which carry no per-visitor token
@require_POST
@never_cache
def helpline_report(request, code):
    """"This did not work": one tap on a channel files a report for curators. Nothing about the
    visitor is kept; reports have their own budget, so a flood of them blocks no form. Exempt from
    CSRF because it can do nothing a stranger could not do by pressing the button: file an
    anonymous report."""
    refusal = _too_large(request)
    if refusal:
        return refusal
    channel = Channel.objects.select_related("helpline").filter(
        pk=request.POST.get("channel") if str(request.POST.get("channel", "")).isdigit() else 0,
        helpline__country=code.upper()).first()
    if channel is None:
        raise Http404(_("No such number on this page."))
    gate = Gate("helpline_report", request.POST)
    form = HelplineReportForm({})
    form.is_valid()  # no field: always valid, and then it can carry a message
    if _stored(gate, form, lambda: submission_create(
            kind=Submission.Kind.HELPLINE_REPORT, payload=HelplineReport(
                country=channel.helpline.country, helpline=channel.helpline.name,
                channel=channel.kind, value=channel.value).to_json())):
        return render(request, "submissions/helpline_reported.html", {
            "helpline": channel.helpline, "channel": channel})
    # Over budget or not stored: the same button again, with the proof or the wait it needs.
    return _form_page(request, "submissions/helpline_report_form.html", form, gate,
                      helpline=channel.helpline, channel=channel)


@never_cache
def submit_story(request):
    accepting = public_key() is not None
    gate = Gate("story", request.POST)
    if request.method == "POST" and accepting:
        form, done = _received(request, StoryForm)
        if done:
            return done
        if form.is_valid():
            story = {k: v for k, v in form.cleaned_data.items() if k != "homepage"}
            if _stored(gate, form, lambda: story_submit(story=story)):
                return _thanks()
    else:
        form = StoryForm()
    return _form_page(request, "submissions/story_form.html", form, gate, accepting=accepting)


def _excerpts(request):
    return selectors.excerpt_search(country=request.GET.get("country", ""),
                                    topic=request.GET.get("topic", ""))


def story_list(request):
    return render(request, "submissions/story_list.html", {"result": _excerpts(request)})


def story_list_json(request):
    result = _excerpts(request)
    if result.errors:
        return JsonResponse({"errors": [e.as_dict() for e in result.errors]}, status=400)
    return JsonResponse({
        "filters": {"country": result.country, "topic": result.topic},
        "count": len(result.excerpts),
        "stories": [selectors.excerpt_as_dict(e) for e in result.excerpts],
    })


@never_cache
def contact(request, slug):
    """Relay a message to the organisation behind a tool; its address is never shown."""
    tool = _tool_or_404(slug)
    relay = mail_relay_enabled()
    reachable = relay and bool(tool_contact_addresses(tool=tool))
    form = ContactForm()
    gate = Gate("contact", request.POST)
    if request.method == "POST" and reachable:
        form, done = _received(request, ContactForm)
        if done:
            return done
        if form.is_valid():
            d = form.cleaned_data
            try:
                if _stored(gate, form, lambda: contact_relay(
                        tool=tool, sender_name=d["name"], sender_email=d["email"],
                        message=d["message"])):
                    return render(request, "submissions/contact_sent.html", {"tool": tool})
            except (OSError, SMTPException):
                # The mail server is down: the form comes back with the text, never a 500.
                gate.give_back()
                form.add_error(None, _("The message could not be sent just now. Please try "
                                       "again in a few minutes."))
                return render(request, "submissions/contact_form.html", {
                    "form": form, "gate": gate, "tool": tool, "reachable": reachable,
                    "relay": relay}, status=503)
    return _form_page(request, "submissions/contact_form.html", form, gate, tool=tool,
                      reachable=reachable, relay=relay)
