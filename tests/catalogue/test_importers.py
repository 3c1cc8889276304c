"""The importer: all-or-nothing, idempotent, and precise about every problem."""

import json

import pytest

from atlas.dataio.imports import ImportFileError, import_file
from atlas.catalogue.models import Organisation, Tool
from atlas.helplines.models import Helpline

HEADER = "name,organization,website,description,purposes,technologies,users,exploitation,countries,headquarters_country,cost,status,source_url"
GOOD = 'Good Tool,Good Org,https://good.example,"Finds things.",victim-identification,mobile-app,ngos,all,KE;UG,KE,free,active,https://good.example/about'


def write(tmp_path, text, name="tools.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def problems_of(report):
    return [(p.line, p.column, p.reason) for p in report.problems]


@pytest.mark.django_db
def test_import_creates_tools_organisations_and_deployments(tmp_path):
    report = import_file(write(tmp_path, f"{HEADER}\n{GOOD}\n"))
    assert report.ok and report.created == 1
    tool = Tool.objects.get(slug="good-tool")
    assert [r.organisation.name for r in tool.roles.all()] == ["Good Org"]
    assert sorted(d.country for d in tool.deployments.all()) == ["KE", "UG"]
    assert [s.url for s in tool.sources.all()] == ["https://good.example/about"]
    assert tool.verified_at is None


@pytest.mark.django_db
def test_import_is_idempotent(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{GOOD}\n")
    import_file(path)
    before = list(Tool.objects.values_list("slug", "updated_at"))
    report = import_file(path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert list(Tool.objects.values_list("slug", "updated_at")) == before
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("column,bad,reason", [
    ("countries", "KE;XX", "unknown ISO 3166-1 alpha-2 country code"),
    ("purposes", "victim-identification;mind-reading", "unknown purposes term"),
    ("website", "javascript:alert(1)", "URL scheme 'javascript' is not allowed"),
    ("source_url", "ftp://files.example/x", "URL scheme 'ftp' is not allowed"),
    ("description", "", "required field is empty"),
    ("name", "N" * 201, "longer than 200 characters"),
])
def test_import_rejects_bad_cell_with_line_column_value_and_reason(tmp_path, column, bad, reason):
    columns = HEADER.split(",")
    import csv, io
    row = next(csv.reader([GOOD]))
    row[columns.index(column)] = bad
    out = io.StringIO()
    csv.writer(out).writerow(row)
    path = write(tmp_path, f"{HEADER}\n{GOOD.replace('Good Tool', 'Other Tool')}\n{out.getvalue()}")
    report = import_file(path)
    assert not report.written
    assert Tool.objects.count() == 0  # all-or-nothing: the valid first row is not written either
    (problem,) = report.problems
    assert (problem.line, problem.column) == (3, column)
    assert reason in problem.reason
    assert problem.value == bad.split(";")[-1]  # the offending item of a list, not the whole cell
    assert str(path) in str(problem) and "line 3" in str(problem)


@pytest.mark.django_db
def test_import_rejects_duplicate_slug_naming_the_first_line(tmp_path):
    report = import_file(write(tmp_path, f"{HEADER}\n{GOOD}\n{GOOD}\n"))
    assert problems_of(report) == [(3, "slug", "duplicate slug: already on line 2")]
    assert Tool.objects.count() == 0


@pytest.mark.django_db
def test_skip_invalid_imports_the_valid_rows(tmp_path):
    bad = GOOD.replace("Good Tool", "Bad Tool").replace("KE;UG", "ZZ")
    report = import_file(write(tmp_path, f"{HEADER}\n{GOOD}\n{bad}\n"), skip_invalid=True)
    assert report.written and report.created == 1 and report.skipped == 1
    assert list(Tool.objects.values_list("slug", flat=True)) == ["good-tool"]


@pytest.mark.django_db
def test_dry_run_validates_without_writing(tmp_path):
    report = import_file(write(tmp_path, f"{HEADER}\n{GOOD}\n"), dry_run=True)
    assert report.ok and not report.written
    assert Tool.objects.count() == 0


@pytest.mark.django_db
def test_import_accepts_bom_and_crlf(tmp_path):
    path = write(tmp_path, ("\ufeff" + f"{HEADER}\r\n{GOOD}\r\n"))
    assert import_file(path).created == 1
    assert Tool.objects.get().name == "Good Tool"


@pytest.mark.django_db
def test_import_rejects_non_utf8_with_line(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{GOOD.replace('Finds', 'Trouvé')}\n", encoding="latin-1")
    with pytest.raises(ImportFileError, match="not UTF-8.*line 2"):
        import_file(path)


@pytest.mark.django_db
def test_import_rejects_nul_bytes(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{GOOD}\n".encode() + b"x\x00y\n")
    with pytest.raises(ImportFileError, match="NUL byte on line 3"):
        import_file(path)


@pytest.mark.django_db
def test_import_rejects_oversize_files(tmp_path, settings):
    settings.ATLAS_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="the limit is 100"):
        import_file(write(tmp_path, f"{HEADER}\n{GOOD}\n"))
    assert Tool.objects.count() == 0


@pytest.mark.django_db
def test_import_reports_unknown_columns(tmp_path):
    report = import_file(write(tmp_path, f"{HEADER},colour\n{GOOD},blue\n"))
    assert problems_of(report) == [(1, "colour", "unknown column for tools")]


@pytest.mark.django_db
def test_kind_is_detected_from_the_header(tmp_path):
    path = write(tmp_path, "country,name,kind,channel,value,source_url\n"
                           "KE,Childline Kenya,child-helpline,short-code,116,"
                           "https://childlinekenya.co.ke\n",
                 name="lines.csv")
    report = import_file(path)
    assert report.kind == "helplines" and report.created == 1
    assert [c.value for c in Helpline.objects.get().channels.all()] == ["116"]


@pytest.mark.django_db
def test_helpline_needs_a_way_to_reach_it(tmp_path):
    path = write(tmp_path, "country,name,kind,channel,value,source_url\n"
                           "KE,Nothing,child-helpline,,,\n")
    assert problems_of(import_file(path)) == [
        (2, "channel", "a helpline needs at least one channel: a number or an address to "
                       "reach it (or the kind none-found)")]


@pytest.mark.django_db
def test_json_import_names_the_record(tmp_path):
    records = [{"name": "A", "description": "d", "source_url": "https://a.example"},
               {"name": "B", "description": "d", "source_url": "https://b.example",
                "countries": ["KE", "QQ"]}]
    report = import_file(write(tmp_path, json.dumps(records), name="tools.json"))
    (problem,) = report.problems
    assert (problem.where, problem.line, problem.column, problem.value) == ("record", 2, "countries", "QQ")


@pytest.mark.django_db
def test_invalid_json_is_a_clear_error(tmp_path):
    with pytest.raises(ImportFileError, match="not valid JSON.*line 1"):
        import_file(write(tmp_path, "[{", name="x.json"))


@pytest.mark.django_db
def test_organisation_roles_and_known_aliases(tmp_path, organisation_factory):
    organisation_factory("International Organization for Migration", slug="iom", aliases=["IOM"])
    row = GOOD.replace("Good Org", "IOM; Funder Foundation [funder]")
    import_file(write(tmp_path, f"{HEADER}\n{row}\n"))
    roles = sorted((r.organisation.slug, r.role) for r in Tool.objects.get().roles.all())
    assert roles == [("funder-foundation", "funder"), ("iom", "owner")]


@pytest.mark.django_db
def test_derived_slugs_are_slugs_the_importer_accepts(tmp_path):
    path = write(tmp_path, "name,description,source_url\nAmi_bot,Chat bot,https://a.example\n")
    assert import_file(path).created == 1
    assert Tool.objects.get().slug == "ami-bot"
    again = write(tmp_path, "slug,name,description,source_url\nami-bot,Ami_bot,Chat bot,https://a.example\n",
                  name="again.csv")
    assert import_file(again).unchanged == 1


def test_a_bulk_import_left_half_way_is_indexed_by_the_next_command(tmp_path, db):
    """Records are committed first and the search documents follow: an import killed in between
    leaves its tools listed in SearchBacklog, and the next `atlas` data command indexes them."""
    from atlas.catalogue import services
    from atlas.catalogue.models import SearchBacklog
    from atlas.catalogue.selectors import tool_search
    from atlas.cli import main

    path = tmp_path / "tools.csv"
    path.write_text("name,description,source_url,purposes\n"
                    "Lantern Line,A night hotline for seafarers.,https://example.org/l,"
                    "reporting-hotline\n")
    real = services.search_backlog_process
    services.search_backlog_process = lambda **kwargs: 0  # the process dies here
    try:
        assert import_file(path).created == 1
    finally:
        services.search_backlog_process = real
    assert SearchBacklog.objects.count() == 1
    assert tool_search(q="seafarers").count == 0  # words of the description: not indexed yet
    with pytest.raises(SystemExit):
        main(["import", str(path), "--dry-run"])
    assert not SearchBacklog.objects.exists()
    assert [t.slug for t in tool_search(q="seafarers").tools] == ["lantern-line"]


def test_a_bulk_import_plans_again_when_the_catalogue_moved_meanwhile(tmp_path, tool_factory,
                                                                      monkeypatch):
    """A curator's save between the import's reading and its writing is not overwritten with a
    stale plan: the import reads again."""
    from atlas.catalogue import services
    from atlas.catalogue.models import Tool

    tool_factory("Lantern Line", slug="lantern-line", short_description="Old text.")
    path = tmp_path / "tools.csv"
    path.write_text("slug,name,description,source_url\n"
                    "lantern-line,Lantern Line,New text.,https://example.org/l\n"
                    "harbour-app,Harbour App,An app.,https://example.org/h\n")
    real, plans = services._bulk_plan, []

    def plan_then_someone_writes(records):
        plan = real(records)
        plans.append(plan)
        if len(plans) == 1:
            tool_factory("Curator's Tool", slug="curators-tool")  # moves the stamp
        return plan
    monkeypatch.setattr(services, "_bulk_plan", plan_then_someone_writes)
    report = import_file(path)
    assert len(plans) == 2
    assert (report.created, report.updated) == (1, 1)
    assert Tool.objects.get(slug="lantern-line").short_description == "New text."
    assert Tool.objects.filter(slug="curators-tool").exists()
