"""The Seasonality page's charts, the per-type table they draw and the words beside them, on small fixtures.

Specifications are plain dicts (:mod:`csp_data.charts.vegalite`), checked here against the Vega-Lite
schema, as the page sends them.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from csp_data import series as SR
from csp_data.charts import seasonality as C
from csp_data.figures import expected_range as E
from csp_data.figures import seasonality as S
from csp_data.figures.seasonal_events import seasonal_event_positions
from csp_data.periods import Period, month_range
from csp_data.series import ALL_ASB
from csp_data.ui import seasonality as U
from helpers import sent_spec


def counts_frame(values: dict[date, int], kind: str = "asb", crime_type: str = "Anti-social behaviour") -> pd.DataFrame:
    return pd.DataFrame(
        {"month": list(values), "kind": kind, "crime_type": crime_type, "incidents": list(values.values())}
    )


def asb_series(values: dict[date, int]) -> pd.DataFrame:
    return SR.monthly_series(counts_frame(values), list(values), ALL_ASB)


def walk(node, path=()):
    """Every (path, dict) in a specification, depth first."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, index))


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


# Apr 2023 - Mar 2024 whole (financial year 2023/24), then Apr - Jul 2024 (2024/25, 4 of 12 months).
WHOLE_THEN_PARTIAL = {m: 100 + i for i, m in enumerate(month_range(date(2023, 4, 1), date(2024, 7, 1)))}


@pytest.fixture(scope="module")
def page_specs() -> dict[str, dict]:
    """Every chart of the page for the fixture: 2023/24 whole, 2024/25 partial, and two crime types."""
    values = WHOLE_THEN_PARTIAL
    counts = pd.concat(
        [
            counts_frame(values),
            counts_frame({m: 10 for m in values}, "crime", "Burglary"),
            counts_frame({m: 3 for m in values}, "crime", "Robbery"),
        ]
    )
    period = Period(date(2023, 8, 1), date(2024, 7, 1), "Latest 12 months")
    view = S.build_seasonality(counts, list(values), "asb", period)
    table = S.small_multiples_table(counts, list(values), period)
    return {
        "overlay": sent_spec(C.fy_overlay_chart(view.overlay, seasonal_event_positions())),
        "expected": sent_spec(C.expected_range_chart(view.series, view.expected, view.events, "asb")),
        "heat_map": sent_spec(C.heat_map_chart(view.heat_map)),
        "rolling": sent_spec(C.rolling_chart(view.rolling, "asb")),
        "trend": sent_spec(C.trend_chart(view.trend, "asb")),
        "panel": sent_spec(C.crime_types_chart(table)),
    }


def test_financial_years_take_their_fixed_colours_and_only_partial_years_are_dashed(page_specs):
    lines = [layer for layer in layers(page_specs["overlay"]) if layer["mark"]["type"] == "line"]
    assert len(lines) == 1
    encoding = lines[0]["encoding"]
    labels = ["2023/24", "2024/25 (partial: 4 of 12 months)"]
    # 2023 % 6 = 1 and 2024 % 6 = 2 in the six year colours: the same colours on every page.
    assert encoding["color"]["scale"] == {"domain": labels, "range": ["#882255", "#009E73"]}
    assert encoding["strokeDash"]["field"] == "line_label"
    assert encoding["strokeDash"]["scale"] == {"domain": labels, "range": [[1, 0], [6, 4]]}
    # Colour and dash share one legend (same field and title), so each year's symbol is its line.
    assert encoding["color"]["legend"] == encoding["strokeDash"]["legend"]
    assert encoding["color"]["legend"]["symbolType"] == "stroke"


def test_the_financial_years_chart_fits_a_320_px_screen(page_specs):
    """The axis title and a partial year's legend label ran off a 320 px screen: each is drawn on two lines,
    and the chart is that much taller, so the plot keeps its height."""
    lines = [layer for layer in layers(page_specs["overlay"]) if layer["mark"]["type"] == "line"]
    encoding = lines[0]["encoding"]
    assert encoding["x"]["title"] == ["Month of the financial year", "(April to March)"]
    expression = encoding["color"]["legend"]["labelExpr"]
    assert "indexof(datum.label, ' (')" in expression and expression.endswith(": datum.label")
    # Two legend lines for the partial year, one for the whole year, plus the title's and the axis title's.
    assert page_specs["overlay"]["height"] == C.OVERLAY_HEIGHT + C.LEGEND_ROW * (3 + 2)


