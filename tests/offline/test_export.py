"""`atlas export-site`: a complete static copy whose every link works from disk."""

import html
import json
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings

from atlas.catalogue.models import Tool
from atlas.offline.packing import (page_as_shown, unpack_json_script, unpack_script,
                                 unpack_search_records)
from atlas.offline.paths import SiteMap, rewrite_html, rewrite_url
from atlas.offline.services import ExportError, site_export

pytestmark = pytest.mark.django_db

LINK = re.compile(r'\s(?:href|src|action|data-endpoint|data-country-endpoint|data-shapes)="([^"]*)"')


def links_of(path: Path):
    for value in LINK.findall(path.read_text("utf-8") + page_as_shown(path)):
        yield html.unescape(value)


def test_every_page_of_every_language_is_in_the_copy(exported_site):
    site = exported_site.dest
    for code, _name in settings.LANGUAGES:
        root = site if code == settings.LANGUAGE_CODE else site / code
        for page in ["index.html", "about/index.html", "tools/index.html",
                     "tools/page/2/index.html", "tools/cotton-tracer/index.html",
                     "organisations/index.html", "organisations/nairobi-watch/index.html",
                     "helplines/index.html", "helplines/KE/index.html", "map/index.html",
                     "insights/index.html", "search/index.html"]:
            assert (root / page).is_file(), f"{code}: {page} missing"
        assert f'lang="{code}"' in (root / "tools/cotton-tracer/index.html").read_text()
        assert "<h1>Cotton Tracer</h1>" in page_as_shown(root / "tools/cotton-tracer/index.html")


def test_every_link_in_the_copy_leads_to_a_file_of_the_copy(exported_site):
    site = exported_site.dest
    broken = []
    pages = list(site.rglob("*.html"))
    assert len(pages) > 6 * 10
    # What fetch-shim.js answers on the map from its data scripts (the map's JSON, its panels,
    # the country shapes).
    answered = {key for script in [*site.rglob("map/offline-data.js"), site / "offline/shapes.js"]
                for key in unpack_json_script(script.read_text())}
    for page in pages:
        for url in links_of(page):
            if url.startswith(("#", "http:", "https:", "mailto:", "tel:", "data:")) or not url:
                continue
            if url.endswith("countries/XX.json"):  # map.js puts a country code in its place
                continue
            path = unquote(urlsplit(url).path)
            target = (page.parent / path).resolve()
            if target.relative_to(site.resolve()).as_posix() in answered:
                continue
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(site)}: {url}")
    assert broken == []


def test_no_page_of_the_copy_keeps_an_absolute_site_address(exported_site):
    for page in exported_site.dest.rglob("*.html"):
        text = page_as_shown(page)
        assert not re.search(r'(?:href|src|action)="/(?!/)', text), page
        assert "testserver" not in text, page
        assert 'type="module"' not in text, page  # file:// refuses module scripts


def test_filtered_lists_lead_to_the_search_page_with_their_filters(exported_site):
    tool = page_as_shown(exported_site.dest / "tools" / "cotton-tracer" / "index.html")
    assert 'href="../../search/index.html?country=KE"' in tool
    listing = (exported_site.dest / "tools" / "index.html").read_text()
    assert '<form class="search" action="../search/index.html"' in listing
    assert 'href="page/2/index.html"' in listing


def test_tool_pages_of_the_copy_link_similar_tools_by_name_without_excerpts(exported_site):
    tool = page_as_shown(exported_site.dest / "tools" / "survey-kit-1" / "index.html")
    similar = tool[tool.index('id="similar-heading"'):]
    similar = similar[:similar.index("</section>")]
    assert re.search(r'<a href="\.\./survey-kit-\d+/index\.html">Survey Kit \d+</a>', similar)
    assert "<span" not in similar


