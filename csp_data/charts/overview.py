"""The Overview's charts, written as Vega-Lite specifications (:mod:`csp_data.charts.vegalite`). Colours
come from a colour-blind-safe palette (Okabe–Ito)."""

from __future__ import annotations

import pandas as pd

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
from csp_data.charts.colours import CRIME_COLOUR, KIND_COLOURS
from csp_data.charts.monthly import two_series_chart
from csp_data.charts.vegalite import Tables, VegaSpec, field, mark, single, tip


def monthly_trend_chart(monthly: pd.DataFrame) -> VegaSpec:
    """Monthly counts of crime and ASB as two lines; months not loaded are gaps under a grey band."""
    data = monthly.assign(
        series=monthly["kind"].map({"crime": "Crime", "asb": "ASB"}),
        month=pd.to_datetime(monthly["month"]),
        incidents=monthly["incidents"].astype("float"),
    )
    not_loaded = data.loc[~data["loaded"], "month"] if "loaded" in data else None
    return two_series_chart(
        data,
        not_loaded,
        KIND_COLOURS,
        y_title="Incidents recorded",
        count_format=",",
        height=400,  # the whole chart: the legend, the slanted months and the titles take about 150 px of it
        legend={"orient": "top"},
    )


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
