"""Checking that source and website URLs still answer (for curators; never run in CI online)."""

from __future__ import annotations

import concurrent.futures
import urllib.error
import urllib.request
from dataclasses import dataclass

USER_AGENT = "AntiTraffickingTechAtlas-check-sources/1.0"


@dataclass(frozen=True)
class LinkProblem:
    kind: str  # "tool", "organisation" or "helpline"
    record: str
    field: str
    url: str
    reason: str


def _links():
    from atlas.catalogue.models import Organisation, Source, Tool
    from atlas.helplines.models import Channel, Helpline
    for slug, url in Tool.objects.exclude(website="").values_list("slug", "website"):
        yield "tool", slug, "website", url
    for slug, url in Source.objects.values_list("tool__slug", "url"):
        yield "tool", slug, "source_url", url
    for slug, url in Organisation.objects.exclude(website="").values_list("slug", "website"):
        yield "organisation", slug, "website", url
    for country, name, website in Helpline.objects.exclude(website="").values_list(
            "country", "name", "website"):
        yield "helpline", f"{country}: {name}", "website", website
    for country, name, source in Channel.objects.exclude(source_url="").values_list(
            "helpline__country", "helpline__name", "source_url").distinct():
        yield "helpline", f"{country}: {name}", "source_url", source


def check_url(url: str, timeout: float) -> str | None:
    """None when the URL answers with a success or redirect; otherwise the reason."""
    if not url.startswith(("http://", "https://")):
        return None  # GitHub file references (owner/repo:path) are not fetched
    for method in ("HEAD", "GET"):  # some servers refuse HEAD
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                if response.status < 400:
                    return None
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            return str(getattr(exc, "reason", exc))[:200]
    return "no answer"


def check_sources(*, timeout: float = 10.0, workers: int = 8, progress=None) -> list[LinkProblem]:
    links = list(dict.fromkeys(_links()))
    problems = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(check_url, link[3], timeout): link for link in links}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            reason = future.result()
            if reason:
                problems.append(LinkProblem(*futures[future], reason))
            if progress:
                progress(done, len(links))
    return sorted(problems, key=lambda p: (p.kind, p.record, p.field))
