"""The line chart of monthly counts that the Overview and the ward profile share, and its not-loaded band.

Months not loaded are gaps in the lines (``invalid="break-paths-show-domains"``) under a grey band
labelled "Not loaded", never zeros. Two series differ by colour and by point shape, so they are told
apart without colour too; dashes are kept for partial years (:mod:`csp_data.charts.colours`).
"""

from __future__ import annotations

import pandas as pd

from csp_data.charts.colours import NOT_LOADED_COLOUR
from csp_data.charts.vegalite import Tables, VegaSpec, field, layer, layered, mark, single, tip

MONTH = {"field": "month", "timeUnit": "yearmonth", "type": "temporal"}


def not_loaded_band(tables: Tables, months: pd.Series) -> dict | None:
    """A grey band over each month not loaded, labelled in its tooltip: a gap, never a zero."""
    if months.empty:
        return None
    starts = pd.to_datetime(pd.Series(sorted(set(months))))
    bands = pd.DataFrame({"start": starts, "end": starts + pd.offsets.MonthBegin(1)})
    bands["what"] = [f"{m:%B %Y}: not loaded (no data, not zero)" for m in starts]
    rects = layer(
        tables,
        bands,
        mark("rect", color=NOT_LOADED_COLOUR, opacity=0.5),
        {"tooltip": tip("what", "nominal", "Month"), "x": field("start", "temporal"), "x2": {"field": "end"}},
    )
    # One label at the start of each run of months not loaded.
    run_starts = bands[~(bands["start"] - pd.offsets.MonthBegin(1)).isin(bands["start"])]
    labels = layer(
        tables,
        run_starts.assign(text="Not loaded"),
        mark("text", align="left", baseline="top", color="#4D4D4D", dx=4, dy=4, fontSize=12),
        {"text": field("text", "nominal"), "x": field("start", "temporal"), "y": {"value": 0}},
    )
    return {"layer": [rects, labels]}


def two_series_chart(
    data: pd.DataFrame,
    not_loaded: pd.Series | None,
    colours: dict[str, str],
    *,
    y_title: str,
    count_format: str,
    height: int,
    legend: dict,
) -> VegaSpec:
    """Two series of monthly counts as lines with points (``data``: ``month``, ``series``, ``incidents``).

    ``colours``: each series' label and colour, in legend order (the first a circle, the second a
    square); ``not_loaded``: the months to band (none when None or empty); ``count_format``: the
    tooltip's number format."""
    tables = Tables()
    band = None if not_loaded is None else not_loaded_band(tables, not_loaded)
    names = list(colours)
    encoding = {
        "color": field(
            "series", "nominal", legend=legend, scale={"domain": names, "range": list(colours.values())}, title=None
        ),
        "shape": field("series", "nominal", scale={"domain": names, "range": ["circle", "square"]}, title=None),
        "tooltip": [
            tip("series", "nominal", "Series"),
            MONTH | {"format": "%B %Y", "title": "Month"},
            tip("incidents", "quantitative", "Incidents", format=count_format),
        ],
        "x": MONTH | {"axis": {"format": "%b %Y", "labelAngle": -45}, "title": "Month"},
        "y": field("incidents", "quantitative", title=y_title),
    }
    line = mark("line", invalid="break-paths-show-domains", point=True)
    if band is None:
        return single(tables, data, line, encoding, height=height)
    return layered(tables, [band, layer(tables, data, line, encoding)], height=height)
