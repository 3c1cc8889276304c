"""Revision histories (public) and the curators' revert. Routed by submissions/urls.py, whose
URL names they keep (`submissions:tool_history`, `submissions:revert`...)."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atlas.accounts.permissions import staff_required
from atlas.catalogue.models import Organisation, Tool
from atlas.core.countries import get_country
from atlas.helplines.models import Helpline
from atlas.revisions.models import Revision
from atlas.revisions.records import record_type
from atlas.revisions.selectors import revision_list
from atlas.revisions.services import revision_revert


def _history(request, *, title, back_url, back_label, records, also=None, several=False):
    """The revisions of a record (or of several, each then named), with revert for curators."""
    return render(request, "submissions/history.html", {
        "title": title, "back_url": back_url, "back_label": back_label, "several": several,
        "revisions": revision_list(records=records, also=also),
        "can_revert": request.user.has_perm("revisions.revert_revision"),
    })


def tool_history(request, slug):
    return _record_history(request, Tool.objects.filter(slug=slug).first(), missing=_("No tool with this address."),
                           back_label=_("Back to the tool"))


def organisation_history(request, slug):
    return _record_history(request, Organisation.objects.filter(slug=slug).first(),
                           missing=_("No organisation with this address."),
                           back_label=_("Back to the organisation"))


def _record_history(request, record, *, missing, back_label):
    """One record's history (a tool's, an organisation's), or a 404 saying what was missing."""
    if record is None:
        raise Http404(missing)
    return _history(request, records=record, back_url=record.get_absolute_url(),
                    back_label=back_label,
                    title=_("Revision history of %(name)s") % {"name": record.name})


def helpline_history(request, code):
    country = get_country(code)
    if country is None:
        raise Http404(_("Unknown country code."))
    # Also the revisions made while a helpline was in this country, or that moved it away: a
    # number moved to another country or deleted must still show here.
    was_here = (Q(record_key__startswith=f"{country.code}/") | Q(before__country=country.code))
    return _history(request, records=Helpline.objects.filter(country=country.code),
                    also=was_here, several=True,
                    back_url=reverse("helplines:country", args=[country.code]),
                    back_label=_("Back to the helplines"),
                    title=_("Revision history of the helplines in %(country)s")
                    % {"country": country.name})


@staff_required("revisions.revert_revision")
@require_POST
def revert(request, pk):
    revision = get_object_or_404(Revision, pk=pk)
    try:
        new = revision_revert(revision=revision, user=request.user)
    except ValidationError as exc:
        return render(request, "submissions/refused.html", {"message": " ".join(exc.messages)},
                      status=400)
    return redirect(record_type(new.record).history_url(new.record))
