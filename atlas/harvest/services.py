"""Harvesting: pull every tool from another Atlas's API and propose it here, with provenance.

Everything is fetched and checked before anything is written; the writes then happen in one
transaction. A response that is slow, too large, not JSON or not shaped like the Atlas API stops
the harvest with a message naming the URL, and nothing changes.

A harvest never publishes anything itself: curators review everything before it is public.
- a tool this Atlas does not have becomes a pending proposal of a new tool in the review queue,
  with its origin (the Atlas and its slug there) and the details of organisations it names that
  this Atlas lacks; approving it creates the tool and records the provenance (HarvestedRecord);
- a tool this Atlas has (by provenance, else by slug) and that is identical here counts as
  unchanged, whatever its origin;
- a tool that differs becomes a pending correction, field by field, in the review queue;
- a proposal identical to one that is pending, or that a curator rejected, is not filed again:
  running a harvest twice changes nothing. When the source changed a record again, the newer
  version is filed and a pending older one is closed as superseded, so that no curator approves
  content that changed after they read it;
- a record that fails the importer's checks is refused, with the reason.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pydantic
from django.db import transaction
from django.utils import timezone

from atlas.api import schemas
from atlas.catalogue.models import Organisation, Tool
from atlas.catalogue.records import OrganisationResolver, ToolFormat
from atlas.catalogue.services import organisation_upsert, tool_upsert
from atlas.core import strict_json
from atlas.core.records import Cells
from atlas.harvest.limits import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT
from atlas.harvest.models import HarvestedRecord
from atlas.revisions.records import tool_snapshot
from atlas.submissions.duplicates import tool_duplicates
from atlas.submissions.models import Submission
from atlas.submissions.payloads import Correction, ToolProposal

API_PATH = "/api/v1"
PER_PAGE = 100
MAX_PAGES = 1000
CONCURRENT_REQUESTS = 4


class HarvestError(Exception):
    """The source cannot be harvested; nothing was written."""


@dataclass
class HarvestReport:
    instance: str
    proposed: list[str] = field(default_factory=list)  # new tools filed for review (their slugs)
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (local slug, why)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (slug, reason)
    written: bool = False

    def summary(self) -> str:
        verb = "proposed" if self.written else "would propose (dry run)"
        return (f"{self.instance}: {verb} {len(self.proposed)} new tools and "
                f"{len(self.corrections)} corrections for review; {len(self.unchanged)} "
                f"unchanged, {len(self.refused)} refused. Nothing is published until a curator "
                "approves it.")


def normalise_instance(url: str) -> str:
    """The base URL of an Atlas from what an operator typed (with or without /api/v1)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HarvestError(f"{url!r} is not an http(s) address of an Atlas")
    path = parts.path.rstrip("/")
    if path.endswith(API_PATH):
        path = path[:-len(API_PATH)]
    return f"{parts.scheme}://{parts.netloc}{path}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise HarvestError(f"{req.full_url}: answered with a redirect ({code}) to {newurl}; "
                           "harvest the final address directly")


