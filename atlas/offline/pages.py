"""The pages of one language of the static copy: which to render, and how to write them."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from atlas.catalogue.filters import ToolFilters
from atlas.catalogue.models import Deployment, Organisation, Tool
from atlas.catalogue.search.backends import stored_fields
from atlas.catalogue.search.documents import document_for
from atlas.catalogue.selectors import (tool_facet_values_all, tool_search, tool_search_counts,
                                       tools_with_relations)
from atlas.helplines.selectors import helpline_countries
from atlas.offline.paths import (
    SiteMap, as_script, file_for, language_of, language_prefix, relative, rewrite_html,
    rewrite_json_urls,
)
from atlas.offline.packing import (MAIN_ELEMENT, NOTE_SLOT, PACK_FILE, PIECE_SLOT, pack_script,
                                   packed, packed_json_script, split_page)

SEARCH_RECORDS = "offline/search-tools.js"
SHAPES = "offline/shapes.js"
SHIM = "/static/offline/fetch-shim.js"
PAGE_SCRIPT = "/static/offline/page.js"
UNPACK = "/static/offline/unpack.js"  # what page.js, fetch-shim.js and search.js unpack with
QUICK_EXIT = "/static/atlas/js/quick-exit.js"
# Detail pages whose bodies travel in one compressed bundle per language and section (PACK_FILE
# in the section's folder): each page file keeps its language, title and what shows without
# JavaScript; page.js fills in the body. Tool, organisation and country helpline pages are 97%
# of the pages, and their bodies repeat the same navigation and labels, so one bundle
# compresses them about tenfold.
PACKED_VIEWS = {"catalogue:tool_detail", "catalogue:organisation_detail", "helplines:country"}
# Packed pages that keep their <main> in the page file, shown with or without JavaScript: their
# bundle holds only the frame (navigation, language switcher) and the safety note, which
# page.js puts around it. A country's helplines must work without JavaScript; kept in the
# bundle as well, every line was stored twice (0.4 MB over the six languages).
MAIN_IN_PAGE = {"helplines:country"}
# What a packed page's file keeps of its <head>: the rest comes with its bundle.
STUB_HEAD = re.compile(r'<meta charset="utf-8">|<meta name="viewport"[^>]*>|<title>.*?</title>',
                       re.S)
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
SAFETY_NOTE = re.compile(r'<aside class="safety-note".*?</aside>', re.S)
SAFETY_BAR = re.compile(r'<div class="safety-bar">.*?</div>', re.S)
# What a packed tool or organisation page shows without JavaScript (or where page.js cannot
# run): a tool's name, summary and how reliable its record is; an organisation's name and
# its tools (links to their pages, so the records can still be browsed). Each pattern's group is
# one element, between the quick exit and the link to the helplines (page.js counts on it).
SUMMARIES = {
    "catalogue:tool_detail": [re.compile(r'<article class="tool">\s*(<header>.*?</header>)', re.S),
                              re.compile(r'(<p class="badge verified">.*?</p>)', re.S)],
    "catalogue:organisation_detail": [re.compile(r'(<h1>.*?</h1>)', re.S),
                                      re.compile(r'</dl>\s*<h2>.*?</h2>\s*(<ul>.*?</ul>)', re.S)],
}
# A record not yet verified says so in one sentence on its page; without JavaScript its page
# file says it in three words, after the pieces (0.3 MB over the 2,550 page files: the bundle,
# compressed, holds the sentence for almost nothing).
UNVERIFIED = re.compile(r'<p class="badge unverified">')


def short_badges(view: str, body: str) -> str:
    if view == "catalogue:tool_detail" and UNVERIFIED.search(body):
        return f'<p class="badge unverified">{escape(_("Not yet verified"))}</p>'
    return ""


@dataclass
class LanguageResult:
    language: str
    pages: int = 0
    static: set = field(default_factory=set)
    problems: list = field(default_factory=list)


def seed_paths(prefix: str) -> list[str]:
    """Every page a visitor can reach from the home page (link-following adds any stragglers)."""
    paths = [prefix, f"{prefix}about/", f"{prefix}tools/", f"{prefix}organisations/",
             f"{prefix}helplines/", f"{prefix}map/", f"{prefix}insights/"]
    pages = tool_search().num_pages
    paths += [f"{prefix}tools/?page={n}" for n in range(2, pages + 1)]
    paths += [f"{prefix}tools/{slug}/" for slug in Tool.objects.values_list("slug", flat=True)]
    paths += [f"{prefix}organisations/{slug}/"
              for slug in Organisation.objects.values_list("slug", flat=True)]
    codes = {country.code for country, _n in helpline_countries()}
    codes |= set(Deployment.objects.values_list("country", flat=True))
    codes |= set(Organisation.objects.exclude(headquarters_country="")
                 .values_list("headquarters_country", flat=True))
    paths += [f"{prefix}helplines/{code}/" for code in sorted(codes)]
    return paths


@dataclass(frozen=True)
class OfflineCopy:
    """Set on every request the export renders, as `offline_copy` in templates
    (atlas/web/context_processors.py): they leave out what needs the server (forms, JSON and
    download links, revision histories, the compare toggles) and turn each facet sidebar into a
    link to the copy's search page, which filters in the browser."""
    search_url: str


