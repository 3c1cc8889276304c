import http.server
import threading

import pytest

from atlas.catalogue.sources import check_sources
from atlas.cli import main


class Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.django_db
def test_check_sources_lists_only_links_that_do_not_answer(tool_factory, local_server):
    tool_factory("Alive", slug="alive", website=f"{local_server}/ok",
                 sources=[(f"{local_server}/ok", "", None)])
    tool_factory("Gone", slug="gone", sources=[(f"{local_server}/gone", "", None)])
    # A port nothing listens on: connection refused, reported, not raised.
    tool_factory("Refused", slug="refused", website="http://127.0.0.1:9/",
                 sources=[(f"{local_server}/ok", "", None)])
    problems = check_sources(timeout=2)
    assert [(p.record, p.field, p.reason) for p in problems if p.record != "refused"] == [
        ("gone", "source_url", "HTTP 404")]
    assert [p.field for p in problems if p.record == "refused"] == ["website"]


@pytest.mark.django_db
def test_report_coverage_prints_counts_and_gaps(tool_factory, capsys):
    tool_factory("A", purposes=["training"], countries=["KE"])
    tool_factory("B", purposes=["training", "worker-voice"], countries=["KE", "IN"])
    with pytest.raises(SystemExit) as exit_:
        main(["report", "coverage"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "Coverage of 2 tools" in out
    assert "     2  Training" in out and "     1  Worker voice" in out
    assert "     2  Kenya" in out and "     2  Africa" in out and "     1  Asia" in out
    assert "gap: no tool has purposes = Financial intelligence" in out
