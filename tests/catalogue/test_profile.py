"""The responsible-technology profile: checked on the way in, carried by every way out."""

import csv
import io
import json

import pytest

from atlas.catalogue import profile
from atlas.catalogue.exporters import export_tools
from atlas.dataio.exports import export_records
from atlas.catalogue.models import Tool
from atlas.dataio.imports import import_file

pytestmark = pytest.mark.django_db
HEADER = "tool,item,value,source_url,source_title,note\n"


def write(tmp_path, text, name="profiles.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_profile_file_replaces_the_profile_and_gives_mirrored_fields_their_value(
        tool_factory, tmp_path):
    tool_factory("Lantern", slug="lantern", cost="unknown", languages=["en"])
    report = import_file(write(tmp_path, HEADER
                               + "Lantern,languages,sw;EN,https://l.example/lang,Languages,\n"
                               + "lantern,evaluation,self-reported,https://l.example/r1,,\n"
                               + "lantern,evaluation,peer-reviewed,https://l.example/r2,,\n"
                               + "lantern,cost,free,https://l.example/price,Pricing,free tier\n"))
    assert report.ok and report.kind == "profiles" and report.updated == 1
    tool = Tool.objects.get(slug="lantern")
    assert [(e["item"], e["value"]) for e in tool.profile] == [
        ("evaluation", "peer-reviewed"), ("evaluation", "self-reported"),
        ("languages", ["sw", "en"]), ("cost", "free")]
    assert tool.languages == ["sw", "en"] and tool.cost == "free"
    again = import_file(write(tmp_path, HEADER
                              + "lantern,offline,yes,https://l.example/offline,,\n"))
    assert again.ok
    assert [e["item"] for e in Tool.objects.get(slug="lantern").profile] == ["offline"]


@pytest.mark.parametrize("row, column, reason", [
    ("lantern,hosting,moon,https://l.example/p,,", "value", "unknown value"),
    ("lantern,languages,xx;en,https://l.example/p,,", "value", "unknown ISO 639-1 language code"),
    ("lantern,languages,lus;en,https://l.example/p,,", "value", "unknown ISO 639-1 language code"),
    ("lantern,offline,yes,ftp://l.example/p,,", "source_url", "URL scheme 'ftp'"),
    ("lantern,offline,yes,,,", "source_url", "required"),
    ("lantern,colour,blue,https://l.example/p,,", "item", "unknown profile item"),
    ("nowhere,offline,yes,https://l.example/p,,", "tool", "no tool with this slug or name"),
    ("lantern,licence,Not-A-Licence,https://l.example/p,,", "value", "not an SPDX licence id"),
    ("lantern,hosting_country,ZZ,https://l.example/p,,", "value", "ISO 3166-1"),
])
def test_bad_profile_rows_are_refused_with_line_column_and_reason_and_nothing_is_written(
        tool_factory, tmp_path, row, column, reason):
    tool_factory("Lantern", slug="lantern")
    report = import_file(write(tmp_path, HEADER
                               + "lantern,dpia,yes,https://l.example/dpia,,\n" + row + "\n"))
    assert [(p.line, p.column) for p in report.problems] == [(3, column)]
    assert reason in report.problems[0].reason
    assert Tool.objects.get(slug="lantern").profile == []


def test_an_item_given_twice_for_one_tool_is_refused_naming_the_first_line(tool_factory,
                                                                             tmp_path):
    tool_factory("Lantern", slug="lantern")
    report = import_file(write(tmp_path, HEADER
                               + "lantern,offline,yes,https://l.example/a,,\n"
                               + "lantern,offline,no,https://l.example/b,,\n"))
    assert [(p.line, p.column) for p in report.problems] == [(3, "item")]
    assert "line 2" in report.problems[0].reason
    assert Tool.objects.get(slug="lantern").profile == []


