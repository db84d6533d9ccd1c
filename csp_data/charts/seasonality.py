"""Altair charts for the Seasonality page.

Colours come from :mod:`csp_data.charts.colours`: a financial year is drawn in its own fixed colour
(:func:`~csp_data.charts.colours.year_colour` of the year it starts in), the same on every page, and a
series in its kind's colour (crime blue, ASB vermillion). Colour never carries meaning alone: a
partial year is also dashed (dashed means a partial year on every chart, and nothing else) and
labelled with the months it holds, months outside the expected range have their own shape, and
months not loaded are shaded and labelled "not loaded". Lines break at months that are not loaded
(``invalid="break-paths-show-domains"``), so a gap is never drawn as a zero or bridged. Count axes
start at zero. Legends sit below the chart in one column, so that they fit a phone's width.
"""

from __future__ import annotations

import json
from datetime import timedelta

import altair as alt
import pandas as pd

from csp_data.charts.colours import ASB_COLOUR, CRIME_COLOUR, NOT_LOADED_COLOUR, year_colour
from csp_data.figures.seasonality import FY_MONTH_NAMES
from csp_data.periods import MONTH_NAMES, add_months

#: The expected range and its mean: a pale band behind the data, and a darker line across it.
BAND_COLOUR = "#56B4E9"
MEAN_COLOUR = "#1F5F8B"
#: The seasonal events (school summer holidays, Halloween, Bonfire Night): a pale span, grey rules.
EVENT_COLOUR = "#555555"
SUMMER_COLOUR = "#E69F00"
#: The 3-month average, drawn over the monthly counts.
AVERAGE_COLOUR = "#000000"
BREAK = "break-paths-show-domains"
SOLID, DASHED = [1, 0], [6, 4]
HALF_MONTH = timedelta(days=15)
BAND_HALF_WIDTH = timedelta(days=10)
COUNT, AVERAGE = "Monthly count", "3-month average"
#: Chart heights in pixels: with the page's width-filling layout they include the axes, titles and
#: legends, so each leaves the plot itself room enough to read.
OVERLAY_HEIGHT, EXPECTED_HEIGHT, ROLLING_HEIGHT, TREND_HEIGHT, PANEL_HEIGHT = 380, 400, 320, 440, 210
LEGEND_ROW = 20
#: Headroom above the largest count, for the labels written along the top of a chart.
HEADROOM = 1.15


def series_colour(kind: str) -> str:
    return ASB_COLOUR if kind == "asb" else CRIME_COLOUR


def _floats(values: pd.Series) -> pd.Series:
    """Nullable counts as floats for Vega-Lite (missing -> null)."""
    return values.astype("Float64").astype(float)


def _count_scale(*columns: pd.Series, headroom: float = 1.0) -> alt.Scale:
    """A count scale from zero, with room above the largest value for labels along the top."""
    values = pd.concat([_floats(c) for c in columns]).dropna()
    top = float(values.max()) * headroom if len(values) else 0.0
    return alt.Scale(zero=True, domainMin=0, domainMax=top) if top > 0 else alt.Scale(zero=True)


def _month_axis(title: str | None = "Month") -> alt.X:
    return alt.X("month:T", title=title, axis=alt.Axis(format="%b %Y", labelAngle=-45, tickCount="month"))


def _legend(title: str | None, **extra) -> alt.Legend:
    """Below the chart, one entry a row, so that it is never cut at a phone's width."""
    return alt.Legend(orient="bottom", direction="vertical", columns=1, labelLimit=320, title=title, **extra)


def _gap_layers(series: pd.DataFrame) -> list[alt.Chart]:
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
    base = alt.Chart(gaps)
    tooltip = [alt.Tooltip("months:N", title="Not loaded")]
    return [
        base.mark_rect(color=NOT_LOADED_COLOUR).encode(x=alt.X("start:T"), x2=alt.X2("end:T"), tooltip=tooltip),
        base.mark_text(baseline="top", dy=4, color="#333333", fontSize=11).encode(
            x=alt.X("middle:T"), y=alt.YValue(0), text=alt.Text("label:N")
        ),
    ]


