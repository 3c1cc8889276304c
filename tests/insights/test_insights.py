"""Insights: charts and the coverage matrix, from the one search, with SVG, tables and CSV."""

import csv
import io
import re

import pytest

from atlas.catalogue.filters import ToolFilters
from atlas.insights.selectors import (COVERED, CROWDED, GAP, THIN, coverage_matrix,
                                      insight_charts)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(tool_factory):
    tool_factory("Cotton Tracer", countries=["KE", "BR"], purposes=["supply-chain-transparency"],
                 technologies=["blockchain"], users=["businesses"], year_launched=2018,
                 licence="MIT", slug="cotton-tracer")
    tool_factory("Hotline Trainer", countries=["KE", "global"], purposes=["training"],
                 technologies=["hotline-sms"], year_launched=2020, licence="proprietary",
                 slug="hotline-trainer")
    tool_factory("Amazon Monitor", countries=["BR"], purposes=["supply-chain-transparency"],
                 technologies=["satellite-geospatial"], year_launched=2018,
                 slug="amazon-monitor")


def chart(charts, slug):
    return next(c for c in charts if c.slug == slug)


def bars(c):
    return {b.value: b.count for b in c.bars}


def test_charts_count_tools_by_purpose_technology_user_region_year_and_licence(catalogue):
    charts = insight_charts(filters=ToolFilters())
    assert [c.slug for c in charts] == [
        "purpose", "technology", "user", "region", "year", "open-source", "victim-data",
        "victim-data-survivors", "victim-data-protection", "evidence-purpose",
        "evidence-region", "language-gaps"]
    purpose = bars(chart(charts, "purpose"))
    assert purpose["supply-chain-transparency"] == 2 and purpose["training"] == 1
    assert purpose["worker-voice"] == 0  # every purpose is shown, gaps included
    assert chart(charts, "purpose").bars[0].value == "supply-chain-transparency"  # biggest first
    assert bars(chart(charts, "technology"))["blockchain"] == 1
    assert bars(chart(charts, "user"))["businesses"] == 1
    assert bars(chart(charts, "region")) == {"africa": 2, "americas": 2, "asia": 0, "europe": 0,
                                             "oceania": 0, "global": 1}
    assert bars(chart(charts, "year")) == {"2018": 2, "2019": 0, "2020": 1}
    assert bars(chart(charts, "open-source")) == {"yes": 1, "no": 1, "unknown": 1}
    assert "1 of 3 tools (33%)" in chart(charts, "open-source").description


def test_charts_obey_the_same_filters_as_the_tools_list(catalogue):
    charts = insight_charts(filters=ToolFilters(region=("africa",)))
    assert bars(chart(charts, "purpose"))["supply-chain-transparency"] == 1
    assert bars(chart(charts, "year")) == {"2018": 1, "2019": 0, "2020": 1}
    bar = next(b for b in chart(charts, "purpose").bars if b.value == "training")
    assert bar.query == "purpose=training&region=africa"


def test_coverage_matrix_marks_gaps_thin_and_crowded_cells(tool_factory):
    for i in range(15):  # 15 tools with the same purpose and technology in Asia: crowded
        tool_factory(f"Hotline {i}", countries=["IN"], purposes=["reporting-hotline"],
                     technologies=["hotline-sms"])
    tool_factory("Lonely tracer", countries=["FR"], purposes=["supply-chain-transparency"],
                 technologies=["blockchain"])
    matrix = coverage_matrix(filters=ToolFilters())
    purposes = [p for p, _label in matrix.purposes]
    cell = {row.key: dict(zip(purposes, row.cells)) for row in matrix.rows}
    assert cell["asia"]["reporting-hotline"].count == 15
    assert cell["asia"]["reporting-hotline"].level == CROWDED
    assert cell["asia"]["reporting-hotline"].crowded_by == [("hotline-sms", 15)]
    assert cell["europe"]["supply-chain-transparency"].level == THIN
    assert cell["africa"]["training"].level == GAP and cell["africa"]["training"].count == 0
    assert matrix.count(CROWDED) == 1 and matrix.count(THIN) == 1
    assert cell["asia"]["reporting-hotline"].query == "purpose=reporting-hotline&region=asia"


