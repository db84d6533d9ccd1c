"""What the Seasonality page's charts draw behind their data: months not loaded, the school summer
holidays, and Halloween and Bonfire Night (:mod:`csp_data.figures.seasonal_events`).

Each function returns layers (:func:`csp_data.charts.vegalite.layer`) whose tables join the chart's
``tables``. On a chart over calendar months (a temporal axis whose points sit on each month's first
day), a month spans half a month either side of its point; on the financial-year overlay (positions
1 to 12), half a position.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from csp_data.charts.colours import NOT_LOADED_COLOUR
from csp_data.charts.vegalite import Tables, field, layer, mark, tip
from csp_data.periods import MONTH_NAMES, add_months

#: The seasonal events: a pale span for the summer holidays, grey rules and labels for single days.
EVENT_COLOUR = "#555555"
SUMMER_COLOUR = "#E69F00"
HALF_MONTH = timedelta(days=15)


def gap_layers(tables: Tables, series: pd.DataFrame) -> list[dict]:
    """Runs of months not loaded, shaded half a month either side of their points and labelled."""
    runs: list[list] = []
    for month, loaded in zip(series["month"], series["loaded"]):
        if loaded:
            continue
        if runs and add_months(runs[-1][1], 1) == month:
            runs[-1][1] = month
        else:
            runs.append([month, month])
    if not runs:
        return []
    gaps = pd.DataFrame(
        {
            "start": [pd.Timestamp(a) - HALF_MONTH for a, _ in runs],
            "end": [pd.Timestamp(b) + HALF_MONTH for _, b in runs],
            "middle": [pd.Timestamp(a) + (pd.Timestamp(b) - pd.Timestamp(a)) / 2 for a, b in runs],
            "months": [
                f"{MONTH_NAMES[a.month - 1]} {a.year}" + ("" if a == b else f" to {MONTH_NAMES[b.month - 1]} {b.year}")
                for a, b in runs
            ],
            "label": "not loaded",
        }
    )
    tooltip = [tip("months", "nominal", "Not loaded")]
    return [
        layer(
            tables,
            gaps,
            mark("rect", color=NOT_LOADED_COLOUR),
            {"tooltip": tooltip, "x": field("start", "temporal"), "x2": {"field": "end"}},
        ),
        layer(
            tables,
            gaps,
            mark("text", baseline="top", color="#333333", dy=4, fontSize=11),
            {"text": field("label", "nominal"), "x": field("middle", "temporal"), "y": {"value": 0}},
        ),
    ]


def summer_layer(tables: Tables, events: pd.DataFrame) -> list[dict]:
    """The school summer holidays as a pale span behind the monthly counts (the caption names it)."""
    spans = events[events["first_month"] != events["last_month"]]
    if spans.empty:
        return []
    data = pd.DataFrame(
        {
            "start": pd.to_datetime(spans["first_month"]) - HALF_MONTH,
            "end": pd.to_datetime(spans["last_month"]) + HALF_MONTH,
            "event": spans["event"],
            "when": spans["when"],
        }
    )
    tooltip = [tip("event", "nominal", "Event"), tip("when", "nominal", "When")]
    return [
        layer(
            tables,
            data,
            mark("rect", color=SUMMER_COLOUR, opacity=0.15),
            {"tooltip": tooltip, "x": field("start", "temporal"), "x2": {"field": "end"}},
        )
    ]


def fy_event_layers(tables: Tables, events: pd.DataFrame) -> list[dict]:
    """Summer holidays as a labelled span; Halloween and Bonfire Night as labelled solid rules."""
    if events.empty:
        return []
    marks = events.assign(start=events["first_position"] - 0.5, end=events["last_position"] + 0.5)
    tooltip = [tip("event", "nominal", "Event"), tip("when", "nominal", "When"), tip("note", "nominal", "Note")]
    spans = marks[marks["first_position"] != marks["last_position"]]
    days = marks[marks["first_position"] == marks["last_position"]]
    # The span's label has the top row; the days' labels alternate on the two rows under it, so none meets
    # another on a phone (at 320 px "Summer holidays" ran into "Halloween" on one row).
    days = days.assign(label_y=[17 + 13 * (i % 2) for i in range(len(days))])
    text = {"align": "left", "baseline": "top", "color": EVENT_COLOUR, "fontSize": 10}
    return [
        layer(
            tables,
            spans,
            mark("rect", color=SUMMER_COLOUR, opacity=0.15),
            {"tooltip": tooltip, "x": field("start", "quantitative"), "x2": {"field": "end"}},
        ),
        layer(
            tables,
            spans,
            mark("text", dx=2, dy=4, **text),
            {"text": field("event", "nominal"), "x": field("start", "quantitative"), "y": {"value": 0}},
        ),
        layer(
            tables,
            days,
            mark("rule", color=EVENT_COLOUR),
            {"tooltip": tooltip, "x": field("first_position", "quantitative")},
        ),
        layer(
            tables,
            days,
            mark("text", dx=3, **text),
            {
                "text": field("event", "nominal"),
                "x": field("first_position", "quantitative"),
                "y": field("label_y", "quantitative", scale=None),
            },
        ),
    ]
