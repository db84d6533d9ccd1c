"""Altair charts for the Seasonality page.

Colours are Okabe–Ito (safe with the common colour-vision deficiencies) and never carry meaning
alone: partial years are also dashed and labelled, months outside the expected range also have
their own shape, and missing months are shaded and labelled "not loaded". Lines break at months that
are not loaded (``invalid="break-paths-show-domains"``), so a gap is never drawn as a zero or bridged.
"""

from __future__ import annotations

import json
from datetime import timedelta

import altair as alt
import pandas as pd

from csp_data.charts.colours import ASB_COLOUR, CATEGORY_COLOURS, CRIME_COLOUR
from csp_data.figures.seasonality import FY_MONTH_NAMES
from csp_data.periods import MONTH_NAMES, add_months

# Okabe & Ito (2008) without the colours too pale on white (see csp_data.charts.colours).
OKABE_ITO = list(CATEGORY_COLOURS)
BAND_COLOUR = "#56B4E9"
EVENT_COLOUR = "#555555"
GAP_COLOUR = "#BBBBBB"
BREAK = "break-paths-show-domains"
DASHES = {"Whole year": [1, 0], "Partial year": [6, 4]}
HALF_MONTH = timedelta(days=15)
BAND_HALF_WIDTH = timedelta(days=10)


def _plot_frame(frame: pd.DataFrame, *count_columns: str) -> pd.DataFrame:
    """A copy ready for Vega-Lite: dates as timestamps, nullable counts as floats (missing -> null)."""
    out = frame.copy()
    for column in out.columns:
        if column in ("month", "first_month", "last_month"):
            out[column] = pd.to_datetime(out[column])
    for column in count_columns:
        out[column] = out[column].astype("Float64").astype(float)
    return out


def _y_scale(*columns: pd.Series) -> alt.Scale:
    """A count scale not forced to zero, with headroom above the largest value for the event labels."""
    values = pd.concat([c.astype("Float64").astype(float) for c in columns]).dropna()
    if values.empty:
        return alt.Scale(zero=False)
    return alt.Scale(zero=False, domainMax=float(values.max()) * 1.12)


def series_colour(kind: str) -> str:
    return ASB_COLOUR if kind == "asb" else CRIME_COLOUR


