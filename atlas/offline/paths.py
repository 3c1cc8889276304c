"""Where each page of the Atlas goes in a static copy, and how its links are made relative.

A copy opened from disk (file://) cannot rely on a server: directory URLs would show a listing
rather than index.html, and an absolute /path points at the root of the disk. So every URL in
an exported page is rewritten to a relative path to a file that exists in the copy.
"""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation

# Pages of the public Atlas that a static copy holds: anything else (forms, staff pages, the API)
# needs a server, and links to it lead to the copy's "not in the offline copy" page.
EXPORTED_VIEWS = {
    "web:home", "web:about",
    "catalogue:tool_list", "catalogue:tool_detail",
    "catalogue:organisation_list", "catalogue:organisation_detail",
    "helplines:index", "helplines:country",
    "geo:map", "geo:map_json",
    "insights:index", "insights:coverage_region",
    "insights:coverage_csv", "insights:coverage_region_csv", "insights:chart_csv",
}
# Lists whose filters the offline search page reproduces in the browser.
SEARCHABLE_VIEWS = {"catalogue:tool_list", "geo:map"}
# Attributes that carry URLs; map.js reads its endpoints from data-* attributes.
URL_ATTRIBUTE = re.compile(r'(\s(?:href|src|action|data-[\w-]+)=")([^"]*)(")')
ORIGIN = "http://testserver"


def file_for(path: str) -> str:
    """'/fr/tools/x/' -> 'fr/tools/x/index.html'; '/map/data.json' stays 'map/data.json'."""
    rel = path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return rel


def language_prefix(language: str) -> str:
    return "/" if language == settings.LANGUAGE_CODE else f"/{language}/"


def language_of(path: str) -> str:
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE and path.startswith(f"/{code}/"):
            return code
    return settings.LANGUAGE_CODE


@functools.lru_cache(maxsize=65536)
def view_name(path: str) -> str | None:
    """The URL name serving path, in the path's own language (i18n prefixes follow it)."""
    with translation.override(language_of(path)):
        try:
            return resolve(path).view_name
        except Resolver404:
            return None


@dataclass
class Target:
    """Where a link in the copy points: a file, plus a query the browser-side search reads."""

    file: str
    query: str = ""
    page_path: str | None = None  # a page the copy must render (None: static or data file)


@dataclass
class SiteMap:
    """Decides, for one language, which file each URL of the site becomes."""

    language: str
    static_url: str = field(default_factory=lambda: settings.STATIC_URL)
    extra_files: dict = field(default_factory=dict)  # path -> file, for generated pages/data
    languages: tuple = ()  # the languages in the copy (default: all)
    _targets: dict = field(default_factory=dict, repr=False)

    @property
    def prefix(self) -> str:
        return language_prefix(self.language)

    @property
    def search_path(self) -> str:
        return self.prefix + "search/"

    @property
    def unavailable_path(self) -> str:
        return self.prefix + "offline/"

    def page_file(self, path: str) -> str:
        return self.extra_files.get(path) or file_for(path)

    def target(self, path: str, query: str = "", *, form: bool = False) -> Target:
        """The file for a site URL (path plus query string) in this copy."""
        key = (path, query, form)
        if key not in self._targets:
            self._targets[key] = self._target(path, query, form=form)
        return self._targets[key]

    def _target(self, path: str, query: str, *, form: bool) -> Target:
        if path.startswith(self.static_url):
            return Target(file_for(path))
        if path in self.extra_files:
            return Target(self.extra_files[path], query)
        name = view_name(path)
        if name not in EXPORTED_VIEWS or (self.languages and
                                          language_of(path) not in self.languages):
            return Target(file_for(self.unavailable_path))
        params = parse_qsl(query, keep_blank_values=False)
        if name in SEARCHABLE_VIEWS and (form or (params and name == "catalogue:tool_list"
                                                 and [k for k, _ in params] != ["page"])):
            # A filtered or searched list: the search page answers it in the browser.
            search_query = urlencode([(k, v) for k, v in params if k not in ("page", "sort")])
            return Target(file_for(language_prefix(language_of(path)) + "search/"), search_query)
        if name == "catalogue:tool_list" and params:
            page = params[0][1]
            if page.isdigit() and int(page) > 1:
                page_path = f"{path}page/{int(page)}/"
                return Target(file_for(page_path), page_path=f"{path}?page={int(page)}")
        # Other query strings (a map filter, an organisation kind) fall back to the whole list.
        # The map's JSON twin is written with the map's data (pages.export_map_data).
        return Target(file_for(path), page_path=None if name == "geo:map_json" else path)


