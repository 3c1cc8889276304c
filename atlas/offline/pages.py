"""The pages of one language of the static copy: which to render, and how to write them."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from atlas.catalogue.filters import FACETS
from atlas.catalogue.models import Deployment, Organisation, Tool
from atlas.catalogue.search.documents import _labels
from atlas.catalogue.search.facets import current_index, positions_from_bits
from atlas.catalogue.selectors import tool_search, tools_with_relations
from atlas.geo.countries import country_name
from atlas.helplines.selectors import helpline_countries
from atlas.offline.paths import (
    SiteMap, as_script, file_for, language_of, language_prefix, relative, rewrite_html,
    rewrite_json_urls,
)

SEARCH_RECORDS = "offline/search-tools.js"
SHAPES = "offline/shapes.js"
SHIM = "/static/offline/fetch-shim.js"


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


def _request(path: str):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def _write(dest: Path, name: str, content: str | bytes) -> None:
    target = dest / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        target.write_text(content, "utf-8")
    else:
        target.write_bytes(content)


def _head_scripts(page_file: str, scripts: list[str]) -> str:
    return "".join(f'<script src="{relative(page_file, s)}"></script>' for s in scripts)


# Parts of pages that need a server: hidden in the copy, whose search page answers instead.
HIDE_IN_COPY = {
    "organisation_list": [('<form method="get" class="inline-filter">',
                           '<form method="get" class="inline-filter" hidden>')],
    "map": [("data-filter-form>", "data-filter-form hidden>"),
            ('<aside class="facets"', '<aside hidden class="facets"')],
}


# What only crawlers and online visitors use: machine-readable alternates and JSON-LD (whose
# URLs would name the exporting host) and descriptions for search engines. Indentation goes too, except where it is content.
FOR_CRAWLERS = re.compile(r'<script type="application/ld\+json">.*?</script>|'
                          r'<link rel="alternate"[^>]*>|<meta name="description"[^>]*>', re.S)
INDENT = re.compile(r"\n[ \t]+")
BLANK_LINES = re.compile(r"\n{2,}")


def trim(text: str) -> str:
    text = FOR_CRAWLERS.sub("", text)
    if "<pre" not in text and "<textarea" not in text:
        text = INDENT.sub("\n", text)
    return BLANK_LINES.sub("\n", text)


FACET_SIDEBAR = re.compile(r'<aside class="facets"[^>]*>.*?</aside>', re.S)


def facets_to_search(text: str, search_path: str) -> str:
    """A list's facet sidebar (hundreds of links) becomes one link to the search page, which
    offers the same facets in the browser: it keeps every list page of the copy small."""
    aside = (f'<aside class="facets" aria-label="{escape(_("Filters"))}"><h2>{escape(_("Filter"))}'
             f'</h2><p><a href="{search_path}">{escape(_("Search tools"))}</a></p></aside>')
    return FACET_SIDEBAR.sub(lambda m: aside, text, count=1)


SIMILAR_TOOLS = re.compile(r'<section aria-labelledby="similar-heading">.*?</section>', re.S)
SIMILAR_EXCERPT = re.compile(r'</a>: <span[^>]*>[^<]*</span>')


def similar_by_name(text: str) -> str:
    """A tool page's "similar tools" keep their links but not their excerpts in the copy: the
    excerpts repeat other pages and would cost a megabyte across six languages."""
    return SIMILAR_TOOLS.sub(lambda m: SIMILAR_EXCERPT.sub("</a>", m.group(0)), text, count=1)


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
        self.client = Client()
        self.result = LanguageResult(language)

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
            self.export_map_data()
            self.export_own_pages()
        return self.result

    def export_page(self, url: str, found: set) -> None:
        response = self.client.get(url)
        if response.status_code != 200:
            self.result.problems.append(f"{url}: HTTP {response.status_code}")
            return
        path, _sep, query = url.partition("?")
        page_file = self.sitemap.target(path, query).file
        if not response["Content-Type"].startswith("text/html"):
            _write(self.dest, page_file, response.content)
            return
        text = response.content.decode("utf-8")
        name = getattr(response.resolver_match, "url_name", "")
        for old, new in HIDE_IN_COPY.get(name, []):
            text = text.replace(old, new, 1)
        if name == "tool_list":
            text = facets_to_search(text, f"{self.prefix}search/")
        elif name == "tool_detail":
            text = similar_by_name(text)
        if path == self.map_path:
            # The map reads JSON with fetch(), which file:// refuses: a shim answers it from data
            # scripts loaded first (fetch-shim.js).
            scripts = [SHIM[1:], SHAPES, f"{self.prefix[1:]}map/offline-data.js"]
            found.add(SHIM)
            text = text.replace('<meta charset="utf-8">',
                                '<meta charset="utf-8">' + _head_scripts(page_file, scripts), 1)
        text = rewrite_html(trim(text), page_path=path, page_file=page_file,
                            sitemap=self.sitemap, found=found)
        _write(self.dest, page_file, text)
        self.result.pages += 1

    def _json(self, url: str):
        response = self.client.get(url)
        if response.status_code != 200:
            self.result.problems.append(f"{url}: HTTP {response.status_code}")
            return None
        return response.json()

    def export_map_data(self) -> None:
        """The map's JSON twin and every country panel, as files and as one data script."""
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
        # The map's twin as a static JSON file (for static servers and scripts); country panels
        # only in the data script, which is all the map reads.
        _write(self.dest, f"{self.prefix[1:]}map/data.json",
               json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        script = "".join(as_script("ATLAS_OFFLINE_JSON", k, v) for k, v in bundle.items())
        _write(self.dest, f"{self.prefix[1:]}map/offline-data.js", script)

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
    index = current_index()
    facets = []
    for facet in FACETS:
        values = {value: str(facet.labels(value)) for value in index.masks[facet.param]}
        facets.append({"param": facet.param, "label": str(facet.label), "values": values})
    tool_file = relative(search_file, file_for(f"{prefix}tools/SLUG/"))
    return {"facets": facets, "tool_url": tool_file,
            "language": translation.get_language()}


def search_records() -> list[dict]:
    """One record per tool: the words it is found by and the facet values it carries."""
    index = current_index()
    values_of: dict[int, dict[str, list[str]]] = {}
    for param, masks in index.masks.items():
        for value, mask in masks.items():
            for position in positions_from_bits(mask):
                values_of.setdefault(index.ids[position], {}).setdefault(param, []).append(value)
    records = []
    for tool in tools_with_relations(Tool.objects.order_by("name")):
        orgs = [role.organisation.name for role in tool.roles.all()]
        words = [*tool.aliases, *_labels(tool),
                 *(country_name(d.country) for d in tool.deployments.all())]
        records.append({"s": tool.slug, "n": tool.name, "d": tool.short_description,
                        "o": list(dict.fromkeys(orgs)), "t": " ; ".join(words),
                        "v": tool.is_verified, "f": values_of.get(tool.pk, {})})
    return records


def write_search_records(dest: Path) -> None:
    _write(dest, SEARCH_RECORDS, as_script("ATLAS_SEARCH", "tools", search_records()))


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
