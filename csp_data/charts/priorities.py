"""The live indicator charts of the Priorities and Residents' survey pages, and their text alternatives."""

from __future__ import annotations

import altair as alt

from csp_data.charts.colours import NOT_LOADED_COLOUR
from csp_data.figures.priorities import IndicatorFigures
from csp_data.periods import describe_months, month_label

#: The plot's own height; its axes take about :data:`AXIS_SPACE` more (:func:`display_height`).
PLOT_HEIGHT = 220
AXIS_SPACE = 90


def indicator_chart(figures: IndicatorFigures):
    """Monthly bars of one series, counted from zero. A month not loaded is a grey band labelled "Not loaded"
    (as on every chart: a gap, never a zero bar)."""
    data = figures.monthly.assign(
        month_label=[month_label(m) for m in figures.monthly["month"]],
        incidents=figures.monthly["incidents"].astype("float"),
    )
    x = alt.X("month_label:O", title="Month", sort=list(data["month_label"]), axis=alt.Axis(labelAngle=-45))
    noun = "ASB incidents" if figures.series.kind == "asb" else "Crimes"
    bars = (
        alt.Chart(data[data["loaded"]])
        .mark_bar(color=figures.series.colour)
        .encode(
            x=x,
            y=alt.Y("incidents:Q", title=f"{noun} recorded", scale=alt.Scale(zero=True)),
            tooltip=[
                alt.Tooltip("month_label:N", title="Month"),
                alt.Tooltip("incidents:Q", title=figures.series.label, format=","),
            ],
        )
    )
    missing = data[~data["loaded"]].assign(what="not loaded (no data, not zero)", text="Not loaded")
    if missing.empty:
        return bars.properties(height=PLOT_HEIGHT)
    # A rect with no y encoding spans the plot's height: the band behind the month.
    band = (
        alt.Chart(missing)
        .mark_rect(color=NOT_LOADED_COLOUR, opacity=0.5)
        .encode(x=x, tooltip=[alt.Tooltip("month_label:N", title="Month"), alt.Tooltip("what:N", title="Counts")])
    )
    labels = (
        alt.Chart(missing)
        .mark_text(angle=270, align="right", baseline="middle", fontSize=12, color="#4D4D4D")
        .encode(x=x, y=alt.value(4), text="text:N")
    )
    return alt.layer(band, labels, bars).properties(height=PLOT_HEIGHT)


def indicator_chart_alt(figures: IndicatorFigures, area_name: str) -> str:
    """What the chart shows, for a screen reader: the series, the area and months, the highest and lowest month."""
    held = figures.monthly[figures.monthly["loaded"]]
    label = figures.series.label
    noun = "anti-social behaviour incidents" if figures.series.kind == "asb" else f"“{label}” crimes"
    text = f"Bar chart of {noun} recorded each month in {area_name}, {figures.period.span_label}"
    if len(held) > 1:
        counts = held["incidents"].astype(int)
        high, low = held.loc[counts.idxmax()], held.loc[counts.idxmin()]
        text += (
            f"; highest {month_label(high['month'])} ({int(high['incidents']):,}), "
            f"lowest {month_label(low['month'])} ({int(low['incidents']):,})"
        )
    missing = figures.monthly.loc[~figures.monthly["loaded"], "month"]
    if len(missing):
        text += f"; not loaded, so no bar: {describe_months(missing)}"
    return text + "."


def display_height(chart, axis_space: int = AXIS_SPACE) -> int | None:
    """The height to give ``st.altair_chart`` for a chart: its plot height plus room for the axes.

    Streamlit 1.67 sizes a chart from its own height argument, not from the chart's
    ``height`` property, so a page passes this. ``None`` when the chart sets no height.
    """
    height = getattr(chart, "height", None)
    if not isinstance(height, (int, float)):
        return None
    return int(height) + axis_space
