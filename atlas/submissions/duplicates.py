"""Is this proposal a tool the Atlas already lists? Fuzzy name, website and description matches.

The processed names, sites and descriptions of every tool are derived data (atlas.derived), kept
per process until the catalogue stamp moves, so a check is a few rapidfuzz passes in C.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process, utils

from atlas.catalogue.models import Tool
from atlas.derived import stamps
from atlas.derived.cache import memoised

NAME_CUTOFF = 88  # token_sort_ratio: "Stop The Traffik" ~ "STOP THE TRAFFIK app"
DESCRIPTION_CUTOFF = 85
# Hosts that serve many unrelated tools: compare their first path segment too.
SHARED_HOSTS = {"github.com", "gitlab.com", "play.google.com", "apps.apple.com", "sites.google.com",
                "facebook.com", "medium.com", "linkedin.com"}


def site_key(url: str) -> str:
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return ""
    if host in SHARED_HOSTS:
        segment = parts.path.strip("/").split("/")[0].lower()
        return f"{host}/{segment}" if segment else ""
    return host


@dataclass(frozen=True)
class _Corpus:
    names: list  # processed names and aliases
    name_ids: list  # tool id of each entry in names
    sites: dict  # site key -> [tool ids]
    descriptions: list
    description_ids: list


@memoised(stamps.CATALOGUE)
def _corpus() -> _Corpus:
    names, name_ids, sites, descriptions, description_ids = [], [], {}, [], []
    rows = Tool.objects.values_list("id", "name", "aliases", "website", "short_description")
    for tool_id, name, aliases, website, description in rows:
        for candidate in [name, *aliases]:
            names.append(utils.default_process(candidate))
            name_ids.append(tool_id)
        if website and site_key(website):
            sites.setdefault(site_key(website), []).append(tool_id)
        descriptions.append(utils.default_process(description))
        description_ids.append(tool_id)
    return _Corpus(names, name_ids, sites, descriptions, description_ids)


def tool_duplicates(*, name: str, website: str = "", description: str = "",
                    limit: int = 3) -> list[tuple[Tool, str]]:
    """Existing tools that closely match, best first, each with why ("name", "website", ...)."""
    corpus = _corpus()
    best: dict[int, tuple[float, str]] = {}

    def offer(tool_id, score, why):
        if tool_id not in best or score > best[tool_id][0]:
            best[tool_id] = (score, why)

    for _match, score, i in process.extract(
            utils.default_process(name), corpus.names, scorer=fuzz.token_sort_ratio,
            processor=None, score_cutoff=NAME_CUTOFF, limit=20):
        offer(corpus.name_ids[i], score, "name")
    for tool_id in corpus.sites.get(site_key(website), []) if website else []:
        if tool_id not in best:
            offer(tool_id, 95, "website")
    wanted = utils.default_process(description)
    if len(wanted) >= 20:
        for _match, score, i in process.extract(
                wanted, corpus.descriptions, scorer=fuzz.ratio, processor=None,
                score_cutoff=DESCRIPTION_CUTOFF, limit=10):
            if corpus.description_ids[i] not in best:
                offer(corpus.description_ids[i], score, "description")
    tools = Tool.objects.in_bulk(list(best))
    ranked = sorted(best, key=lambda i: (-best[i][0], tools[i].name if i in tools else ""))
    return [(tools[i], best[i][1]) for i in ranked[:limit] if i in tools]
