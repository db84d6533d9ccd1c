"""The Benchmarking page's charts and map at a phone's width (issue 14): legends below the plot and one entry a
line, axis titles short enough, colours from the shared palette at 3:1 or more, rate axes from zero where the
rates stand alone, and a first map view that holds the whole group 340 px wide."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
import shapely

from csp_data import benchmarks as bm
from csp_data.charts import benchmarks as charts
from csp_data.charts.colours import AREA_COLOUR, CONTEXT_COLOUR, POSITION_COLOURS, contrast_ratio
from csp_data.maps import benchmarks as maps
from helpers import ROOT, sent_spec

MEDWAY = "E22000143"
MSG = [
    "Basildon",
    "Bolton",
    "Bury",
    "Dartford and Gravesham",
    "Gosport",
    "Havant",
    "Kirklees",
    "Nuneaton and Bedworth",
    "Peterborough",
    "Stevenage",
    "Tameside",
    "Thurrock",
    "Wigan",
]
# About 7 px a character at the charts' 11-12 px type: a title line this long fits a 390 px phone's chart.
PHONE_TITLE_CHARACTERS = 40


@pytest.fixture(scope="module")
def embedded() -> pd.DataFrame:
    return bm.read_benchmarks(ROOT / "data" / "medway")


@pytest.fixture(scope="module")
def comparison(embedded) -> bm.Comparison:
    return bm.compare(embedded, MEDWAY, bm.resolve_peers(embedded, MSG), "2024-12-31", "total_excl_fraud")


def _walk(spec):
    """Every dict inside a specification."""
    if isinstance(spec, dict):
        yield spec
        for value in spec.values():
            yield from _walk(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from _walk(value)


def _colours(spec) -> set[str]:
    """The colours the chart's marks and scales use (not the shared theme's text colours)."""
    found = set()
    for node in _walk({key: value for key, value in spec.items() if key != "config"}):
        for key in ("color", "fill", "stroke"):
            if isinstance(node.get(key), str) and node[key].startswith("#"):
                found.add(node[key])
        scale = node.get("scale")
        if isinstance(scale, dict) and isinstance(scale.get("range"), list):
            found |= {c for c in scale["range"] if isinstance(c, str) and c.startswith("#")}
    return found


def test_the_dot_plot_fits_a_phone(comparison):
    summary = comparison.summary
    spec = sent_spec(charts.group_dot_plot(summary.table, summary.group_average, "Medway", decimals=1))
    legends = [n["legend"] for n in _walk(spec) if "field" in n and isinstance(n.get("legend"), dict)]
    assert legends and all(lg["orient"] == "bottom" and lg["columns"] == 1 for lg in legends)
    titles = [n["title"] for n in _walk(spec) if n.get("field") == "ci_lower" and "scale" in n]  # the x axis
    # Lines short enough to sit beside the CSP names at 320 px (they ran off the screen when 24 and 32 long).
    assert titles == [["Rate per 1,000", "residents (bars: 95%", "confidence intervals)"]]
    (legend,) = {json.dumps(lg) for lg in legends}
    legend = json.loads(legend)
    assert legend["title"] == ["Against the group", "average"]
    assert legend["labelExpr"] == (
        'datum.label == "not significantly different" ? ["not significantly", "different"] : datum.label'
    )
    assert all(len(line) <= charts.LINE_CHARACTERS == 21 for line in [*titles[0], *legend["title"]])
    assert [n["axis"]["labelLimit"] for n in _walk(spec) if n.get("field") == "csp_name" and "axis" in n] == [150] * 2
    # Rates against an average, not counts: the axis may start near the lowest interval.
    assert all(n["scale"]["zero"] is False for n in _walk(spec) if n.get("field") == "ci_lower" and "scale" in n)
    assert not any("strokeDash" in n for n in _walk(spec))  # dashes mean "partial year", and nothing here is
    colours = _colours(spec)
    assert colours == {
        POSITION_COLOURS[p] for p in ("above average", "not significantly different", "below average")
    } | {AREA_COLOUR}
    assert all(contrast_ratio(c, "#FFFFFF") >= 3 for c in colours)
    label = next(n for n in _walk(spec) if n.get("type") == "text")
    middle = (summary.table["ci_lower"].min() + summary.table["ci_upper"].max()) / 2  # 77.7 to 108.0: 92.8
    assert label["text"] == "Group average 93.3" and summary.group_average > middle and label["align"] == "right"


def test_the_dot_plot_tells_the_verdict_by_shape_as_well_as_colour(comparison):
    # Printed in grey, "above average" and "not significantly different" had the same grey circle (WCAG 1.4.1).
    summary = comparison.summary
    spec = sent_spec(charts.group_dot_plot(summary.table, summary.group_average, "Medway", decimals=1))
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")["encoding"]
    assert points["shape"]["field"] == points["color"]["field"] == "position"
    shapes = dict(zip(points["shape"]["scale"]["domain"], points["shape"]["scale"]["range"]))
    assert shapes == {
        "above average": "triangle-up",
        "not significantly different": "circle",
        "below average": "triangle-down",
    }
    # One legend for both: the same title and labels, so Vega-Lite draws coloured shapes in one list.
    assert points["shape"]["legend"] == points["color"]["legend"]
    assert "symbolType" not in points["color"]["legend"]
    assert points["size"]["condition"]["test"] == "datum.is_area"  # the area still stands out without colour


@pytest.mark.parametrize(("average", "side"), [(15.0, ("left", 4)), (45.0, ("right", -4))])
def test_the_average_label_stays_inside_the_plot(average, side):
    table = pd.DataFrame(
        {
            "csp_name": ["A", "B"],
            "is_area": [True, False],
            "rate_per_1000": [10.0, 50.0],
            "ci_lower": [9.0, 48.0],
            "ci_upper": [11.0, 52.0],
            "rank": [2, 1],
            "position": ["below average", "above average"],
            "pct_change": [1.0, None],
            "count": [100, 500],
        }
    )
    # Intervals from 9 to 52: an average left of 30.5 is labelled to its right, else to its left.
    spec = sent_spec(charts.group_dot_plot(table, average, "A", decimals=1))
    label = next(n for n in _walk(spec) if n.get("type") == "text")
    assert (label["align"], label["dx"]) == side


def test_the_strip_chart_counts_from_zero_in_shared_colours(comparison):
    codes = [c for c in comparison.summary.table["csp_code"] if c != MEDWAY]
    spec = sent_spec(charts.national_strip_chart(comparison.national, MEDWAY, codes, "Medway", decimals=1))
    assert spec["encoding"]["x"]["scale"]["zero"] is True
    assert spec["encoding"]["color"]["legend"]["orient"] == "bottom"
    assert spec["encoding"]["color"]["scale"]["range"] == [AREA_COLOUR, CONTEXT_COLOUR]
    assert all(contrast_ratio(c, "#FFFFFF") >= 3 for c in _colours(spec))
    assert spec["encoding"]["y"]["sort"] == ["All CSPs", "Unitary authorities", "This group"]


def test_the_map_view_is_the_group_box_with_a_margin():
    # Two authorities a degree square each, two degrees apart: 3 x 3 degrees, and 5% more on each side.
    assert maps.fit_box([(0.0, 50.0, 1.0, 51.0), (2.0, 52.0, 3.0, 53.0)]) == pytest.approx((-0.15, 49.85, 3.15, 53.15))
    # One tiny authority: never narrower than 0.05 degrees (with its margin, 0.055), round its centre.
    assert maps.fit_box([(1.0, 51.0, 1.01, 51.002)]) == pytest.approx((0.9775, 50.9735, 1.0325, 51.0285))
    assert maps.fit_box([]) == maps.ENGLAND_AND_WALES  # nothing drawn: England and Wales


@pytest.mark.parametrize("peers", ["msg", "unitary"])
def test_the_map_fits_the_whole_group_at_any_width(embedded, peers):
    names = MSG if peers == "msg" else bm.peer_presets(embedded, MEDWAY, MSG)["All unitary authorities"]
    summary = bm.group_summary(embedded, MEDWAY, bm.resolve_peers(embedded, names), "2024-12-31")
    boundaries = bm.group_boundaries(embedded, summary.table, ROOT / "data" / "medway")
    group_map = maps.build_group_map(
        boundaries.rows, boundaries.shapes, group_average=summary.group_average, outline=boundaries.outline
    )
    spec = sent_spec(group_map.spec)  # checked against the Vega-Lite schema
    drawn = boundaries.rows[boundaries.rows["drawn"]]
    boxes = [next(s for s in boundaries.shapes if lad in s.bounds).bounds[lad] for lad in drawn["lad_code"]]
    # Vega fits the projection to this box at whatever width the page gives the chart (a phone's too).
    fit = spec["projection"]["fit"]["geometry"]
    assert fit == {"type": "MultiPoint", "coordinates": [list(maps.fit_box(boxes)[:2]), list(maps.fit_box(boxes)[2:])]}
    assert len(spec["datasets"]["group"]) == len(drawn) and spec["datasets"]["group"][0]["type"] == "Feature"
    # Everything outside the view is clipped (the outline of England and Wales runs past it).
    assert all(layer["mark"].get("clip") for layer in spec["layer"] if layer["mark"]["type"] == "geoshape")


@pytest.mark.parametrize(
    "box",
    [(-1.0, -1.0, 1.0, 1.0), (-2.9, 50.6, 0.9, 53.9), (0.4, 51.3, 0.7, 51.5), (-5.8, 49.9, 1.8, 55.9), (-3, 60, 3, 61)],
)
@pytest.mark.parametrize("width", [300, 776, 2400])
def test_an_outline_simplified_for_the_view_moves_less_than_half_a_pixel(box, width):
    west, south, east, north = box
    tolerance = maps.view_tolerance(box)
    # As Vega fits the box in a chart `width` x MAP_HEIGHT: pixels per degree of projected (Mercator) height.
    projected = [math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))) for lat in (south, north)]
    scale = min(width / (east - west), maps.MAP_HEIGHT / (projected[1] - projected[0]))
    # The most a point moved `tolerance` degrees can move on screen: north-south at the view's polar edge.
    edge = max(abs(south), abs(north))
    moved = math.degrees(math.log(math.tan(math.pi / 4 + math.radians(edge) / 2))) - math.degrees(
        math.log(math.tan(math.pi / 4 + math.radians(edge - tolerance) / 2))
    )
    assert max(moved, tolerance) * scale <= maps.SIMPLIFY_PX * 1.001
    # ...and no more finely than needed: at the chart's full height it is most of that.
    if width / (east - west) >= maps.MAP_HEIGHT / (projected[1] - projected[0]):
        assert moved * scale >= maps.SIMPLIFY_PX * 0.95
    assert maps.view_tolerance((-1.0, -1.0, 1.0, 1.0)) == pytest.approx(0.4 * 2 / 480, rel=1e-3)


def test_the_group_map_sends_only_the_points_its_view_can_show(embedded):
    summary = bm.group_summary(embedded, MEDWAY, bm.resolve_peers(embedded, MSG), "2024-12-31")
    boundaries = bm.group_boundaries(embedded, summary.table, ROOT / "data" / "medway")
    group_map = maps.build_group_map(
        boundaries.rows, boundaries.shapes, group_average=summary.group_average, outline=boundaries.outline
    )
    spec = sent_spec(group_map.spec)  # checked against the Vega-Lite schema
    west, south = spec["projection"]["fit"]["geometry"]["coordinates"][0]
    east, north = spec["projection"]["fit"]["geometry"]["coordinates"][1]
    tolerance = maps.view_tolerance((west, south, east, north))
    sent = received = 0
    for feature in group_map.datasets["group"]:
        lad = feature["properties"]["lad_text"][-10:-1]
        source = shapely.geometry.shape(next(s for s in boundaries.shapes if lad in s.geometry).geometry[lad])
        drawn = shapely.geometry.shape(feature["geometry"])
        # Within half a pixel of the boundary file's outline everywhere, valid, outer rings clockwise.
        assert shapely.hausdorff_distance(source, drawn) <= tolerance * 0.5 / maps.SIMPLIFY_PX
        assert drawn.is_valid and all(not p.exterior.is_ccw for p in getattr(drawn, "geoms", [drawn]))
        sent += shapely.get_num_coordinates(drawn)
        received += shapely.get_num_coordinates(source)
    # Medway's group spans England: about a fifth of the file's points draw it the same.
    assert sent < received / 3


def test_a_peer_without_a_rate_is_on_the_map_as_no_rate(embedded):
    # City of London: ONS gives it no rate in any year (too few residents), so it has no position.
    (city,) = embedded.loc[embedded["csp_name"] == "City of London", "csp_code"].unique()
    assert embedded.loc[embedded["csp_code"] == city, "rate_per_1000"].isna().all()
    wigan = bm.resolve_peers(embedded, ["Wigan"])
    summary = bm.group_summary(embedded, MEDWAY, [*wigan, city], "2024-12-31")
    boundaries = bm.group_boundaries(embedded, summary.table, ROOT / "data" / "medway")
    group_map = maps.build_group_map(
        boundaries.rows, boundaries.shapes, group_average=summary.group_average, outline=boundaries.outline
    )
    sent_spec(group_map.spec)  # checked against the Vega-Lite schema
    shown = {f["properties"]["csp_name"]: f["properties"] for f in group_map.datasets["group"]}
    assert shown["City of London"]["position_text"] == "No rate"
    assert shown["City of London"]["rate_text"] == "No rate" and shown["City of London"]["rank_text"] == "None"
    assert shown["City of London"]["fill"] == POSITION_COLOURS["no rate"]
    assert shown["Wigan"]["position_text"] != "No rate" and shown["Wigan"]["rank_text"].endswith("of 2 in the group")
