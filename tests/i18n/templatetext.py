"""Find user-visible text in Django templates that is not inside a translation tag.

The template is tokenised with Django's own lexer, so `{% translate %}`, `{% blocktranslate %}`
bodies, `{{ variables }}` and comments are dropped before the remaining markup is parsed as HTML.
What is left with a letter in it, in a text node or in an attribute people read (title, alt,
aria-label, placeholder, ...), was written in one language only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

# Attributes whose values are shown or read aloud to visitors.
READ_ATTRIBUTES = {"title", "alt", "aria-label", "aria-description", "aria-roledescription",
                   "placeholder", "label", "summary"}
# <input type=submit/button value="..."> shows its value as the button text.
VALUE_INPUT_TYPES = {"submit", "button", "reset"}
# Elements whose content is never shown as text.
# Code samples (<code>, <pre>, <kbd>, <samp>) are the same in every language.
SILENT_ELEMENTS = {"script", "style", "template", "code", "pre", "kbd", "samp"}
# Text that is the same in every language: symbols carry no letters and pass anyway; these are
# the few letter-bearing exceptions (format and brand names).
ALLOWED_TEXT = {"JSON", "CSV", "GeoJSON", "JSON-LD", "Atom", "RSS", "OpenAPI", "API", "SMS",
                "Markdown", "CORS", "ETag"}
# A URL or a path shown as link text reads the same in every language.
_ADDRESS = re.compile(r"^(/|https?://|mailto:)\S*$")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_SKIP_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans",
                "comment": "endcomment", "verbatim": "endverbatim"}


@dataclass(frozen=True)
class Untranslated:
    path: str
    line: int
    text: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.text!r}"


def _markup_without_translations(source: str) -> str:
    """The template's literal markup, with every template tag and variable removed.

    Newlines inside removed pieces are kept so HTML line numbers match the template's.
    """
    out, closing = [], None
    for token in Lexer(source).tokenize():
        raw = token.contents
        if closing:
            if token.token_type == TokenType.BLOCK and raw.split()[0] == closing:
                closing = None
            out.append("\n" * raw.count("\n"))
            continue
        if token.token_type == TokenType.TEXT:
            out.append(raw)
            continue
        if token.token_type == TokenType.BLOCK and raw.split() and raw.split()[0] in _SKIP_BLOCKS:
            closing = _SKIP_BLOCKS[raw.split()[0]]
        out.append("\n" * raw.count("\n"))
    return "".join(out)


def visible(text: str) -> bool:
    text = " ".join(text.split())
    if not text or not _LETTER.search(text):
        return False
    if _ADDRESS.match(text):
        return False
    return text.strip(" .,:;()·|/-–—") not in ALLOWED_TEXT


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.silent = 0
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            shown = name in READ_ATTRIBUTES or (
                name == "value" and tag == "input"
                and (values.get("type") or "").lower() in VALUE_INPUT_TYPES)
            if shown and value and visible(value):
                self.found.append((self.getpos()[0], f'{tag} {name}="{value.strip()}"'))
        if tag in SILENT_ELEMENTS:
            self.silent += 1

    def handle_endtag(self, tag):
        if tag in SILENT_ELEMENTS and self.silent:
            self.silent -= 1

    def handle_data(self, data):
        if not self.silent and visible(data):
            self.found.append((self.getpos()[0], " ".join(data.split())))


def untranslated_text(path: Path, root: Path) -> list[Untranslated]:
    source = path.read_text(encoding="utf-8")
    finder = _Finder()
    finder.feed(_markup_without_translations(source))
    finder.close()
    return [Untranslated(str(path.relative_to(root)), line, text) for line, text in finder.found]


def template_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "atlas").glob("**/templates/**/*.html"))
