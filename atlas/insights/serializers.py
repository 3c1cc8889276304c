"""Plain-dict forms of the insights, for their JSON twin."""

from django.urls import reverse

from atlas.insights.selectors import Chart, CoverageMatrix


def _tools_url(query):
    if query is None:
        return None
    return reverse("catalogue:tool_list") + ("?" + query if query else "")


def chart_as_dict(chart: Chart) -> dict:
    return {"slug": chart.slug, "title": str(chart.title), "description": chart.description,
            "total": chart.total,
            "values": [{"value": b.value, "label": b.label_text, "count": b.count,
                        "tools_url": _tools_url(b.query)} for b in chart.bars]}


def _row_as_dict(row, purposes) -> dict:
    return {"key": row.key, "label": str(row.label), "total": row.total,
            "cells": {purpose: {"count": c.count, "level": c.level,
                                "crowded_by": [{"technology": t, "count": n}
                                               for t, n in c.crowded_by],
                                "tools_url": _tools_url(c.query)}
                      for (purpose, _label), c in zip(purposes, row.cells)}}


def coverage_as_dict(matrix: CoverageMatrix) -> dict:
    rows = [_row_as_dict(row, matrix.purposes) for row in matrix.rows]
    return {
        "region": matrix.region or None,
        "thin_max": matrix.thin_max, "crowded_min": matrix.crowded_min,
        "purposes": [{"value": p, "label": str(label)} for p, label in matrix.purposes],
        "rows": rows,
        "global": _row_as_dict(matrix.global_row, matrix.purposes) if matrix.global_row else None,
    }
