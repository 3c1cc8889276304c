"""Pages rendered in Arabic, Chinese and Russian show no English interface text: a string looked
up too early (gettext at import time instead of gettext_lazy) or built outside the catalogues
would show here in English."""

import re
from html import unescape

import pytest

from tests.i18n.catalogues import LOCALE_DIR, read_catalogue

PAGES = ["/", "/tools/", "/tools/?q=hotline&purpose=training", "/tools/line-1/", "/organisations/",
         "/organisations/org-a/", "/helplines/", "/helplines/KE/", "/about/", "/map/",
         "/insights/", "/submit/", "/submit/tool/", "/submit/story/", "/submit/solution/",
         "/submit/correction/line-1/", "/tools/line-1/contact/", "/stories/", "/account/login/"]


def english_interface_strings():
    """Catalogue strings of three words or more (shorter ones, like "SMS", can be the same)."""
    catalogue = read_catalogue(LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po")
    out = set()
    for message in catalogue:
        text = message.id if isinstance(message.id, str) else message.id[0]
        if not text or "%" in text or "<" in text or "{" in text:
            continue
        if len(text.split()) >= 3:
            out.add(text)
    return out


ENGLISH = english_interface_strings()


def visible_text(html):
    html = re.sub(r"(?s)<(script|style|code|pre)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<head>.*?</head>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def catalogue(tool_factory):
    from tests.factories import make_helpline
    tool_factory("Line 1", slug="line-1", organisations=["Org A"], countries=["KE"],
                 purposes=["training"], short_description="Sólo en español.")
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")


@pytest.mark.parametrize("language", ["ar", "zh-hans", "ru"])
@pytest.mark.parametrize("path", PAGES)
def test_page_shows_no_english_interface_text(client, catalogue, language, path):
    response = client.get(f"/{language}{path}")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert [s for s in ENGLISH if s in text] == []


def test_the_check_would_find_english_text_on_the_english_page(client, catalogue):
    text = visible_text(client.get("/tools/").content.decode())
    assert len(ENGLISH) > 200
    assert "Skip to main content" in [s for s in ENGLISH if s in text]
