"""Digital Public Goods nominee files: every file validates against the Alliance's published
nominee schema (vendored in atlas/catalogue/schemas/), with the Atlas's fields mapped onto the
schema's own vocabularies, and only openly licensed tools are nominated."""

import io
import itertools
import json
import zipfile

import jsonschema
import pytest

from atlas.catalogue import vocabularies as v
from atlas.catalogue.dpg import (SDG_TARGETS, SECTORS, TYPE, dpg_licence, dpg_refusal,
                                 nominee_schema)
from atlas.cli import main

pytestmark = pytest.mark.django_db

SITE = "https://atlas.example.org"


def _validator():
    schema = nominee_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _problems(record) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator().iter_errors(record)]


def _export_dpg(directory, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--format", "dpg", "--output", str(directory)])
    out = capsys.readouterr()
    assert exit_.value.code == 0, out.err
    return {p.name: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(directory.glob("*.json"))}, out.err


def test_the_vendored_schema_is_the_published_one_unchanged():
    """The copy in the package is the Alliance's file (its README gives the source and hash)."""
    import hashlib
    import importlib.resources
    data = (importlib.resources.files("atlas.catalogue") / "schemas" /
            "dpg-nominee-schema.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == (
        "4c4939e486a97288d0614957977b2146e65cae73bd6da5a5ef7f9b4543214bc6")
    assert nominee_schema()["required"] == ["name", "description", "license", "organizations",
                                            "SDGs", "type", "stage"]


def test_the_mapping_uses_only_the_schemas_own_vocabularies():
    properties = nominee_schema()["properties"]
    sectors = set(properties["sectors"]["items"]["enum"])
    assert set(SECTORS) == set(v.PURPOSES.terms)  # every purpose is mapped (or mapped to none)
    for purpose, mapped in SECTORS.items():
        assert set(mapped) <= sectors, purpose
    assert set(TYPE) <= set(properties["type"]["items"]["enum"])
    assert set(v.ROLES.terms) <= set(
        properties["organizations"]["items"]["properties"]["org_type"]["enum"])
    sdg_numbers = properties["SDGs"]["items"]["properties"]["SDGNumber"]["enum"]
    assert {number for number, *_ in SDG_TARGETS} <= set(sdg_numbers)


@pytest.mark.parametrize("licence, expected", [
    ("MIT", "MIT"), ("mit", "MIT"), ("Apache-2.0", "Apache-2.0"),
    ("AGPL-3.0-only", "AGPL-3.0"), ("AGPL-3.0-or-later", "AGPL-3.0"),
    ("GPL-2.0-or-later", "GPL-2.0"), ("GPL-3.0+", "GPL-3.0"), ("LGPL-2.1-only", "LGPL-2.1"),
    ("CC-BY-4.0", "CC-BY-4.0"), ("CC0-1.0", "CC0-1.0"),
    ("BlueOak-1.0.0", None),  # OSI-approved, but not on the schema's list
    ("proprietary", None), ("", None), ("GPL-3.0-only-ish", None),
])
def test_licences_map_to_the_schemas_ids_or_to_none(licence, expected):
    assert dpg_licence(licence) == expected


def test_every_nominee_file_of_the_default_dataset_validates_against_the_schema(
        default_dataset, settings, tmp_path, capsys):
    from atlas.catalogue.models import Tool
    settings.ATLAS_SITE_URL = SITE
    from atlas.catalogue.licences import open_source_state
    # As shipped, only the tools whose profile gives an open licence are nominated (a profile
    # entry sets the licence), and the command says why the others are left out.
    states = [open_source_state(t.licence) for t in Tool.objects.all()]
    files, err = _export_dpg(tmp_path / "as-shipped", capsys)
    assert 0 < len(files) == states.count("yes") < 20
    assert f"Left out {len(states) - states.count('yes')} tools" in err
    assert f"{states.count('unknown')} licence unknown" in err
    assert {name: p for name, p in
            ((n, _problems(r)) for n, r in files.items()) if p} == {}
    Tool.objects.filter(licence__in=[t.licence for t in Tool.objects.all()
                                     if open_source_state(t.licence) == "yes"]).update(licence="")
    # Give the shipped records open licences (in the forms the Atlas stores them in) so every
    # record's other fields go through the mapping, then validate every file written.
    licences = itertools.cycle(["MIT", "AGPL-3.0-only", "GPL-2.0-or-later", "Apache-2.0",
                                "CC-BY-4.0", "LGPL-3.0-or-later", "BSD-3-Clause", "MPL-2.0"])
    unknown = list(Tool.objects.filter(licence="").order_by("slug").values_list("pk", flat=True))
    for pk in unknown[:-10]:  # ten stay unknown
        Tool.objects.filter(pk=pk).update(licence=next(licences))
    Tool.objects.filter(pk__in=unknown[:50]).update(source_repository="https://git.example/r")
    files, err = _export_dpg(tmp_path / "licensed", capsys)
    proprietary = Tool.objects.filter(licence="proprietary").count()
    # Licences the shipped profiles give that are open in name but not on the DPG list (a
    # non-commercial Creative Commons licence, say) are left out too, and said so.
    not_listed = sum(1 for t in Tool.objects.exclude(licence__in=["", "proprietary"])
                     if dpg_refusal(t) is not None)
    assert len(files) == Tool.objects.count() - 10 - proprietary - not_listed
    assert f"Left out {10 + proprietary + not_listed} tools" in err \
        and "10 licence unknown" in err and f"{proprietary} proprietary" in err
    if not_listed:
        assert f"{not_listed} licence not on the DPG list of open licences" in err
    problems = {name: _problems(record) for name, record in files.items()}
    assert {name: p for name, p in problems.items() if p} == {}
    for name, record in files.items():
        assert {s["SDGNumber"] for s in record["SDGs"]} >= {8}, name
        assert record["atlas"]["url"] == f"{SITE}/tools/{name.removesuffix('.json')}/"
    assert sum(1 for r in files.values() if r["sectors"]) == len(files)
    assert sum(1 for r in files.values() if r["repositories"]) >= 50
    assert sum(1 for r in files.values() if r["organizations"]) > 300


def test_a_nominee_file_says_what_the_atlas_knows_in_the_schemas_terms(
        tool_factory, settings, tmp_path, capsys):
    settings.ATLAS_SITE_URL = SITE
    tool_factory("Safe Kids", slug="safe-kids", organisations=["Maker"], licence="GPL-3.0-or-later",
                 source_repository="https://git.example/safe-kids", countries=["NP", "KE"],
                 headquarters_country="NP", purposes=["online-child-safety", "reporting-hotline"],
                 exploitation=["child-exploitation"], aliases=["SK", "SK"])
    tool_factory("Labour Lens", slug="labour-lens", licence="MIT",
                 purposes=["supply-chain-transparency", "worker-voice"],
                 exploitation=["labour-trafficking"], website="https://lens.example")
    tool_factory("Closed Tool", slug="closed-tool", licence="proprietary")
    tool_factory("Unknown Tool", slug="unknown-tool")
    files, err = _export_dpg(tmp_path / "dpg", capsys)
    assert sorted(files) == ["labour-lens.json", "safe-kids.json"]
    assert "Left out 2 tools" in err
    kids = files["safe-kids.json"]
    assert _problems(kids) == []
    assert kids["license"] == [{"spdx": "GPL-3.0", "licenseURL": "https://git.example/safe-kids"}]
    assert [s["SDGNumber"] for s in kids["SDGs"]] == [8, 16]
    assert kids["SDGs"][1]["evidenceURL"] == f"{SITE}/tools/safe-kids/"
    assert "Target 16.2" in kids["SDGs"][1]["evidenceText"]
    assert kids["sectors"] == ["Youth", "Communication"]
    assert kids["type"] == ["software"] and kids["stage"] == "nominee"
    assert kids["aliases"] == ["SK"]  # the schema wants unique items
    assert kids["repositories"] == [{"url": "https://git.example/safe-kids"}]
    assert kids["organizations"] == [{"name": "Maker", "org_type": "owner"}]
    assert "website" not in kids  # never the Atlas's page in place of the tool's own
    assert kids["atlas"]["deploymentCountries"] == ["Kenya", "Nepal"]
    lens = files["labour-lens.json"]
    assert _problems(lens) == []
    assert lens["website"] == "https://lens.example"
    assert lens["license"] == [{"spdx": "MIT", "licenseURL": "https://lens.example"}]
    assert [s["SDGNumber"] for s in lens["SDGs"]] == [8]
    assert lens["sectors"] == ["Supply Chain Solutions", "Transparency & Accountability",
                               "Workforce"]


def test_nominee_files_are_in_english_whatever_the_active_language(tool_factory):
    from django.utils import translation

    from atlas.catalogue.exporters import EXPORTERS, tools_for_export
    tool_factory("Lens", slug="lens", licence="MIT", countries=["DE"],
                 exploitation=["labour-trafficking"])
    with translation.override("fr"):  # a French curator's download, say
        archive = io.BytesIO()
        EXPORTERS["dpg"].write(tools_for_export(), archive, base_url=SITE)
    record = json.loads(zipfile.ZipFile(archive).read("lens.json"))
    assert record["atlas"]["url"] == f"{SITE}/tools/lens/"
    assert record["SDGs"][0]["evidenceURL"] == f"{SITE}/tools/lens/"
    assert record["atlas"]["deploymentCountries"] == ["Germany"]
    assert "(labour trafficking and forced labour)" in record["SDGs"][0]["evidenceText"]
    assert _problems(record) == []


def test_why_a_tool_is_not_nominated(tool_factory):
    assert dpg_refusal(tool_factory("A", slug="a")) == "licence unknown"
    assert dpg_refusal(tool_factory("B", slug="b", licence="proprietary")) == "proprietary"
    assert dpg_refusal(tool_factory("C", slug="c", licence="BlueOak-1.0.0")) == \
        "licence not on the DPG list of open licences"
    assert dpg_refusal(tool_factory("D", slug="d", licence="MIT")) is None
