import pytest

from tests.factories import make_helpline

pytestmark = pytest.mark.django_db


@pytest.fixture
def kenya():
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")
    make_helpline(country="KE", name="Counter-trafficking line", kind="trafficking-hotline",
                  number="1195", source_url="https://example.org/ke2")
    make_helpline(country="UG", name="Sauti 116", kind="child-helpline", number="116",
                  source_url="https://example.org/ug")


def test_country_picker_works_without_javascript_and_keeps_no_state(client, kenya):
    response = client.get("/helplines/?country=ke")
    assert response.status_code == 302 and response["Location"] == "/helplines/KE/"
    assert not response.cookies


def test_country_page_lists_only_that_countrys_helplines(client, kenya):
    html = client.get("/helplines/KE/").content.decode()
    assert "Childline Kenya" in html and "1195" in html and "Sauti" not in html
    assert "Not yet verified with the operator" in html


def test_index_lists_countries_with_counts(client, kenya):
    html = client.get("/helplines/").content.decode()
    assert '/helplines/KE/' in html and '/helplines/UG/' in html


def test_unknown_picker_value_shows_the_index(client, kenya):
    assert client.get("/helplines/?country=QQ").status_code == 200


@pytest.fixture
def britain():
    """Two lines with numbers, hours and languages, in London."""
    make_helpline(country="GB", name="Modern Slavery Referral Helpline",
                  kind="modern-slavery-helpline", opening_hours="24/7",
                  timezone="Europe/London", languages=["en"], topics=["trafficking"],
                  channels=[{"kind": "phone", "value": "0800 808 3733", "dial": "+448008083733",
                             "free": "yes", "source_url": "https://s.example/sa"},
                            {"kind": "web-form", "value": "https://s.example/report",
                             "source_url": "https://s.example/sa"}])
    make_helpline(country="GB", name="Office line", kind="gbv-helpline",
                  opening_hours="Mo-Fr 09:00-17:00", timezone="Europe/London",
                  topics=["gender-based-violence"],
                  channels=[{"kind": "phone", "value": "020 7946 0000", "dial": "+442079460000",
                             "source_url": "https://s.example/office"}])


def _frozen(monkeypatch, iso):
    import datetime

    from django.utils import timezone
    moment = datetime.datetime.fromisoformat(iso).replace(tzinfo=datetime.timezone.utc)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_every_number_is_a_tel_link_with_its_international_form(client, britain, monkeypatch):
    _frozen(monkeypatch, "2026-12-07T10:00")  # a Monday morning
    html = client.get("/helplines/GB/").content.decode()
    assert 'href="tel:+448008083733"' in html and 'href="tel:+442079460000"' in html
    assert '<bdi dir="ltr" class="number">0800 808 3733</bdi>' in html
    assert "+44 800 808 3733" in html  # for callers from abroad
    assert 'href="https://s.example/report"' in html
    assert "Free" in html and "Open 24 hours" in html


def test_numbers_stay_left_to_right_inside_arabic_text(client, britain, monkeypatch):
    _frozen(monkeypatch, "2026-12-07T10:00")
    html = client.get("/ar/helplines/GB/").content.decode()
    assert 'dir="rtl"' in html and '<bdi dir="ltr" class="number">0800 808 3733</bdi>' in html


def test_open_lines_come_first_and_the_state_is_current_on_a_cached_page(client, britain,
                                                                         monkeypatch):
    _frozen(monkeypatch, "2026-12-06T10:00")  # Sunday: the office line is closed
    html = client.get("/helplines/GB/").content.decode()
    assert html.index("Modern Slavery Referral Helpline") < html.index("Office line")
    assert "Closed now · opens Monday at 9 a.m. (local time)" in html
    _frozen(monkeypatch, "2026-12-07T10:00")  # Monday: the cached copy is no longer valid
    html = client.get("/helplines/GB/").content.decode()
    assert "Open now · closes 5 p.m. (local time)" in html