def _summer_layer(events: pd.DataFrame) -> list[alt.Chart]:
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
    tooltip = [alt.Tooltip("event:N", title="Event"), alt.Tooltip("when:N", title="When")]
    return [
        alt.Chart(data)
        .mark_rect(color=SUMMER_COLOUR, opacity=0.15)
        .encode(x=alt.X("start:T"), x2=alt.X2("end:T"), tooltip=tooltip)
    ]


def _fy_event_layers(events: pd.DataFrame) -> list[alt.Chart]:
    """Summer holidays as a labelled span; Halloween and Bonfire Night as labelled solid rules."""
    if events.empty:
        return []
    marks = events.assign(start=events["first_position"] - 0.5, end=events["last_position"] + 0.5)
    tooltip = [
        alt.Tooltip("event:N", title="Event"),
        alt.Tooltip("when:N", title="When"),
        alt.Tooltip("note:N", title="Note"),
    ]
    spans = marks[marks["first_position"] != marks["last_position"]]
    days = marks[marks["first_position"] == marks["last_position"]]
    days = days.assign(label_y=[4 + 13 * (i % 2) for i in range(len(days))])
    text = {"align": "left", "baseline": "top", "color": EVENT_COLOUR, "fontSize": 10}
    return [
        alt.Chart(spans)
        .mark_rect(color=SUMMER_COLOUR, opacity=0.15)
        .encode(x=alt.X("start:Q"), x2=alt.X2("end:Q"), tooltip=tooltip),
        alt.Chart(spans)
        .mark_text(dx=2, dy=4, **text)
        .encode(x=alt.X("start:Q"), y=alt.YValue(0), text=alt.Text("event:N")),
        alt.Chart(days).mark_rule(color=EVENT_COLOUR).encode(x=alt.X("first_position:Q"), tooltip=tooltip),
        alt.Chart(days)
        .mark_text(dx=3, **text)
        .encode(x=alt.X("first_position:Q"), y=alt.Y("label_y:Q", scale=None), text=alt.Text("event:N")),
    ]


def fy_overlay_chart(overlay: pd.DataFrame, events: pd.DataFrame) -> alt.LayerChart:
    """One line per financial year over April..March, each in its year's colour; partial years dashed.

    Colour and dash share one legend (each year's line as it is drawn), below the chart.
    """
    data = pd.DataFrame(
        {
            "line_label": overlay["line_label"],
            "financial_year": overlay["financial_year"],
            "fy_position": overlay["fy_position"],
            "incidents": _floats(overlay["incidents"]),
            "month_text": [m.strftime("%B %Y") for m in overlay["month"]],
            "year_coverage": [f"{n} of 12 months loaded" for n in overlay["months_loaded"]],
        }
    )
    years = overlay.drop_duplicates("line_label").sort_values("fy_start")
    labels = list(years["line_label"])
    legend = _legend("Financial year", symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=500)
    x = alt.X(
        "fy_position:Q",
        title="Month of the financial year (April to March)",
        scale=alt.Scale(domain=[0.5, 12.5], nice=False),
        axis=alt.Axis(
            values=list(range(1, 13)), labelExpr=f"{json.dumps(list(FY_MONTH_NAMES))}[datum.value - 1]", grid=False
        ),
    )
    base = alt.Chart(data).encode(
        x=x,
        y=alt.Y("incidents:Q", title="Incidents recorded", scale=_count_scale(data["incidents"], headroom=HEADROOM)),
        color=alt.Color(
            "line_label:N",
            scale=alt.Scale(domain=labels, range=[year_colour(int(y)) for y in years["fy_start"]]),
            legend=legend,
        ),
        tooltip=[
            alt.Tooltip("financial_year:N", title="Financial year"),
            alt.Tooltip("month_text:N", title="Month"),
            alt.Tooltip("incidents:Q", title="Incidents", format=",d"),
            alt.Tooltip("year_coverage:N", title="Year coverage"),
        ],
    )
    lines = base.mark_line(invalid=BREAK, strokeWidth=2.5).encode(
        strokeDash=alt.StrokeDash(
            "line_label:N",
            scale=alt.Scale(domain=labels, range=[DASHED if p else SOLID for p in years["partial"]]),
            legend=legend,
        )
    )
    points = base.mark_point(filled=True, size=40, invalid=BREAK)
    # The height holds the legend below the plot (a row a year): the plot itself keeps OVERLAY_HEIGHT.
    height = OVERLAY_HEIGHT + LEGEND_ROW * (len(labels) + 1)
    return alt.layer(*_fy_event_layers(events), lines, points, height=height)


