"""Template access to a tool's text in the visitor's language (atlas.catalogue.translations)."""

from django import template
from django.utils.html import escape

from atlas.catalogue.search import parse_query
from atlas.catalogue.search.highlight import highlight
from atlas.catalogue.translations import tool_text as _tool_text

register = template.Library()


class _ListText:
    """ToolText plus name and description as HTML, with the search terms marked."""

    def __init__(self, text, name_html, description_html):
        self.text = text
        self.name_html = name_html
        self.description_html = description_html

    def __getattr__(self, attr):
        return getattr(self.text, attr)


@register.simple_tag
def tool_text(tool, result=None):
    """{% tool_text tool as text %}; with a search result, text.name_html and
    text.description_html carry the highlighted query terms."""
    text = _tool_text(tool)
    if result is None:
        return text
    marks = (result.highlights or {}).get(tool.pk)
    if marks and text.name == tool.name and text.short_description == tool.short_description:
        return _ListText(text, marks["name"], marks["description"])
    query = parse_query(result.filters.q) if marks else None
    if query:
        return _ListText(text, highlight(text.name, query), highlight(text.short_description, query))
    return _ListText(text, escape(text.name), escape(text.short_description))


@register.simple_tag
def any_fallback(tools):
    """True when some of these tools have no translation into the visitor's language."""
    return any(_tool_text(tool).fallback for tool in tools)
