"""Mark query matches in text, escaping everything else (one implementation for every backend)."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from atlas.catalogue.search.query import ParsedQuery, fold


# Word characters are letters and digits, as for the parser (query.words).
_NOT_AFTER_WORD, _NOT_BEFORE_WORD, _BETWEEN = r"(?<![^\W_])", r"(?![^\W_])", r"[\W_]+"


def highlight(text: str, query: ParsedQuery) -> SafeString:
    if not text or not query.groups:
        return escape(text or "")
    folded = fold(text)
    spans = []
    for part in query.parts:
        # The part's words at the start of a word, separated by anything that is not a word;
        # the last one whole unless it is a prefix.
        pattern = (_NOT_AFTER_WORD + _BETWEEN.join(re.escape(w) for w in part.words)
                   + ("" if part.prefix else _NOT_BEFORE_WORD))
        spans += [m.span() for m in re.finditer(pattern, folded)]
    if not spans:
        return escape(text)
    spans.sort()
    merged = [list(spans[0])]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(escape(text[pos:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped
