"""Exports: every registered format, downloads that respect filters, and a lossless round trip."""

import csv
import io
import json
import zipfile

import pytest

from atlas.catalogue.exporters import EXPORTERS, csv_safe, export_tools
from atlas.cli import main

pytestmark = pytest.mark.django_db

# Fields that belong to one instance, not to the record: database ids, timestamps, and a
# curator's verification (each Atlas verifies for itself).
LOCAL_FIELDS = {"id", "created_at", "updated_at", "verified_at", "verified_by"}


def _snapshot():
    from atlas.catalogue.models import Deployment, Organisation, Source, Tool, ToolOrganisation
    from atlas.helplines.models import Helpline

    def rows(model, key, **related):
        out = {}
        fields = [f for f in model._meta.concrete_fields if f.name not in LOCAL_FIELDS]
        for obj in model.objects.all():
            row = {}
            for f in fields:
                value = getattr(obj, f.name)
                row[f.name] = related[f.name](value) if f.name in related else value
            out[key(obj)] = row
        return out

    slug = lambda obj: obj.slug if obj is not None else None  # noqa: E731
    return {
        "organisations": rows(Organisation, lambda o: o.slug),
        "tools": rows(Tool, lambda t: t.slug),
        "roles": rows(ToolOrganisation, lambda r: (r.tool.slug, r.organisation.slug, r.role),
                      tool=slug, organisation=slug),
        "deployments": rows(Deployment, lambda d: (d.tool.slug, d.country), tool=slug,
                            organisation=slug),
        "sources": rows(Source, lambda s: (s.tool.slug, s.url, s.id and None), tool=slug),
        "helplines": rows(Helpline, lambda h: (h.country, h.name)),
    }


def _empty_catalogue():
    from atlas.catalogue.models import Organisation, Tool
    from atlas.catalogue.search import remove_tools
    from atlas.catalogue.services import catalogue_changed
    from atlas.helplines.models import Helpline
    remove_tools(list(Tool.objects.values_list("pk", flat=True)))
    Tool.objects.all().delete()
    Organisation.objects.all().delete()
    Helpline.objects.all().delete()
    catalogue_changed()


def test_json_export_imported_into_an_empty_atlas_gives_an_identical_catalogue(
        default_dataset, tmp_path, capsys, tool_factory):
    from atlas.dataio.imports import import_file
    from atlas.catalogue.models import Deployment, Organisation, Tool
    # The shipped data has no deployment organisations or long texts: add a record that does.
    partner = Organisation.objects.order_by("slug").first()
    tool_factory("Round Trip Extra", slug="round-trip-extra", organisations=[partner],
                 countries=["KE", "global"], long_description="## Notes\n\nLine=1",
                 deployments={"KE": {"year": 2020, "note": "pilot", "source_url":
                                     "https://example.org/ke", "organisation": partner.slug}},
                 languages=["en", "sw"], year_launched=2019, evidence=["thin"],
                 sources=[("https://example.org/a", "A", None)])
    assert Deployment.objects.filter(organisation__isnull=False).exists()
    before = _snapshot()
    assert len(before["tools"]) == Tool.objects.count() > 100
    paths = {}
    for kind in ("organisations", "tools", "helplines"):
        paths[kind] = tmp_path / f"{kind}.json"
        with pytest.raises(SystemExit) as exit_:
            main(["export", "--format", "json", "--kind", kind, "--output", str(paths[kind])])
        assert exit_.value.code == 0
    _empty_catalogue()
    assert not Tool.objects.exists()
    for kind in ("organisations", "tools", "helplines"):
        report = import_file(paths[kind], kind=kind)
        assert report.ok, [str(p) for p in report.problems[:3]]
    after = _snapshot()
    for part in before:
        assert after[part] == before[part], part


