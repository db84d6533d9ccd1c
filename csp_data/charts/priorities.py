"""The live indicator charts of the Priorities and Residents' survey pages."""

from __future__ import annotations

import altair as alt

from csp_data.figures.priorities import IndicatorFigures
from csp_data.periods import month_label


def indicator_chart(figures: IndicatorFigures):
    """Monthly bars of one series; months not loaded are labelled "not loaded", never drawn as zero."""

    data = figures.monthly.assign(
        month_label=[month_label(m) for m in figures.monthly["month"]],
        incidents=figures.monthly["incidents"].astype("float"),
    )
    order = list(data["month_label"])
    x = alt.X("month_label:O", title="Month", sort=order, axis=alt.Axis(labelAngle=-45))
    bars = (
        alt.Chart(data[data["loaded"]])
        .mark_bar(color=figures.series.colour)
        .encode(
            x=x,
            y=alt.Y("incidents:Q", title="Incidents recorded"),
            tooltip=[
                alt.Tooltip("month_label:N", title="Month"),
                alt.Tooltip("incidents:Q", title=figures.series.label, format=","),
            ],
        )
    )
    missing = data[~data["loaded"]]
    if missing.empty:
        # An empty layer would still need the axis domain; keep the chart simple.
        return bars.properties(height=220)
    gaps = (
        alt.Chart(missing.assign(y=0.0, note="not loaded"))
        .mark_text(angle=270, align="left", dx=4, color="#333333")
        .encode(x=x, y="y:Q", text="note:N")
    )
    return (bars + gaps).properties(height=220)


def display_height(chart, axis_space: int = 90) -> int | None:
    """The height to give ``st.altair_chart`` for a chart: its plot height plus room for the axes.

    Streamlit 1.67 sizes a chart from its own height argument, not from the chart's
    ``height`` property, so a page passes this. ``None`` when the chart sets no height.
    """
    height = getattr(chart, "height", None)
    if not isinstance(height, (int, float)):
        return None
    return int(height) + axis_space