def test_the_map_data_is_exported_as_a_data_script_with_relative_links(
        exported_site):
    site = exported_site.dest
    answers = unpack_json_script((site / "fr" / "map" / "offline-data.js").read_text())
    kenya = next(c for c in answers["fr/map/data.json"]["countries"] if c["code"] == "KE")
    assert kenya["helplines_url"] == "../helplines/KE/index.html"
    assert not (site / "fr" / "map" / "data.json").exists()  # only as the script the map reads
    assert answers["fr/map/countries/KE.json"]["helplines_url"] == "../helplines/KE/index.html"
    shapes = unpack_json_script((site / "offline" / "shapes.js").read_text())
    assert shapes["static/geo/countries.json"]["type"] == "FeatureCollection"
    page = (site / "fr" / "map" / "index.html").read_text()
    assert ('<script src="../../static/offline/unpack.js"></script>'
            '<script src="../../static/offline/fetch-shim.js"></script>') in page
    for src in ["../../offline/shapes.js", "offline-data.js"]:
        assert f'<script src="{src}"></script>' in page
    assert (site / "static" / "geo" / "map.js").is_file()
    # The shapes travel packed only (above): the map reads them through fetch-shim.js.
    assert not (site / "static" / "geo" / "countries.json").exists()


def test_the_search_index_holds_every_tool_with_its_facet_values(exported_site):
    text = (exported_site.dest / "offline" / "search-tools.js").read_text()
    records = unpack_search_records(text)
    assert len(records) == Tool.objects.count() > 0
    cotton = next(r for r in records if r["s"] == "cotton-tracer")
    assert cotton["o"] == ["Nairobi Watch"]
    assert sorted(cotton["f"]["country"]) == ["BR", "KE"]
    assert cotton["f"]["purpose"] == ["supply-chain-transparency"]
    facets = (exported_site.dest / "es" / "search" / "facets.js").read_text()
    assert '"tool_url":"../tools/SLUG/index.html"' in facets


def test_links_to_pages_that_need_a_server_lead_to_an_explanation(exported_site):
    tool = page_as_shown(exported_site.dest / "tools" / "cotton-tracer" / "index.html")
    assert 'href="../../offline/index.html"' in tool  # "Contribute" in the navigation
    explanation = (exported_site.dest / "offline" / "index.html").read_text()
    assert "needs a connection" in explanation


def test_pages_of_the_copy_leave_out_what_needs_the_server(exported_site, client):
    """The export renders in offline mode (offline_copy in the templates), not by editing
    markup afterwards: no form, toggle, JSON or history that only a server can answer."""
    site = exported_site.dest
    listing = (site / "fr" / "tools" / "index.html").read_text()
    assert "compare-toggle" not in listing and 'id="compare-form"' not in listing
    assert "data-links" not in listing and "export-links" not in listing
    sidebar = re.search(r'<aside class="facets"[^>]*>.*?</aside>', listing, re.S).group(0)
    assert re.findall(r'href="([^"]*)"', sidebar) == ["../search/index.html"]
    tool = page_as_shown(site / "tools" / "cotton-tracer" / "index.html")
    for server_only in ['class="revisions"', "contribute-links", "data-links"]:
        assert server_only not in tool
    helplines = page_as_shown(site / "helplines" / "KE" / "index.html")
    assert 'class="report"' not in helplines and "line-filters" not in helplines
    insights = (site / "insights" / "index.html").read_text()
    assert re.search(r'<form class="search"[^>]*data-filter-form hidden>', insights)
    assert 'level-gap"><a' not in insights  # an empty cell links nowhere
    served = client.get("/fr/tools/").content.decode()
    assert "compare-toggle" in served and "data-links" in served  # the site keeps them


