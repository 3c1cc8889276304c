"""Atom feed of new and updated tools, sitemap.xml and robots.txt."""

import functools
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import rnc2rng
from lxml import etree

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
NS = {"atom": "http://www.w3.org/2005/Atom"}
ATOM_RNC = Path(__file__).resolve().parents[1] / "vendor" / "atom" / "rfc4287.rnc"
SCHEMATRON = "{http://www.ascc.net/xml/schematron}"


@functools.cache
def _atom_schema():
    """RFC 4287's RELAX NG schema (tests/vendor/atom/) for lxml, and the Schematron rules it
    carries as annotations, as (context, test, message)."""
    rng = rnc2rng.dumps(rnc2rng.loads(ATOM_RNC.read_text(encoding="utf-8")))
    # rnc2rng declares the schema's `namespace local = ""` as xmlns:local="", which XML forbids;
    # its output never uses the prefix (local:* becomes <nsName ns=""/>).
    tree = etree.fromstring(rng.replace('xmlns:local=""', "").encode())
    rules = [(rule.get("context"), check.get("test"), check.text)
             for rule in tree.iter(f"{SCHEMATRON}rule") for check in rule.iter(f"{SCHEMATRON}assert")]
    assert len(rules) == 3
    return etree.RelaxNG(tree), rules


def assert_valid_atom(content: bytes) -> etree._Element:
    """The feed validates against RFC 4287's schema, its Schematron rules hold, and every id is
    an absolute IRI (4.2.6; the schema leaves atomUri unconstrained)."""
    schema, rules = _atom_schema()
    document = etree.fromstring(content)
    assert schema.validate(document), str(schema.error_log)
    for context, test, message in rules:
        for node in document.xpath(f"descendant-or-self::{context}", namespaces=NS):
            assert node.xpath(f"boolean({test})", namespaces=NS), message
    ids = document.xpath("//atom:id", namespaces=NS)
    assert ids
    for element in ids:
        parts = urlsplit(element.text)
        assert parts.scheme in ("http", "https") and parts.netloc, element.text
    return document


def _self_link(document):
    return document.xpath("atom:link[@rel='self']/@href", namespaces=NS)[0]


def test_the_feed_validates_against_the_rfc_4287_schema_filtered_or_not(client, tool_factory):
    tool_factory("Made By Org", slug="made", organisations=["Maker"], countries=["KE"],
                 purposes=["training"])
    tool_factory("Nobody Known", slug="nobody", countries=["KE"], purposes=["training"],
                 short_description="Text with <markup> & entities.")
    for url in ["/feeds/tools.atom", "/feeds/tools.atom?country=KE&purpose=training",
                "/feeds/tools.atom?q=nothing-matches-this"]:
        for language in ("en", "ar"):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
            assert_valid_atom(response.content)


def test_the_feed_of_the_default_dataset_validates(client, default_dataset):
    document = assert_valid_atom(client.get("/feeds/tools.atom").content)
    assert len(document.xpath("atom:entry", namespaces=NS)) == 50


def test_entry_ids_are_absolute_and_the_same_in_every_language(client, tool_factory, settings):
    tool_factory("Linked", slug="linked")
    document = assert_valid_atom(client.get("/feeds/tools.atom").content)
    entry_id = document.xpath("atom:entry/atom:id/text()", namespaces=NS)
    assert entry_id == ["http://testserver/tools/linked/"]
    french = assert_valid_atom(client.get("/feeds/tools.atom", HTTP_ACCEPT_LANGUAGE="fr").content)
    assert french.xpath("atom:entry/atom:id/text()", namespaces=NS) == entry_id
    settings.ATLAS_SITE_URL = "https://atlas.example.org"
    from atlas.derived.cache import clear_all
    clear_all()  # the cached feed was made under the other setting
    document = assert_valid_atom(client.get("/feeds/tools.atom").content)
    assert document.xpath("atom:entry/atom:id/text()", namespaces=NS) == [
        "https://atlas.example.org/tools/linked/"]
    assert document.xpath("atom:id/text()", namespaces=NS) == [
        "https://atlas.example.org/feeds/tools.atom"]
    assert _self_link(document) == "https://atlas.example.org/feeds/tools.atom"


def test_a_filtered_feeds_self_link_and_id_keep_its_filters(client, tool_factory):
    tool_factory("Kenya Training", slug="kt", countries=["KE"], purposes=["training"])
    document = assert_valid_atom(
        client.get("/feeds/tools.atom?country=KE&purpose=training&q=kenya").content)
    self_link = _self_link(document)
    assert self_link.startswith("http://testserver/feeds/tools.atom?")
    assert parse_qs(urlsplit(self_link).query) == {
        "country": ["KE"], "purpose": ["training"], "q": ["kenya"]}
    assert document.xpath("atom:id/text()", namespaces=NS) == [self_link]
    alternate = document.xpath("atom:link[@rel='alternate']/@href", namespaces=NS)[0]
    assert alternate.startswith("http://testserver/tools/?")
    assert parse_qs(urlsplit(alternate).query) == parse_qs(urlsplit(self_link).query)
    # The self link fetches the same feed.
    again = client.get(self_link.removeprefix("http://testserver"))
    assert again.status_code == 200 and b"Kenya Training" in again.content