def _request(path: str):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = translation.get_language()
    prefix = language_prefix(request.LANGUAGE_CODE)
    request.offline_copy = OfflineCopy(search_url=f"{prefix}search/")
    return request


def render_page(path: str):
    """The response of the site's view for path, as an anonymous visitor gets it, without the
    middleware (sessions, CSRF, CSP, caching headers: nothing a static copy keeps; a tenth of
    the export's time). The language is the active one, as LocaleMiddleware would set it.
    Returns (response, view name), or (None, reason) when no page answers."""
    request = _request(path)
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None, "HTTP 404"
    request.resolver_match = match
    try:
        response = match.func(request, *match.args, **match.kwargs)
    except Http404:
        return None, "HTTP 404"
    except PermissionDenied:
        return None, "HTTP 403"
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if response.status_code != 200:
        return None, f"HTTP {response.status_code}"
    return response, match.view_name


def _write(dest: Path, name: str, content: str | bytes) -> None:
    target = dest / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        target.write_text(content, "utf-8")
    else:
        target.write_bytes(content)


def _head_scripts(page_file: str, scripts: list[str]) -> str:
    return "".join(f'<script src="{relative(page_file, s)}"></script>' for s in scripts)


# Line breaks between two tags are dropped where they cannot show: next to a block-level tag
# (never inside <pre> or <textarea>: pages with them keep all their whitespace).
BLOCK_TAGS = frozenset(
    "!doctype html head meta link title script body header nav main footer section article aside "
    "div details summary form p h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table "
    "caption thead tbody tr th td".split())
BETWEEN_TAGS = re.compile(r"(<(/?)([a-zA-Z][\w-]*|!DOCTYPE)[^<>]*>)[ \t]*\n\s*"
                          r"(?=<(/?)([a-zA-Z][\w-]*))")
INDENT = re.compile(r"\n[ \t]+")
BLANK_LINES = re.compile(r"\n{2,}")


def _between_tags(match) -> str:
    if match.group(3).lower() in BLOCK_TAGS or match.group(5).lower() in BLOCK_TAGS:
        return match.group(1)
    return match.group(1) + "\n"


def trim(text: str) -> str:
    """Indentation and line breaks that cannot show (what only a server or a crawler uses is not
    rendered at all: offline_copy in base.html)."""
    if "<pre" not in text and "<textarea" not in text:
        text = INDENT.sub("\n", text)
        text = BETWEEN_TAGS.sub(_between_tags, text)
    return BLANK_LINES.sub("\n", text)