def test_coverage_is_covered_between_thin_and_crowded(tool_factory):
    for i in range(4):  # more than thin (3), spread over two technologies: not crowded
        tool_factory(f"Tool {i}", countries=["KE"], purposes=["training"],
                     technologies=[["mobile-app", "web-platform"][i % 2]])
    matrix = coverage_matrix(filters=ToolFilters())
    africa = next(r for r in matrix.rows if r.key == "africa")
    training = africa.cells[[p for p, _label in matrix.purposes].index("training")]
    assert (training.count, training.level) == (4, COVERED)


def test_coverage_drills_down_to_the_countries_of_a_region(catalogue):
    matrix = coverage_matrix(filters=ToolFilters(), region="africa")
    keys = [row.key for row in matrix.rows]
    assert "KE" in keys and "NG" in keys and "BR" not in keys  # every country, gaps included
    kenya = next(r for r in matrix.rows if r.key == "KE")
    assert kenya.total == 2 and matrix.global_row is None
    with pytest.raises(ValueError):
        coverage_matrix(filters=ToolFilters(), region="atlantis")


def test_coverage_keeps_tools_offered_globally_in_their_own_row(catalogue):
    matrix = coverage_matrix(filters=ToolFilters())
    purposes = [p for p, _label in matrix.purposes]
    assert matrix.global_row.cells[purposes.index("training")].count == 1


def test_insights_page_draws_accessible_svg_charts_with_tables_and_csv_links(client, catalogue):
    html = client.get("/insights/?region=africa").content.decode()
    svgs = re.findall(r"<svg class=\"chart\"[^>]*>\s*<title id=\"([^\"]+)\">[^<]+</title>\s*"
                      r"<desc id=\"([^\"]+)\">[^<]+</desc>", html)
    assert len(svgs) == 12
    assert 'role="img" aria-labelledby="chart-purpose-title chart-purpose-desc"' in html
    assert html.count('<table class="data chart-table">') == 12
    assert 'href="/insights/purpose.csv?region=africa" download' in html
    assert 'href="/insights/coverage/africa/?region=africa"' in html
    assert " style=" not in html and "<style" not in html


def test_insights_page_shows_the_coverage_matrix_with_its_levels(client, catalogue):
    html = client.get("/insights/").content.decode()
    assert 'class="level-gap"' in html and 'class="level-thin"' in html
    assert "<strong>Gap</strong>" in html


def test_insights_page_explains_unknown_filters_instead_of_failing(client, catalogue):
    response = client.get("/insights/?technology=telepathy")
    assert response.status_code == 200
    assert "<code>technology=telepathy</code>" in response.content.decode()


def test_chart_csv_has_the_same_figures_as_the_chart(client, catalogue):
    response = client.get("/insights/purpose.csv?region=americas")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="atlas-purpose.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["value", "label", "tools"]
    assert ["supply-chain-transparency", "Supply-chain transparency", "2"] in rows


def test_coverage_csv_for_the_world_and_for_a_region(client, catalogue):
    rows = list(csv.DictReader(io.StringIO(client.get("/insights/coverage.csv").content.decode())))
    africa = next(r for r in rows if r["region"] == "africa")
    assert africa["supply-chain-transparency"] == "1" and africa["training:level"] == "thin"
    assert rows[-1]["region"] == "global"
    rows = list(csv.DictReader(io.StringIO(
        client.get("/insights/coverage/africa.csv").content.decode())))
    assert next(r for r in rows if r["country"] == "KE")["training"] == "1"


def test_unknown_chart_or_region_is_404(client, catalogue):
    assert client.get("/insights/colour.csv").status_code == 404
    assert client.get("/insights/coverage/atlantis/").status_code == 404
    assert client.get("/insights/coverage/atlantis.csv").status_code == 404


