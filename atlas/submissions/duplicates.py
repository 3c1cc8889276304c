"""Is this proposal a tool the Atlas already lists? Fuzzy name, website and description matches."""

from __future__ import annotations

from urllib.parse import urlsplit

from rapidfuzz import fuzz, utils

from atlas.catalogue.models import Tool

NAME_CUTOFF = 88  # token_sort_ratio: "Stop The Traffik" ~ "STOP THE TRAFFIK app"
DESCRIPTION_CUTOFF = 85
# Hosts that serve many unrelated tools: compare their first path segment too.
SHARED_HOSTS = {"github.com", "gitlab.com", "play.google.com", "apps.apple.com", "sites.google.com",
                "facebook.com", "www.facebook.com", "medium.com", "linkedin.com"}


def site_key(url: str) -> str:
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return ""
    if host in SHARED_HOSTS:
        segment = parts.path.strip("/").split("/")[0].lower()
        return f"{host}/{segment}" if segment else ""
    return host


def tool_duplicates(*, name: str, website: str = "", description: str = "",
                    limit: int = 3) -> list[tuple[Tool, str]]:
    """Existing tools that closely match, best first, each with why ("name", "website", ...)."""
    wanted_site = site_key(website) if website else ""
    name_p = utils.default_process(name)
    desc_p = utils.default_process(description)
    found = []
    for tool in Tool.objects.only("slug", "name", "aliases", "website", "short_description"):
        score, why = 0.0, ""
        for candidate in [tool.name, *tool.aliases]:
            s = fuzz.token_sort_ratio(name_p, utils.default_process(candidate))
            if s >= NAME_CUTOFF and s > score:
                score, why = s, "name"
        if wanted_site and tool.website and site_key(tool.website) == wanted_site and score < 100:
            score, why = max(score, 95), why or "website"
        if len(desc_p) >= 20 and not why:
            s = fuzz.ratio(desc_p, utils.default_process(tool.short_description))
            if s >= DESCRIPTION_CUTOFF:
                score, why = s, "description"
        if why:
            found.append((score, tool.name, tool, why))
    found.sort(key=lambda f: (-f[0], f[1]))
    return [(tool, why) for _s, _n, tool, why in found[:limit]]