class LanguageExport:
    def __init__(self, language: str, dest: Path, languages: tuple = ()):
        self.language = language
        self.dest = dest
        self.prefix = language_prefix(language)
        self.map_path = f"{self.prefix}map/"
        self.sitemap = SiteMap(language, extra_files={
            f"{self.prefix}search/": file_for(f"{self.prefix}search/"),
            f"{self.prefix}offline/": file_for(f"{self.prefix}offline/"),
            f"{self.prefix}map/countries/XX.json": file_for(f"{self.prefix}map/countries/XX.json"),
        }, languages=tuple(languages))
        self.result = LanguageResult(language)
        self.packs: dict[str, dict[str, str]] = {}

    def run(self) -> LanguageResult:
        with translation.override(self.language):
            todo = list(dict.fromkeys(seed_paths(self.prefix)))
            seen = set(todo)
            while todo:
                found = set()
                self.export_page(todo.pop(0), found)
                for path in sorted(found):
                    if path.startswith("/static/"):
                        self.result.static.add(path)
                    elif path not in seen and language_of(path) == self.language:
                        seen.add(path)
                        todo.append(path)
            self.write_packs()
            self.export_map_data()
            self.export_own_pages()
        return self.result

    def export_page(self, url: str, found: set) -> None:
        response, name = render_page(url)
        if response is None:
            self.result.problems.append(f"{url}: {name}")
            return
        path, _sep, query = url.partition("?")
        page_file = self.sitemap.target(path, query).file
        if not response["Content-Type"].startswith("text/html"):
            _write(self.dest, page_file, response.content)
            return
        text = response.content.decode("utf-8")
        if path == self.map_path:
            # The map reads JSON with fetch(), which file:// refuses: a shim answers it from data
            # scripts loaded first (fetch-shim.js).
            scripts = [UNPACK[1:], SHIM[1:], SHAPES, f"{self.prefix[1:]}map/offline-data.js"]
            found.update([UNPACK, SHIM])
            text = text.replace('<meta charset="utf-8">',
                                '<meta charset="utf-8">' + _head_scripts(page_file, scripts), 1)
        text = rewrite_html(trim(text), page_path=path, page_file=page_file,
                            sitemap=self.sitemap, found=found)
        if name in PACKED_VIEWS:
            text = self.pack(page_file, text, found, view=name)
        _write(self.dest, page_file, text)
        self.result.pages += 1

    def pack(self, page_file: str, text: str, found: set, *, view: str) -> str:
        """Keep the page's body for its section's bundle; return the small page file that shows
        it: the page's language, title and one script (the bundle, which loads the stylesheet
        and page.js), plus what shows without JavaScript."""
        head, body = split_page(text)
        section, key = posixpath.split(posixpath.dirname(page_file))
        pack = self.packs.setdefault(section, {"bodies": {}, "head": [], "note": None,
                                               "own_main": set()})
        # What shows without JavaScript is in the page file: the bundle's copy of the body
        # refers to those pieces (page.js takes them from the page's <noscript>) rather than
        # holding them twice (0.7 MB over the six languages).
        pieces = []
        for pattern in SUMMARIES.get(view, ()):
            match = pattern.search(body)
            if match:
                pieces.append(match.group(1))
                body = (body[:match.start(1)] + PIECE_SLOT.format(len(pieces) - 1)
                        + body[match.end(1):])
        pack["bodies"][key] = body
        if not pack["head"]:  # every page of a section sits at the same depth: same links
            pack["head"] = [*STYLESHEET.findall(head), relative(page_file, file_for(UNPACK)),
                            relative(page_file, file_for(PAGE_SCRIPT))]
        found.update([UNPACK, PAGE_SCRIPT])
        opening = head[:head.index("<head>")]
        stub = f'<script src="../{PACK_FILE}"></script><body>'
        if view in MAIN_IN_PAGE:
            own = self.own_main(body, pack)
            if own is not None:
                pack["own_main"].add(key)
                kept = "".join(STUB_HEAD.findall(head)) + "".join(
                    f'<link rel="stylesheet" href="{href}">' for href in STYLESHEET.findall(head))
                return f"{opening}{kept}{stub}{own}\n"
        # Elsewhere, the quick exit, a summary of the record and the way to the helplines
        # (whose index has the navigation). A quick exit must work without JavaScript on
        # every page.
        helplines = relative(page_file, file_for(f"{self.prefix}helplines/"))
        fallback = (f'<p><a href="{escape(settings.ATLAS_QUICK_EXIT_URL)}" rel="noreferrer">'
                    f'{escape(_("Quick exit"))}</a></p>{"".join(pieces)}{short_badges(view, body)}'
                    f'<p><a href="{helplines}">{escape(_("Get help now"))}</a></p>')
        kept = "".join(m for m in STUB_HEAD.findall(head) if "viewport" not in m)
        return f"{opening}{kept}{stub}<noscript>{fallback}</noscript>\n"

    @staticmethod
    def own_main(body: str, pack: dict) -> str | None:
        """What a page keeping its <main> shows by itself (with or without JavaScript): the
        quick exit and its <main>, whose safety note (the same on every page of the section)
        travels once in the bundle. None when the body has no <main>."""
        match = MAIN_ELEMENT.search(body)
        if not match:
            return None
        content = match.group(2)
        note = SAFETY_NOTE.search(content)
        if note and pack["note"] in (None, note.group(0)):
            pack["note"] = note.group(0)
            content = content[:note.start()] + NOTE_SLOT + content[note.end():]
        safety_bar = SAFETY_BAR.search(body)
        return ((safety_bar.group(0) if safety_bar else "")
                + match.group(1) + content + match.group(3))

    def write_packs(self) -> None:
        for section, pack in self.packs.items():
            *stylesheets, unpack, page_script = pack["head"]
            _write(self.dest, f"{section}/{PACK_FILE}",
                   pack_script(pack["bodies"], stylesheets=stylesheets,
                               scripts=(unpack, page_script),
                               own_main=pack["own_main"], note=pack["note"] or ""))

    def _json(self, url: str):
        response, reason = render_page(url)
        if response is None:
            self.result.problems.append(f"{url}: {reason}")
            return None
        return json.loads(response.content)

    def export_map_data(self) -> None:
        """The map's JSON twin and every country panel, as one data script."""
        map_file = file_for(self.map_path)
        data = self._json(f"{self.prefix}map/data.json")
        if data is None:
            return
        # The copy cannot filter on the map (its search page does): no facets to offer.
        data["facets"] = []
        data = rewrite_json_urls(data, from_file=map_file, sitemap=self.sitemap)
        bundle = {f"{self.prefix[1:]}map/data.json": data}
        for country in data["countries"]:
            panel = self._json(f"{self.prefix}map/countries/{country['code']}.json")
            if panel is not None:
                name = f"{self.prefix[1:]}map/countries/{country['code']}.json"
                bundle[name] = rewrite_json_urls(panel, from_file=map_file, sitemap=self.sitemap)
        # Only as the data script, which is all the map reads: the JSON twin as a file of its
        # own would add 0.6 MB to the copy for no reader in it (the map page's link to it is
        # left out).
        # Compressed: a language's map data is 200 KB as JSON, 40 KB packed (fetch-shim.js
        # unpacks it on the map's first request).
        _write(self.dest, f"{self.prefix[1:]}map/offline-data.js", packed_json_script(bundle))

    def _render_own(self, path: str, template: str, context: dict) -> None:
        """A page only the copy has: rendered with the site's base template, links rewritten."""
        page_file = file_for(path)
        # The language switcher then leads to each language's home page.
        text = render_to_string(template, context, request=_request(self.prefix))
        found = set()
        text = rewrite_html(trim(text), page_path=path, page_file=page_file,
                            sitemap=self.sitemap, found=found)
        self.result.static |= {p for p in found if p.startswith("/static/")}
        _write(self.dest, page_file, text)
        self.result.pages += 1

    def export_own_pages(self) -> None:
        search_path = f"{self.prefix}search/"
        search_file = file_for(search_path)
        facets_file = f"{self.prefix[1:]}search/facets.js"
        _write(self.dest, facets_file, as_script("ATLAS_SEARCH", "facets",
                                                 search_facets(search_file, self.prefix)))
        self._render_own(search_path, "offline/search.html", {
            "records_src": relative(search_file, SEARCH_RECORDS),
            "facets_src": relative(search_file, facets_file),
        })
        self._render_own(f"{self.prefix}offline/", "offline/unavailable.html", {})


