"""The Seasonality page's charts, written as Vega-Lite specifications (:mod:`csp_data.charts.vegalite`).

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

import pandas as pd

from csp_data.charts.colours import ASB_COLOUR, BLUES_SCHEME, CRIME_COLOUR, white_text_from, year_colour
from csp_data.charts.seasonal_backdrops import fy_event_layers, gap_layers, summer_layer
from csp_data.charts.vegalite import Tables, VegaSpec, field, layer, layered, mark, tip
from csp_data.figures.seasonality import FY_MONTH_NAMES
from csp_data.periods import MONTH_NAMES, add_months

#: The expected range and its mean: a pale band behind the data, and a darker line across it.
BAND_COLOUR = "#56B4E9"
MEAN_COLOUR = "#1F5F8B"
#: The 3-month average, drawn over the monthly counts.
AVERAGE_COLOUR = "#000000"
BREAK = "break-paths-show-domains"
SOLID, DASHED = [1, 0], [6, 4]
BAND_HALF_WIDTH = timedelta(days=10)
COUNT, AVERAGE = "Monthly count", "3-month average"
#: Chart heights in pixels: with the page's width-filling layout they include the axes, titles and
#: legends, so each leaves the plot itself room enough to read.
OVERLAY_HEIGHT, EXPECTED_HEIGHT, ROLLING_HEIGHT, TREND_HEIGHT, PANEL_HEIGHT = 380, 400, 320, 440, 210
LEGEND_ROW = 20
#: Headroom above the largest count, for the labels written along the top of a chart.
HEADROOM = 1.25


def series_colour(kind: str) -> str:
    return ASB_COLOUR if kind == "asb" else CRIME_COLOUR


def _floats(values: pd.Series) -> pd.Series:
    """Nullable counts as floats for Vega-Lite (missing -> null)."""
    return values.astype("Float64").astype(float)


def _count_scale(*columns: pd.Series, headroom: float = 1.0) -> dict:
    """A count scale from zero, with room above the largest value for labels along the top."""
    values = pd.concat([_floats(c) for c in columns]).dropna()
    top = float(values.max()) * headroom if len(values) else 0.0
    # nice: the top rounded up to a tick, so the highest point never sits above the last gridline
    return {"zero": True, "domainMin": 0, "domainMax": top, "nice": True} if top > 0 else {"zero": True}


def _month_axis(title: str | None = "Month") -> dict:
    return field("month", "temporal", title=title, axis={"format": "%b %Y", "labelAngle": -45, "tickCount": "month"})


def _legend(title: str | None, **extra) -> dict:
    """Below the chart, one entry a row, so that it is never cut at a phone's width."""
    return {"orient": "bottom", "direction": "vertical", "columns": 1, "labelLimit": 320, "title": title, **extra}


def fy_overlay_chart(overlay: pd.DataFrame, events: pd.DataFrame) -> VegaSpec:
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
    legend = _legend(
        "Financial year",
        symbolType="stroke",
        symbolStrokeWidth=2.5,
        symbolSize=500,
        # "2021/22 (partial: 3 of 12 months)" over two lines, so that it fits a 320 px screen.
        labelExpr="indexof(datum.label, ' (') > 0 ? [slice(datum.label, 0, indexof(datum.label, ' (')), "
        "slice(datum.label, indexof(datum.label, ' (') + 1)] : datum.label",
    )
    tables = Tables()
    encoding = {
        "color": field(
            "line_label",
            "nominal",
            legend=legend,
            scale={"domain": labels, "range": [year_colour(int(y)) for y in years["fy_start"]]},
        ),
        "tooltip": [
            tip("financial_year", "nominal", "Financial year"),
            tip("month_text", "nominal", "Month"),
            tip("incidents", "quantitative", "Incidents", format=",d"),
            tip("year_coverage", "nominal", "Year coverage"),
        ],
        "x": field(
            "fy_position",
            "quantitative",
            axis={
                "grid": False,
                "labelExpr": f"{json.dumps(list(FY_MONTH_NAMES))}[datum.value - 1]",
                "values": list(range(1, 13)),
            },
            scale={"domain": [0.5, 12.5], "nice": False},
            title=["Month of the financial year", "(April to March)"],  # two lines: a 320 px screen
        ),
        "y": field(
            "incidents",
            "quantitative",
            scale=_count_scale(data["incidents"], headroom=HEADROOM),
            title="Incidents recorded",
        ),
    }
    dashes = field(
        "line_label",
        "nominal",
        legend=legend,
        scale={"domain": labels, "range": [DASHED if p else SOLID for p in years["partial"]]},
    )
    lines = layer(tables, data, mark("line", invalid=BREAK, strokeWidth=2.5), {**encoding, "strokeDash": dashes})
    points = layer(tables, data, mark("point", filled=True, invalid=BREAK, size=40), encoding)
    # The height holds the legend below the plot (a line a year, two for a partial one's label) and the second
    # line of the axis title: the plot itself keeps OVERLAY_HEIGHT.
    legend_lines = sum(2 if " (" in label else 1 for label in labels)
    height = OVERLAY_HEIGHT + LEGEND_ROW * (legend_lines + 2)
    return layered(tables, [*fy_event_layers(tables, events), lines, points], height=height)


