"""The one JSON reader for text from outside: import files and other Atlases' answers.

Python's json module accepts what RFC 8259 leaves undefined or forbids, and fails on some input
with errors that are not JSON errors: duplicate keys (the last one wins, silently), NaN and
Infinity, a number too long to convert (a 5,000-digit integer raises ValueError; 1e999 becomes
infinity), nesting deeper than the stack (RecursionError) and escapes of lone surrogates (a
string no database can store). `loads` refuses all of them with a StrictJSONError that says what
and where (line and column), before the caller uses any of the data.
"""

from __future__ import annotations

import json
import math
import re

from django.utils.translation import gettext as _

__all__ = ["MAX_DEPTH", "MAX_NUMBER_LENGTH", "StrictJSONError", "loads"]

# Where a text too deep for the parser is said to go wrong (the parser stops near 1,000 levels).
MAX_DEPTH = 100
# No field of any Atlas format needs a longer number; Python refuses to convert 4,300 digits.
MAX_NUMBER_LENGTH = 100


class StrictJSONError(ValueError):
    """The text is not JSON the Atlas accepts: `reason`, where (1-based line, column), and
    whether it is not JSON at all (`syntax`) or JSON that the Atlas refuses."""

    def __init__(self, reason: str, *, line: int | None = None, column: int | None = None,
                 syntax: bool = False):
        self.reason, self.line, self.column, self.syntax = reason, line, column, syntax
        super().__init__(str(self))

    def __str__(self):
        if self.line is None:
            return self.reason
        return _("%(reason)s at line %(line)s, column %(column)s") % {
            "reason": self.reason, "line": self.line, "column": self.column}


class _Refused(Exception):
    """Raised by a parser hook; the text is then scanned again to say where."""


def _pairs(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Refused
    return obj


def _number(text):
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Refused
    return text


def _integer(text):
    return int(_number(text))


def _float(text):
    value = float(_number(text))
    if not math.isfinite(value):
        raise _Refused
    return value


def _constant(name):
    raise _Refused


def loads(text: str):
    """The JSON value of text, or StrictJSONError."""
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_int=_integer,
                           parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise StrictJSONError(exc.msg, line=exc.lineno, column=exc.colno, syntax=True) from None
    except _Refused:
        raise _first_refusal(text) from None
    except RecursionError:
        raise _first_refusal(text, depth=MAX_DEPTH) from None
    surrogate = _lone_surrogate(text)
    if surrogate is not None:
        raise surrogate
    return value


# The tokens that matter for finding a refused value, in document order. Strings are matched
# whole, so brackets and digits inside them are skipped; a string followed by ":" is a key.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?|[\[\]{}]|NaN|-?Infinity'
                    r'|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?')
# An escaped surrogate (\\ud800 to \\udfff), checked one by one for its pair.
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _where(text, offset) -> dict:
    line = text.count("\n", 0, offset) + 1
    return {"line": line, "column": offset - (text.rfind("\n", 0, offset) + 1) + 1}


def _first_refusal(text, *, depth=None) -> StrictJSONError:
    """The first value a hook refused, with its place; with depth, the first place nested deeper
    (the parser ran out of stack: it stops near 1,000 levels, the Atlas's formats use four)."""
    keys = []  # the keys seen so far in each open object (None for an open list)
    for match in _TOKEN.finditer(text):
        token, at = match.group(), match.start()
        if token in ("{", "["):
            keys.append(set() if token == "{" else None)
            if depth and len(keys) > depth:
                return StrictJSONError(_("nested more than %(depth)s levels deep")
                                       % {"depth": depth}, **_where(text, at))
        elif token in ("}", "]"):
            if keys:
                keys.pop()
        elif match.group(1) is not None:
            key = json.loads(token[:token.rindex('"') + 1])
            if keys and keys[-1] is not None:
                if key in keys[-1]:
                    return StrictJSONError(_("the key %(key)s appears twice in the same object")
                                           % {"key": json.dumps(key)}, **_where(text, at))
                keys[-1].add(key)
        elif token.startswith('"'):
            continue
        elif token.lstrip("-") in ("NaN", "Infinity"):
            return StrictJSONError(_("%(value)s is not a JSON number") % {"value": token},
                                   **_where(text, at))
        elif len(token) > MAX_NUMBER_LENGTH:
            return StrictJSONError(_("a number of %(length)s characters; at most %(limit)s "
                                     "fit any field") % {"length": f"{len(token):,}",
                                                         "limit": MAX_NUMBER_LENGTH},
                                   **_where(text, at))
        elif not math.isfinite(float(token)):
            return StrictJSONError(_("%(value)s is too large for a number") % {"value": token},
                                   **_where(text, at))
    if depth:
        return StrictJSONError(_("nested more than %(depth)s levels deep") % {"depth": depth})
    return StrictJSONError(_("a value the Atlas does not accept"))


def _lone_surrogate(text) -> StrictJSONError | None:
    """A \\ud800-style escape without its pair: a string that cannot be stored as UTF-8."""
    pending = None  # a high surrogate's escape, whose low half must follow at once
    for match in _SURROGATE.finditer(text):
        start = before = match.start()
        while before and text[before - 1] == "\\":
            before -= 1
        if (start - before) % 2:  # an escaped backslash followed by "ud800": plain text
            continue
        low = match.group()[3] in "cdefCDEF"
        if pending is not None:
            if not (low and start == pending.end()):
                break
            pending = None
        elif low:
            pending = match
            break
        else:
            pending = match
    if pending is None:
        return None
    return StrictJSONError(_("%(escape)s is half of a surrogate pair, not a character")
                           % {"escape": pending.group()}, **_where(text, pending.start()))
