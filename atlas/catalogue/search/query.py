"""The search grammar (docs/search.md): what a visitor typed, parsed once into a small structure.

The parser, not the database, decides what the syntax means, so no input ("AND", a lone quote,
`*`, NUL, 10,000 characters) can reach FTS5 or a tsquery as syntax and make them fail. It also
decides what a word is: documents are indexed as the words `words()` finds (`index_text`), so
SQLite, PostgreSQL and the offline copy all match the same words. The offline copy's
static/offline/search-engine.js is a line-by-line port of this module; a test runs both on the
same queries (tests/offline/test_search_parity.py).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
MAX_TOKENS = 16
# Longer words are left out of the index (a tsvector lexeme holds at most 2,047 bytes): no
# query of MAX_QUERY_CHARS could be meant to find them.
MAX_WORD_CHARS = 400
# Whitespace, spelt out so that Python and JavaScript split a query at the same characters
# (their \s differ on U+001C-U+001F and U+FEFF).
SPACE = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A token: an optional minus, then a quoted phrase or a run of anything but space and quotes.
_TOKEN = re.compile(rf'(-?)(?:"([^"]*)"|([^"{SPACE}]+))')
_WORD = re.compile(r"[^\W_]+")  # letters and digits (JavaScript: [\p{L}\p{N}]+)


class _FoldTable(dict):
    """str.translate table: each character to its folded form, computed once per character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if code < 128:
            folded = ch.lower()
        else:
            # Drop the accents (nonspacing marks) of the compatibility decomposition, put back
            # together what remains (Hangul syllables, for one), keep the first character.
            base = unicodedata.normalize(
                "NFC", "".join(c for c in unicodedata.normalize("NFKD", ch)
                               if unicodedata.category(c) != "Mn")) or ch
            folded = base[0].lower()[0]
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Case- and accent-insensitive form of text, one output character per input character
    (the highlighter relies on it)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


def words(text: str) -> list[str]:
    """The words search matches: runs of letters and digits of the folded text."""
    # Folding a character at a time is the slow part, and documents repeat the same labels and
    # country names: each space-separated chunk is folded once. (No word spans a space, before
    # or after folding, so this is the same as folding the whole text.)
    return [w for chunk in text.split() for w in _chunk_words(chunk)]


@functools.lru_cache(maxsize=100_000)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(unicodedata.normalize("NFC", chunk))))


def index_text(text: str) -> str:
    """A document field as the databases store it: its words, folded, separated by spaces."""
    return " ".join(w for w in words(text) if len(w) <= MAX_WORD_CHARS)


@dataclass(frozen=True)
class Part:
    """Words that must follow each other in one field of a document."""

    words: tuple[str, ...]
    quoted: bool = False

    @property
    def prefix(self) -> bool:
        """The last word matches the start of a word: typed, not quoted, two letters or more
        (as a prefix, one letter would match nearly everything)."""
        return not self.quoted and len(self.words[-1]) > 1

    def as_dict(self) -> dict:
        return {"words": list(self.words), "quoted": self.quoted}


@dataclass(frozen=True)
class ParsedQuery:
    groups: tuple[tuple[Part, ...], ...] = ()  # every group must match: any one of its parts
    excluded: tuple[Part, ...] = ()  # a tool matching any of these is left out
    text: str = ""  # what was typed, less exclusions and OR: for the spelling and meaning fallbacks

    def __bool__(self):
        return bool(self.groups or self.excluded)

    @property
    def parts(self) -> list[Part]:
        """Every part a result may match (not the excluded ones)."""
        return [part for group in self.groups for part in group]

    @property
    def all_words(self) -> list[str]:
        return [w for part in self.parts for w in part.words]

    @property
    def quoted(self) -> bool:
        return any(part.quoted for part in self.parts)

    def as_dict(self) -> dict:
        """The structure search-engine.js builds for the same query (the parity test)."""
        return {"groups": [[p.as_dict() for p in group] for group in self.groups],
                "excluded": [p.as_dict() for p in self.excluded]}


@dataclass(frozen=True)
class _Token:
    part: Part
    negated: bool
    typed: str

    @property
    def maybe_or(self) -> bool:
        """OR in capitals, not quoted, not excluded: an operator if its neighbours allow."""
        return not self.negated and self.typed == "OR"


def _tokens(q: str) -> list[_Token]:
    q = q.replace("\x00", " ")[:MAX_QUERY_CHARS]
    if q.count('"') % 2:  # the last quote is unpaired: it is ignored
        last = q.rindex('"')
        q = q[:last] + " " + q[last + 1:]
    tokens = []
    for match in _TOKEN.finditer(q):
        negated, phrase, bare = match.groups()
        found = words(bare if phrase is None else phrase)
        if found:  # punctuation alone ("*", "-", '""') is nothing
            tokens.append(_Token(Part(tuple(found), quoted=phrase is not None),
                                 negated == "-", match.group(0)[len(negated):]))
            if len(tokens) == MAX_TOKENS:
                break
    return tokens


def parse_query(q: str | None) -> ParsedQuery:
    """Words (word prefixes), "phrases", -exclusions and OR (docs/search.md)."""
    tokens = _tokens(q or "")

    def joinable(i: int) -> bool:
        return 0 <= i < len(tokens) and not tokens[i].negated and not tokens[i].maybe_or

    groups: list[list[Part]] = []
    excluded: list[Part] = []
    typed: list[str] = []
    after_or = False
    for i, token in enumerate(tokens):
        if token.maybe_or and joinable(i - 1) and joinable(i + 1):
            after_or = True  # OR between two words or phrases, neither excluded: either
            continue
        if token.negated:
            excluded.append(token.part)
            continue
        typed.append(token.typed)
        if after_or:
            groups[-1].append(token.part)
        else:
            groups.append([token.part])
        after_or = False
    # Repeats add nothing; order is kept for stable highlighting and suggestions.
    unique_groups = dict.fromkeys(tuple(dict.fromkeys(group)) for group in groups)
    return ParsedQuery(tuple(unique_groups), tuple(dict.fromkeys(excluded)), " ".join(typed))
