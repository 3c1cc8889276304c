"""Federation: one Atlas harvests another over HTTP; hostile sources change nothing."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from atlas.harvest.services import HarvestError, harvest
from atlas.harvest.models import HarvestedRecord
from atlas.catalogue.models import Organisation, Tool
from tests.accounts.fixtures import administrator, sign_in_verified  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

SOURCE_ORGS = {"organisations": [
    {"slug": "beacon-ngo", "name": "Beacon NGO", "kind": "ngo", "website": "https://beacon.example",
     "headquarters_country": "KE", "aliases": ["BNGO"], "source_url": "https://beacon.example/a"},
    {"slug": "field-partner", "name": "Field Partner", "kind": "government"},
]}


def _source_tools(description="Reports trafficking by SMS."):
    return {"tools": [
        {"slug": "sms-line", "name": "SMS Line", "description": description,
         "organization": [{"name": "Beacon NGO", "role": "owner"}],
         "purposes": ["reporting-hotline"], "technologies": ["hotline-sms"],
         "countries": ["KE", "UG", "global"], "languages": ["en", "sw"], "licence": "MIT",
         "year_launched": 2018, "evidence": ["thin"], "long_description": "Longer *text*.",
         "deployments": [{"country": "KE", "year": 2019, "note": "pilot",
                          "source_url": "https://beacon.example/ke",
                          "organisation": "field-partner"}],
         "sources": [{"url": "https://beacon.example/sms", "title": "SMS Line",
                      "date_read": "2024-05-01"}]},
        {"slug": "shared-tool", "name": "Shared Tool", "description": "Exists on both sides.",
         "organization": [{"name": "Beacon NGO", "role": "owner"}],
         "source_url": "https://beacon.example/shared"},
        {"slug": "local-clash", "name": "Local Clash", "description": "The source's version.",
         "source_url": "https://beacon.example/clash"},
    ]}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SourceAtlas:
    """A second Atlas: its own SQLite file, served by gunicorn on 127.0.0.1."""

    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "atlas.settings.dev",
                    "ATLAS_DATABASE_URL": f"sqlite:///{tmp_path / 'source.sqlite3'}",
                    "ATLAS_DATA_DIR": str(tmp_path)}
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = None

    def atlas(self, *args):
        result = subprocess.run([sys.executable, "-m", "atlas", *args], env=self.env, cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        return result

    def load(self, name, data):
        path = self.dir / name
        path.write_text(json.dumps(data))
        self.atlas("import", str(path))

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "atlas.wsgi:application", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4"],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the source Atlas did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    """One migrated SQLite file, copied for each source Atlas (migrating takes seconds)."""
    directory = tmp_path_factory.mktemp("template")
    SourceAtlas(directory).atlas("manage", "migrate", "--verbosity", "0")
    return directory / "source.sqlite3"


@pytest.fixture
def source_atlas(tmp_path, migrated_database):
    import shutil
    shutil.copy(migrated_database, tmp_path / "source.sqlite3")
    source = SourceAtlas(tmp_path)
    source.load("orgs.json", SOURCE_ORGS)
    source.load("tools.json", _source_tools())
    source.start()
    yield source
    source.stop()


def _local_detail(client, slug):
    data = client.get(f"/api/v1/tools/{slug}").json()
    for key in ("created_at", "updated_at"):
        data.pop(key)
    return data


def _remote_detail(source, slug):
    with urllib.request.urlopen(f"{source.url}/api/v1/tools/{slug}") as response:
        data = json.load(response)
    for key in ("created_at", "updated_at"):
        data.pop(key)
    return data


def _approve(submission, curator, payload=None):
    from atlas.submissions.services import submission_approve
    return submission_approve(submission=submission, user=curator, payload=payload)


def test_one_atlas_harvests_another_into_the_review_queue_and_a_second_run_changes_nothing(
        source_atlas, client, tool_factory, administrator):
    from atlas.submissions.models import Submission
    tool_factory("Shared Tool", slug="shared-tool", organisations=["Beacon NGO"],
                 short_description="Exists on both sides.",
                 sources=[("https://beacon.example/shared", "", None)])
    tool_factory("Local Clash", slug="local-clash", short_description="Our own version.")
    report = harvest(source_atlas.url)
    assert report.proposed == ["sms-line"]
    assert report.unchanged == ["shared-tool"]
    assert report.refused == []
    assert report.corrections == [("local-clash", "a local record")]

    # Nothing is published by a harvest: the new tool and its new organisation wait for review.
    assert not Tool.objects.filter(slug="sms-line").exists()
    assert not Organisation.objects.filter(slug="field-partner").exists()
    assert not HarvestedRecord.objects.exists()
    proposal = Submission.objects.get(kind="tool", status="pending")
    assert proposal.payload["origin"] == {
        "instance": source_atlas.url, "remote_slug": "sms-line",
        "url": f"{source_atlas.url}/api/v1/tools/sms-line"}
    assert [o["slug"] for o in proposal.payload["new_organisations"]] == ["field-partner"]
    assert proposal.payload["new_organisations"][0]["kind"] == "government"
    # The local record is kept; the source's version waits for a curator as a correction.
    correction = Submission.objects.get(kind="correction", status="pending")
    assert correction.tool.slug == "local-clash"
    assert correction.payload["changes"] == {"description": "The source's version.",
                                             "sources": [{"url": "https://beacon.example/clash",
                                                          "title": "", "date_read": None}]}
    assert correction.payload["source_url"] == f"{source_atlas.url}/api/v1/tools/local-clash"
    assert Tool.objects.get(slug="local-clash").short_description == "Our own version."

    again = harvest(source_atlas.url + "/api/v1/")
    assert (again.proposed, again.corrections, again.refused) == ([], [], [])
    assert sorted(again.unchanged) == ["local-clash", "shared-tool", "sms-line"]
    assert Submission.objects.count() == 2  # pending proposals are not filed twice

    # Approving the proposal publishes the source's record, field by field, with provenance.
    curator = administrator
    _approve(proposal, curator)
    assert _local_detail(client, "sms-line") == _remote_detail(source_atlas, "sms-line")
    assert Organisation.objects.get(slug="field-partner").kind == "government"
    tool = Tool.objects.get(slug="sms-line")
    assert tool.verified_at is None
    origin = HarvestedRecord.objects.get(tool=tool)
    assert origin.instance == source_atlas.url and origin.remote_slug == "sms-line"
    stamp = tool.updated_at
    third = harvest(source_atlas.url)
    assert (third.proposed, third.corrections) == ([], [])
    assert Submission.objects.count() == 2
    assert Tool.objects.get(slug="sms-line").updated_at == stamp

    # A change at the source becomes a proposed correction of the harvested record, and only it.
    source_atlas.load("tools2.json", _source_tools(description="Now also by WhatsApp."))
    fourth = harvest(source_atlas.url)
    assert fourth.corrections == [("sms-line", "harvested from the same Atlas earlier")]
    assert fourth.proposed == []
    assert Tool.objects.get(slug="sms-line").short_description == "Reports trafficking by SMS."
    change = Submission.objects.get(kind="correction", tool=tool, status="pending")
    assert change.payload["changes"] == {"description": "Now also by WhatsApp."}
    assert change.payload["origin"]["why"] == "harvested"
    _approve(change, curator)
    assert Tool.objects.get(slug="sms-line").short_description == "Now also by WhatsApp."
    assert HarvestedRecord.objects.get(tool=tool).last_changed_at > origin.last_changed_at
    assert "sms-line" in harvest(source_atlas.url).unchanged

    # Once a curator has verified the record, the proposal says so.
    from atlas.catalogue.services import tool_verify
    tool_verify(tool=Tool.objects.get(slug="sms-line"), user=curator)
    source_atlas.load("tools3.json", _source_tools(description="Changed again."))
    assert harvest(source_atlas.url).corrections == [("sms-line", "verified here by a curator")]
    assert Tool.objects.get(slug="sms-line").short_description == "Now also by WhatsApp."


def test_a_source_change_supersedes_the_pending_proposal_and_a_rejected_one_is_not_filed_again(
        source_atlas, administrator):
    from django.core.exceptions import ValidationError

    from atlas.submissions.models import Submission
    from atlas.submissions.services import submission_reject
    harvest(source_atlas.url)
    first = Submission.objects.get(kind="tool", payload__origin__remote_slug="sms-line")
    source_atlas.load("tools2.json", _source_tools(description="Now also by WhatsApp."))
    report = harvest(source_atlas.url)
    assert report.proposed == ["sms-line"] and sorted(report.unchanged) == [
        "local-clash", "shared-tool"]
    # A curator who read the first version cannot publish the second without seeing it: the
    # newer version is a new proposal and the one they read is closed.
    first.refresh_from_db()
    newer = Submission.objects.get(kind="tool", status="pending",
                                   payload__origin__remote_slug="sms-line")
    assert first.status == "superseded" and first.superseded_by == newer
    assert newer.payload["description"] == "Now also by WhatsApp."
    curator = administrator
    with pytest.raises(ValidationError, match="already been reviewed"):
        _approve(first, curator)
    assert not Tool.objects.filter(slug="sms-line").exists()

    submission_reject(submission=newer, user=curator, reason="Not a trafficking tool.")
    again = harvest(source_atlas.url)
    assert again.proposed == [] and "sms-line" in again.unchanged
    assert Submission.objects.filter(kind="tool").count() == 4
    # A later change at the source is worth another look; going back to a superseded version too.
    source_atlas.load("tools3.json", _source_tools())
    assert harvest(source_atlas.url).proposed == ["sms-line"]
    assert Submission.objects.filter(kind="tool", status="pending").count() == 3


def test_a_second_change_at_the_source_supersedes_the_pending_correction(source_atlas,
                                                                        tool_factory):
    from atlas.submissions.models import Submission
    tool_factory("Local Clash", slug="local-clash", short_description="Our own version.")
    harvest(source_atlas.url)
    first = Submission.objects.get(kind="correction")
    assert first.payload["origin"]["why"] == "local"
    clash = _source_tools()
    clash["tools"][2]["description"] = "The source's second version."
    source_atlas.load("tools2.json", clash)
    assert harvest(source_atlas.url).corrections == [("local-clash", "a local record")]
    first.refresh_from_db()
    assert first.status == "superseded"
    pending = Submission.objects.get(kind="correction", status="pending")
    assert pending.payload["changes"]["description"] == "The source's second version."


def test_curators_read_why_a_harvested_correction_was_filed_in_their_language(
        source_atlas, tool_factory, client, administrator):
    from django.urls import reverse

    from atlas.submissions.models import Submission
    tool_factory("Local Clash", slug="local-clash", short_description="Our own version.")
    harvest(source_atlas.url)
    correction = Submission.objects.get(kind="correction")
    staff = sign_in_verified(client, administrator)
    page = staff.get(reverse("submissions:detail", args=[correction.pk])).content.decode()
    assert f"Harvested from {source_atlas.url}</a>: the record there differs from this one, " \
           "which was made here." in page
    assert f'href="{source_atlas.url}/api/v1/tools/local-clash"' in page
    french = staff.get("/fr" + reverse("submissions:detail", args=[correction.pk]))
    assert "ici" in french.content.decode() and "which was made here" not in \
        french.content.decode()


def test_a_harvested_tool_that_resembles_one_here_is_flagged_as_a_possible_duplicate(
        source_atlas, tool_factory):
    from atlas.submissions.models import Submission
    tool_factory("SMS Line Kenya", slug="sms-line-kenya",
                 short_description="Reports trafficking by SMS in Kenya.")
    harvest(source_atlas.url)
    proposal = Submission.objects.get(kind="tool", payload__origin__remote_slug="sms-line")
    assert proposal.duplicates == ["sms-line-kenya"]


def test_a_curator_s_changed_organisation_creates_no_organisation_the_tool_no_longer_names(
        source_atlas, client, administrator):
    from django.urls import reverse

    from atlas.submissions.models import Submission
    harvest(source_atlas.url)
    proposal = Submission.objects.get(kind="tool", payload__origin__remote_slug="sms-line")
    assert {o["slug"] for o in proposal.payload["new_organisations"]} == {"beacon-ngo",
                                                                         "field-partner"}
    staff = sign_in_verified(client, administrator)
    edit_url = reverse("submissions:edit", args=[proposal.pk])
    initial = staff.get(edit_url).context["form"].initial
    response = staff.post(edit_url, {
        "name": "SMS Line", "website": "", "description": initial["description"],
        "purposes": initial["purposes"], "technologies": initial["technologies"],
        "countries": initial["countries"], "source_url": initial["source_url"],
        "organisation": "Kenya Counter-Trafficking Network", "note": ""})
    assert response.status_code == 302, response.context["form"].errors
    tool = Tool.objects.get(slug="sms-line")
    assert [(r.organisation.name, r.role) for r in tool.roles.all()] == [
        ("Kenya Counter-Trafficking Network", "owner")]
    assert not Organisation.objects.filter(slug="beacon-ngo").exists()
    # The deployment still names the field partner: it is created, with the source's details.
    assert Organisation.objects.get(slug="field-partner").kind == "government"


def test_a_harvested_tool_published_under_another_slug_is_still_recognised(
        source_atlas, tool_factory, administrator):
    from atlas.submissions.models import Submission
    harvest(source_atlas.url)
    # Meanwhile a different tool took the slug here.
    tool_factory("Another SMS Line", slug="sms-line", short_description="Ours, unrelated.")
    _approve(Submission.objects.get(kind="tool", payload__origin__remote_slug="sms-line"),
             administrator)
    published = HarvestedRecord.objects.get(remote_slug="sms-line").tool
    assert published.slug == "sms-line-2" and published.name == "SMS Line"
    report = harvest(source_atlas.url)
    assert "sms-line-2" in report.unchanged
    assert Tool.objects.get(slug="sms-line").short_description == "Ours, unrelated."


def test_edit_then_approve_keeps_what_the_form_does_not_show(source_atlas, client, administrator):
    from atlas.submissions.models import Submission
    harvest(source_atlas.url)
    proposal = Submission.objects.get(kind="tool", payload__origin__remote_slug="sms-line")
    from django.urls import reverse
    staff = sign_in_verified(client, administrator)
    edit_url = reverse("submissions:edit", args=[proposal.pk])
    form = staff.get(edit_url)
    assert form.status_code == 200
    initial = form.context["form"].initial
    response = staff.post(edit_url, {
        "name": "SMS Line (Kenya)", "website": initial.get("website") or "",
        "description": "Reports trafficking by SMS, edited by a curator.",
        "purposes": initial["purposes"], "technologies": initial["technologies"],
        "users": initial.get("users", []), "exploitation": initial.get("exploitation", []),
        "countries": initial["countries"], "source_url": initial["source_url"],
        "organisation": initial["organisation"], "note": "edited"})
    assert response.status_code == 302, (response.context["form"].errors,
                                         response.context["errors"])
    tool = Tool.objects.get(slug="sms-line")
    assert tool.name == "SMS Line (Kenya)"
    assert HarvestedRecord.objects.get(tool=tool).remote_slug == "sms-line"
    kenya = tool.deployments.get(country="KE")
    assert (kenya.note, kenya.organisation.slug) == ("pilot", "field-partner")
    assert sorted(s.url for s in tool.sources.all()) == ["https://beacon.example/sms"]
    assert tool.long_description == "Longer *text*."
    assert Organisation.objects.get(slug="field-partner").kind == "government"


def test_harvest_command_prints_a_summary_and_dry_run_writes_nothing(source_atlas, capsys):
    from atlas.cli import main
    from atlas.submissions.models import Submission
    with pytest.raises(SystemExit) as exit_:
        main(["harvest", source_atlas.url, "--dry-run"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "would propose (dry run) 3 new tools and 0 corrections for review" in out
    assert "0 unchanged, 0 refused" in out
    assert not Submission.objects.exists()
    with pytest.raises(SystemExit) as exit_:
        main(["harvest", source_atlas.url])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "proposed new tool sms-line" in out and "proposed 3 new tools" in out
    assert Submission.objects.filter(kind="tool", status="pending").count() == 3
    assert not Tool.objects.exists()


# --- hostile sources ----------------------------------------------------------------------------

GOOD_TOOL = {
    "slug": "ok", "name": "OK", "aliases": [], "url": "/tools/ok/", "short_description": "Fine.",
    "website": "", "organisations": [], "purposes": [], "technologies": [], "users": [],
    "exploitation": [], "countries": [], "headquarters_country": "", "cost": "unknown",
    "access": "unknown", "status": "unknown", "open_source": "unknown", "licence": "",
    "year_launched": None, "verified": False, "verified_at": None, "evidence": [],
    "created_at": "2024-01-01T00:00:00+00:00", "updated_at": "2024-01-01T00:00:00+00:00"}
GOOD_DETAIL = {**GOOD_TOOL, "long_description": "", "languages": [], "source_repository": "",
               "survivor_involvement": "unknown", "processes_victim_data": "unknown",
               "deployments": [], "sources": [{"url": "https://ok.example", "title": "",
                                               "date_read": None}]}


def _page(results, next_url=None):
    return {"count": len(results), "page": 1, "num_pages": 1, "next": next_url,
            "previous": None, "suggestion": None, "results": results, "facets": []}


# Answers that Python's json module would take (last key wins, NaN) or fail on with an error
# that is not a JSON error (RecursionError, ValueError).
RAW_ANSWERS = {
    "duplicate-keys": b'{"count": 1, "count": 2, "results": []}',
    "nan": b'{"count": NaN, "results": []}',
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "long-number": b'{"count": ' + b"1" * 5000 + b', "results": []}',
}


class Hostile(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _json(self, data, status=200):
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's naming
        mode, _, rest = self.path.lstrip("/").partition("/")
        is_list = rest.startswith("api/v1/tools?")
        second = {**GOOD_TOOL, "slug": "ok2", "name": "OK 2"}
        if mode == "slow":
            time.sleep(1.5)
            return self._json(_page([GOOD_TOOL]))
        if mode == "trickle":
            self.send_response(200)
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
            return None
        if mode == "invalid-json":
            body = b"<html>not json</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        if mode in RAW_ANSWERS:
            body = RAW_ANSWERS[mode]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        if mode.startswith("many-"):  # many-N: N valid tools, ok0 to ok<N-1>
            tools = [{**GOOD_TOOL, "slug": f"ok{i}", "name": f"OK number {i}"}
                     for i in range(int(mode[5:]))]
            if is_list:
                return self._json(_page(tools))
            slug = rest.rsplit("/", 1)[-1]
            return self._json({**GOOD_DETAIL, **next(t for t in tools if t["slug"] == slug)})
        if mode == "wrong-schema":
            return self._json({"count": "many", "results": "nope"})
        if mode == "huge":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"[" + b"0," * 200_000 + b"0]")  # 400,002 bytes
            return None
        if mode == "huge-declared":
            self.send_response(200)
            self.send_header("Content-Length", str(10**10))
            self.end_headers()
            return None
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:9/elsewhere")
            self.end_headers()
            return None
        if mode == "error":
            return self._json({"errors": []}, status=500)
        if mode == "endless":
            return self._json(_page([GOOD_TOOL], next_url=f"/{mode}/{rest}"))
        if mode == "offsite":
            return self._json(_page([GOOD_TOOL], next_url="http://127.0.0.2:9/api/v1/tools?page=2"))
        if mode == "one-invalid":
            if is_list:
                return self._json(_page([GOOD_TOOL, second]))
            if rest.endswith("/ok"):
                return self._json(GOOD_DETAIL)
            return self._json({**GOOD_DETAIL, **second, "purposes": [
                {"value": "mind-control", "label": "Mind control"}]})
        if mode == "bad-second-detail":
            if is_list:
                return self._json(_page([GOOD_TOOL, second]))
            if rest.endswith("/ok"):
                return self._json(GOOD_DETAIL)
            return self._json({**GOOD_DETAIL, "deployments": "not a list"})
        return self._json({}, status=404)


@pytest.fixture(scope="module")
def hostile_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("mode, message", [
    ("slow", "no complete answer within 0.5 seconds"),
    ("trickle", "no complete answer within 0.5 seconds"),
    ("invalid-json", "not valid JSON"),
    ("wrong-schema", "not shaped like the Atlas API"),
    ("huge", "over the limit of 300,000 bytes"),
    ("huge-declared", "over the limit of 300,000"),
    ("redirect", "redirect (302)"),
    ("error", "HTTP 500"),
    ("endless", "pages do not end"),
    ("offsite", "pointed outside"),
    ("bad-second-detail", "/tools/ok2: the answer is not shaped like the Atlas API"),
    ("duplicate-keys", 'the key "count" appears twice in the same object at line 1, column 14'),
    ("nan", "NaN is not a JSON number at line 1, column 11"),
    ("deep", "nested more than 100 levels deep at line 1, column 101"),
    ("long-number", "a number of 5,000 characters"),
])
def test_bad_or_hostile_sources_fail_with_a_clear_message_and_change_nothing(
        hostile_url, tool_factory, mode, message):
    tool_factory("Existing", slug="existing")
    before = list(Tool.objects.values_list("slug", "updated_at"))
    with pytest.raises(HarvestError) as error:
        harvest(f"{hostile_url}/{mode}", timeout=0.5, max_bytes=300_000)
    assert message in str(error.value)
    assert list(Tool.objects.values_list("slug", "updated_at")) == before
    assert not Organisation.objects.filter(slug="ok").exists()
    assert not HarvestedRecord.objects.exists()
    from atlas.submissions.models import Submission
    assert not Submission.objects.exists()


def test_a_record_that_fails_the_import_checks_is_refused_and_the_rest_is_proposed(
        hostile_url):
    from atlas.submissions.models import Submission
    report = harvest(f"{hostile_url}/one-invalid")
    assert report.proposed == ["ok"]
    assert [slug for slug, _ in report.refused] == ["ok2"]
    assert "unknown purposes term" in report.refused[0][1]
    assert [s.payload["slug"] for s in Submission.objects.all()] == ["ok"]
    assert not Tool.objects.exists()


def _largest_transaction(monkeypatch, url) -> int:
    """The number of statements in the largest transaction a harvest opened."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from atlas.harvest import services as module
    sizes, depth, real = [], [], module.transaction.atomic

    class Recorded:
        def __enter__(self):
            if not depth:
                self.queries = CaptureQueriesContext(connection).__enter__()
            depth.append(real())
            return depth[-1].__enter__()

        def __exit__(self, *exc):
            result = depth.pop().__exit__(*exc)
            if not depth:
                self.queries.__exit__(None, None, None)
                sizes.append(len(self.queries.captured_queries))
            return result
    from types import SimpleNamespace
    monkeypatch.setattr(module, "transaction", SimpleNamespace(
        atomic=Recorded, set_rollback=module.transaction.set_rollback))
    harvest(url)
    monkeypatch.undo()
    return max(sizes)