def test_dashes_mean_a_partial_year_and_nothing_else(page_specs):
    dashed = [(name, path) for name, spec in page_specs.items() for path, node in walk(spec) if "strokeDash" in node]
    assert dashed == [("overlay", ("layer", 4, "encoding"))]  # the year lines (after the four event layers)


def test_count_axes_start_at_zero(page_specs):
    for name in ("overlay", "expected", "rolling", "trend", "panel"):
        scales = [
            layer["encoding"]["y"].get("scale")
            for layer in layers(page_specs[name])
            if layer.get("encoding", {}).get("y", {}).get("type") == "quantitative"
            and layer["encoding"]["y"].get("scale", {}) is not None
        ]
        set_scales = [s for s in scales if s]
        assert set_scales, name
        assert all(s.get("zero") is True and s.get("domainMin", 0) == 0 for s in set_scales), (name, set_scales)


def test_legends_sit_below_the_chart_and_are_not_cut(page_specs):
    legends = [
        (name, node["legend"])
        for name, spec in page_specs.items()
        for path, node in walk(spec)
        if isinstance(node.get("legend"), dict) and path[:1] != ("config",)
    ]
    assert {name for name, _ in legends} == {"overlay", "heat_map", "trend"}
    for name, legend in legends:
        assert legend["orient"] == "bottom", name
        if name != "heat_map":  # the heat map's is a colour gradient, 200 px long
            assert (legend["direction"], legend["columns"]) == ("vertical", 1)
            assert legend["labelLimit"] >= 300  # '2022/23 (partial: 8 of 12 months)' is about 190 px


def test_no_chart_is_wider_than_its_container(page_specs):
    for name, spec in page_specs.items():
        assert "width" not in spec, name  # the page gives every chart the container's width
        assert "facet" not in spec and "hconcat" not in spec and "concat" not in spec, name


def test_the_heat_maps_numbers_are_at_4_5_to_1_on_every_cell(page_specs):
    # White from the middle of the scale up put white on mid-blue: 2.8:1 for "462" (WCAG 1.4.3 asks 4.5).
    from csp_data.charts.colours import BLUES_SCHEME, contrast_ratio, scheme_colour

    values = {m: 100 + 7 * i for i, m in enumerate(WHOLE_THEN_PARTIAL)}  # counts spread over the whole scale
    period = Period(date(2023, 8, 1), date(2024, 7, 1), "Latest 12 months")
    spec = C.heat_map_chart(S.build_seasonality(counts_frame(values), list(values), "asb", period).heat_map)
    cells = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rect" and "color" in layer["encoding"])
    assert cells["encoding"]["color"]["scale"] == {"scheme": "blues", "zero": False}
    counts = list(spec["datasets"][cells["data"]["name"]]["incidents"])
    assert len(counts) > 12
    low, high = min(counts), max(counts)
    labels = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")["encoding"]["color"]
    threshold = float(labels["condition"]["test"].split(">")[1])
    for n in counts:
        cell = scheme_colour(BLUES_SCHEME, (n - low) / (high - low))
        text = "#ffffff" if n > threshold else "#000000"
        assert contrast_ratio(text, cell) >= 4.5, (n, cell, text)
    # Vega's blues at its middle is the mid-blue the probe measured on screen (rgb 90, 162, 207).
    assert scheme_colour(BLUES_SCHEME, 0.5) == "#5ba3cf"


def test_heat_map_has_a_column_a_year_saying_how_many_months_a_partial_year_holds(page_specs):
    spec = page_specs["heat_map"]
    x = spec["layer"][0]["encoding"]["x"]
    assert x["field"] == "year_text" and x["sort"] == ["2023|9 of 12", "2024|7 of 12"]
    assert x["axis"]["labelExpr"] == "split(datum.value, '|')"  # two lines: the year, then its months
    assert spec["layer"][0]["encoding"]["y"]["sort"] == [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]