def expected_range_chart(series: pd.DataFrame, expected: pd.DataFrame, events: pd.DataFrame, kind: str) -> VegaSpec:
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
        tip("month_text", "nominal", "Month"),
        tip("incidents", "quantitative", "Incidents", format=",d"),
        tip("expected", "quantitative", "Expected", format=",.0f"),
        tip("range_text", "nominal", "Expected range"),
        tip("position_text", "nominal", "Against the range"),
    ]
    tables = Tables()
    layers = gap_layers(tables, series) + summer_layer(tables, events)
    band = data[data["drawn"]]
    if len(band):
        band = band.assign(start=band["month"] - BAND_HALF_WIDTH, end=band["month"] + BAND_HALF_WIDTH)
        span = {"x": field("start", "temporal"), "x2": {"field": "end"}}
        layers.append(
            layer(
                tables,
                band,
                mark("rect", color=BAND_COLOUR, opacity=0.45),
                {"tooltip": tooltip, **span, "y": field("lower", "quantitative"), "y2": {"field": "upper"}},
            )
        )
        layers.append(
            layer(
                tables,
                band,
                mark("rule", color=MEAN_COLOUR, strokeWidth=1.5),
                {"tooltip": tooltip, **span, "y": field("expected", "quantitative")},
            )
        )
    y = field(
        "incidents",
        "quantitative",
        scale=_count_scale(data["incidents"], band["upper"], headroom=1.08),
        title="Incidents recorded",
    )
    encoding = {"tooltip": tooltip, "x": x, "y": y}
    layers += [
        layer(tables, data, mark("line", color=colour, invalid=BREAK, strokeWidth=2), encoding),
        layer(tables, data, mark("point", color=colour, filled=True, invalid=BREAK, size=40), encoding),
    ]
    outside = data[data["position"].isin(["above", "below"])]
    if len(outside):
        shape = field(
            "position",
            "nominal",
            legend=None,  # the page says in words: ▲ above, ▼ below
            scale={"domain": ["above", "below"], "range": ["triangle-up", "triangle-down"]},
        )
        layers.append(
            layer(
                tables,
                outside,
                mark("point", color="#000000", filled=True, opacity=1, size=160, stroke="white", strokeWidth=1),
                {"shape": shape, "tooltip": tooltip, "x": x, "y": field("incidents", "quantitative")},
            )
        )
    return layered(tables, layers, height=EXPECTED_HEIGHT)


def heat_map_chart(heat: pd.DataFrame) -> VegaSpec:
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
    cell = {
        "x": field(
            "year_text",
            "ordinal",
            axis={"labelAngle": 0, "labelExpr": "split(datum.value, '|')", "labelLimit": 200, "orient": "top"},
            sort=years,
            title=None,
        ),
        "y": field("month_name", "ordinal", sort=list(MONTH_NAMES), title=None),
    }
    loaded = data[data["loaded"]]
    missing = data[~data["loaded"]]
    tooltip = [tip("month_text", "nominal", "Month"), tip("cell_text", "nominal", "Incidents")]
    low, high = (float(loaded["incidents"].min()), float(loaded["incidents"].max())) if len(loaded) else (0.0, 1.0)
    colour = field(
        "incidents",
        "quantitative",
        # Whole numbers: with one month loaded the scale has one value, which Vega wrote as "544.000000".
        legend={"direction": "horizontal", "gradientLength": 200, "orient": "bottom", "format": ",d"},
        scale={"scheme": "blues", "zero": False},
        title="Incidents",
    )
    tables = Tables()
    layers = [
        layer(tables, loaded, mark("rect", stroke="white"), {"color": colour, "tooltip": tooltip, **cell}),
        layer(
            tables,
            loaded,
            mark("text", fontSize=12),
            {
                # White only where the cell is dark enough for it to beat black (at least 4.5:1 either way);
                # white from the middle of the scale put 2.8:1 labels on mid-blue cells.
                "color": {
                    "condition": {
                        "test": f"datum.incidents > {low + white_text_from(BLUES_SCHEME) * (high - low)}",
                        "value": "white",
                    },
                    "value": "black",
                },
                "text": field("cell_text", "nominal"),
                "tooltip": tooltip,
                **cell,
            },
        ),
    ]
    if len(missing):
        layers += [
            layer(tables, missing, mark("rect", color="#F0F0F0", stroke="white"), {"tooltip": tooltip, **cell}),
            layer(
                tables,
                missing,
                mark("text", color="#555555", fontSize=10, fontStyle="italic"),
                {"text": field("cell_text", "nominal"), "tooltip": tooltip, **cell},
            ),
        ]
    return layered(tables, layers, height={"step": 26})