def _month_axis() -> alt.X:
    return alt.X("month:T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-45, tickCount="month"))


def _gap_runs(series: pd.DataFrame) -> pd.DataFrame:
    """Runs of months not loaded, as rectangles half a month either side of their points."""
    runs: list[list] = []
    for month, loaded in zip(series["month"], series["loaded"]):
        if loaded:
            continue
        if runs and add_months(runs[-1][1], 1) == month:
            runs[-1][1] = month
        else:
            runs.append([month, month])
    frame = pd.DataFrame(runs, columns=["first_month", "last_month"])
    frame["start"] = pd.to_datetime(frame["first_month"]) - HALF_MONTH
    frame["end"] = pd.to_datetime(frame["last_month"]) + HALF_MONTH
    frame["label"] = "not loaded"
    frame["months"] = [
        f"{MONTH_NAMES[a.month - 1]} {a.year}" + ("" if a == b else f" to {MONTH_NAMES[b.month - 1]} {b.year}")
        for a, b in zip(frame["first_month"], frame["last_month"])
    ]
    return frame


def _gap_layers(series: pd.DataFrame) -> list[alt.Chart]:
    gaps = _gap_runs(series)
    if gaps.empty:
        return []
    base = alt.Chart(gaps)
    shade = base.mark_rect(color=GAP_COLOUR, opacity=0.25).encode(
        x="start:T",
        x2="end:T",
        tooltip=[alt.Tooltip("months:N", title="Not loaded"), alt.Tooltip("label:N", title="Shown as")],
    )
    label = (
        base.mark_text(baseline="top", dy=4, color="#333333", fontSize=11)
        .encode(x=alt.X("mid:T"), y=alt.value(0), text="label:N")
        .transform_calculate(mid="(toDate(datum.start) + toDate(datum.end)) / 2")
    )
    return [shade, label]


def _event_layers(events: pd.DataFrame) -> list[alt.Chart]:
    """Summer holidays as a shaded span; Halloween and Bonfire Night as rules on their month's point."""
    if events.empty:
        return []
    data = _plot_frame(events)
    data["start"] = data["first_month"] - HALF_MONTH
    data["end"] = data["last_month"] + HALF_MONTH
    tooltip = [
        alt.Tooltip("event:N", title="Event"),
        alt.Tooltip("when:N", title="When"),
        alt.Tooltip("note:N", title="Note"),
    ]
    spans = data[data["first_month"] != data["last_month"]]
    days = data[data["first_month"] == data["last_month"]]
    layers = []
    if len(spans):
        layers.append(
            alt.Chart(spans).mark_rect(color="#E69F00", opacity=0.12).encode(x="start:T", x2="end:T", tooltip=tooltip)
        )
        layers.append(
            alt.Chart(spans)
            .mark_text(align="left", baseline="top", dx=2, dy=2, color=EVENT_COLOUR, fontSize=10)
            .encode(x="start:T", y=alt.value(0), text="event:N")
        )
    if len(days):
        layers.append(
            alt.Chart(days).mark_rule(color=EVENT_COLOUR, strokeDash=[2, 3]).encode(x="first_month:T", tooltip=tooltip)
        )
        layers.append(
            alt.Chart(days.assign(label_y=[14 + 12 * (i % 2) for i in range(len(days))]))
            .mark_text(align="left", baseline="top", dx=3, color=EVENT_COLOUR, fontSize=10)
            .encode(x="first_month:T", y=alt.Y("label_y:Q", scale=None), text="event:N")
        )
    return layers


def fy_overlay_chart(overlay: pd.DataFrame, events: pd.DataFrame, kind: str) -> alt.LayerChart:
    """One line per financial year over April..March; partial years dashed and labelled as partial."""
    data = _plot_frame(overlay, "incidents")
    data["coverage"] = data["partial"].map({True: "Partial year", False: "Whole year"})
    data["year_coverage"] = data["months_loaded"].astype(int).astype(str) + " of 12 months loaded"
    data["month_text"] = data["month"].dt.strftime("%B %Y")
    labels = list(dict.fromkeys(data.sort_values("fy_start")["line_label"]))
    dash_domain = [d for d in DASHES if d in set(data["coverage"])]
    # The newest year takes the series colour; earlier years the rest of the palette.
    palette = [series_colour(kind)] + [c for c in OKABE_ITO if c != series_colour(kind)]
    colours = list(reversed(palette[: len(labels)])) if len(labels) <= len(palette) else None
    colour_scale = alt.Scale(domain=labels, range=colours) if colours else alt.Scale(domain=labels)
    x = alt.X(
        "fy_position:Q",
        title="Month of the financial year (April to March)",
        scale=alt.Scale(domain=[0.5, 12.5], nice=False),
        axis=alt.Axis(
            values=list(range(1, 13)), labelExpr=f"{json.dumps(list(FY_MONTH_NAMES))}[datum.value - 1]", grid=False
        ),
    )
    tooltip = [
        alt.Tooltip("financial_year:N", title="Financial year"),
        alt.Tooltip("month_text:N", title="Month"),
        alt.Tooltip("incidents:Q", title="Incidents", format=","),
        alt.Tooltip("year_coverage:N", title="Year coverage"),
    ]
    base = alt.Chart(data).encode(
        x=x,
        y=alt.Y("incidents:Q", title="Incidents recorded", scale=_y_scale(data["incidents"])),
        color=alt.Color(
            "line_label:N",
            title="Financial year",
            scale=colour_scale,
            legend=alt.Legend(orient="top", labelLimit=320, symbolSize=80),
        ),
        tooltip=tooltip,
    )
    lines = base.mark_line(invalid=BREAK, strokeWidth=2.5).encode(
        strokeDash=alt.StrokeDash(
            "coverage:N",
            title=None,
            scale=alt.Scale(domain=dash_domain, range=[DASHES[d] for d in dash_domain]),
            legend=alt.Legend(orient="top", symbolType="stroke", symbolSize=300, symbolStrokeWidth=2.5),
        ),
        detail="line_label:N",
    )
    points = base.mark_point(filled=True, size=50, invalid=BREAK).encode(shape=alt.Shape("line_label:N", legend=None))
    layers = []
    if not events.empty:
        marks = events.assign(
            start=events["first_position"] - 0.5, end=events["last_position"] + 0.5, mid=events["first_position"]
        )
        event_tooltip = [
            alt.Tooltip("event:N", title="Event"),
            alt.Tooltip("when:N", title="When"),
            alt.Tooltip("note:N", title="Note"),
        ]
        spans = marks[marks["first_position"] != marks["last_position"]]
        days = marks[marks["first_position"] == marks["last_position"]]
        layers += [
            alt.Chart(spans)
            .mark_rect(color="#E69F00", opacity=0.12)
            .encode(x="start:Q", x2="end:Q", tooltip=event_tooltip),
            alt.Chart(spans)
            .mark_text(align="left", baseline="top", dx=2, dy=2, color=EVENT_COLOUR, fontSize=10)
            .encode(x="start:Q", y=alt.value(0), text="event:N"),
            alt.Chart(days).mark_rule(color=EVENT_COLOUR, strokeDash=[2, 3]).encode(x="mid:Q", tooltip=event_tooltip),
            alt.Chart(days.assign(label_y=[14 + 12 * (i % 2) for i in range(len(days))]))
            .mark_text(align="left", baseline="top", dx=3, color=EVENT_COLOUR, fontSize=10)
            .encode(x="mid:Q", y=alt.Y("label_y:Q", scale=None), text="event:N"),
        ]
    return alt.layer(*layers, lines, points).properties(height=340)


def expected_range_chart(
    series: pd.DataFrame, expected: pd.DataFrame, events: pd.DataFrame, kind: str
) -> alt.LayerChart:
    """Monthly counts over every loaded month, with the expected range where there is history for it.

    Months outside the range are drawn as triangles (up for above, down for below); months not
    loaded are shaded and labelled, and the line breaks there.
    """
    data = _plot_frame(expected, "incidents", "within_from", "within_to")
    data["month_text"] = data["month"].dt.strftime("%B %Y")
    data["range_text"] = [
        "no earlier year loaded" if pd.isna(lo) else f"{int(lo):,} to {int(hi):,} (from {src})"
        for lo, hi, src in zip(data["within_from"], data["within_to"], data["baseline_months"])
    ]
    data["position_text"] = data["position"].replace({"": "not judged"})
    colour = series_colour(kind)
    x = _month_axis()
    tooltip = [
        alt.Tooltip("month_text:N", title="Month"),
        alt.Tooltip("incidents:Q", title="Incidents", format=","),
        alt.Tooltip("expected:Q", title="Expected", format=",.0f"),
        alt.Tooltip("range_text:N", title="Expected range (95%)"),
        alt.Tooltip("position_text:N", title="Against the range"),
    ]
    band_data = data[data["baseline_years"] > 0]
    layers = _gap_layers(series) + _event_layers(events)
    if len(band_data):
        band_data = band_data.assign(
            start=band_data["month"] - BAND_HALF_WIDTH, end=band_data["month"] + BAND_HALF_WIDTH
        )
        layers.append(
            alt.Chart(band_data)
            .mark_rect(color=BAND_COLOUR, opacity=0.45)
            .encode(x="start:T", x2="end:T", y=alt.Y("lower:Q"), y2="upper:Q", tooltip=tooltip)
        )
        layers.append(
            alt.Chart(band_data)
            .mark_rule(color="#1F5F8B", strokeWidth=1.5)
            .encode(x="start:T", x2="end:T", y="expected:Q", tooltip=tooltip)
        )
    line = (
        alt.Chart(data)
        .mark_line(color=colour, invalid=BREAK, strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("incidents:Q", title="Incidents recorded", scale=_y_scale(data["incidents"], data["upper"])),
            tooltip=tooltip,
        )
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, color=colour, size=40, invalid=BREAK)
        .encode(x=x, y="incidents:Q", tooltip=tooltip)
    )
    layers += [line, points]
    outside = data[data["position"].isin(["above", "below"])]
    if len(outside):
        layers.append(
            alt.Chart(outside)
            .mark_point(filled=True, size=160, color="#000000", stroke="white", strokeWidth=1)
            .encode(
                x=x,
                y="incidents:Q",
                shape=alt.Shape(
                    "position:N",
                    title="Outside the expected range",
                    scale=alt.Scale(domain=["above", "below"], range=["triangle-up", "triangle-down"]),
                    legend=None,
                ),  # the page says in words: ▲ above, ▼ below
                tooltip=tooltip,
            )
        )
    return alt.layer(*layers).properties(height=340)


