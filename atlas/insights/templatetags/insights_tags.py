"""Geometry for the server-rendered SVG charts; the markup lives in the templates."""

from django import template

register = template.Library()

WIDTH = 720
BAR_ROW = 26  # px per bar, bar 18 high
LABEL_WIDTH = 250  # room for the longest vocabulary label at 13px
COUNT_ROOM = 50
COLUMNS_HEIGHT = 220
AXIS_ROOM = 28


@register.inclusion_tag("insights/_chart_svg.html")
def chart_svg(chart):
    scale_max = chart.max_count or 1
    if chart.kind == "columns":
        n = max(len(chart.bars), 1)
        step = (WIDTH - 20) / n
        plot = COLUMNS_HEIGHT - AXIS_ROOM - 16
        label_every = 1 if n <= 12 else 5
        items = []
        for i, bar in enumerate(chart.bars):
            h = round(plot * bar.count / scale_max, 1)
            x = round(10 + i * step, 1)
            items.append({"bar": bar, "x": x, "w": round(max(step - 2, 1), 1),
                          "y": round(16 + plot - h, 1), "h": h, "cx": round(x + step / 2, 1),
                          "show_label": int(bar.value) % label_every == 0 if bar.value.isdigit()
                          else True})
        return {"chart": chart, "columns": items, "width": WIDTH, "height": COLUMNS_HEIGHT,
                "axis_y": COLUMNS_HEIGHT - AXIS_ROOM + 2, "label_y": COLUMNS_HEIGHT - 8}
    room = WIDTH - LABEL_WIDTH - COUNT_ROOM
    items = []
    for i, bar in enumerate(chart.bars):
        w = round(room * bar.count / scale_max, 1)
        y = i * BAR_ROW + 4
        items.append({"bar": bar, "y": y, "w": w, "text_y": y + 14, "count_x": LABEL_WIDTH + w + 6})
    return {"chart": chart, "bars": items, "width": WIDTH, "height": len(items) * BAR_ROW + 8,
            "label_x": LABEL_WIDTH - 8, "bar_x": LABEL_WIDTH}


@register.filter
def level_count(matrix, level):
    return matrix.count(level)