def rolling_chart(rolling: pd.DataFrame, kind: str) -> VegaSpec:
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
    encoding = {
        "tooltip": [
            tip("window_text", "nominal", "12 months"),
            tip("rolling_12", "quantitative", "Total", format=",d"),
            tip("loaded_text", "nominal", "Months loaded"),
        ],
        "x": _month_axis(),
        "y": field("rolling_12", "quantitative", scale={"zero": True}, title="12-month total"),
    }
    colour = series_colour(kind)
    tables = Tables()
    return layered(
        tables,
        [
            layer(tables, data, mark("line", color=colour, invalid=BREAK, strokeWidth=2), encoding),
            layer(tables, data, mark("point", color=colour, filled=True, invalid=BREAK, size=50), encoding),
        ],
        height=ROLLING_HEIGHT,
    )


def _trend_layers(trend: pd.DataFrame, colour: str, legend: dict | None, small: bool = False, **chart) -> VegaSpec:
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
    y = field("value", "quantitative", scale={"zero": True}, title=None if small else "Incidents recorded")
    if small:  # labels centred on their ticks (not pushed inside the plot's ends, off their ticks)
        x = field("month", "temporal", axis={"format": "%b %Y", "labelAngle": 0, "labelFlush": False, "tickCount": 4})
        y["axis"] = {"labelFlush": False, "tickCount": 4}
    else:
        x = field("month", "temporal", axis={"format": "%b %Y", "labelAngle": -45})
    x["title"] = None
    measures = [COUNT, AVERAGE]
    encoding = {
        "color": field(
            "measure", "nominal", legend=legend, scale={"domain": measures, "range": [colour, AVERAGE_COLOUR]}
        ),
        "strokeWidth": field("measure", "nominal", legend=None, scale={"domain": measures, "range": [1.5, 3]}),
        "tooltip": [
            tip("month_text", "nominal", "Month"),
            tip("measure", "nominal", "Measure"),
            tip("value", "quantitative", "Incidents", format=",.1~f"),
        ],
        "x": x,
        "y": y,
    }
    tables = Tables()
    return layered(
        tables,
        [
            layer(tables, data, mark("line", invalid=BREAK), encoding),
            layer(
                tables,
                data,
                mark("point", filled=True, invalid=BREAK, size=14 if small else 40, strokeWidth=1),
                encoding,
                transform=[{"filter": {"field": "measure", "equal": COUNT}}],
            ),
        ],
        **chart,
    )


def trend_chart(trend: pd.DataFrame, kind: str) -> VegaSpec:
    """The chosen period's monthly counts with the centred 3-month average (solid: dashes mean a partial year)."""
    legend = _legend(None, symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400)
    return _trend_layers(trend, series_colour(kind), legend, height=TREND_HEIGHT)


def crime_types_chart(table: pd.DataFrame) -> VegaSpec:
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
        title={"text": first, "anchor": "start", "fontSize": 13},
        transform=[{"filter": {"field": "crime_type", "equal": first}}],
    )


def crime_type_panel(spec: dict, crime_type: str) -> dict:
    """The Vega-Lite specification of :func:`crime_types_chart` showing ``crime_type`` (a new dict; the
    nested parts it does not change are shared with ``spec``)."""
    return spec | {
        "title": spec["title"] | {"text": crime_type},
        "transform": [{"filter": {"field": "crime_type", "equal": crime_type}}],
    }