def expected_range_chart(series: pd.DataFrame, expected: pd.DataFrame, events: pd.DataFrame, kind: str):
    """Monthly counts over every loaded month, with the expected range of each loaded month that has one.

    Months outside the range are black triangles (up for above, down for below); months not loaded
    are shaded and labelled, and the line breaks there. The summer holidays are a pale span.
    """
    data = pd.DataFrame(
        {
            "month": pd.to_datetime(expected["month"]),
            "incidents": _floats(expected["incidents"]),
            "expected": expected["expected"],
            "lower": expected["lower"],
            "upper": expected["upper"],
            "position": expected["position"],
            "drawn": (expected["baseline_years"] > 0) & expected["incidents"].notna(),
            "month_text": [m.strftime("%B %Y") for m in expected["month"]],
            "range_text": [
                "no earlier year loaded" if pd.isna(lo) else f"{int(lo):,} to {int(hi):,} (from {src})"
                for lo, hi, src in zip(expected["within_from"], expected["within_to"], expected["baseline_months"])
            ],
            "position_text": expected["position"].replace({"": "not judged"}),
        }
    )
    colour = series_colour(kind)
    x = _month_axis()
    tooltip = [
        alt.Tooltip("month_text:N", title="Month"),
        alt.Tooltip("incidents:Q", title="Incidents", format=",d"),
        alt.Tooltip("expected:Q", title="Expected", format=",.0f"),
        alt.Tooltip("range_text:N", title="Expected range"),
        alt.Tooltip("position_text:N", title="Against the range"),
    ]
    layers = _gap_layers(series) + _summer_layer(events)
    band = data[data["drawn"]]
    if len(band):
        band = band.assign(start=band["month"] - BAND_HALF_WIDTH, end=band["month"] + BAND_HALF_WIDTH)
        layers.append(
            alt.Chart(band)
            .mark_rect(color=BAND_COLOUR, opacity=0.45)
            .encode(x=alt.X("start:T"), x2=alt.X2("end:T"), y=alt.Y("lower:Q"), y2=alt.Y2("upper:Q"), tooltip=tooltip)
        )
        layers.append(
            alt.Chart(band)
            .mark_rule(color=MEAN_COLOUR, strokeWidth=1.5)
            .encode(x=alt.X("start:T"), x2=alt.X2("end:T"), y=alt.Y("expected:Q"), tooltip=tooltip)
        )
    y = alt.Y(
        "incidents:Q", title="Incidents recorded", scale=_count_scale(data["incidents"], band["upper"], headroom=1.08)
    )
    base = alt.Chart(data).encode(x=x, y=y, tooltip=tooltip)
    layers += [
        base.mark_line(color=colour, invalid=BREAK, strokeWidth=2),
        base.mark_point(filled=True, color=colour, size=40, invalid=BREAK),
    ]
    outside = data[data["position"].isin(["above", "below"])]
    if len(outside):
        shape = alt.Shape(
            "position:N",
            scale=alt.Scale(domain=["above", "below"], range=["triangle-up", "triangle-down"]),
            legend=None,  # the page says in words: ▲ above, ▼ below
        )
        layers.append(
            alt.Chart(outside)
            .mark_point(filled=True, size=160, color="#000000", stroke="white", strokeWidth=1, opacity=1)
            .encode(x=x, y=alt.Y("incidents:Q"), shape=shape, tooltip=tooltip)
        )
    return alt.layer(*layers, height=EXPECTED_HEIGHT)


