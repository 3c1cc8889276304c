"""The facet sidebar of /tools/, the map and insights, rendered in Python.

Every search page repeats it: ten facets and up to a few hundred values, each a link with its
count. In the template language that loop was half the cost of a page never seen before
(bench/RESULTS.md, "Serving a crowd"); here it is a few string joins. The markup is the one the
templates had: `live` adds the data attributes the map and insights scripts update in place.
"""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


def count_text(n: int) -> str:
    """intcomma(n), without its cost where grouping cannot apply."""
    return str(n) if -1000 < n < 1000 else intcomma(n)


def _values(facet, remove, live):
    items = []
    for fv in facet.values:
        data = f' data-value="{escape(fv.value)}"' if live else ""
        if fv.selected:
            items.append(f'\n      <li><a href="?{escape(fv.toggle_query)}"{data} aria-current="true" '
                         f'class="selected" rel="nofollow"><span class="visually-hidden">'
                         f'{remove} </span>✓ {escape(fv.label)}</a> '
                         f'<span class="count">{count_text(fv.count)}</span></li>')
        else:
            items.append(f'\n      <li><a href="?{escape(fv.toggle_query)}"{data}  rel="nofollow">'
                         f'{escape(fv.label)}</a> <span class="count">{count_text(fv.count)}</span>'
                         f'</li>')
    return "".join(items)


def _facets(facets, live) -> str:
    remove = escape(gettext("Remove filter:"))
    parts = []
    for i, facet in enumerate(facets, 1):
        if not facet.values:
            continue
        opened = " open" if facet.selected_values or i <= 4 else ""
        param = f' data-param="{escape(facet.param)}"' if live else ""
        parts.append(f'\n  <details class="facet"{opened}{param}>\n    <summary>'
                     f'{escape(facet.label)}</summary>\n    <ul>{_values(facet, remove, live)}'
                     f'\n    </ul>\n  </details>')
    return "".join(parts)


@register.simple_tag(takes_context=True)
def facet_sidebar(context, result, live=False):
    """<aside> with every facet of a search result; `live` for pages whose script redraws it."""
    filters = result.filters
    heading = escape(gettext("Filter"))
    label = escape(gettext("Filters"))
    clear = escape(gettext("Clear all filters"))
    offline = context.get("offline_copy")
    if offline:
        return mark_safe(_offline_sidebar(offline.search_url, heading, label, live))
    if live:
        hidden = "" if filters.is_filtered else " hidden"
        return mark_safe(
            f'<aside class="facets" aria-label="{label}" data-facets data-remove-label='
            f'"{escape(gettext("Remove filter:"))}">\n  <h2>{heading}</h2>\n  <p data-clear'
            f'{hidden}><a href="?">{clear}</a></p>\n  <div data-facet-list>'
            f'{_facets(result.facets, True)}</div>\n</aside>')
    clear_link = (f'<p><a href="?{escape(filters.without_filters())}">{clear}</a></p>'
                  if filters.is_filtered else "")
    return mark_safe(
        f'<aside class="facets" aria-label="{label}">\n  <h2>{heading}</h2>\n  {clear_link}\n  '
        f'{_facets(result.facets, False)}\n</aside>')


def _offline_sidebar(search_url, heading, label, live) -> str:
    """In the static copy, the sidebar (hundreds of links to filtered pages a copy cannot have)
    is one link to the copy's search page, which filters in the browser. A live page's script
    still finds where it would redraw the facets, hidden."""
    hooks = ('<p data-clear hidden></p><div data-facet-list hidden></div>' if live else "")
    data = " data-facets" if live else ""
    return (f'<aside class="facets" aria-label="{label}"{data}><h2>{heading}</h2><p><a href='
            f'"{escape(search_url)}">{escape(gettext("Search tools"))}</a></p>{hooks}</aside>')
