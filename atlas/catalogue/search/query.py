"""Turn whatever a visitor typed into safe search terms and phrases.

The parser, not the database, decides what the syntax means, so no input ("AND", a lone quote,
`*`, NUL, 10,000 characters) can reach FTS5 or to_tsquery as syntax and make them fail.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)) or ch
    # Keep the 1:1 mapping the highlighter relies on: ligatures like "ﬁ" fold to one char.
    return base[0].casefold()[0]


def fold(text: str) -> str:
    """Case- and diacritic-insensitive form of text, one output character per input character."""
    if text.isascii():
        return text.lower()
    return "".join(ch if ch.isascii() else _fold_char(ch) for ch in text).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...] = ()  # single words, matched as word prefixes
    phrases: tuple[tuple[str, ...], ...] = field(default=())  # quoted, matched as exact sequences

    def __bool__(self):
        return bool(self.terms or self.phrases)

    @property
    def all_words(self):
        return list(self.terms) + [w for p in self.phrases for w in p]


def parse_query(q: str | None) -> ParsedQuery:
    if not q:
        return ParsedQuery()
    q = q.replace("\x00", " ")[:MAX_QUERY_CHARS]
    terms, phrases = [], []
    # Text between pairs of double quotes is a phrase; an unpaired quote is ignored.
    parts = q.split('"')
    if len(parts) % 2 == 0:  # odd number of quotes: the last one is unpaired
        parts[-2:] = [parts[-2] + " " + parts[-1]]
    for i, part in enumerate(parts):
        found = words(part)
        if not found:
            continue
        if i % 2 == 1 and len(found) > 1:
            phrases.append(tuple(found))
        else:
            terms.extend(found)
    # Duplicates add nothing; keep order for stable highlighting and suggestions.
    terms = list(dict.fromkeys(terms))[:MAX_TERMS]
    phrases = list(dict.fromkeys(phrases))[:MAX_TERMS]
    return ParsedQuery(tuple(terms), tuple(phrases))
