"""The helpline record format: long CSV rows merged into helplines, nested JSON, every problem
named with file, line (or record) and column; exports round-trip (atlas/helplines/records.py)."""

import json

import pytest

from atlas.dataio.imports import import_file
from atlas.helplines.models import Helpline

pytestmark = pytest.mark.django_db

HEADER = ("country,name,operator,kind,topics,purposes,languages,opening_hours,timezone,website,"
          "notes,last_verified,channel,value,channel_note,channel_hours,free,on_bill,source_url,"
          "source_title,source_date,reread\n")
OWN = ("GB,Modern Slavery Referral Helpline,The Salvation Army,modern-slavery-helpline,"
       "trafficking;forced-labour,report;support,en,24/7,Europe/London,,,")


def write(tmp_path, text, name="helplines.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(report):
    return [(p.line, p.column, p.reason) for p in report.problems]


def test_rows_of_one_helpline_become_one_helpline_with_its_channels(tmp_path):
    path = write(tmp_path, HEADER
                 + OWN + ",phone,0800 808 3733,,,yes,unknown,https://s.example/a,A,2025-01,yes\n"
                 + OWN + ",web-form,https://s.example/report,,,unknown,unknown,"
                         "https://s.example/b,B,,no\n")
    report = import_file(path)
    assert report.ok and report.created == 1, problems(report)
    helpline = Helpline.objects.get()
    assert [(c.kind, c.value, c.dial, c.free, c.reread) for c in helpline.channels.all()] == [
        ("phone", "0800 808 3733", "+448008083733", "yes", True),
        ("web-form", "https://s.example/report", "", "unknown", False)]
    assert helpline.topics == ["trafficking", "forced-labour"] and helpline.languages == ["en"]
    assert import_file(path).unchanged == 1  # idempotent


def test_a_wrong_number_is_refused_with_file_line_and_column(tmp_path):
    path = write(tmp_path, HEADER
                 + OWN + ",phone,0300 3038151 (old),,,yes,unknown,https://s.example/a,,,yes\n")
    report = import_file(path)
    assert not report.written and not Helpline.objects.exists()
    ((line, column, reason),) = problems(report)
    assert (line, column) == (2, "value") and "letters in a number" in reason
    assert f"{path}, line 2, column 'value'" in str(report.problems[0])


@pytest.mark.parametrize("cells, column, reason", [
    ({"opening_hours": "weekdays 9-5"}, "opening_hours", "not in OpenStreetMap"),
    ({"timezone": "Europe/Gondor"}, "timezone", "unknown IANA time zone"),
    ({"languages": "xx"}, "languages", "not an ISO 639 language code"),
    ({"topics": "fishing"}, "topics", "unknown helpline_topics term"),
])
def test_bad_hours_zones_languages_and_topics_are_refused(tmp_path, cells, column, reason):
    row = dict(zip(HEADER.strip().split(","), (OWN + ",phone,0800 808 3733,,,yes,unknown,"
                                               "https://s.example/a,,,yes").split(",")))
    row.update(cells)
    path = write(tmp_path, HEADER + ",".join(row.values()) + "\n")
    report = import_file(path)
    assert not Helpline.objects.exists()
    assert any(c == column and reason in r for _l, c, r in problems(report)), problems(report)


def test_rows_that_disagree_on_the_helpline_s_own_columns_are_refused(tmp_path):
    other = OWN.replace("24/7", "Mo-Fr 09:00-17:00")
    path = write(tmp_path, HEADER
                 + OWN + ",phone,0800 808 3733,,,yes,unknown,https://s.example/a,,,yes\n"
                 + other + ",sms,07860 022 222,,,unknown,unknown,https://s.example/a,,,yes\n")
    report = import_file(path)
    assert problems(report) == [(3, "name", "this helpline's own columns differ from line 2 "
                                            "(only channel columns may differ)")]
    assert not Helpline.objects.exists()


def test_json_names_the_channel_that_is_wrong(tmp_path):
    record = {"country": "KE", "name": "Childline Kenya", "kind": "child-helpline",
              "timezone": "Africa/Nairobi", "channels": [
                  {"kind": "short-code", "value": "116", "source_url": "https://s.example/ke"},
                  {"kind": "whatsapp", "value": "116", "source_url": "https://s.example/ke"}]}
    report = import_file(write(tmp_path, json.dumps({"helplines": [record]}), "h.json"))
    assert problems(report) == [(1, "channels.1.value", "a WhatsApp number must be a full "
                                                        "number, not a short number")]


def test_a_none_found_record_has_no_channel_and_says_what_was_searched(tmp_path):
    base = "ER,No dedicated helpline found,,none-found,,,,,,,{notes},,,,,,,,,,,\n"
    report = import_file(write(tmp_path, HEADER + base.format(notes="")))
    assert problems(report) == [(2, "notes", "say what was searched")]
    report = import_file(write(tmp_path, HEADER + base.format(
        notes="Searched the ministry's site and UNICEF Eritrea for a hotline.")))
    assert report.ok and Helpline.objects.get().kind == "none-found"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_shipped_helplines_export_and_import_into_an_empty_atlas_identically(
        tmp_path, default_dataset, fmt):
    from atlas.dataio.exports import export_records
    first = tmp_path / f"first.{fmt}"
    with open(first, "w", encoding="utf-8", newline="") as out:
        count = export_records(kind="helplines", fmt=fmt, out=out)
    assert count == Helpline.objects.count() > 250
    Helpline.objects.all().delete()
    report = import_file(first, kind="helplines")
    assert report.ok and report.created == count, [str(p) for p in report.problems[:3]]
    second = tmp_path / f"second.{fmt}"
    with open(second, "w", encoding="utf-8", newline="") as out:
        export_records(kind="helplines", fmt=fmt, out=out)
    assert second.read_bytes() == first.read_bytes()
