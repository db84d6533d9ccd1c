"""Ward choropleths with pydeck.

Boundaries are read, simplified and turned into GeoJSON features once per boundary file (cached);
each rerun only builds new, small property dicts around the cached geometry, which it never changes.

No basemap is drawn by default, so the map needs no internet: ``map_provider=None`` with pydeck's
default ``map_style`` leaves Streamlit's frontend with no basemap to fetch. (Passing
``map_style=None`` would instead make Streamlit pick a CARTO basemap from the theme.) A CARTO
street basemap can be asked for; offline it simply fails to load and the wards are still drawn.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pydeck as pdk
import shapely
from pydeck.bindings.json_tools import default_serialize

from csp_data.charts.colours import hex_to_rgb
from csp_data.config import WardVintage
from csp_data.store.geography import ward_boundaries

# About 14 m east-west and 22 m north-south at Medway's latitude: below a pixel at the initial
# zoom. Coverage simplification keeps the shared edges of neighbouring wards identical (no slivers).
SIMPLIFY_TOLERANCE_DEGREES = 0.0002
COORDINATE_DECIMALS = 5  # about 1 m
LAYER_ID = "wards"
SELECTED_LAYER_ID = "selected-ward"
MAP_HEIGHT = 520
LINE_COLOUR = [70, 70, 70, 255]
SELECTED_LINE_COLOUR = [0, 0, 0, 255]
TOOLTIP_HTML = (
    "<b>{ward_name}</b> <span style='color:#555'>{ward_code}</span><br/>"
    "{count_text}<br/>{rate_text}<br/>{rank_text}<br/>{change_text}"
)
TOOLTIP_STYLE = {
    "backgroundColor": "#ffffff",
    "color": "#1a1a1a",
    "fontSize": "13px",
    "border": "1px solid #444",
    "padding": "6px 8px",
}


class CompactDeck(pdk.Deck):
    """A ``pydeck.Deck`` whose JSON has no indentation.

    ``st.pydeck_chart`` sends ``deck.to_json()`` to the browser on every rerun; pydeck indents it,
    which for ward outlines makes the spec about five times larger than the same JSON written compactly.
    """

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


@dataclass(frozen=True)
class WardShapes:
    """Simplified ward outlines as GeoJSON features (``properties``: ``ward_code``, ``ward_name``)."""

    features: tuple[dict, ...]
    bounds: tuple[float, float, float, float]  # west, south, east, north

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f["properties"]["ward_code"] for f in self.features)


@lru_cache(maxsize=8)
def _shapes(boundary_file: Path, code_field: str, name_field: str, tolerance: float) -> WardShapes:
    vintage = WardVintage("_", "_", boundary_file, code_field, name_field, False)
    wards = ward_boundaries(vintage)
    # Snapping to a grid (rather than rounding coordinates) keeps every outline valid, and shared
    # vertices snap alike, so neighbouring wards still meet exactly.
    grid = 10.0**-COORDINATE_DECIMALS
    geometry = shapely.set_precision(shapely.coverage_simplify(wards.geometry.values, tolerance), grid)
    broken = ~shapely.is_valid(geometry) | shapely.is_empty(geometry)
    if broken.any():  # never draw a broken outline: fall back to the unsimplified shape there
        geometry = np.where(broken, shapely.set_precision(wards.geometry.values, grid), geometry)
    features = tuple(
        {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(shape),
            "properties": {"ward_code": code, "ward_name": name},
        }
        for code, name, shape in zip(wards["ward_code"], wards["ward_name"], geometry)
    )
    west, south, east, north = (float(v) for v in shapely.total_bounds(geometry))
    return WardShapes(features, (west, south, east, north))


def ward_shapes(vintage: WardVintage, tolerance: float = SIMPLIFY_TOLERANCE_DEGREES) -> WardShapes:
    """The simplified outlines of one ward vintage, read and simplified once per process."""
    return _shapes(vintage.boundary_file, vintage.code_field, vintage.name_field, tolerance)


def fit_view(
    bounds: tuple[float, float, float, float],
    width_px: int = 760,
    height_px: int = MAP_HEIGHT,
    padding: float = 0.9,
) -> pdk.ViewState:
    """A view centred on ``bounds`` at the largest zoom that shows them whole in ``width_px × height_px``.

    Web Mercator: the world is ``512 * 2**zoom`` pixels wide in deck.gl.
    """
    west, south, east, north = bounds
    if not (west < east and south < north):
        raise ValueError(
            f"bounds should be (west, south, east, north) with west < east and south < north, got {bounds!r}"
        )

    def mercator_y(latitude: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))

    x_fraction = (east - west) / 360.0
    y_fraction = (mercator_y(north) - mercator_y(south)) / (2 * math.pi)
    zoom = min(math.log2(width_px * padding / (512 * x_fraction)), math.log2(height_px * padding / (512 * y_fraction)))
    centre_y = (mercator_y(north) + mercator_y(south)) / 2
    latitude = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return pdk.ViewState(
        longitude=(west + east) / 2,
        latitude=latitude,
        zoom=round(zoom, 2),
        min_zoom=max(zoom - 2, 0),
        max_zoom=16,
        pitch=0,
        bearing=0,
    )


def build_ward_map(
    shapes: WardShapes,
    colours: Mapping[str, str],
    tooltips: Mapping[str, Mapping[str, str]],
    *,
    selected_ward: str | None = None,
    basemap: bool = False,
    no_data_colour: str = "#bdbdbd",
) -> pdk.Deck:
    """A choropleth of the wards.

    Parameters
    ----------
    shapes : WardShapes
        From :func:`ward_shapes`.
    colours : mapping
        ``ward_code -> '#rrggbb'`` fill colour; wards not listed get ``no_data_colour``.
    tooltips : mapping
        ``ward_code -> {field: text}``; the fields ``count_text``, ``rate_text``, ``rank_text`` and
        ``change_text`` are shown in the tooltip.
    selected_ward : str, optional
        A ward code drawn with a heavy outline.
    basemap : bool
        Draw a CARTO street basemap under the wards (needs internet; fails quietly without it).
    """
    opacity = 200 if basemap else 255
    features = []
    for feature in shapes.features:
        code = feature["properties"]["ward_code"]
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],  # shared with the cache, never modified
                "properties": {
                    **feature["properties"],
                    "count_text": "",
                    "rate_text": "",
                    "rank_text": "",
                    "change_text": "",
                    **tooltips.get(code, {}),
                    "fill": hex_to_rgb(colours.get(code, no_data_colour)) + [opacity],
                },
            }
        )
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            id=LAYER_ID,
            data={"type": "FeatureCollection", "features": features},
            pickable=True,
            auto_highlight=True,
            highlight_color=[255, 255, 255, 90],
            stroked=True,
            filled=True,
            get_fill_color="properties.fill",
            get_line_color=LINE_COLOUR,
            line_width_min_pixels=1,
        )
    ]
    selected = [f for f in features if f["properties"]["ward_code"] == selected_ward]
    if selected:
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                id=SELECTED_LAYER_ID,
                data={"type": "FeatureCollection", "features": [{**selected[0], "properties": {}}]},
                pickable=False,
                stroked=True,
                filled=False,
                get_line_color=SELECTED_LINE_COLOUR,
                line_width_min_pixels=4,
            )
        )
    options = {"map_provider": "carto", "map_style": pdk.map_styles.LIGHT} if basemap else {"map_provider": None}
    return CompactDeck(
        layers=layers,
        initial_view_state=fit_view(shapes.bounds),
        tooltip={"html": TOOLTIP_HTML, "style": TOOLTIP_STYLE},
        **options,
    )


def selected_ward_code(selection_state, layer_id: str = LAYER_ID) -> str | None:
    """The ward code picked on the map, from the state ``st.pydeck_chart(on_select=...)`` returns."""
    try:
        objects = selection_state["selection"]["objects"].get(layer_id) or []
    except (KeyError, TypeError, AttributeError):
        return None
    for picked in objects:
        properties = picked.get("properties") if isinstance(picked, Mapping) else None
        if isinstance(properties, Mapping) and properties.get("ward_code"):
            return str(properties["ward_code"])
    return None