def test_a_json_tool_record_carries_its_profile_and_a_contradicting_field_is_refused(tmp_path):
    record = {"name": "Beacon", "description": "Lights.", "source_url": "https://b.example",
              "cost": "paid", "profile": [
                  {"item": "cost", "value": "free", "source_url": "https://b.example/price"}]}
    report = import_file(write(tmp_path, json.dumps([record]), "tools.json"))
    assert [(p.column, p.value) for p in report.problems] == [("cost", "paid")]
    record["cost"] = "unknown"
    record["profile"].append({"item": "basic_phone", "value": ["sms", "ussd"],
                              "source_url": "https://b.example/sms", "note": "text 123"})
    assert import_file(write(tmp_path, json.dumps([record]), "tools.json")).ok
    tool = Tool.objects.get(slug="beacon")
    assert tool.cost == "free"
    assert profile.values(tool.profile, "basic_phone") == ["sms", "ussd"]


def test_a_csv_tool_import_keeps_the_profile_it_does_not_carry(tool_factory, tmp_path):
    tool_factory("Lantern", slug="lantern", short_description="Old.")
    import_file(write(tmp_path, HEADER + "lantern,offline,yes,https://l.example/a,,\n"))
    report = import_file(write(tmp_path, "slug,name,description,source_url\n"
                               "lantern,Lantern,New.,https://l.example\n", "tools.csv"))
    assert report.ok and report.updated == 1
    tool = Tool.objects.get(slug="lantern")
    assert tool.short_description == "New." and profile.values(tool.profile, "offline") == ["yes"]


def test_profiles_export_as_long_csv_and_json_and_import_back_unchanged(tool_factory,
                                                                          tmp_path):
    tool_factory("Lantern", slug="lantern")
    import_file(write(tmp_path, HEADER
                      + 'lantern,data_access,operator;partners,https://l.example/p,"Policy, v2",\n'
                      + "lantern,self_hostable,no,https://l.example/h,,hosted only\n"))
    out = io.StringIO()
    assert export_records(kind="profiles", fmt="csv", out=out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0] == {"tool": "lantern", "item": "data_access", "value": "operator; partners",
                       "source_url": "https://l.example/p", "source_title": "Policy, v2",
                       "note": ""}
    before = Tool.objects.get(slug="lantern").profile
    Tool.objects.filter(slug="lantern").update(profile=[])
    assert import_file(write(tmp_path, out.getvalue(), "again.csv")).ok
    assert Tool.objects.get(slug="lantern").profile == before
    tools_json = io.StringIO()
    export_tools(fmt="json", out=tools_json)
    exported = json.loads(tools_json.getvalue())
    assert exported["tools"][0]["profile"] == before


def test_the_tool_page_shows_each_item_with_its_source_and_unknown_where_none_says(
        client, tool_factory, tmp_path):
    tool_factory("Lantern", slug="lantern", survivor_involvement="yes")
    import_file(write(tmp_path, HEADER
                      + "lantern,basic_phone,sms;ussd,https://l.example/sms,Text us,\n"))
    page = client.get("/tools/lantern/").content.decode()
    section = page[page.index('id="profile-heading"'):page.index("deployments-heading")]
    assert "SMS, USSD" in section and 'href="https://l.example/sms"' in section
    assert ">Text us<" in section
    assert section.count("<td>Unknown</td>") == len(profile.ITEMS) - 2  # basic phone and survivors known
    assert "the record's sources, below" in section  # survivors: the record's own field


def test_the_profile_page_reads_in_french(client, tool_factory):
    tool_factory("Lantern", slug="lantern")
    page = client.get("/fr/tools/lantern/").content.decode()
    assert "<td>Inconnu</td>" in page and "Choisir l’outil de façon responsable" in page


def test_a_profile_import_reaches_an_index_built_before_it(tool_factory, tmp_path):
    from atlas.catalogue.selectors import tool_search
    tool_factory("Lantern", slug="lantern")
    tool_factory("Beacon", slug="beacon")
    assert tool_search(offline=["yes"]).count == 0  # the index is built (and memoised) here
    import_file(write(tmp_path, HEADER + "lantern,offline,yes,https://l.example/o,,\n"))
    assert [t.slug for t in tool_search(offline=["yes"]).tools] == ["lantern"]
