"""The Hotspots map's squares (``csp_data.maps.hotspots.cell_features``) on a three-square grid, each
figure worked out independently: the corners by pyproj from British National Grid metres, the fills from
the class colours' hex digits, the tooltip's words by hand."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from pyproj import Transformer

from csp_data.maps.hotspots import cell_features

# Three 250 m squares near Chatham (BNG columns and rows of 250 m) and one empty, unremarkable square,
# which is not drawn.
GRID = pd.DataFrame(
    {
        "cell_id": ["a", "b", "c", "d"],
        "col": [2304, 2305, 2304, 2310],
        "row": [668, 668, 669, 672],
        "incidents": [12, 0, 1, 0],
        "hotspot_class": ["hot99", "cold95", "none", "none"],
        "hotspot_label": [
            "Hot spot (99% confidence)",
            "Cold spot (95% confidence)",
            "Not significant",
            "Not significant",
        ],
        "ward_name": ["Chatham Central & Brompton", None, "Fort Pitt <& Rochester>", "Nowhere"],
    }
)


def corners(col: int, row: int) -> list[list[float]]:
    to_lonlat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    x, y = col * 250.0, row * 250.0
    ring = [(x, y), (x + 250, y), (x + 250, y + 250), (x, y + 250)]
    return [[round(a, 5), round(b, 5)] for a, b in (to_lonlat.transform(px, py) for px, py in ring)]


def test_each_drawn_square_has_its_corners_class_fill_and_tooltip():
    features = cell_features(GRID)
    assert len(features) == 3  # the empty, unremarkable square is left out
    first, second, third = features
    for feature, (col, row) in zip(features, [(2304, 668), (2305, 668), (2304, 669)]):
        ring = feature["geometry"]["coordinates"][0]
        assert feature["geometry"]["type"] == "Polygon"
        got = [value for corner in ring[:4] for value in corner]
        assert got == pytest.approx([value for corner in corners(col, row) for value in corner], abs=1.01e-5)
        assert ring[4] == ring[0]  # closed
    # #b2182b, #67a9cf, #f7f7f7 as bytes; significant squares at 220 opacity, the rest at 120.
    assert first["properties"]["fill"] == [0xB2, 0x18, 0x2B, 220]
    assert second["properties"]["fill"] == [0x67, 0xA9, 0xCF, 220]
    assert third["properties"]["fill"] == [0xF7, 0xF7, 0xF7, 120]
    assert first["properties"]["title"] == "12 incidents" and third["properties"]["title"] == "1 incident"
    assert first["properties"]["detail"] == "Hot spot (99% confidence)<br/>Chatham Central &amp; Brompton"
    assert second["properties"]["detail"] == "Cold spot (95% confidence)<br/>"  # in no ward
    assert third["properties"]["detail"] == "Not significant<br/>Fort Pitt &lt;&amp; Rochester&gt;"


def test_the_squares_are_plain_json_with_no_shared_state_between_calls():
    once = json.dumps(cell_features(GRID))
    features = cell_features(GRID)
    features[0]["properties"]["fill"].append(1)  # a caller changing one result changes no other
    assert json.dumps(cell_features(GRID)) == once


def test_a_rising_squares_outline_leaves_its_own_colour_showing_at_the_whole_area_view():
    # A 3 px outline on squares about 8 px across drew solid purple blocks over the hot squares they mark.
    import math

    from csp_data.config import load_area
    from csp_data.figures.hotspots import POINT_COLUMNS, HotspotResult, repeat_locations
    from csp_data.maps.deck import fit_view
    from csp_data.maps.hotspots import EMERGING_LAYER_ID, hotspot_deck
    from csp_data.maps.wards import ward_shapes

    shapes = ward_shapes(load_area().current_wards)
    result = HotspotResult(GRID.assign(fill=None), GRID.head(0), {}, 13)
    no_points = repeat_locations(pd.DataFrame({c: [] for c in POINT_COLUMNS}))
    deck = json.loads(hotspot_deck(result, no_points, None, shapes).to_json())
    rising = next(layer for layer in deck["layers"] if layer["id"] == EMERGING_LAYER_ID)
    view = fit_view(shapes.bounds)
    metres_a_pixel = 40_075_016.7 * math.cos(math.radians(view.latitude)) / (512 * 2**view.zoom)
    square = 250 / metres_a_pixel
    line = max(rising.get("getLineWidth", 1) / metres_a_pixel, rising["lineWidthMinPixels"])
    assert 2 < square < 12  # Medway whole, as the page opens
    assert (square - line) / square >= 0.65, (square, line)
    assert rising["filled"] is False and rising["stroked"] is True