def test_the_export_refuses_a_directory_that_is_not_empty(small_catalogue, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="not empty"):
        site_export(dest=tmp_path, jobs=1)
    with pytest.raises(ExportError, match="does not look like an earlier export"):
        site_export(dest=tmp_path, jobs=1, force=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_the_export_rejects_an_unknown_language(small_catalogue, tmp_path):
    with pytest.raises(ExportError, match="Unknown language"):
        site_export(dest=tmp_path / "site", languages=["xx"], jobs=1)


def test_the_zip_holds_the_copy_under_one_folder(small_catalogue, tmp_path):
    report = site_export(dest=tmp_path / "site", languages=["en", "ar"],
                         zip_path=tmp_path / "site.zip", jobs=1)
    names = zipfile.ZipFile(tmp_path / "site.zip").namelist()
    # The language switcher leads to the explanation page for languages left out of the copy.
    tool = page_as_shown(tmp_path / "site" / "ar" / "tools" / "cotton-tracer" / "index.html")
    assert 'href="../../../tools/cotton-tracer/index.html" lang="en"' in tool
    assert 'href="../../offline/index.html" lang="fr"' in tool
    assert "site/index.html" in names and "site/ar/tools/cotton-tracer/index.html" in names
    assert len(names) == report.files
    assert report.zip_bytes == (tmp_path / "site.zip").stat().st_size


def test_the_command_prints_the_size_and_time_of_the_copy(small_catalogue, tmp_path, capsys):
    from atlas.cli import main
    with pytest.raises(SystemExit) as exit_:
        main(["export-site", str(tmp_path / "site"), "--language", "en", "--jobs", "1",
              "--zip"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert re.search(r"Exported \d+ pages in 1 languages \(\d+ files, [\d.]+ MB\) to .* in "
                     r"[\d.]+ s \([\d.]+ s of CPU\)", out)
    assert re.search(r"Zipped to .*site\.zip \([\d.]+ MB\)", out)


@pytest.mark.parametrize("url, expected", [
    ("/tools/?purpose=training&amp;page=2", "../search/index.html?purpose=training"),
    ("/tools/?page=3", "page/3/index.html"),
    ("/fr/tools/x/", "../fr/tools/x/index.html"),
    ("/submit/", "../offline/index.html"),
    ("/static/atlas/css/atlas.css", "../static/atlas/css/atlas.css"),
    ("#main", "#main"),
    ("https://example.org/a", "https://example.org/a"),
])
def test_a_site_url_becomes_a_relative_file_path(db, url, expected):
    got = rewrite_url(html.unescape(url), page_path="/tools/", page_file="tools/index.html",
                      sitemap=SiteMap("en"))
    assert got == expected


def test_a_module_script_becomes_a_deferred_classic_script(db):
    text = rewrite_html('<script src="/static/geo/map.js" type="module"></script>',
                        page_path="/map/", page_file="map/index.html", sitemap=SiteMap("en"))
    assert text == '<script src="../static/geo/map.js" defer></script>'


def test_tool_organisation_and_helpline_pages_travel_in_one_bundle_per_section(exported_site):
    site = exported_site.dest
    for code in ["", "ar"]:
        root = site / code if code else site
        up = "../../../" if code else "../../"  # from a page's folder to the copy's root
        for page, heading in [("tools/cotton-tracer/index.html", "<h1>Cotton Tracer</h1>"),
                              ("organisations/nairobi-watch/index.html",
                               "<h1>Nairobi Watch</h1>")]:
            stub = (root / page).read_text()
            # The page file: its language, title and bundle, and without JavaScript a summary
            # of the record and the way to the helplines.
            assert f'<html lang="{code or "en"}"' in stub
            assert "<title>" in stub and '<script src="../pages.js"></script>' in stub
            fallback = stub[stub.index("<noscript>"):stub.index("</noscript>")]
            assert heading in fallback and len(stub.encode()) < 1500
            assert 'href="../../helplines/index.html"' in fallback
            # The quick exit works without JavaScript, first on the page.
            assert fallback.startswith('<noscript><p><a href="https://www.wikipedia.org/" '
                                       'rel="noreferrer">')
            assert 'class="languages"' not in stub  # the frame comes with the bundle
            # The bundle holds the whole body: navigation, language switcher, content.
            shown = page_as_shown(root / page)
            assert heading in shown and 'class="languages"' in shown
            assert f'<link rel="stylesheet" href="{up}static/atlas/css/atlas.css">' in shown
        tool = (root / "tools/cotton-tracer/index.html").read_text()
        assert '<p class="lead"' in tool and 'class="badge unverified"' in tool
        organisation = (root / "organisations/nairobi-watch/index.html").read_text()
        assert 'href="../../tools/cotton-tracer/index.html"' in organisation
        bundle = (root / "tools" / "pages.js").read_text()
        assert (f'add("script", {{src: "{up}static/offline/unpack.js", async: false}}); '
                f'add("script", {{src: "{up}static/offline/page.js", async: false}});') in bundle
        assert set(unpack_script(bundle)) >= {"cotton-tracer", "hotline-trainer"}
    assert (site / "static" / "offline" / "page.js").is_file()
    assert (site / "static" / "offline" / "unpack.js").is_file()


def test_what_a_page_shows_without_javascript_is_stored_once(exported_site):
    # A tool's name, summary and badge and an organisation's name and tools are in the page
    # file for readers without JavaScript; the bundle refers to them instead of repeating them.
    site = exported_site.dest / "es"
    for page, pieces in [("tools/cotton-tracer", ["Traces cotton from farm to factory."]),
                         ("organisations/nairobi-watch",
                          ["<h1>Nairobi Watch</h1>", 'href="../../tools/cotton-tracer/index.html"'])]:
        stub = (site / page / "index.html").read_text()
        bundle = unpack_script((site / page).parent.joinpath("pages.js").read_text())
        shown = page_as_shown(site / page / "index.html")
        for piece in pieces:
            assert piece in stub and piece not in bundle[Path(page).name] and piece in shown


def test_a_country_s_helplines_show_without_javascript_too(exported_site):
    page = (exported_site.dest / "fr" / "helplines" / "KE" / "index.html").read_text()
    body = page[page.index("<body>"):]
    assert "<noscript>" not in page  # the lines are the page's own content, not a fallback
    assert "Childline Kenya" in body and "116" in body
    assert '<link rel="stylesheet" href="../../../static/atlas/css/atlas.css">' in page
    assert body.index('id="quick-exit"') < body.index('<main id="main"') < body.index("116")
    assert 'class="languages"' not in page and 'class="safety-note"' not in page  # bundle


def test_a_country_s_helplines_are_stored_once_and_shown_whole_with_javascript(exported_site):
    site = exported_site.dest / "fr" / "helplines"
    bundle = (site / "pages.js").read_text()
    assert "Childline Kenya" not in str(unpack_script(bundle))  # only in the page file
    shown = page_as_shown(site / "KE" / "index.html")
    main = shown[shown.index('<main id="main"'):]
    assert 'class="languages"' in shown and shown.index('class="languages"') < shown.index(main)
    assert main.index("<h1>") < main.index('class="safety-note"') < main.index("Childline Kenya")
    assert shown.count('id="quick-exit"') == 1


def test_a_bundle_keeps_whole_any_body_whose_frame_differs_from_the_section_s():
    from atlas.offline.packing import fold_bodies, unfold_bodies
    frame = '<nav><a href="../../fr/tools/{}/index.html">fr</a></nav><main id="main">{}</main>'
    bodies = {"a": frame.format("a", "<h1>A</h1>"), "b": frame.format("b", "<h1>B</h1>"),
              "c": "<p>other</p>" + frame.format("c", "<h1>C</h1>")}
    folded = fold_bodies(bodies)
    assert set(folded["mains"]) == {"a", "b"} and set(folded["whole"]) == {"c"}
    assert folded["mains"]["a"] == "<h1>A</h1>"
    assert unfold_bodies(folded) == bodies


def test_a_record_not_yet_verified_says_so_in_three_words_without_javascript(exported_site):
    # The page file (2,550 of them) says "not yet verified" in three words; the page shown with
    # JavaScript keeps the sentence that explains it, once, from the compressed bundle.
    site = exported_site.dest / "es"
    stub = (site / "tools/cotton-tracer/index.html").read_text()
    shown = page_as_shown(site / "tools/cotton-tracer/index.html")
    assert '<p class="badge unverified">Aún no verificado</p><p><a href="../../helplines/' in stub
    assert "fuentes públicas" not in stub
    assert shown.count('class="badge unverified"') == 1 and "fuentes públicas" in shown