def heat_map_chart(heat: pd.DataFrame) -> alt.LayerChart:
    """Month by year: shaded by count with the count written in each cell; months not loaded say so."""
    data = _plot_frame(heat, "incidents")
    data["month_text"] = data["month"].dt.strftime("%B %Y")
    data["cell_text"] = [
        ("" if pd.isna(n) else f"{int(n):,}") if ok else "not loaded"
        for n, ok in zip(data["incidents"], data["loaded"])
    ]
    years = list(dict.fromkeys(data.sort_values("year")["year_label"]))
    x = alt.X("month_name:O", title=None, sort=list(MONTH_NAMES), axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("year_label:O", title=None, sort=years, axis=alt.Axis(labelLimit=260))
    loaded = data[data["loaded"]]
    missing = data[~data["loaded"]]
    tooltip = [alt.Tooltip("month_text:N", title="Month"), alt.Tooltip("cell_text:N", title="Incidents")]
    low, high = (float(loaded["incidents"].min()), float(loaded["incidents"].max())) if len(loaded) else (0.0, 1.0)
    middle = (low + high) / 2
    layers = [
        alt.Chart(loaded)
        .mark_rect(stroke="white")
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "incidents:Q",
                title="Incidents",
                scale=alt.Scale(scheme="blues", zero=False),
                legend=alt.Legend(
                    orient="bottom", direction="horizontal", gradientLength=240, labelExpr="format(datum.value, ',')"
                ),
            ),
            tooltip=tooltip,
        ),
        alt.Chart(loaded)
        .mark_text(fontSize=12)
        .encode(
            x=x,
            y=y,
            text="cell_text:N",
            color=alt.condition(f"datum.incidents > {middle}", alt.value("white"), alt.value("black")),
            tooltip=tooltip,
        ),
    ]
    if len(missing):
        layers += [
            alt.Chart(missing).mark_rect(color="#F0F0F0", stroke="white").encode(x=x, y=y, tooltip=tooltip),
            alt.Chart(missing)
            .mark_text(fontSize=9, color="#555555", fontStyle="italic")
            .encode(x=x, y=y, text="cell_text:N", tooltip=tooltip),
        ]
    return alt.layer(*layers).properties(height=alt.Step(40))