def _export_everything(directory, fmt) -> dict:
    """Every kind of record exported in fmt by `atlas export`: kind -> the file's bytes."""
    written = {}
    for kind in ("organisations", "tools", "helplines"):
        path = directory / f"{kind}.{fmt}"
        with pytest.raises(SystemExit) as exit_:
            main(["export", "--format", fmt, "--kind", kind, "--output", str(path)])
        assert exit_.value.code == 0
        written[kind] = path.read_bytes()
    return written


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_into_an_empty_atlas_then_export_gives_the_same_bytes(
        default_dataset, tmp_path, tool_factory, organisation_factory, fmt):
    from atlas.dataio.imports import import_file
    from atlas.catalogue.models import Organisation, Tool, ToolOrganisation
    # A record whose organisations were stored in an order no import gives them (by an older
    # version, the admin or by hand): the export must not follow the database's order.
    tool = tool_factory("Stored Order", slug="stored-order", countries=["NP", "KE", "global"],
                        sources=[("https://example.org/z", "Z", None),
                                 ("https://example.org/a", "A", None)])
    for name, role in [("Zulu Trust", "funder"), ("Alpha Fund", "owner"),
                       ("Mike Works", "implementer"), ("Alpha Fund", "funder")]:
        organisation = Organisation.objects.filter(name=name).first() or \
            organisation_factory(name)
        ToolOrganisation.objects.create(tool=tool, organisation=organisation, role=role)
    (tmp_path / "first").mkdir()
    first = _export_everything(tmp_path / "first", fmt)
    _empty_catalogue()
    assert not Tool.objects.exists()
    for kind in ("organisations", "tools", "helplines"):
        report = import_file(tmp_path / "first" / f"{kind}.{fmt}", kind=kind)
        assert report.ok, [str(p) for p in report.problems[:3]]
    (tmp_path / "second").mkdir()
    second = _export_everything(tmp_path / "second", fmt)
    for kind in first:
        assert second[kind] == first[kind], kind
    assert b"Stored Order" in first["tools"]