def heat_map_chart(heat: pd.DataFrame) -> alt.LayerChart:
    """Month (rows) by year (columns), shaded by count with the count in each cell; months not loaded say so.

    Years run across, so the grid stays readable on a phone: a few wide columns rather than twelve
    narrow ones. A partial year's column says how many of its months are loaded, on a second line.
    """
    held = heat.groupby("year")["loaded"].sum()
    data = pd.DataFrame(
        {
            "month_name": heat["month_name"],
            "year_text": [str(y) if held[y] == 12 else f"{y}|{int(held[y])} of 12" for y in heat["year"]],
            "incidents": _floats(heat["incidents"]),
            "loaded": heat["loaded"],
            "month_text": [m.strftime("%B %Y") for m in heat["month"]],
            "cell_text": [
                f"{int(n):,}" if ok and not pd.isna(n) else "not loaded"
                for n, ok in zip(heat["incidents"], heat["loaded"])
            ],
        }
    )
    years = list(dict.fromkeys(data["year_text"]))
    x = alt.X(
        "year_text:O",
        title=None,
        sort=years,
        axis=alt.Axis(labelAngle=0, orient="top", labelExpr="split(datum.value, '|')", labelLimit=200),
    )
    y = alt.Y("month_name:O", title=None, sort=list(MONTH_NAMES))
    loaded = data[data["loaded"]]
    missing = data[~data["loaded"]]
    tooltip = [alt.Tooltip("month_text:N", title="Month"), alt.Tooltip("cell_text:N", title="Incidents")]
    low, high = (float(loaded["incidents"].min()), float(loaded["incidents"].max())) if len(loaded) else (0.0, 1.0)
    colour = alt.Color(
        "incidents:Q",
        title="Incidents",
        scale=alt.Scale(scheme="blues", zero=False),
        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=200),
    )
    layers = [
        alt.Chart(loaded).mark_rect(stroke="white").encode(x=x, y=y, color=colour, tooltip=tooltip),
        alt.Chart(loaded)
        .mark_text(fontSize=12)
        .encode(
            x=x,
            y=y,
            text=alt.Text("cell_text:N"),
            color=alt.ColorValue(
                "black", condition={"test": f"datum.incidents > {(low + high) / 2}", "value": "white"}
            ),
            tooltip=tooltip,
        ),
    ]
    if len(missing):
        layers += [
            alt.Chart(missing).mark_rect(color="#F0F0F0", stroke="white").encode(x=x, y=y, tooltip=tooltip),
            alt.Chart(missing)
            .mark_text(fontSize=10, color="#555555", fontStyle="italic")
            .encode(x=x, y=y, text=alt.Text("cell_text:N"), tooltip=tooltip),
        ]
    return alt.layer(*layers, height=alt.Step(26))


def rolling_chart(rolling: pd.DataFrame, kind: str) -> alt.LayerChart:
    """Rolling 12-month totals; months whose 12 months are not all loaded have no point."""
    data = pd.DataFrame(
        {
            "month": pd.to_datetime(rolling["month"]),
            "rolling_12": _floats(rolling["rolling_12"]),
            "window_text": [
                f"{MONTH_NAMES[add_months(m, -11).month - 1]} {add_months(m, -11).year} to "
                f"{MONTH_NAMES[m.month - 1]} {m.year}"
                for m in rolling["month"]
            ],
            "loaded_text": [f"{n} of 12" for n in rolling["months_loaded_in_window"]],
        }
    )
    base = alt.Chart(data).encode(
        x=_month_axis(),
        y=alt.Y("rolling_12:Q", title="12-month total", scale=alt.Scale(zero=True)),
        tooltip=[
            alt.Tooltip("window_text:N", title="12 months"),
            alt.Tooltip("rolling_12:Q", title="Total", format=",d"),
            alt.Tooltip("loaded_text:N", title="Months loaded"),
        ],
    )
    colour = series_colour(kind)
    return alt.layer(
        base.mark_line(color=colour, invalid=BREAK, strokeWidth=2),
        base.mark_point(filled=True, color=colour, size=50, invalid=BREAK),
        height=ROLLING_HEIGHT,
    )