def test_region_coverage_page_lists_the_countries(client, catalogue):
    html = client.get("/insights/coverage/africa/?purpose=training").content.decode()
    assert "<h1>Coverage in Africa</h1>" in html
    assert '<th scope="row">Kenya</th>' in html
    assert 'href="/tools/?purpose=training&amp;country=KE"' in html


def test_insights_json_twin_has_the_same_figures_as_the_page(client, catalogue):
    data = client.get("/insights/data.json?region=americas").json()
    assert data["count"] == 2
    purpose = next(c for c in data["charts"] if c["slug"] == "purpose")
    scs = next(v for v in purpose["values"] if v["value"] == "supply-chain-transparency")
    assert scs == {"value": "supply-chain-transparency", "label": "Supply-chain transparency",
                   "count": 2,
                   "tools_url": "/tools/?purpose=supply-chain-transparency&region=americas"}
    year = next(c for c in data["charts"] if c["slug"] == "year")
    assert year["values"][0]["tools_url"] is None  # no filter for years in the tools list
    americas = next(r for r in data["coverage"]["rows"] if r["key"] == "americas")
    assert americas["cells"]["supply-chain-transparency"]["count"] == 2
    assert americas["cells"]["training"]["level"] == "gap"
    assert data["coverage"]["global"]["key"] == "global"
    assert client.get("/insights/data.json?user=aliens").status_code == 400


def test_insights_pages_send_the_strict_csp_and_no_inline_script(client, catalogue):
    for url in ["/insights/", "/insights/coverage/asia/", "/fr/insights/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "default-src 'self'" in response["Content-Security-Policy"]
        html = response.content.decode()
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_insights_page_query_count_does_not_grow_with_the_catalogue(
        client, tool_factory, django_assert_max_num_queries):
    for i in range(30):
        tool_factory(f"Tool {i}", organisations=[f"Org {i}"], countries=["KE", "TH"],
                     purposes=["training"], year_launched=2000 + i)
    client.get("/insights/")  # builds the facet index once
    with django_assert_max_num_queries(6):
        response = client.get("/insights/?purpose=training")
    assert response.status_code == 200


def _entry(item, value):
    return {"item": item, "value": value, "source_url": "https://s.example/" + item,
            "source_title": "", "note": ""}


def test_responsible_technology_charts_count_what_the_profiles_say(tool_factory):
    tool_factory("Case files", countries=["KE"], purposes=["victim-support"], languages=["sw"],
                 processes_victim_data="yes", survivor_involvement="yes",
                 profile=[_entry("privacy_policy", "yes"),
                          _entry("evaluation", "independent-evaluation")])
    tool_factory("Intake", countries=["KE"], purposes=["victim-support"],
                 processes_victim_data="yes", profile=[_entry("privacy_policy", "no")])
    tool_factory("Leaflets", countries=["BD"], purposes=["prevention-awareness"],
                 processes_victim_data="no", profile=[_entry("evaluation", "self-reported")])
    charts = insight_charts(filters=ToolFilters())
    assert bars(chart(charts, "victim-data")) == {"yes": 2, "no": 1, "unknown": 0}
    assert bars(chart(charts, "victim-data-survivors")) == {"yes": 1, "no": 0, "unknown": 1}
    assert bars(chart(charts, "victim-data-protection")) == {
        "published": 1, "not-published": 1, "unknown": 0}
    assert "1 of them (50%)" in chart(charts, "victim-data-protection").description
    evidence = bars(chart(charts, "evidence-purpose"))
    assert evidence["victim-support"] == 1 and evidence["prevention-awareness"] == 0  # self-reported
    assert "Victim and survivor support: 1/2" in chart(charts, "evidence-purpose").description
    languages = bars(chart(charts, "language-gaps"))
    assert languages["sw"] == 1 and languages["en"] == 0 and languages["bn"] == 0
    assert "Bangla" in chart(charts, "language-gaps").description or \
        "Bengali" in chart(charts, "language-gaps").description