def rolling_chart(rolling: pd.DataFrame, kind: str) -> alt.LayerChart:
    """Rolling 12-month totals; months whose 12 months are not all loaded have no point."""
    data = _plot_frame(rolling, "incidents", "rolling_12")
    data["window_text"] = [
        f"{(m - pd.DateOffset(months=11)).strftime('%b %Y')} to {m.strftime('%b %Y')}" for m in data["month"]
    ]
    data["loaded_text"] = data["months_loaded_in_window"].astype(str) + " of 12"
    tooltip = [
        alt.Tooltip("window_text:N", title="12 months"),
        alt.Tooltip("rolling_12:Q", title="Total", format=","),
        alt.Tooltip("loaded_text:N", title="Months loaded"),
    ]
    base = alt.Chart(data).encode(
        x=_month_axis(),
        y=alt.Y("rolling_12:Q", title="12-month total", scale=alt.Scale(zero=False), axis=alt.Axis(format=",")),
        tooltip=tooltip,
    )
    colour = series_colour(kind)
    return alt.layer(
        base.mark_line(color=colour, invalid=BREAK, strokeWidth=2),
        base.mark_point(filled=True, color=colour, size=50, invalid=BREAK),
    ).properties(height=260)


def _long_trend(trend: pd.DataFrame) -> pd.DataFrame:
    data = _plot_frame(trend, "incidents")
    data["month_text"] = data["month"].dt.strftime("%B %Y")
    long = data.melt(
        id_vars=[c for c in data.columns if c not in ("incidents", "trend")],
        value_vars=["incidents", "trend"],
        var_name="measure",
        value_name="value",
    )
    long["measure"] = long["measure"].map({"incidents": "Monthly count", "trend": "3-month average (centred)"})
    return long