def _trend_layers(
    trend: pd.DataFrame, colour: str, legend: alt.Legend | None, small: bool = False, **chart
) -> alt.LayerChart:
    """The monthly counts (line and points, in ``colour``) and the 3-month average (a thicker black line).

    ``chart`` holds the layer chart's own settings (height, title, transform).
    """
    data = pd.DataFrame(
        {
            "month": list(pd.to_datetime(trend["month"])) * 2,
            "month_text": [m.strftime("%B %Y") for m in trend["month"]] * 2,
            "measure": [COUNT] * len(trend) + [AVERAGE] * len(trend),
            "value": list(_floats(trend["incidents"])) + list(trend["trend"].astype(float)),
        }
    )
    if "crime_type" in trend:
        data["crime_type"] = list(trend["crime_type"]) * 2
    if small:  # labels centred on their ticks (not pushed inside the plot's ends, off their ticks)
        axis = alt.Axis(format="%b %Y", labelAngle=0, tickCount=4, labelFlush=False)
        y_axis = alt.Axis(tickCount=4, labelFlush=False)
    else:
        axis, y_axis = alt.Axis(format="%b %Y", labelAngle=-45), alt.Undefined
    measures = [COUNT, AVERAGE]
    base = alt.Chart(data).encode(
        x=alt.X("month:T", title=None, axis=axis),
        y=alt.Y("value:Q", title=None if small else "Incidents recorded", scale=alt.Scale(zero=True), axis=y_axis),
        color=alt.Color("measure:N", scale=alt.Scale(domain=measures, range=[colour, AVERAGE_COLOUR]), legend=legend),
        strokeWidth=alt.StrokeWidth("measure:N", scale=alt.Scale(domain=measures, range=[1.5, 3]), legend=None),
        tooltip=[
            alt.Tooltip("month_text:N", title="Month"),
            alt.Tooltip("measure:N", title="Measure"),
            alt.Tooltip("value:Q", title="Incidents", format=",.1~f"),
        ],
    )
    points = base.transform_filter(alt.FieldEqualPredicate(field="measure", equal=COUNT))
    return alt.layer(
        base.mark_line(invalid=BREAK),
        points.mark_point(filled=True, size=14 if small else 40, invalid=BREAK, strokeWidth=1),
        **chart,
    )


def trend_chart(trend: pd.DataFrame, kind: str) -> alt.LayerChart:
    """The chosen period's monthly counts with the centred 3-month average (solid: dashes mean a partial year)."""
    legend = _legend(None, symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400)
    return _trend_layers(trend, series_colour(kind), legend, height=TREND_HEIGHT)


def crime_types_chart(table: pd.DataFrame) -> alt.LayerChart:
    """The panel of the first crime type in ``table``: counts and 3-month average over the period, on its own
    scale from zero. :func:`crime_type_panel` turns its specification into any other type's panel.

    One chart a type (rather than one faceted chart) lets the page lay the panels out in columns that
    wrap on a narrow screen; the legend is given once, in words, above the panels. Every panel holds
    the whole table and shows its type's rows, so the chart is built once, not once a type.
    """
    first = str(table["crime_type"].iloc[0])
    return _trend_layers(
        table,
        CRIME_COLOUR,
        None,
        small=True,
        height=PANEL_HEIGHT,
        title=alt.Title(first, fontSize=13, anchor="start"),
        transform=[alt.FilterTransform(alt.FieldEqualPredicate(field="crime_type", equal=first))],
    )


def crime_type_panel(spec: dict, crime_type: str) -> dict:
    """The Vega-Lite specification of :func:`crime_types_chart` showing ``crime_type`` (a new dict; the
    nested parts it does not change are shared with ``spec``)."""
    return spec | {
        "title": spec["title"] | {"text": crime_type},
        "transform": [{"filter": {"field": "crime_type", "equal": crime_type}}],
    }
