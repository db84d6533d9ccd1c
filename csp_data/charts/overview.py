"""Altair charts. Colours come from a colour-blind-safe palette (Okabe–Ito)."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
from csp_data.charts.colours import ASB_COLOUR, CRIME_COLOUR, KIND_COLOURS  # noqa: F401 - re-exported


def monthly_trend_chart(monthly: pd.DataFrame) -> alt.Chart:
    """Monthly counts of crime and ASB as two lines; months not loaded are left as gaps."""
    data = monthly.assign(
        series=monthly["kind"].map({"crime": "Crime", "asb": "ASB"}),
        month=pd.to_datetime(monthly["month"]),
        incidents=monthly["incidents"].astype("float"),
    )
    return (
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
            strokeDash=alt.StrokeDash("series:N", title=None),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                alt.Tooltip("incidents:Q", title="Incidents", format=","),
            ],
        )
        .properties(height=300)
    )


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