TREND_MEASURES = ["Monthly count", "3-month average (centred)"]
TREND_LEGEND = alt.Legend(orient="top", symbolType="stroke", symbolSize=300, symbolStrokeWidth=2)


def trend_chart(trend: pd.DataFrame, kind: str) -> alt.LayerChart:
    """The chosen period's monthly counts with the centred 3-month moving average."""
    long = _long_trend(trend)
    colour = series_colour(kind)
    scale = alt.Scale(domain=TREND_MEASURES, range=[colour, "#000000"])
    base = alt.Chart(long).encode(
        x=_month_axis(),
        y=alt.Y("value:Q", title="Incidents recorded", scale=alt.Scale(zero=False)),
        color=alt.Color("measure:N", title=None, scale=scale, legend=TREND_LEGEND),
        strokeDash=alt.StrokeDash(
            "measure:N", title=None, scale=alt.Scale(domain=TREND_MEASURES, range=[[1, 0], [6, 3]]), legend=TREND_LEGEND
        ),
        tooltip=[
            alt.Tooltip("month_text:N", title="Month"),
            alt.Tooltip("measure:N", title="Measure"),
            alt.Tooltip("value:Q", title="Incidents", format=",.0f"),
        ],
    )
    points = base.transform_filter(alt.datum.measure == "Monthly count").mark_point(filled=True, size=40, invalid=BREAK)
    return alt.layer(base.mark_line(invalid=BREAK, strokeWidth=2), points).properties(height=300)


def small_multiples_chart(table: pd.DataFrame, columns: int = 3) -> alt.FacetChart:
    """One small panel per crime type (own y scale), counts and the centred 3-month average."""
    long = _long_trend(table)
    scale = alt.Scale(domain=TREND_MEASURES, range=[CRIME_COLOUR, "#000000"])
    order = list(dict.fromkeys(table["crime_type"]))
    base = alt.Chart().encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format="%b", labelAngle=0, tickCount=4)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(tickCount=4)),
        color=alt.Color("measure:N", title=None, scale=scale, legend=TREND_LEGEND),
        strokeDash=alt.StrokeDash(
            "measure:N", title=None, scale=alt.Scale(domain=TREND_MEASURES, range=[[1, 0], [6, 3]]), legend=TREND_LEGEND
        ),
        tooltip=[
            alt.Tooltip("crime_type:N", title="Crime type"),
            alt.Tooltip("month_text:N", title="Month"),
            alt.Tooltip("measure:N", title="Measure"),
            alt.Tooltip("value:Q", title="Crimes", format=",.0f"),
        ],
    )
    layer = alt.layer(
        base.mark_line(invalid=BREAK, strokeWidth=1.5),
        base.transform_filter(alt.datum.measure == "Monthly count").mark_point(filled=True, size=14, invalid=BREAK),
        data=long,
    ).properties(width=220, height=110)
    return layer.facet(
        facet=alt.Facet("crime_type:N", title=None, sort=order, header=alt.Header(labelFontSize=12, labelLimit=210)),
        columns=columns,
    ).resolve_scale(y="independent")
