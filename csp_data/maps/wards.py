"""Ward choropleths with pydeck.

Boundaries are read, simplified and turned into GeoJSON features once per boundary file (cached);
each rerun only builds new, small property dicts around the cached geometry, which it never changes.
The deck itself, its layers and its view are made as every map of the package makes them
(:mod:`csp_data.maps.deck`): no basemap unless one is asked for, so the wards draw offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pydeck as pdk
import shapely

from csp_data.charts.colours import hex_to_rgb
from csp_data.config import WardVintage
from csp_data.maps.deck import DEFAULT_HEIGHT, compact_deck, fit_view, geojson_layer
from csp_data.store.geography import ward_boundaries

__all__ = [
    "LAYER_ID",
    "MAP_HEIGHT",
    "SELECTED_LAYER_ID",
    "WardShapes",
    "build_ward_map",
    "selected_ward_code",
    "ward_shapes",
]

# About 14 m east-west and 22 m north-south in southern England (latitude 51° N): below a pixel at
# the initial zoom. Coverage simplification keeps the shared edges of neighbouring wards identical (no slivers).
SIMPLIFY_TOLERANCE_DEGREES = 0.0002
COORDINATE_DECIMALS = 5  # about 1 m
LAYER_ID = "wards"
SELECTED_LAYER_ID = "selected-ward"
MAP_HEIGHT = DEFAULT_HEIGHT
LINE_COLOUR = [70, 70, 70, 255]
SELECTED_LINE_COLOUR = [0, 0, 0, 255]
TOOLTIP_HTML = (
    "<b>{ward_name}</b> <span style='color:#555'>{ward_code}</span><br/>"
    "{count_text}<br/>{rate_text}<br/>{rank_text}<br/>{change_text}"
)


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
        geojson_layer(
            LAYER_ID,
            features,
            fill="properties.fill",
            line_colour=LINE_COLOUR,
            highlight=[255, 255, 255, 90],
        )
    ]
    selected = [f for f in features if f["properties"]["ward_code"] == selected_ward]
    if selected:
        layers.append(
            geojson_layer(
                SELECTED_LAYER_ID, [{**selected[0], "properties": {}}], line_colour=SELECTED_LINE_COLOUR, line_width=4
            )
        )
    return compact_deck(layers, fit_view(shapes.bounds), TOOLTIP_HTML, basemap=basemap)


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
