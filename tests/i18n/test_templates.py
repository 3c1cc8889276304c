"""Every user-visible word in a template goes through the translation tags."""

from pathlib import Path

import pytest

from tests.i18n.templatetext import template_files, untranslated_text

ROOT = Path(__file__).resolve().parents[2]


def _found(tmp_path, source):
    path = tmp_path / "atlas" / "x" / "templates" / "t.html"
    path.parent.mkdir(parents=True)
    path.write_text(source, encoding="utf-8")
    return [u.text for u in untranslated_text(path, tmp_path)]


def test_no_template_has_user_visible_text_outside_the_translation_tags():
    found = [str(u) for path in template_files(ROOT) for u in untranslated_text(path, ROOT)]
    assert not found, "Wrap these in {% translate %} or {% blocktranslate %}:\n" + "\n".join(found)


def test_the_templates_checked_include_the_base_template():
    paths = [str(p.relative_to(ROOT)) for p in template_files(ROOT)]
    assert "atlas/web/templates/base.html" in paths
    assert len(paths) > 20


@pytest.mark.parametrize("source, expected", [
    ("<p>Hello {{ name }}</p>", ["Hello"]),
    ("<p>{{ n }} tools</p>", ["tools"]),
    ('<a title="Open the map" href="/map/">{% translate "Map" %}</a>', ['a title="Open the map"']),
    ('<img alt="Logo" src="x.png">', ['img alt="Logo"']),
    ('<nav aria-label="Main"></nav>', ['nav aria-label="Main"']),
    ('<input type="search" placeholder="e.g. Kenya">', ['input placeholder="e.g. Kenya"']),
    ('<input type="submit" value="Go">', ['input value="Go"']),
    ("{% if x %}<b>Only English</b>{% endif %}", ["Only English"]),
    ("<h1>Café</h1>", ["Café"]),
])
def test_checker_finds_text_outside_translation_tags(tmp_path, source, expected):
    assert _found(tmp_path, source) == expected


@pytest.mark.parametrize("source", [
    '{% load i18n %}<p>{% translate "Hello" %} {{ name }}</p>',
    "{% blocktranslate trimmed %}Hello {{ name }}, welcome{% endblocktranslate %}",
    "{% comment %}A note for developers{% endcomment %}{# another note #}",
    "<script>const label = 'not shown';</script><style>p::after { content: 'x' }</style>",
    "<pre><code>curl -s 'https://example.org/tools.json'</code></pre>",
    '<p>{{ a }} · {{ b }} | → 42 (3) — &nbsp;</p>',
    '<a href="/sitemap.xml">/sitemap.xml</a> <a href="x">JSON</a>',
    '<input type="text" value="{{ q }}" name="q">',
    '<div class="results" id="tool-list" data-role="list"></div>',
])
def test_checker_accepts_translated_text_code_symbols_and_markup(tmp_path, source):
    assert _found(tmp_path, source) == []
