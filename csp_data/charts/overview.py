"""Altair charts. Colours come from a colour-blind-safe palette (Okabe–Ito)."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
from csp_data.charts.colours import CRIME_COLOUR, KIND_COLOURS, NOT_LOADED_COLOUR


def not_loaded_band(months: pd.Series) -> alt.Chart | None:
    """A grey band over each month not loaded, labelled in its tooltip: a gap, never a zero."""
    if months.empty:
        return None
    starts = pd.to_datetime(pd.Series(sorted(set(months))))
    bands = pd.DataFrame({"start": starts, "end": starts + pd.offsets.MonthBegin(1)})
    bands["what"] = [f"{m:%B %Y}: not loaded (no data, not zero)" for m in starts]
    rects = (
        alt.Chart(bands)
        .mark_rect(color=NOT_LOADED_COLOUR, opacity=0.5)
        .encode(x="start:T", x2="end:T", tooltip=alt.Tooltip("what:N", title="Month"))
    )
    # One label at the start of each run of months not loaded.
    run_starts = bands[~(bands["start"] - pd.offsets.MonthBegin(1)).isin(bands["start"])]
    labels = (
        alt.Chart(run_starts.assign(text="Not loaded"))
        .mark_text(align="left", baseline="top", dx=4, dy=4, fontSize=12, color="#4D4D4D")
        .encode(x="start:T", y=alt.value(0), text="text:N")
    )
    return alt.layer(rects, labels)


def monthly_trend_chart(monthly: pd.DataFrame) -> alt.Chart:
    """Monthly counts of crime and ASB as two lines; months not loaded are gaps under a grey band."""
    data = monthly.assign(
        series=monthly["kind"].map({"crime": "Crime", "asb": "ASB"}),
        month=pd.to_datetime(monthly["month"]),
        incidents=monthly["incidents"].astype("float"),
    )
    band = not_loaded_band(data.loc[~data["loaded"], "month"]) if "loaded" in data else None
    lines = (
        alt.Chart(data)
        .mark_line(point=True, invalid="break-paths-show-domains")
        .encode(
            x=alt.X("yearmonth(month):T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-45)),
            y=alt.Y("incidents:Q", title="Incidents recorded"),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=list(KIND_COLOURS), range=list(KIND_COLOURS.values())),
                legend=alt.Legend(orient="top"),
            ),
            # Dashes mean a partial year on every chart (csp_data.charts.colours); the series differ by
            # colour and by point shape, so they are told apart without colour too.
            shape=alt.Shape(
                "series:N", title=None, scale=alt.Scale(domain=["Crime", "ASB"], range=["circle", "square"])
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                alt.Tooltip("incidents:Q", title="Incidents", format=","),
            ],
        )
    )
    return (lines if band is None else alt.layer(band, lines)).properties(height=300)


def crime_type_chart(crime_types: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of crime by police.uk category, largest first (ASB excluded)."""
    data = crime_types[crime_types["kind"] == "crime"]
    return (
        alt.Chart(data)
        .mark_bar(color=CRIME_COLOUR)
        .encode(
            x=alt.X("incidents:Q", title="Crimes recorded"),
            y=alt.Y("crime_type:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260, labelOverlap=False)),
            tooltip=[
                alt.Tooltip("crime_type:N", title="Crime type"),
                alt.Tooltip("incidents:Q", title="Crimes", format=","),
                alt.Tooltip("share:Q", title="Share of crime", format=".1%"),
            ],
        )
        .properties(height=24 * max(len(data), 1))
    )