def relative(from_file: str, to_file: str) -> str:
    return _relative(posixpath.dirname(from_file) or ".", to_file)


@functools.lru_cache(maxsize=65536)
def _relative(from_dir: str, to_file: str) -> str:
    return posixpath.relpath(to_file, from_dir)


def rewrite_url(raw: str, *, page_path: str, page_file: str, sitemap: SiteMap,
                form: bool = False, found: set | None = None) -> str:
    """One URL from an exported page (unescaped), made relative to the page's file."""
    if raw.startswith(ORIGIN):
        raw = raw[len(ORIGIN):] or "/"
    if raw.startswith("#") or raw.startswith("//") or re.match(r"^[a-z][a-z0-9+.-]*:", raw):
        return raw  # fragments, other sites, mailto:, tel:, data:
    if raw and not raw.startswith(("/", "?")):
        return raw  # already relative (the copy's own pages link their data files so)
    parts = urlsplit(raw)
    path = parts.path or page_path
    target = sitemap.target(path, parts.query, form=form)
    if found is not None:
        if target.page_path:
            found.add(target.page_path)
        elif path.startswith(sitemap.static_url):
            found.add(path)
    url = relative(page_file, target.file)
    if target.query:
        url += "?" + target.query
    if parts.fragment:
        url += "#" + parts.fragment
    return url


# A GET form's own attributes are rewritten as a whole (its action leads to the search page).
FORM_OR_URL = re.compile(r'(<form\b[^>]*>)|' + URL_ATTRIBUTE.pattern)


def rewrite_html(text: str, *, page_path: str, page_file: str, sitemap: SiteMap,
                 found: set | None = None) -> str:
    """Every URL attribute of a rendered page made relative; module scripts made classic.

    Chromium refuses module scripts from file:// (their origin is null), and our modules import
    nothing, so a deferred classic script runs them in the same order.
    """
    def attribute(m, form=False):
        url = rewrite_url(html.unescape(m.group(2)), page_path=page_path, page_file=page_file,
                          sitemap=sitemap, form=form, found=found)
        return m.group(1) + html.escape(url, quote=True) + m.group(3)

    def replace(match):
        tag = match.group(1)
        if tag is None:
            return attribute(URL_ATTRIBUTE.match(match.group(0)))
        form = 'method="post"' not in tag.lower()
        return URL_ATTRIBUTE.sub(lambda m: attribute(m, form=form), tag)

    return FORM_OR_URL.sub(replace, text).replace(' type="module"', " defer")


def rewrite_json_urls(data, *, from_file: str, sitemap: SiteMap):
    """URLs inside exported JSON (the map's links), relative to the page that shows them."""
    if isinstance(data, dict):
        return {k: (rewrite_url(v, page_path="/", page_file=from_file, sitemap=sitemap)
                    if isinstance(v, str) and (k == "url" or k.endswith("_url")) and
                    v.startswith("/") else rewrite_json_urls(v, from_file=from_file,
                                                             sitemap=sitemap))
                for k, v in data.items()}
    if isinstance(data, list):
        return [rewrite_json_urls(v, from_file=from_file, sitemap=sitemap) for v in data]
    return data


def as_script(global_name: str, key: str, data) -> str:
    """A data file that a page loads with <script src> (fetch() of file:// is blocked)."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (f"window.{global_name} = window.{global_name} || {{}};\n"
            f"window.{global_name}[{json.dumps(key)}] = {payload};\n")