def test_a_schema_violation_would_be_caught():
    """The validator is not a no-op: a relative or missing id, or no author, is found."""
    feed = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            b'<id>http://x.example/</id><updated>2024-01-01T00:00:00Z</updated>'
            b'<entry><title>e</title><id>%s</id><updated>2024-01-01T00:00:00Z</updated>'
            b'<link href="http://x.example/e"/>%s</entry></feed>')
    assert_valid_atom(feed % (b"http://x.example/e", b"<author><name>a</name></author>"))
    with pytest.raises(AssertionError, match="absolute|/tools/e"):
        assert_valid_atom(feed % (b"/tools/e", b"<author><name>a</name></author>"))
    with pytest.raises(AssertionError, match="atom:author"):
        assert_valid_atom(feed % (b"http://x.example/e", b""))
    with pytest.raises(AssertionError):
        assert_valid_atom(feed.replace(b"<title>t</title>", b"") % (b"http://x.example/e", b""))


def _entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]


def test_atom_feed_lists_new_and_updated_tools_newest_change_first(client, tool_factory):
    tool_factory("First", slug="first", countries=["KE"], purposes=["training"])
    tool_factory("Second", slug="second", countries=["BR"], purposes=["victim-support"])
    tool_factory("Third", slug="third", countries=["KE"], purposes=["victim-support"])
    assert _entries(client, "/feeds/tools.atom") == ["Third", "Second", "First"]
    tool_factory("First", slug="first", countries=["KE"], purposes=["training"],
                 short_description="Changed.")  # an update moves it to the top
    assert _entries(client, "/feeds/tools.atom") == ["First", "Third", "Second"]


def test_atom_feed_takes_the_same_filters_as_the_tools_page(client, tool_factory):
    tool_factory("Kenya Training", slug="kt", countries=["KE"], purposes=["training"])
    tool_factory("Kenya Support", slug="ks", countries=["KE"], purposes=["victim-support"])
    tool_factory("Brazil Training", slug="bt", countries=["BR"], purposes=["training"])
    assert sorted(_entries(client, "/feeds/tools.atom?country=KE")) == [
        "Kenya Support", "Kenya Training"]
    assert _entries(client, "/feeds/tools.atom?country=KE&purpose=training") == [
        "Kenya Training"]
    response = client.get("/feeds/tools.atom?country=Narnia")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "country"


def test_entries_link_to_tool_pages_with_updated_dates(client, tool_factory):
    tool_factory("Linked", slug="linked", organisations=["Maker Org"])
    feed = ET.fromstring(client.get("/feeds/tools.atom").content)
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/tools/linked/"
    assert entry.find(f"{ATOM}updated").text
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Maker Org"


def test_sitemap_lists_every_tool_and_organisation_in_every_language(client, tool_factory):
    tool_factory("Mapped", slug="mapped", organisations=["Mapped Org"])
    from tests.factories import make_helpline
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    loc = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
    sections = [e.text for e in ET.fromstring(response.content).iter(loc)]
    assert sections == [f"http://testserver/sitemap-{s}.xml"
                        for s in ("pages", "tools", "organisations", "helplines")]
    urls = set()
    for section in sections:
        part = client.get(section.removeprefix("http://testserver"))
        assert part.status_code == 200
        urls |= {e.text for e in ET.fromstring(part.content).iter(loc)}
    for path in ["/", "/tools/", "/tools/mapped/", "/fr/tools/mapped/",
                 "/organisations/mapped-org/", "/helplines/KE/", "/ar/helplines/KE/"]:
        assert f"http://testserver{path}" in urls, path
    for url in urls:  # every listed address answers
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_feed_and_sitemaps_come_from_the_cache_until_the_data_changes(
        client, tool_factory, django_assert_max_num_queries):
    for i in range(5):
        tool_factory(f"Cached {i}", slug=f"cached-{i}", organisations=[f"Org {i}"])
    for url in ["/feeds/tools.atom", "/sitemap.xml", "/sitemap-tools.xml"]:
        first = client.get(url).content
        with django_assert_max_num_queries(4):  # change stamps only
            assert client.get(url).content == first
    tool_factory("Cached 9", slug="cached-9")
    assert b"cached-9" in client.get("/sitemap-tools.xml").content
    assert b"Cached 9" in client.get("/feeds/tools.atom").content
