"""Template tags for open-data links and embedded JSON-LD."""

import json

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from atlas.api.site import site_url
from atlas.catalogue.exporters import EXPORTERS, tool_jsonld

register = template.Library()

# As django.utils.html.json_script: these cannot end the <script> element or open a comment.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.inclusion_tag("api/_export_links.html")
def export_links(filters):
    """Download links for the current search, one per registered export format."""
    query = filters.querystring(page=1)
    return {"links": [(reverse("api:tool_export", args=[e.name]) + ("?" + query if query else ""),
                       e.label, e.name) for e in EXPORTERS.values()],
            "feed_url": reverse("api:tools_feed") + ("?" + query if query else "")}


@register.simple_tag(takes_context=True)
def tool_jsonld_script(context, tool):
    """The tool as schema.org JSON-LD, in a data block (not executed, so CSP allows it)."""
    data = json.dumps(tool_jsonld(tool, base_url=site_url(context.get("request"))),
                      ensure_ascii=False)
    return format_html('<script type="application/ld+json">{}</script>',
                       mark_safe(data.translate(_JSON_ESCAPES)))  # noqa: S308 - escaped above