def test_each_crime_type_panel_is_the_first_panel_showing_its_own_rows(page_specs):
    spec = page_specs["panel"]
    assert spec["title"]["text"] == "Burglary"  # the larger total comes first
    assert spec["transform"] == [{"filter": {"field": "crime_type", "equal": "Burglary"}}]
    robbery = C.crime_type_panel(spec, "Robbery")
    assert robbery["title"]["text"] == "Robbery" and robbery["title"]["anchor"] == "start"
    assert robbery["transform"] == [{"filter": {"field": "crime_type", "equal": "Robbery"}}]
    assert robbery["layer"] == spec["layer"] and robbery["datasets"] == spec["datasets"]
    assert spec["title"]["text"] == "Burglary"  # the first panel is left as it was


# -- the per-type table ---------------------------------------------------------------------------


def test_small_multiples_table_counts_every_type_at_once_with_gaps_missing_and_quiet_months_zero():
    loaded = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1), date(2025, 5, 1)]  # April not loaded
    counts = pd.concat(
        [
            counts_frame(
                {date(2025, 1, 1): 3, date(2025, 2, 1): 6, date(2025, 3, 1): 9, date(2025, 5, 1): 12}, "crime", "Arson"
            ),
            counts_frame({date(2025, 2, 1): 1}, "crime", "Burglary"),
            counts_frame({date(2025, 2, 1): 50}),  # ASB: never a crime type
        ]
    )
    table = S.small_multiples_table(counts, loaded, Period(date(2025, 2, 1), date(2025, 5, 1), "Feb-May"))
    assert list(table.columns) == ["crime_type", "month", "incidents", "loaded", "trend"]
    assert table["crime_type"].tolist() == ["Arson"] * 4 + ["Burglary"] * 4  # totals 27 and 1
    assert table["month"].tolist() == month_range(date(2025, 2, 1), date(2025, 5, 1)) * 2
    assert table["incidents"].astype("Float64").fillna(-1).tolist() == [6, 9, -1, 12, 1, 0, -1, 0]
    assert table["loaded"].tolist() == [True, True, False, True] * 2
    trend = table["trend"].tolist()
    # February from January to March; March and May touch April (not loaded) or June (outside the data).
    assert trend[0] == pytest.approx((3 + 6 + 9) / 3) and trend[4] == pytest.approx((0 + 1 + 0) / 3)
    assert all(math.isnan(v) for v in trend[1:4] + trend[5:])
    assert str(table["incidents"].dtype) == "Int64"


def test_small_multiples_table_without_crime_is_empty():
    table = S.small_multiples_table(
        counts_frame({date(2025, 1, 1): 4}), [date(2025, 1, 1)], Period(date(2025, 1, 1), date(2025, 1, 1), "Jan")
    )
    assert table.empty and list(table.columns) == ["crime_type", "month", "incidents", "loaded", "trend"]


# -- the expected range: drawn for loaded months only, listed on the page ----------------------------


def test_expected_range_is_drawn_and_judged_only_for_loaded_months():
    # January 2024 and 2025 loaded, then February 2025: February 2025 has no earlier February; January 2026
    # would have a range from two Januaries but is not loaded.
    values = {date(2024, 1, 1): 100, date(2025, 1, 1): 130, date(2025, 2, 1): 90}
    series = SR.monthly_series(counts_frame(values), list(values), ALL_ASB, date(2024, 1, 1), date(2026, 1, 1))
    expected = E.expected_range(series)
    assert expected.set_index("month").loc[date(2026, 1, 1), "baseline_years"] == 2  # a range, but not loaded
    drawn = E.with_expected_range(expected)
    assert drawn["month"].tolist() == [date(2025, 1, 1)]
    # 100 +/- 1.96 * sqrt(200) = 72.28 .. 127.72, so 130 is above (73 to 127 within).
    assert E.expected_range_statement(expected, "ASB", as_list=True) == (
        "Expected range (95%, from the same month in 1 earlier year) shown for Jan 2025. 1 of 1 months fell "
        "outside it:\n\n- Jan 2025: 130, above the expected 73 to 127\n\n"
        "Jan 2024, Feb 2025 have no earlier year loaded for the same month, so no range: more history is needed."
    )
    not_loaded_only = E.expected_range(
        SR.monthly_series(
            counts_frame({date(2024, 1, 1): 5}), [date(2024, 1, 1)], ALL_ASB, date(2024, 1, 1), date(2025, 1, 1)
        )
    )
    assert not E.has_expected_range(not_loaded_only)
    assert E.expected_range_statement(not_loaded_only, "ASB").startswith("No expected range is drawn")