def export_language(*, language: str, dest: Path, languages=()) -> LanguageResult:
    return LanguageExport(language, dest, languages).run()


def search_facets(search_file: str, prefix: str) -> dict:
    """Labels for the search page, in the page's language: facets and their values."""
    facets = [{"param": f.param, "label": str(f.label),
               "values": {fv.value: fv.label for fv in f.values}}
              for f in tool_search_counts(ToolFilters()).facets]
    tool_file = relative(search_file, file_for(f"{prefix}tools/SLUG/"))
    return {"facets": facets, "tool_url": tool_file,
            "language": translation.get_language()}


def search_records() -> list[dict]:
    """One record per tool: what search-engine.js matches ("w": the tool's search document as
    the databases store it, name, organisations and body as the parser's words, so the copy
    finds what the site finds), what the results show and the facet values it carries."""
    records = []
    tools = tools_with_relations(Tool.objects.order_by("name")).prefetch_related("translations")
    for tool in tools:
        orgs = [role.organisation.name for role in tool.roles.all()]
        records.append({"s": tool.slug, "n": tool.name, "d": tool.short_description,
                        "o": list(dict.fromkeys(orgs)), "w": list(stored_fields(document_for(tool))),
                        "v": tool.is_verified, "f": tool_facet_values_all(tool)})
    return records


def write_search_records(dest: Path) -> None:
    """One record per tool for search.js, compressed (about a third of the size)."""
    _write(dest, SEARCH_RECORDS, "window.ATLAS_SEARCH = window.ATLAS_SEARCH || {};\n"
           f'window.ATLAS_SEARCH.packed = "{packed(search_records())}";\n')


URL_IN_CSS = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def stylesheet_dependencies(css_url: str, css: str) -> list[str]:
    """Site URLs of the files a stylesheet refers to with url(...)."""
    urls = []
    for ref in URL_IN_CSS.findall(css):
        if ref.startswith(("data:", "http:", "https:", "//", "#")):
            continue
        ref = ref.split("?")[0].split("#")[0]
        urls.append(posixpath.normpath(posixpath.join(posixpath.dirname(css_url), ref)))
    return urls


def redirect_page(target: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={target}"><title>Atlas</title></head>'
            f'<body><a href="{target}">{_("Anti-Trafficking Tech Atlas")}</a></body></html>')
