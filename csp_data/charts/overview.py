"""The Overview's charts, written as Vega-Lite specifications (:mod:`csp_data.charts.vegalite`). Colours
come from a colour-blind-safe palette (Okabe–Ito)."""

from __future__ import annotations

import pandas as pd

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
from csp_data.charts.colours import CRIME_COLOUR, KIND_COLOURS, NOT_LOADED_COLOUR
from csp_data.charts.vegalite import Tables, VegaSpec, field, layer, layered, mark, single, tip


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


def monthly_trend_chart(monthly: pd.DataFrame) -> VegaSpec:
    """Monthly counts of crime and ASB as two lines; months not loaded are gaps under a grey band."""
    data = monthly.assign(
        series=monthly["kind"].map({"crime": "Crime", "asb": "ASB"}),
        month=pd.to_datetime(monthly["month"]),
        incidents=monthly["incidents"].astype("float"),
    )
    tables = Tables()
    band = not_loaded_band(tables, data.loc[~data["loaded"], "month"]) if "loaded" in data else None
    month = {"field": "month", "timeUnit": "yearmonth", "type": "temporal"}
    encoding = {
        "color": field(
            "series",
            "nominal",
            legend={"orient": "top"},
            scale={"domain": list(KIND_COLOURS), "range": list(KIND_COLOURS.values())},
            title=None,
        ),
        # Dashes mean a partial year on every chart (csp_data.charts.colours); the series differ by
        # colour and by point shape, so they are told apart without colour too.
        "shape": field(
            "series", "nominal", scale={"domain": ["Crime", "ASB"], "range": ["circle", "square"]}, title=None
        ),
        "tooltip": [
            tip("series", "nominal", "Series"),
            month | {"format": "%B %Y", "title": "Month"},
            tip("incidents", "quantitative", "Incidents", format=","),
        ],
        "x": month | {"axis": {"format": "%b %Y", "labelAngle": -45}, "title": "Month"},
        "y": field("incidents", "quantitative", title="Incidents recorded"),
    }
    line = mark("line", invalid="break-paths-show-domains", point=True)
    if band is None:
        return single(tables, data, line, encoding, height=300)
    return layered(tables, [band, layer(tables, data, line, encoding)], height=300)


def crime_type_chart(crime_types: pd.DataFrame) -> VegaSpec:
    """Horizontal bars of crime by police.uk category, largest first (ASB excluded)."""
    data = crime_types[crime_types["kind"] == "crime"]
    encoding = {
        "tooltip": [
            tip("crime_type", "nominal", "Crime type"),
            tip("incidents", "quantitative", "Crimes", format=","),
            tip("share", "quantitative", "Share of crime", format=".1%"),
        ],
        "x": field("incidents", "quantitative", title="Crimes recorded"),
        "y": field("crime_type", "nominal", axis={"labelLimit": 260, "labelOverlap": False}, sort="-x", title=None),
    }
    return single(Tables(), data, mark("bar", color=CRIME_COLOUR), encoding, height=24 * max(len(data), 1))