class Fetcher:
    """GETs JSON from one Atlas, within a time and size limit per response."""

    def __init__(self, instance: str, *, timeout: float = DEFAULT_TIMEOUT,
                 max_bytes: int = DEFAULT_MAX_BYTES):
        self.instance, self.timeout, self.max_bytes = instance, timeout, max_bytes
        self.origin = urlsplit(instance)[:2]
        self.opener = urllib.request.build_opener(_NoRedirects)
        self.requests = 0

    def get(self, url: str):
        if urlsplit(url)[:2] != self.origin:
            raise HarvestError(f"{url}: the source pointed outside {self.instance}")
        self.requests += 1
        request = urllib.request.Request(url, headers={
            "Accept": "application/json", "User-Agent": "atlas-harvest/1"})
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    raise HarvestError(f"{url}: response of {int(length):,} bytes is over the "
                                       f"limit of {self.max_bytes:,}")
                body = self._read(response, url, started)
        except HarvestError:
            raise
        except urllib.error.HTTPError as exc:
            raise HarvestError(f"{url}: the source answered HTTP {exc.code}") from exc
        except (TimeoutError, OSError) as exc:  # URLError, refused connections, socket timeouts
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise HarvestError(f"{url}: no complete answer within {self.timeout:g} seconds") \
                    from exc
            raise HarvestError(f"{url}: cannot connect ({reason})") from exc
        try:
            return strict_json.loads(body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise HarvestError(f"{url}: the answer is not valid JSON ({exc})") from exc
        except strict_json.StrictJSONError as exc:
            problem = "is not valid JSON" if exc.syntax else "is refused"
            raise HarvestError(f"{url}: the answer {problem} ({exc})") from None

    def _read(self, response, url, started) -> bytes:
        chunks, size = [], 0
        while True:
            # A server that trickles bytes would pass a per-read timeout forever: check the total.
            if time.monotonic() - started > self.timeout:
                raise HarvestError(f"{url}: no complete answer within {self.timeout:g} seconds")
            chunk = response.read(64 * 1024)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise HarvestError(f"{url}: response is over the limit of {self.max_bytes:,} bytes")
            chunks.append(chunk)


def _validated(model, data, url):
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "(top level)"
        raise HarvestError(f"{url}: the answer is not shaped like the Atlas API "
                           f"({exc.error_count()} problems; first at {where}: {first['msg']})") \
            from exc


def fetch_tools(fetcher: Fetcher, *, progress=None) -> list[schemas.ToolDetail]:
    """Every tool of the source, in full: the list pages for slugs, then each record."""
    url = f"{fetcher.instance}{API_PATH}/tools?" + urlencode({"sort": "name",
                                                               "per_page": PER_PAGE})
    slugs, seen_pages = [], set()
    while url:
        if url in seen_pages or len(seen_pages) >= MAX_PAGES:
            raise HarvestError(f"{url}: the source's pages do not end")
        seen_pages.add(url)
        page = _validated(schemas.ToolPage, fetcher.get(url), url)
        slugs += [t.slug for t in page.results]
        url = urljoin(url, page.next) if page.next else None
    slugs = list(dict.fromkeys(slugs))
    if progress:
        progress(total=len(slugs))
    def fetch(slug):
        detail_url = f"{fetcher.instance}{API_PATH}/tools/{quote(slug, safe='')}"
        return _validated(schemas.ToolDetail, fetcher.get(detail_url), detail_url)

    tools = []
    # A few requests in flight: one at a time, most of the time is spent waiting on the network.
    with ThreadPoolExecutor(max_workers=CONCURRENT_REQUESTS) as pool:
        try:
            for tool in pool.map(fetch, slugs):
                tools.append(tool)
                if progress:
                    progress(advance=1)
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    return tools


def _fetch_organisations(fetcher, slugs) -> dict[str, schemas.OrganisationDetail]:
    result = {}
    for slug in sorted(slugs):
        url = f"{fetcher.instance}{API_PATH}/organisations/{quote(slug, safe='')}"
        result[slug] = _validated(schemas.OrganisationDetail, fetcher.get(url), url)
    return result


def _as_import_row(tool: schemas.ToolDetail, org_names: dict[str, str]) -> dict:
    """A remote record in the JSON import format, so it is checked by the importer's rules."""
    return {
        "slug": tool.slug, "name": tool.name, "aliases": tool.aliases,
        "description": tool.short_description, "long_description": tool.long_description,
        "website": tool.website,
        "organization": [{"name": org_names.get(o.slug, o.name), "role": o.role}
                         for o in tool.organisations],
        "purposes": [t.value for t in tool.purposes],
        "technologies": [t.value for t in tool.technologies],
        "users": [t.value for t in tool.users],
        "exploitation": [t.value for t in tool.exploitation],
        "countries": tool.countries,
        "deployments": [{"country": d.country, "year": d.year or "", "note": d.note,
                         "source_url": d.source_url, "organisation": d.organisation or ""}
                        for d in tool.deployments],
        "headquarters_country": tool.headquarters_country, "languages": tool.languages,
        "cost": tool.cost, "access": tool.access, "licence": tool.licence,
        "source_repository": tool.source_repository, "status": tool.status,
        "year_launched": tool.year_launched or "",
        "survivor_involvement": tool.survivor_involvement,
        "processes_victim_data": tool.processes_victim_data, "evidence": tool.evidence,
        "sources": [{"url": s.url, "title": s.title, "date_read": s.date_read or ""}
                    for s in tool.sources],
    }


def harvest(url: str, *, dry_run: bool = False, timeout: float = DEFAULT_TIMEOUT,
            max_bytes: int = DEFAULT_MAX_BYTES, progress=None) -> HarvestReport:
    """Fetch, check, then merge every tool of another Atlas in one transaction."""
    instance = normalise_instance(url)
    fetcher = Fetcher(instance, timeout=timeout, max_bytes=max_bytes)
    remote_tools = fetch_tools(fetcher, progress=progress)

    # Organisations this Atlas lacks (by slug, name or alias) are fetched to create them whole.
    resolver = OrganisationResolver()
    referenced = {o.slug: o.name for t in remote_tools for o in t.organisations}
    referenced.update({d.organisation: referenced.get(d.organisation, "")
                       for t in remote_tools for d in t.deployments if d.organisation})
    unknown = {slug for slug, name in referenced.items()
               if slug not in resolver.existing and not (name and resolver.resolve(name)
                                                         in resolver.existing)}
    remote_orgs = _fetch_organisations(fetcher, unknown)
    org_names = {slug: org.name for slug, org in remote_orgs.items()}

    report = HarvestReport(instance)
    checked = []
    tool_format = ToolFormat()
    resolver = OrganisationResolver()
    for remote in remote_tools:
        row = _as_import_row(remote, org_names)
        checker = Cells(row)
        data = tool_format.check(checker, {"organisations": resolver})
        if checker.problems:
            report.refused.append((remote.slug, "; ".join(
                f"{p.column}: {p.reason} ({p.value[:60]!r})" for p in checker.problems)))
            continue
        # Deployment organisations travel by the source's slug: map them to this Atlas's.
        for extra in data.deployments.values():
            slug = extra.get("organisation")
            if slug:
                name = org_names.get(slug) or referenced.get(slug) or slug
                extra["organisation"] = resolver.resolve(name) or None
        checked.append(data)

    # Each record is tried in a transaction of its own, rolled back at once; the proposals are
    # then filed together, so the database's write lock is never held for the whole harvest.
    filings = _prepare(checked, remote_orgs, resolver, report)
    with transaction.atomic():
        _file_all(filings, report)
        if dry_run:
            transaction.set_rollback(True)
        else:
            report.written = True
    return report


class _TrialWrite(Exception):
    """Rolls back a write made only to read the record back in the catalogue's record format."""

    def __init__(self, result, record, organisations):
        self.result, self.record, self.organisations = result, record, organisations


def _trial(data, remote_orgs, resolver):
    """The tool as this Atlas would store it (import-record format), and the organisations it
    would need created; nothing stays written. remote_orgs: the source's organisations this
    Atlas lacks, by their slug there and by name."""

    needed = [slug for slug, _role in data.organisations]
    needed += [extra["organisation"] for extra in data.deployments.values()
               if extra.get("organisation")]
    try:
        with transaction.atomic():
            existing = set(Organisation.objects.filter(slug__in=needed)
                           .values_list("slug", flat=True))
            created = []
            for slug in dict.fromkeys(needed):
                if slug in existing:
                    continue
                remote = remote_orgs.get(slug) or remote_orgs.get(resolver.names.get(slug, ""))
                fields = {"name": resolver.names.get(slug) or slug, "kind": "other"}
                if remote is not None:
                    fields = {"name": remote.name, "aliases": remote.aliases, "kind": remote.kind,
                              "website": remote.website,
                              "headquarters_country": remote.headquarters_country,
                              "source_url": remote.source_url}
                organisation_upsert(slug=slug, **fields)
                created.append({"slug": slug, **fields})
            result = tool_upsert(data=data, reindex=False)
            tool = Tool.objects.get(slug=data.slug)
            raise _TrialWrite(result, tool_snapshot(tool.pk), created)
    except _TrialWrite as trial:
        return trial


def _record_url(instance, slug):
    return f"{instance}{API_PATH}/tools/{quote(slug, safe='')}"


def _origin(report, remote_slug, **extra):
    return {"instance": report.instance, "remote_slug": remote_slug,
            "url": _record_url(report.instance, remote_slug), **extra}


@dataclass
class _Filing:
    """A proposal to file unless the same one is pending or was rejected (see _file_all)."""

    submission: object  # an unsaved, validated Submission; None when the trial changed nothing
    key: tuple  # what an earlier proposal of the same record shares: (kind, remote slug or tool)
    filed: tuple  # (the report's list, the entry) when it is filed
    unchanged: str  # the report's entry when it is not


def _submission(kind, payload, *, tool=None, duplicates=()):
    """As submissions.services.submission_create builds one (a harvest has no submitter),
    validated now; _file_all writes them all at once."""
    submission = Submission(kind=kind, payload=payload, tool=tool, duplicates=list(duplicates))
    submission.full_clean()
    return submission


def _propose_tool(remote_slug, trial, report) -> _Filing:
    """A new tool for review, flagged with the tools here it may duplicate."""
    record = trial.record
    payload = ToolProposal(record=record, origin=_origin(report, remote_slug),
                           new_organisations=trial.organisations).to_json()
    duplicates = [tool.slug for tool, _why in tool_duplicates(
        name=record["name"], website=record.get("website") or "",
        description=record.get("description") or "")]
    return _Filing(_submission(Submission.Kind.TOOL, payload, duplicates=duplicates),
                   (Submission.Kind.TOOL, remote_slug), (report.proposed, remote_slug),
                   remote_slug)


# Why a harvested record that differs is proposed as a correction (the curators' page says it in
# their language), and the same in the command's summary.
WHY = {"local": "a local record", "verified": "verified here by a curator",
       "harvested": "harvested from the same Atlas earlier", "other": "harvested from {other}"}


def _propose_correction(local, changes, report, remote_slug, why, other="") -> _Filing:
    """The source's version of a record here, as a correction for review."""
    origin = _origin(report, remote_slug, why=why, **({"other": other} if other else {}))
    payload = Correction(changes=changes, source_url=origin["url"], origin=origin).to_json()
    return _Filing(_submission(Submission.Kind.CORRECTION, payload, tool=local),
                   (Submission.Kind.CORRECTION, local.pk),
                   (report.corrections, (local.slug, WHY[why].format(other=other))), local.slug)


def _prepare(checked, remote_orgs, resolver, report) -> list[_Filing]:
    """What to file for each checked record; only reads, and trials rolled back one by one."""

    origins = {h.remote_slug: h.tool for h in HarvestedRecord.objects.filter(
        instance=report.instance).select_related("tool")}  # each tool knows its harvest_origin
    by_slug = {t.slug: t for t in Tool.objects.filter(slug__in=[d.slug for d in checked])
               .select_related("harvest_origin")}
    # The source's organisations this Atlas lacks, by their slug there and by their name.
    remote_orgs = {**{org.name: org for org in remote_orgs.values()}, **remote_orgs}
    filings = []
    for data in checked:
        remote_slug = data.slug
        local = origins.get(remote_slug) or by_slug.get(remote_slug)
        if local is None:
            filings.append(_propose_tool(remote_slug, _trial(data, remote_orgs, resolver), report))
            continue
        data.slug = local.slug
        trial = _trial(data, remote_orgs, resolver)
        if trial.result == "unchanged":
            filings.append(_Filing(None, (), (), local.slug))
            continue
        before = tool_snapshot(local.pk)
        changes = {k: v for k, v in trial.record.items() if before.get(k) != v}
        origin = getattr(local, "harvest_origin", None)
        why = ("local" if origin is None else "verified" if local.is_verified else
               "harvested" if origin.instance == report.instance else "other")
        filings.append(_propose_correction(local, changes, report, remote_slug, why,
                                           other=origin.instance if why == "other" else ""))
    return filings


def _file_all(filings: list[_Filing], report) -> None:
    """File each proposal unless the same one is pending or a curator rejected it; a pending one
    of the same record that differs is superseded (closed), so that nobody approves content
    that changed after they read it. In the caller's transaction, in a few statements: the
    earlier proposals from this source are read in one query, the new ones written in bulk."""
    earlier = {}
    for old in Submission.objects.select_for_update().filter(
            kind__in=[Submission.Kind.TOOL, Submission.Kind.CORRECTION],
            status__in=[Submission.Status.PENDING, Submission.Status.REJECTED],
            payload__origin__instance=report.instance).order_by("-id"):
        key = (old.kind, old.content.origin.get("remote_slug") if old.kind == "tool"
               else old.tool_id)
        earlier.setdefault(key, []).append(old)
    new, superseded, now = [], [], timezone.now()
    for filing in filings:
        submission, same = filing.submission, earlier.setdefault(filing.key, [])
        # Compared as payloads, not as stored JSON: the same proposal, however it was stored.
        if submission is None or any(old.content == submission.content for old in same):
            report.unchanged.append(filing.unchanged)
            continue
        for old in same:
            if old.status == Submission.Status.PENDING:
                old.status, old.reviewed_at, old.superseded_by = (
                    Submission.Status.SUPERSEDED, now, submission)
                if not old._state.adding:  # one filed by this harvest is created as it is now
                    superseded.append(old)
        same.insert(0, submission)
        new.append(submission)
        filing.filed[0].append(filing.filed[1])
    Submission.objects.bulk_create(new, batch_size=500)
    Submission.objects.bulk_update(superseded, ["status", "reviewed_at", "superseded_by"],
                                   batch_size=500)


def record_origin(sender, *, submission, tool, **kwargs):
    """On approval of a harvested proposal: remember where a new tool came from, for the next
    harvest; note when a harvested correction to a tool from that Atlas was applied."""
    origin = submission.content.origin or {}
    if not (origin.get("instance") and origin.get("remote_slug")):
        return
    now = timezone.now()
    if submission.kind == submission.Kind.TOOL:
        HarvestedRecord.objects.update_or_create(
            tool=tool, defaults={"instance": origin["instance"],
                                 "remote_slug": origin["remote_slug"], "last_changed_at": now},
            create_defaults={"instance": origin["instance"], "remote_slug": origin["remote_slug"],
                             "first_harvested_at": now, "last_changed_at": now})
    else:
        HarvestedRecord.objects.filter(tool=tool, instance=origin["instance"]).update(
            last_changed_at=now)
