"""ATLAS_SITE_URL: absolute links in exports, the feed and the JSON-LD of tool pages; JSON-LD
that schema.org processors read as intended."""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.checks import run_checks

from atlas.catalogue.exporters import EXPORTERS
from atlas.cli import main

pytestmark = pytest.mark.django_db

OPERATIONS_MD = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text(
    encoding="utf-8")


def _nodes(value):
    """Every JSON object inside a JSON-LD document, nested ones included."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def _types(node):
    kind = node.get("@type", [])
    return set(kind if isinstance(kind, list) else [kind])


def _check_jsonld(document, site):
    """Every @id and url is absolute on the site or elsewhere; codeRepository only where
    schema.org defines it (SoftwareSourceCode)."""
    links = 0
    for node in _nodes(document):
        for key in ("@id", "url"):
            if key in node:
                parts = urlsplit(node[key])
                assert parts.scheme in ("http", "https") and parts.netloc, (key, node[key])
                links += 1
        if "codeRepository" in node:
            assert "SoftwareSourceCode" in _types(node), node
    assert links
    tool_id = re.escape(site) + r"(/[a-z-]+)?/tools/"  # in the page's language, if not English
    assert any(re.match(tool_id, node.get("@id", "")) for node in _nodes(document))


def _export(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["export", *args])
    return exit_.value.code, capsys.readouterr()


def test_jsonld_export_has_absolute_ids_from_the_site_url_and_code_on_source_code(
        settings, tool_factory, capsys):
    settings.ATLAS_SITE_URL = "https://atlas.example.org/"  # the trailing slash is dropped
    tool_factory("Lighthouse", slug="lighthouse", organisations=["Beacon"], licence="MIT",
                 source_repository="https://git.example/lighthouse", countries=["KE"])
    tool_factory("Closed", slug="closed")
    code, out = _export(["--format", "jsonld"], capsys)
    assert code == 0, out.err
    document = json.loads(out.out)
    _check_jsonld(document, "https://atlas.example.org")
    lighthouse = next(n for n in document["@graph"] if n["name"] == "Lighthouse")
    assert lighthouse["@id"] == lighthouse["url"] == "https://atlas.example.org/tools/lighthouse/"
    assert "codeRepository" not in lighthouse
    assert lighthouse["isBasedOn"] == {
        "@type": "SoftwareSourceCode", "codeRepository": "https://git.example/lighthouse",
        "targetProduct": {"@id": "https://atlas.example.org/tools/lighthouse/"}}
    assert lighthouse["creator"][0]["url"] == "https://atlas.example.org/organisations/beacon/"
    closed = next(n for n in document["@graph"] if n["name"] == "Closed")
    assert "isBasedOn" not in closed


LINKING_FORMATS = ["dpg", "geojson", "jsonld"]  # the formats that link to the Atlas's pages


def test_the_formats_that_link_to_the_atlas_say_so():
    assert sorted(name for name, exporter in EXPORTERS.items()
                  if getattr(exporter, "absolute_links", False)) == LINKING_FORMATS


@pytest.mark.parametrize("fmt", LINKING_FORMATS)
def test_exports_with_links_to_the_atlas_refuse_to_run_without_a_site_url(
        settings, tool_factory, capsys, tmp_path, fmt):
    settings.ATLAS_SITE_URL = ""
    tool_factory("Solo", slug="solo", countries=["KE"], licence="MIT")
    code, out = _export(["--format", fmt, "--output", str(tmp_path / "out")], capsys)
    assert code == 2
    assert "ATLAS_SITE_URL" in out.err and f"--format {fmt}" in out.err
    assert not (tmp_path / "out").exists()
    settings.ATLAS_SITE_URL = "https://atlas.example.org"
    code, out = _export(["--format", fmt, "--output", str(tmp_path / "out")], capsys)
    assert code == 0, out.err
    written = "".join(p.read_text() for p in sorted((tmp_path / "out").glob("*.json"))) \
        if (tmp_path / "out").is_dir() else (tmp_path / "out").read_text()
    assert "https://atlas.example.org/tools/solo/" in written
    assert not re.search(r'"(/tools/|/organisations/)', written)  # no relative link anywhere


def test_formats_without_links_to_the_atlas_need_no_site_url(settings, tool_factory, capsys):
    settings.ATLAS_SITE_URL = ""
    tool_factory("Solo", slug="solo")
    for fmt in ("csv", "json"):
        code, out = _export(["--format", fmt], capsys)
        assert code == 0 and "solo" in out.out, out.err


@pytest.mark.parametrize("value", ["atlas.example.org", "ftp://atlas.example.org",
                                   "https://atlas.example.org/sub/", "https://a.example?x=1",
                                   "https://"])
def test_a_malformed_site_url_is_refused_by_the_export_and_the_system_checks(
        settings, capsys, value):
    settings.ATLAS_SITE_URL = value
    code, out = _export(["--format", "csv"], capsys)
    assert code == 2
    assert "ATLAS_SITE_URL" in out.err and repr(value) in out.err
    assert [e.id for e in run_checks() if e.id == "atlas.E010"] == ["atlas.E010"]


def test_a_good_site_url_passes_the_system_checks(settings):
    settings.ATLAS_SITE_URL = "https://atlas.example.org"
    assert not [e for e in run_checks() if e.id == "atlas.E010"]


def _page_jsonld(html):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_tool_pages_and_downloads_use_the_site_url_and_fall_back_to_the_request(
        client, settings, tool_factory):
    tool_factory("Lighthouse", slug="lighthouse", source_repository="https://git.example/l",
                 countries=["KE"])
    settings.ATLAS_SITE_URL = ""
    page = _page_jsonld(client.get("/tools/lighthouse/").content.decode())
    _check_jsonld(page, "http://testserver")
    download = json.loads(client.get("/exports/tools.jsonld").content)
    _check_jsonld(download, "http://testserver")
    settings.ATLAS_SITE_URL = "https://atlas.example.org"
    from atlas.derived.cache import clear_all
    clear_all()  # cached pages were rendered under the other setting
    page = _page_jsonld(client.get("/fr/tools/lighthouse/").content.decode())
    _check_jsonld(page, "https://atlas.example.org")
    download = json.loads(client.get("/exports/tools.jsonld?q=lighthouse").content)
    _check_jsonld(download, "https://atlas.example.org")
    geojson = client.get("/exports/tools.geojson").content.decode()
    assert '"https://atlas.example.org/tools/lighthouse/"' in geojson


def test_the_site_url_setting_is_documented_with_the_operations_settings():
    row = next((line for line in OPERATIONS_MD.splitlines()
                if line.startswith("| `ATLAS_SITE_URL` |")), None)
    assert row is not None, "docs/operations.md has no ATLAS_SITE_URL row in its settings table"
    assert "export" in row
