"""Mark query matches in text, escaping everything else (one implementation for every backend)."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from atlas.catalogue.search.query import ParsedQuery, fold


def highlight(text: str, query: ParsedQuery) -> SafeString:
    if not text or not query:
        return escape(text or "")
    folded = fold(text)
    spans = []
    for term in query.terms:
        # Word prefix: the term at the start of a word.
        spans += [m.span() for m in re.finditer(r"(?<!\w)" + re.escape(term), folded)]
    for phrase in query.phrases:
        pattern = r"(?<!\w)" + r"\W+".join(re.escape(w) for w in phrase) + r"(?!\w)"
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
