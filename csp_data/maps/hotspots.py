"""The Hotspots map: 250 m squares coloured by Gi* class, ward outlines, rising squares and the
police.uk snap points, and its legend.

GeoJSON features throughout: the same layer type as the Ward map, which deck.gl draws reliably. No
basemap is used, so the map needs no internet: ``map_provider=None`` leaves the front end nothing to fetch.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import pydeck as pdk

from csp_data.charts.colours import hex_to_rgb
from csp_data.figures.emerging import EmergingResult
from csp_data.figures.gistar import CELL_SIZE_M, CLASS_COLOURS, CLASS_LABELS, CLASS_ORDER
from csp_data.figures.hotspots import HotspotResult, cell_polygons
from csp_data.maps import TOOLTIP_STYLE, CompactDeck, fit_view
from csp_data.maps.legend import legend_html
from csp_data.maps.wards import WardShapes
from csp_data.words import plural

__all__ = [
    "CELLS_LAYER_ID",
    "EMERGING_LAYER_ID",
    "RISING_HEX",
    "RISING_RGB",
    "SNAP_POINTS_LAYER_ID",
    "WARD_OUTLINES_LAYER_ID",
    "hotspot_deck",
    "hotspot_legend_html",
]

CELLS_LAYER_ID = "hotspot-cells"
WARD_OUTLINES_LAYER_ID = "ward-outlines"
EMERGING_LAYER_ID = "emerging-cells"
SNAP_POINTS_LAYER_ID = "snap-points"
RISING_HEX = "#542788"  # ColorBrewer PuOr's darkest purple: apart from the red-blue hotspot classes
RISING_RGB = hex_to_rgb(RISING_HEX)
#: Each class's fill as deck.gl takes it (red, green, blue, alpha): significant squares more opaque.
CLASS_FILLS = {cls: (*hex_to_rgb(colour), 220 if cls != "none" else 120) for cls, colour in CLASS_COLOURS.items()}
TOOLTIP_HTML = "<b>{title}</b><br/>{detail}"


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _square(polygon: list[list[float]]) -> dict:
    return {"type": "Polygon", "coordinates": [polygon + [polygon[0]]]}


def cell_features(grid: pd.DataFrame) -> list[dict]:
    """The squares worth drawing, coloured by class: those with incidents or a significant class
    (empty, unremarkable squares add nothing)."""
    drawn = grid[(grid["incidents"] > 0) | (grid["hotspot_class"] != "none")].reset_index(drop=True)
    return [
        {
            "type": "Feature",
            "geometry": _square(polygon),
            "properties": {
                "fill": list(CLASS_FILLS[cls]),
                "title": plural(int(n), "incident"),
                "detail": f"{label}<br/>{escape(ward) if isinstance(ward, str) else ''}",
            },
        }
        for polygon, cls, label, n, ward in zip(
            cell_polygons(drawn),
            drawn["hotspot_class"].tolist(),
            drawn["hotspot_label"].tolist(),
            drawn["incidents"].tolist(),
            drawn["ward_name"].tolist(),
        )
    ]


def snap_point_features(repeats: pd.DataFrame) -> list[dict]:
    """Each snap point of ``repeats`` (from ``repeat_locations``) with its incidents and months."""
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(lon), 5), round(float(lat), 5)]},
            "properties": {
                "title": escape(str(loc)),
                "detail": f"{plural(int(n), 'incident')} in {plural(int(m), 'month')}",
            },
        }
        for loc, lon, lat, n, m in zip(  # Python values: far quicker to walk than a Series
            repeats["location"].tolist(),
            repeats["longitude"].tolist(),
            repeats["latitude"].tolist(),
            repeats["incidents"].tolist(),
            repeats["months_present"].tolist(),
        )
    ]


def rising_cell_features(grid: pd.DataFrame, trend: EmergingResult | None) -> list[dict]:
    """The squares of ``trend`` (emerging hotspots), for an outline; none without a trend."""
    rising = grid[grid["cell_id"].isin(trend.cells["cell_id"])] if trend is not None else grid.head(0)
    return [
        {
            "type": "Feature",
            "geometry": _square(polygon),
            "properties": {
                "title": "Rising (emerging hotspot)",
                "detail": f"{int(n):,} incidents in the chosen period",
            },
        }
        for polygon, n in zip(cell_polygons(rising), rising["incidents"])
    ]


def ward_outline_features(shapes: WardShapes) -> list[dict]:
    """The ward outlines with the tooltip's fields (new property dicts: the cached shapes are not changed)."""
    return [{**f, "properties": {"title": f["properties"]["ward_name"], "detail": ""}} for f in shapes.features]


def hotspot_deck(
    result: HotspotResult, repeats: pd.DataFrame, trend: EmergingResult | None, shapes: WardShapes
) -> CompactDeck:
    """The Hotspots map: Gi* squares, ward outlines, rising squares and snap points, fitted to the wards."""
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            id=CELLS_LAYER_ID,
            data=_collection(cell_features(result.grid)),
            get_fill_color="properties.fill",
            get_line_color=[160, 160, 160, 120],
            line_width_min_pixels=0.5,
            stroked=True,
            filled=True,
            pickable=True,
            auto_highlight=True,
        ),
        pdk.Layer(
            "GeoJsonLayer",
            id=WARD_OUTLINES_LAYER_ID,
            data=_collection(ward_outline_features(shapes)),
            filled=False,
            stroked=True,
            get_line_color=[40, 40, 40, 255],
            line_width_min_pixels=1.5,
            pickable=False,
        ),
        pdk.Layer(
            "GeoJsonLayer",
            id=EMERGING_LAYER_ID,
            data=_collection(rising_cell_features(result.grid, trend)),
            filled=False,
            stroked=True,
            get_line_color=list(RISING_RGB) + [255],
            # 12 m, at least 1 px: at the whole-area view a square is 3-4 px across, and a 3 px line filled
            # it, hiding whether the rising square is hot now (and unlike the legend's hollow square).
            get_line_width=12,
            line_width_min_pixels=1,
            pickable=True,
        ),
        # Individual snap points only when zoomed far in: the radius is 3 m on the ground (metres are the
        # GeoJsonLayer default), a tenth of a pixel at the whole-area view (about 30 m a pixel) and 4 pixels at
        # the closest zoom (under 1 m a pixel). A browser test checks both ends. (Passing
        # point_radius_units="meters" explicitly left the canvas blank.)
        pdk.Layer(
            "GeoJsonLayer",
            id=SNAP_POINTS_LAYER_ID,
            data=_collection(snap_point_features(repeats)),
            get_point_radius=3,
            get_fill_color=[0, 0, 0, 255],
            stroked=False,
            filled=True,
            pickable=True,
        ),
    ]
    return CompactDeck(
        layers=layers,
        initial_view_state=fit_view(shapes.bounds),
        tooltip={"html": TOOLTIP_HTML, "style": TOOLTIP_STYLE},
        map_provider=None,
    )


def hotspot_legend_html(result: HotspotResult, trend: EmergingResult | None) -> str:
    """The map's legend: each Gi* class with its number of squares, and the rising squares' outline."""
    swatches = [(CLASS_COLOURS[c], CLASS_LABELS[c], f"{result.class_counts[c]:,}") for c in CLASS_ORDER]
    marks = [] if trend is None else [(RISING_HEX, "Rising: emerging hotspot", f"{len(trend.cells):,}")]
    return legend_html(f"Gi* class ({CELL_SIZE_M} m squares)", swatches, marks)
