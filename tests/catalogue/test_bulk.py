"""A bulk import's write transaction: a copy of rows sent before it, whatever their number."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atlas.catalogue import services
from atlas.catalogue.models import Deployment, Source, Tool, ToolOrganisation
from atlas.dataio.imports import import_file

pytestmark = pytest.mark.django_db


def _csv(tmp_path, count, name="tools.csv", description="Finds things."):
    path = tmp_path / name
    rows = [f"Tool {i},Org {i % 7} [owner]; Funder [funder],{description},KE;UG;global,"
            f"https://t{i}.example/a" for i in range(count)]
    path.write_text("name,organization,description,countries,source_url\n" + "\n".join(rows))
    return path


def _write_transaction(monkeypatch, path):
    """The statements the import ran in its write transaction."""
    captured = []
    real = services._bulk_write

    def recorded(*args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            real(*args, **kwargs)
        captured.extend(q["sql"] for q in queries.captured_queries)
    monkeypatch.setattr(services, "_bulk_write", recorded)
    import_file(path)
    monkeypatch.undo()
    return captured


def test_the_write_transaction_sends_no_rows_and_runs_as_many_statements_for_3_as_for_2500_tools(
        tmp_path, monkeypatch):
    small = _write_transaction(monkeypatch, _csv(tmp_path, 3))
    Tool.objects.all().delete()
    large = _write_transaction(monkeypatch, _csv(tmp_path, 2500, name="large.csv"))
    assert Tool.objects.count() == 2500
    # Rows sent one by one (executemany, logged as "N times: ...") would hold the lock per row.
    assert not [sql for sql in large if " times: " in sql]
    assert len(large) == len(small)


def test_a_bulk_update_replaces_each_tool_s_relations_and_keeps_its_sources_in_order(tmp_path):
    import_file(_csv(tmp_path, 40))
    ids = dict(Tool.objects.values_list("slug", "id"))
    path = tmp_path / "changed.json"
    path.write_text('[{"slug": "tool-3", "name": "Tool 3", "description": "Changed.", '
                    '"organization": [{"name": "Org 5", "role": "maintainer"}], '
                    '"countries": ["FR"], "sources": [{"url": "https://z.example"}, '
                    '{"url": "https://a.example"}, {"url": "https://m.example"}]}]')
    report = import_file(path)
    assert (report.updated, report.created) == (1, 0)
    tool = Tool.objects.get(slug="tool-3")
    assert tool.id == ids["tool-3"] and tool.short_description == "Changed."
    assert list(ToolOrganisation.objects.filter(tool=tool).values_list(
        "organisation__name", "role")) == [("Org 5", "maintainer")]
    assert list(Deployment.objects.filter(tool=tool).values_list("country", flat=True)) == ["FR"]
    assert list(Source.objects.filter(tool=tool).order_by("id").values_list("url", flat=True)) \
        == ["https://z.example", "https://a.example", "https://m.example"]
    assert Deployment.objects.filter(tool__slug="tool-4").count() == 2  # the others untouched


def test_a_changed_description_rewrites_none_of_the_tools_relations(tmp_path):
    import_file(_csv(tmp_path, 30))
    rows = {model: sorted(model.objects.values_list("id", flat=True))
            for model in (ToolOrganisation, Deployment, Source)}
    report = import_file(_csv(tmp_path, 30, name="again.csv", description="Finds more things."))
    assert report.updated == 30
    assert set(Tool.objects.values_list("short_description", flat=True)) == {"Finds more things."}
    assert {model: sorted(model.objects.values_list("id", flat=True)) for model in rows} == rows