# -- words beside the charts ------------------------------------------------------------------------


def test_text_alternatives_name_what_each_chart_shows():
    values = WHOLE_THEN_PARTIAL | {date(2024, 11, 1): 50}  # Aug-Oct 2024 not loaded
    counts = counts_frame(values)
    period = Period(date(2024, 1, 1), date(2024, 11, 1), "Custom")
    view = S.build_seasonality(counts, list(values), "asb", period)
    assert U.overlay_alt(view, "Medway") == (
        "Line chart of anti-social behaviour recorded in each month of the financial year (April to March) in "
        "Medway, one line per financial year: 2023/24, 2024/25 (partial: 5 of 12 months). Partial years are "
        "dashed. Months not loaded are gaps. The summer holidays, Halloween and Bonfire Night are marked."
    )
    # Apr-Jul 2024 (112-115) against Apr-Jul 2023 (100-103): within 1.96 * sqrt(2 * 100) = 27.7 either side.
    # Nov 2024 (50) against Nov 2023 (107): below 107 - 1.96 * sqrt(214) = 78.3.
    assert U.expected_alt(view, "Medway") == (
        "Line chart of anti-social behaviour recorded each month in Medway, Apr 2023 to Nov 2024; months not "
        "loaded are shaded grey with no line. A band shows the expected range for Apr 2024 to Jul 2024, "
        "Nov 2024; months outside it: 1 of 5, marked with black triangles."
    )
    assert U.trend_alt(view, "Medway") == (
        "Line chart of anti-social behaviour recorded each month in Medway, Jan 2024 to Nov 2024, with the "
        "3-month average as a thick black line."
    )
    assert U.heat_map_alt(view, "Medway").startswith(
        "Grid of anti-social behaviour recorded in Medway by month (rows) and year (columns: "
        "2023 (partial: 9 of 12 months), 2024 (partial: 8 of 12 months))"
    )


def test_the_event_labels_each_have_a_row_of_their_own():
    # At 320 px "Summer holidays" (the span's label, top row) ran into "Halloween" on the same row.
    from csp_data.charts.seasonal_backdrops import fy_event_layers
    from csp_data.charts.vegalite import Tables

    tables = Tables()
    layers = fy_event_layers(tables, seasonal_event_positions())
    texts = [layer for layer in layers if layer["mark"]["type"] == "text"]
    span_label, day_labels = texts
    assert span_label["encoding"]["y"] == {"value": 0} and span_label["mark"]["dy"] == 4  # the top row: 4 px down
    frames = dict(tables.frames)
    days = frames[day_labels["data"]["name"]]
    assert list(days["event"]) == ["Halloween", "Bonfire Night"]
    assert list(days["label_y"]) == [17, 30]  # the next two rows, 13 px apart for 10 px text
    assert C.HEADROOM >= 1.25  # room above the largest count for three rows of labels


def test_a_count_axis_ends_on_a_tick_above_the_highest_point():
    # With one month loaded (544), the axis stopped at 587 with its last gridline at 500: the point sat above it.
    scale = C._count_scale(pd.Series([544]), headroom=1.08)
    assert scale == {"zero": True, "domainMin": 0, "domainMax": 544 * 1.08, "nice": True}
    assert C._count_scale(pd.Series([None], dtype="Float64")) == {"zero": True}


def test_the_heat_maps_legend_gives_whole_numbers(page_specs):
    """With one month loaded the colour scale had one value, which the legend wrote as "544.000000"."""
    colours = [
        layer["encoding"]["color"] for layer in layers(page_specs["heat_map"]) if "color" in layer.get("encoding", {})
    ]
    assert [c["legend"]["format"] for c in colours if c.get("field") == "incidents"] == [",d"]