def test_a_harvest_writes_in_transactions_that_do_not_grow_with_the_number_of_tools(
        hostile_url, monkeypatch):
    from atlas.submissions.models import Submission
    few = _largest_transaction(monkeypatch, f"{hostile_url}/many-2")
    Submission.objects.all().delete()
    many = _largest_transaction(monkeypatch, f"{hostile_url}/many-12")
    assert Submission.objects.filter(kind="tool", status="pending").count() == 12
    assert many == few


def test_a_proposed_correction_is_approved_through_the_review_queue(source_atlas, tool_factory,
                                                                   administrator):
    from atlas.submissions.models import Submission
    tool_factory("Local Clash", slug="local-clash", short_description="Our own version.")
    harvest(source_atlas.url)
    _approve(Submission.objects.get(tool__slug="local-clash"), administrator)
    assert Tool.objects.get(slug="local-clash").short_description == "The source's version."
    assert harvest(source_atlas.url).unchanged == ["local-clash", "shared-tool", "sms-line"]


def test_unreachable_sources_and_non_http_addresses_are_refused(tool_factory):
    with pytest.raises(HarvestError, match="cannot connect"):
        harvest(f"http://127.0.0.1:{_free_port()}", timeout=2)
    with pytest.raises(HarvestError, match="not an http"):
        harvest("file:///etc/passwd")