def test_csv_export_prefixes_cells_that_spreadsheets_would_run_as_formulas(tool_factory):
    tool_factory("=HYPERLINK(\"http://evil\")", slug="evil", aliases=["+1", "@SUM(A1)"],
                 short_description="-2+3", long_description="\tTabbed")
    out = io.StringIO()
    export_tools(fmt="csv", out=out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["name"] == "'=HYPERLINK(\"http://evil\")"
    assert row["description"] == "'-2+3"
    assert row["long_description"] == "'\tTabbed"
    assert row["aliases"] == "'+1; @SUM(A1)"
    for prefix in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_safe(prefix + "x") == "'" + prefix + "x"
    assert csv_safe("plain") == "plain" and csv_safe(None) == ""


def test_geojson_puts_one_point_per_deployment_country_at_its_centroid(tool_factory):
    tool_factory("A", slug="a", countries=["KE", "BR"])
    tool_factory("B", slug="b", countries=["KE", "global"])
    out = io.StringIO()
    export_tools(fmt="geojson", out=out)
    data = json.loads(out.getvalue())
    assert data["type"] == "FeatureCollection"
    by_id = {f["id"]: f for f in data["features"]}
    assert set(by_id) == {"KE", "BR"}
    assert by_id["KE"]["properties"]["tool_count"] == 2
    assert [t["slug"] for t in by_id["KE"]["properties"]["tools"]] == ["a", "b"]
    lon, lat = by_id["KE"]["geometry"]["coordinates"]
    assert 33.9 < lon < 41.9 and -4.7 < lat < 5.0  # inside Kenya's bounding box
    lon, lat = by_id["BR"]["geometry"]["coordinates"]
    assert -74 < lon < -34 and -34 < lat < 5.3


def test_the_geojson_export_places_each_country_where_the_map_does(tool_factory):
    """One source of country positions (atlas/core/countries.py): the export's point is the
    map's, including countries a second source once placed 330 degrees away (Kiribati) or not at
    all (Bonaire, Bouvet Island, Kosovo)."""
    from atlas.core.countries import centroid
    codes = ["KI", "PF", "BQ", "BV", "XK", "FR"]
    tool_factory("Far", slug="far", countries=codes)
    out = io.StringIO()
    export_tools(fmt="geojson", out=out)
    by_id = {f["id"]: f for f in json.loads(out.getvalue())["features"]}
    for code in codes:
        lat, lon = centroid(code)
        assert by_id[code]["geometry"]["coordinates"] == [lon, lat], code
    lon, lat = by_id["FR"]["geometry"]["coordinates"]  # mainland France, not overseas
    assert -5 < lon < 8 and 42 < lat < 51


def test_jsonld_describes_each_tool_as_a_schema_org_software_application(tool_factory):
    tool_factory("Lighthouse", slug="lighthouse", organisations=["Beacon"], licence="MIT",
                 countries=["KE"], source_repository="https://git.example/l", cost="free")
    out = io.StringIO()
    export_tools(fmt="jsonld", out=out, base_url="https://atlas.example")
    data = json.loads(out.getvalue())
    assert data["@context"] == "https://schema.org"
    item = data["@graph"][0]
    assert item["@type"] == "SoftwareApplication"
    assert item["url"] == "https://atlas.example/tools/lighthouse/"
    assert item["license"] == "https://spdx.org/licenses/MIT.html"
    assert item["creator"][0]["name"] == "Beacon"
    assert item["spatialCoverage"] == [{"@type": "Country", "name": "Kenya", "identifier": "KE"}]
    assert item["isAccessibleForFree"] is True


def test_every_registered_format_exports_from_the_command_line(tool_factory, tmp_path, settings):
    settings.ATLAS_SITE_URL = "https://atlas.example.org"
    tool_factory("Solo", slug="solo", countries=["KE"], licence="MIT")
    for name, exporter in EXPORTERS.items():
        target = tmp_path / f"out-{name}"
        with pytest.raises(SystemExit) as exit_:
            main(["export", "--format", name, "--output", str(target)])
        assert exit_.value.code == 0, name
        assert target.exists() and (target.is_dir() or target.stat().st_size > 0), name


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_downloads_from_the_tools_page_respect_the_current_filters(client, tool_factory, fmt):
    # Openly licensed, so the DPG export nominates them (tests/api/test_dpg.py).
    tool_factory("Kenya Tool", slug="kenya-tool", countries=["KE"], purposes=["training"],
                 licence="MIT")
    tool_factory("Brazil Tool", slug="brazil-tool", countries=["BR"], purposes=["training"],
                 licence="MIT")
    response = client.get(f"/exports/tools.{fmt}?country=KE")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(EXPORTERS[fmt].media_type)
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    if EXPORTERS[fmt].binary:
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        assert names == ["kenya-tool.json"]
    else:
        text = body.decode()
        assert "kenya-tool" in text and "brazil-tool" not in text
    everything = client.get(f"/exports/tools.{fmt}").content
    assert b"brazil-tool" in everything or b"brazil-tool.json" in everything


def test_download_with_a_bad_filter_answers_400_and_an_unknown_format_404(client):
    response = client.get("/exports/tools.csv?purpose=nope")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "purpose"
    assert client.get("/exports/tools.xlsx").status_code == 404


def test_tools_page_links_to_downloads_of_the_current_results(client, tool_factory):
    tool_factory("Kenya Tool", slug="kenya-tool", countries=["KE"], purposes=["training"])
    html = client.get("/tools/?country=KE&purpose=training").content.decode()
    for fmt in EXPORTERS:
        assert f'href="/exports/tools.{fmt}?purpose=training&amp;country=KE"' in html, fmt


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_exports_to_a_file_show_a_progress_bar_on_terminals_only(tool_factory, tmp_path,
                                                                 monkeypatch):
    for i in range(3):
        tool_factory(f"Bar {i}", slug=f"bar-{i}")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with pytest.raises(SystemExit):
        main(["export", "--format", "csv", "--output", str(tmp_path / "t.csv")])
    assert "export csv" in terminal.getvalue() and "/3 [" in terminal.getvalue()  # a bar of 3
    plain = io.StringIO()
    monkeypatch.setattr("sys.stderr", plain)
    with pytest.raises(SystemExit):
        main(["export", "--format", "csv", "--output", str(tmp_path / "t.csv")])
    assert "export csv" not in plain.getvalue()