def test_lines_filter_by_topic_channel_and_open_now(client, britain, monkeypatch):
    _frozen(monkeypatch, "2026-12-06T10:00")
    html = client.get("/helplines/GB/?open_now=1").content.decode()
    assert "Modern Slavery Referral Helpline" in html and "Office line" not in html
    html = client.get("/helplines/GB/?topic=gender-based-violence").content.decode()
    assert "Office line" in html and "Modern Slavery Referral Helpline" not in html
    html = client.get("/helplines/GB/?channel=web-form").content.decode()
    assert "Modern Slavery Referral Helpline" in html and "Office line" not in html


def test_a_cached_open_now_list_takes_in_a_line_that_opens_since(client, britain, monkeypatch):
    # The office line is left out on Sunday because it is closed; the cached page and API
    # answer must not outlive its opening on Monday morning.
    _frozen(monkeypatch, "2026-12-06T10:00")
    assert "Office line" not in client.get("/helplines/GB/?open_now=1").content.decode()
    assert len(client.get("/api/v1/helplines?country=GB&open_now=1").json()["results"]) == 1
    _frozen(monkeypatch, "2026-12-07T10:00")
    assert "Office line" in client.get("/helplines/GB/?open_now=1").content.decode()
    assert len(client.get("/api/v1/helplines?country=GB&open_now=1").json()["results"]) == 2


def test_the_api_gives_channels_hours_and_open_now(client, britain, monkeypatch):
    _frozen(monkeypatch, "2026-12-06T10:00")
    data = client.get("/api/v1/helplines?country=GB&open_now=1").json()
    assert [h["name"] for h in data["results"]] == ["Modern Slavery Referral Helpline"]
    line = data["results"][0]
    assert line["open_now"] is True and line["opening_hours"] == "24/7"
    assert line["timezone"] == "Europe/London" and line["languages"] == ["en"]
    assert line["channels"][0] == {**line["channels"][0], "kind": "phone",
                                   "e164": "+448008083733", "free": "yes"}
    assert line["channels"][1]["e164"] is None
    for bad in ("country=", "kind=", "topic=fishing", "channel=pigeon"):
        assert client.get(f"/api/v1/helplines?{bad}").status_code == 400, bad


def test_this_did_not_work_files_a_report_for_curators_and_keeps_nothing_about_the_visitor(
        client, britain):
    from atlas.helplines.models import Channel
    from atlas.submissions.models import Submission
    channel = Channel.objects.get(value="0800 808 3733")
    page = client.get("/helplines/GB/").content.decode()
    assert f'action="/helplines/GB/report/"' in page and f'value="{channel.pk}"' in page
    response = client.post("/helplines/GB/report/", {"channel": channel.pk})
    assert response.status_code == 200 and not response.cookies
    report = Submission.objects.get()
    assert report.kind == "helpline-report" and report.payload["value"] == "0800 808 3733"
    assert report.submitted_by is None
    # a channel of another country, or none: nothing filed
    assert client.post("/helplines/KE/report/", {"channel": channel.pk}).status_code == 404
    assert client.post("/helplines/GB/report/", {"channel": "x"}).status_code == 404
    assert Submission.objects.count() == 1


def test_the_embed_without_a_country_shows_the_country_picker(client, britain):
    # It was a 500 (found by tests/test_query_counts.py): a partner's first frame has no country.
    response = client.get("/embed/helplines/")
    assert response.status_code == 200
    assert 'value="GB"' in response.content.decode()


def test_the_embed_may_be_framed_anywhere_sets_no_cookie_and_stays_small(client, britain):
    import gzip
    response = client.get("/embed/helplines/?country=GB&lang=fr",
                          HTTP_ACCEPT_ENCODING="gzip")
    body = gzip.decompress(response.content).decode()
    assert response.status_code == 200 and not response.cookies
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert not response.has_header("X-Frame-Options")
    assert 'lang="fr"' in body and 'href="tel:+448008083733"' in body
    assert len(response.content) < 15 * 1024
    # every other page keeps refusing to be framed
    page = client.get("/helplines/GB/")
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