def test_harvest_command_reports_errors_and_exits_nonzero(hostile_url, capsys):
    from atlas.cli import main
    with pytest.raises(SystemExit) as exit_:
        main(["harvest", f"{hostile_url}/invalid-json"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "not valid JSON" in err and "Nothing was changed." in err


def test_provenance_is_listed_read_only_in_the_admin(client, administrator, tool_factory):
    from django.contrib.auth.models import Permission
    from django.utils import timezone
    # Roles do not include this permission yet (atlas/accounts owns them): grant it here.
    administrator.user_permissions.add(Permission.objects.get(codename="view_harvestedrecord"))
    admin_client = sign_in_verified(client, administrator)
    tool = tool_factory("Harvested", slug="harvested")
    now = timezone.now()
    HarvestedRecord.objects.create(tool=tool, instance="https://other.example",
                                   remote_slug="harvested", first_harvested_at=now,
                                   last_changed_at=now)
    response = admin_client.get("/admin/harvest/harvestedrecord/")
    assert response.status_code == 200 and b"https://other.example" in response.content
    assert admin_client.get("/admin/harvest/harvestedrecord/add/").status_code == 403


def test_harvest_shows_a_progress_bar_on_terminals(hostile_url, monkeypatch, capsys):
    import io

    from atlas.cli import main

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with pytest.raises(SystemExit) as exit_:
        main(["harvest", f"{hostile_url}/one-invalid"])
    assert exit_.value.code == 0
    assert "harvest:" in terminal.getvalue() and "/2 [" in terminal.getvalue()  # a bar of 2
    assert "proposed 1 new tools and 0 corrections for review; 0 unchanged, 1 refused" in \
        capsys.readouterr().out
