"""The SVG charts, their data tables and the coverage matrix, rendered in Python.

They are the loops of /insights/ (a bar, a row or a cell each): in the template language they
cost most of a page never seen before (bench/RESULTS.md, "Serving a crowd"). The markup is the
one the templates had, except that numbers in SVG attributes are always written with a decimal
point (the template language wrote "420,0" in French, Russian and Spanish, which browsers reject).
"""

import unicodedata

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from atlas.catalogue.templatetags.facet_sidebar import count_text

register = template.Library()

WIDTH = 720
BAR_ROW = 26  # px per bar, bar 18 high
FONT_SIZE = 13  # of the labels, in the chart's units (insights.css)
COUNT_ROOM = 50
COLUMNS_HEIGHT = 220
AXIS_ROOM = 28


def _n(x) -> str:
    """A number for an SVG attribute: never localised."""
    return repr(x) if isinstance(x, float) else str(x)


def _columns(chart, scale_max) -> str:
    n = max(len(chart.bars), 1)
    step = (WIDTH - 20) / n
    plot = COLUMNS_HEIGHT - AXIS_ROOM - 16
    label_every = 1 if n <= 12 else 5
    label_y = COLUMNS_HEIGHT - 8
    axis_y = COLUMNS_HEIGHT - AXIS_ROOM + 2
    out = [f'<line class="axis" x1="0" x2="{WIDTH}" y1="{axis_y}" y2="{axis_y}"/>']
    for i, bar in enumerate(chart.bars):
        h = round(plot * bar.count / scale_max, 1)
        x = round(10 + i * step, 1)
        label = escape(bar.label)
        out.append(f'\n<rect class="bar" x="{_n(x)}" y="{_n(round(16 + plot - h, 1))}" '
                   f'width="{_n(round(max(step - 2, 1), 1))}" height="{_n(h)}"><title>{label}: '
                   f'{bar.count}</title></rect>')
        show = int(bar.value) % label_every == 0 if bar.value.isdigit() else True
        if show:
            out.append(f'<text class="tick" x="{_n(round(x + step / 2, 1))}" y="{label_y}" '
                       f'text-anchor="middle">{label}</text>')
    out.append("\n")
    return "".join(out), COLUMNS_HEIGHT


def _label_width(labels) -> int:
    """Room for the longest label, estimated from its characters, since each reader's font
    differs: a wide (CJK) character counts one em, any other 0.66 em (the widest Latin,
    Cyrillic and Arabic labels measure 0.62 em a character in Chromium). At most 60% of the
    chart: the bars keep the rest."""
    def width(text):
        return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.66 for c in text)
    longest = max((width(label) for label in labels), default=0) * FONT_SIZE
    return min(max(round(longest) + 8, 120), round(WIDTH * 0.6))


def _bars(chart, scale_max) -> str:
    label_width = _label_width(bar.label for bar in chart.bars)
    room = WIDTH - label_width - COUNT_ROOM
    out = []
    for i, bar in enumerate(chart.bars):
        w = round(room * bar.count / scale_max, 1)
        y = i * BAR_ROW + 4
        empty = "" if bar.count else " empty"
        out.append(f'\n<text class="label" x="{label_width - 8}" y="{y + 14}" text-anchor="end">'
                   f'{escape(bar.label)}</text>\n<rect class="bar{empty}" x="{label_width}" '
                   f'y="{y}" width="{_n(w)}" height="18"/>\n<text class="value" '
                   f'x="{_n(label_width + w + 6)}" y="{y + 14}">{bar.count}</text>')
    out.append("\n")
    return "".join(out), len(chart.bars) * BAR_ROW + 8


@register.simple_tag
def chart_svg(chart):
    """An accessible SVG chart: title and description, a bar (or column) per value."""
    scale_max = chart.max_count or 1
    if chart.kind == "columns":
        body, height = _columns(chart, scale_max) if chart.bars else ("\n", COLUMNS_HEIGHT)
    else:
        body, height = _bars(chart, scale_max)
    slug = escape(chart.slug)
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="chart-'
        f'{slug}-title chart-{slug}-desc" preserveAspectRatio="xMinYMin meet">\n<title id='
        f'"chart-{slug}-title">{escape(chart.title)}</title>\n<desc id="chart-{slug}-desc">'
        f'{escape(chart.description)}</desc>\n{body}</svg>\n')


@register.simple_tag
def chart_rows(chart):
    """The rows of a chart's data table (the same figures as text)."""
    tools_url = reverse("catalogue:tool_list")
    rows = []
    for bar in chart.bars:
        if not bar.count and chart.kind == "columns":
            continue
        count = count_text(bar.count)
        if bar.query is not None and bar.count:
            count = f'<a href="{tools_url}?{escape(bar.query)}">{count}</a>'
        rows.append(f'<tr><th scope="row">{escape(bar.label)}</th><td>{count}</td></tr>')
    return mark_safe("".join(rows))


def _cell(cell, tools_url, marks) -> str:
    mark = ""
    if cell.level in marks:
        mark = f' <span class="mark">{marks[cell.level]}</span>'
    elif cell.level == "crowded":
        crowded = ",".join(f" {escape(label)} ({n})" for label, n in cell.crowded_labels)
        mark = f' <span class="mark">{escape(gettext("crowded"))}:{crowded}</span>'
    # An empty cell links nowhere: a list of no tools says nothing its 0 does not.
    count = (f'<a href="{tools_url}?{escape(cell.query)}">{cell.count}</a>' if cell.count
             else "0")
    return f'\n      <td class="level-{cell.level}">{count}{mark}</td>'


@register.simple_tag
def coverage_table(matrix, caption, querystring=""):
    """The coverage matrix: a row per region (or country), a cell per purpose."""
    tools_url = reverse("catalogue:tool_list")
    # A gap's 0 says it (the key below the table: "Gap: no tool"); a thin cell needs its word.
    # Most cells are gaps: a word on each was a fifth of the page.
    marks = {"thin": escape(gettext("thin"))}
    place = escape(gettext("Country") if matrix.region else gettext("Region"))
    head = "".join(f'<th scope="col">{escape(label)}</th>' for _p, label in matrix.purposes)
    rows = []
    for row in matrix.rows:
        label = escape(row.label)
        if row.drill_down:
            url = reverse("insights:coverage_region", args=[row.key])
            label = f'<a href="{url}{"?" + escape(querystring) if querystring else ""}">{label}</a>'
        cells = "".join(_cell(cell, tools_url, marks) for cell in row.cells)
        rows.append(f'\n    <tr><th scope="row">{label}</th>{cells}\n    </tr>')
    if matrix.global_row:
        cells = "".join(f'<td><a href="{tools_url}?{escape(c.query)}">{c.count}</a></td>'
                        for c in matrix.global_row.cells)
        rows.append(f'\n    <tr class="global-row"><th scope="row">'
                    f'{escape(matrix.global_row.label)}</th>{cells}</tr>')
    return mark_safe(
        f'<div class="matrix-scroll" role="region" aria-labelledby="matrix-caption" tabindex="0">'
        f'\n<table class="data coverage">\n  <caption id="matrix-caption">{escape(caption)}'
        f'</caption>\n  <thead><tr><th scope="col">{place}</th>{head}</tr></thead>\n  <tbody>'
        f'{"".join(rows)}\n  </tbody>\n</table>\n</div>\n')


@register.filter
def level_count(matrix, level):
    return matrix.count(level)
