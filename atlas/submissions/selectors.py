"""Reads for the review queue and published story excerpts (histories: revisions/selectors.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atlas.catalogue import profile
from atlas.catalogue.filters import ParamError
from atlas.catalogue.models import Tool
from atlas.core.countries import country_name, is_country_code
from atlas.core.records import is_web_address
from atlas.revisions.records import RECORD_LABELS
from atlas.revisions.selectors import diff_rows, display_value
from atlas.submissions.models import StoryExcerpt, Submission
from atlas.submissions.vocabularies import STORY_TOPICS


def submission_queue(*, status: str = Submission.Status.PENDING) -> dict:
    """Submissions with a status, grouped by kind in a fixed order."""
    qs = Submission.objects.filter(status=status).select_related("tool", "organisation")
    groups = {kind: [] for kind in Submission.Kind.values}
    for submission in qs:
        groups[submission.kind].append(submission)
    return [(Submission.Kind(kind).label, kind, items) for kind, items in groups.items()]


# The order in which a tool proposal's fields are shown to curators (the import columns, then
# what a record can carry besides them); anything else a payload holds comes after, by name.
PROPOSAL_ORDER = ("slug", "name", "aliases", "organization", "website", "year_launched",
                  "description", "long_description", "purposes", "technologies", "users",
                  "exploitation", "countries", "deployments", "headquarters_country", "languages",
                  "cost", "access", "licence", "source_repository", "status",
                  "survivor_involvement", "processes_victim_data", "evidence", "source_url",
                  "source_title", "source_date", "sources")
ORGANISATION_ORDER = ("name", "slug", "aliases", "kind", "website", "headquarters_country",
                      "source_url")
PROPOSAL_LABELS = {**RECORD_LABELS, "slug": gettext_lazy("slug"),
                   "source_url": gettext_lazy("Source"),
                   "source_title": gettext_lazy("title of the source"),
                   "source_date": gettext_lazy("source read on")}


def _proposal_value(key, value) -> str:
    if key == "deployments" and isinstance(value, list):
        return "; ".join(", ".join(str(d[k]) for k in ("country", "year", "note", "organisation",
                                                        "source_url") if d.get(k))
                         for d in value if isinstance(d, dict))
    if key == "sources" and isinstance(value, list):
        return "; ".join(" ".join(str(x) for x in (s.get("url"), s.get("title"),
                                                  s.get("date_read")) if x)
                         for s in value if isinstance(s, dict))
    return display_value(value)


def _labelled(record: dict, order) -> list[tuple[str, str]]:
    """(label, text) for every field with a value, known fields first in the given order."""
    keys = [k for k in order if k in record] + sorted(k for k in record if k not in order)
    rows = [(PROPOSAL_LABELS.get(k, k), _proposal_value(k, record[k])) for k in keys]
    return [(label, text) for label, text in rows if text]


@dataclass
class ProposalView:
    fields: list
    note: str = ""
    origin: dict | None = None  # {instance, url (a web address or ""), remote_slug}
    organisations: list = field(default_factory=list)  # [(name, [(label, text)])]


def tool_proposal_view(*, submission: Submission) -> ProposalView:
    """A tool proposal as curators read it: labelled fields, where it came from, the new
    organisations it would create."""
    proposal = submission.content
    origin = proposal.origin
    if origin is not None:
        origin = {"instance": str(origin.get("instance") or ""),
                  "remote_slug": str(origin.get("remote_slug") or ""),
                  "url": origin["url"] if is_web_address(origin.get("url")) else ""}
    organisations = [(str(org.get("name") or org.get("slug") or ""),
                      _labelled({k: v for k, v in org.items() if k != "name"}, ORGANISATION_ORDER))
                     for org in proposal.new_organisations]
    return ProposalView(fields=_labelled(proposal.record, PROPOSAL_ORDER), note=proposal.note,
                        origin=origin, organisations=organisations)


def correction_diff(*, submission: Submission, current: dict) -> list[tuple[str, str, str]]:
    changes = submission.content.changes
    return diff_rows((f, current.get(f), new) for f, new in changes.items())


def correction_profile_diff(*, submission: Submission, current: dict) -> list[dict]:
    """The profile items a correction changes, in ITEMS order, as curators read them: the
    item's label, its entries now and proposed (each with its values' labels, source and
    quote; none when unknown). Mirrored fields without an entry count as stated now."""
    items = submission.content.profile
    if not items:
        return []
    now = profile.stated(current.get("profile"),
                         {name: current.get(name) for name in profile.MIRRORED})

    def shown(item, entries):
        return [{**profile.labelled(item, e), "link": is_web_address(e.get("source_url"))}
                for e in entries if isinstance(e, dict) and "value" in e]

    return [{"item": item, "group": profile.GROUPS[item.group],
             "now": shown(item, now.get(item.code, [])),
             "proposed": shown(item, items[item.code] or [])}
            for item in profile.ITEMS if item.code in items]


@dataclass
class ExcerptResult:
    excerpts: list
    country: str
    topic: str
    errors: list = field(default_factory=list)  # [ParamError], as every filter reports them
    countries: list = field(default_factory=list)  # [(code, name, count, selected)]
    topics: list = field(default_factory=list)


def excerpt_search(*, country: str = "", topic: str = "") -> ExcerptResult:
    """Published excerpts, filtered by one country and one topic; facet counts over all of them."""
    errors = []
    if country and not is_country_code(country.upper()):
        errors.append(ParamError("country", country[:100],
                                 _("unknown ISO 3166-1 alpha-2 country code")))
    if topic and topic not in STORY_TOPICS:
        errors.append(ParamError("topic", topic[:100], _("unknown topic; expected one of: "
                                                         "%(terms)s") % {
            "terms": ", ".join(STORY_TOPICS.terms)}, allowed=tuple(STORY_TOPICS.terms)))
    country = country.upper() if is_country_code(country.upper()) else ""
    topic = topic if topic in STORY_TOPICS else ""
    everything = list(StoryExcerpt.objects.all())
    chosen = [e for e in everything if (not country or country in e.countries)
              and (not topic or topic in e.topics)]
    country_counts, topic_counts = {}, {}
    for e in chosen:
        for c in e.countries:
            country_counts[c] = country_counts.get(c, 0) + 1
        for t in e.topics:
            topic_counts[t] = topic_counts.get(t, 0) + 1
    tools = dict(Tool.objects.filter(slug__in={t for e in chosen for t in e.tools})
                 .values_list("slug", "name"))
    for e in chosen:
        e.country_names = [country_name(c) for c in e.countries]
        e.topic_labels = [str(STORY_TOPICS.label_of(t)) for t in e.topics]
        e.tool_links = [(slug, tools[slug]) for slug in e.tools if slug in tools]
    return ExcerptResult(
        excerpts=chosen, country=country, topic=topic, errors=errors,
        countries=sorted(((c, country_name(c), n, c == country) for c, n in country_counts.items()),
                         key=lambda x: x[1]),
        topics=[(t, STORY_TOPICS.label_of(t), topic_counts.get(t, 0), t == topic)
                for t in STORY_TOPICS.terms if topic_counts.get(t)],
    )


def excerpt_as_dict(excerpt) -> dict:
    return {"text": excerpt.text, "published_on": excerpt.published_on.isoformat(),
            "countries": excerpt.countries, "topics": excerpt.topics, "tools": excerpt.tools}


PROPOSE_FOR_ORGANISATION = "submissions.propose_for_organisation"


def editor_organisations(*, user) -> list:
    """The organisations a signed-in organisation editor speaks for (none for anyone else)."""
    from atlas.accounts.models import Membership
    if not getattr(user, "is_authenticated", False) or not user.has_perm(PROPOSE_FOR_ORGANISATION):
        return []
    return [m.organisation for m in Membership.objects.filter(user=user)
            .select_related("organisation").order_by("organisation__name")]


def editor_organisation_for(*, user, tool):
    """The editor's organisation linked to this tool (any role), or None: an editor speaks only
    for the tools of their own organisations."""
    organisations = editor_organisations(user=user)
    linked = set(tool.roles.filter(organisation__in=organisations)
                 .values_list("organisation_id", flat=True)) if organisations else set()
    return next((org for org in organisations if org.pk in linked), None)


def account_overview(*, user) -> dict:
    """An organisation editor's organisations with their tools, and the user's submissions."""
    organisations = editor_organisations(user=user)
    tools = (Tool.objects.filter(roles__organisation__in=organisations).distinct()
             .order_by("name").only("slug", "name"))
    return {
        "organisations": organisations,
        "tools": list(tools),
        "submissions": list(Submission.objects.filter(submitted_by=user)
                            .select_related("tool", "organisation")
                            .order_by("-received_on", "-id")[:100]),
    }
