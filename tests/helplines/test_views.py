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
