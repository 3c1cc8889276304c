"""Atom feed of new and updated tools, sitemap.xml and robots.txt."""

import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


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
