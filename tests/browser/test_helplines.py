"""Helplines as a person on a phone gets them: every number a tap target that dials, and the
embeddable finder working inside a partner's page served from another origin."""

import http.server
import threading

import pytest

from tests.factories import make_helpline
from tests.helplines.test_views import britain  # noqa: F401 (fixture)

PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def _lines():
    """Besides the britain fixture's two lines: one with a short number and an SMS channel."""
    make_helpline(country="GB", name="Childline", kind="child-helpline",
                  opening_hours="24/7", timezone="Europe/London",
                  channels=[{"kind": "phone", "value": "0800 1111", "dial": "+448001111",
                             "source_url": "https://s.example/cl"},
                            {"kind": "sms", "value": "07700 900123", "dial": "+447700900123",
                             "source_url": "https://s.example/cl"}])


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_phone_channel_is_a_tel_link_and_a_large_tap_target_on_a_phone(
        live_server, britain, new_page, language):
    _lines()
    page = new_page(**PHONE)
    prefix = "" if language == "en" else f"/{language}"
    page.goto(f"{live_server.url}{prefix}/helplines/GB/")
    links = page.locator(".channels a[href^='tel:']")
    assert sorted(links.evaluate_all("els => els.map(e => e.getAttribute('href'))")) == \
        ["tel:+442079460000", "tel:+448001111", "tel:+448008083733"]
    assert page.locator(".channels a[href^='sms:']").get_attribute("href") == \
        "sms:+447700900123"
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
        assert 0 <= box["x"] and box["x"] + box["width"] <= 360, box
    # The number itself reads left to right even inside Arabic text.
    assert links.first.locator("bdi").get_attribute("dir") == "ltr"
    # No page overflows sideways on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _partner(atlas_url):
    """A second local origin: one page that frames the Atlas's finder, and one that frames a
    page that must not be framed."""
    pages = {
        "/partner.html": f'<!DOCTYPE html><html><head><title>Partner</title></head><body>'
                         f'<h1>An NGO</h1><iframe id="finder" title="Helplines" '
                         f'src="{atlas_url}/embed/helplines/?country=GB&amp;lang=fr" '
                         f'width="360" height="600"></iframe></body></html>',
        "/framing.html": f'<!DOCTYPE html><html><body><iframe id="other" '
                         f'src="{atlas_url}/helplines/GB/"></iframe></body></html>',
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.browser
def test_the_embed_works_framed_by_another_origin_and_sets_no_cookie(live_server, britain,
                                                                     new_context):
    _lines()
    partner = _partner(live_server.url)
    try:
        context = new_context(**PHONE)
        page = context.new_page()
        partner_url = f"http://127.0.0.1:{partner.server_address[1]}"
        assert partner_url.rsplit(":", 1)[1] != live_server.url.rsplit(":", 1)[1]
        page.goto(partner_url + "/partner.html")
        finder = page.frame_locator("#finder")
        assert "Royaume-Uni" in finder.locator("h1").inner_text()
        tel = finder.locator("a[href='tel:+448008083733']")
        assert tel.is_visible()
        # The finder's own country picker works inside the frame, in the frame's language.
        finder.locator("select[name=country]").select_option("GB")
        finder.locator("form.country-picker button").click()
        finder.locator("a[href='tel:+448001111']").wait_for()
        assert context.cookies() == []

        # Every other page still refuses to be framed.
        page.goto(partner_url + "/framing.html")
        frame = page.frame_locator("#other")
        page.wait_for_timeout(500)
        assert frame.locator("a[href='tel:+448008083733']").count() == 0
        assert context.cookies() == []
    finally:
        partner.shutdown()
        partner.server_close()
