"""The benchmarking group on a pydeck map, and its legend.

Each CSP of the group is drawn as its local authorities, coloured by its position against the
group average (the colours of the benchmarking chart), with the area circled in black. The rows
and outlines come from :func:`csp_data.benchmarks.group_boundaries`. The deck is made as every map of
the package makes it (:mod:`csp_data.maps.deck`), without a basemap, so the map needs no internet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import pydeck as pdk
import shapely

from csp_data.benchmarks.boundaries import LadShapes
from csp_data.charts.colours import POSITION_COLOURS, hex_to_rgb
from csp_data.maps.deck import FIT_WIDTH_PX, compact_deck, fit_view, geojson_layer
from csp_data.maps.legend import legend_html as shared_legend_html

__all__ = [
    "FIT_WIDTH_PX",
    "LAYER_ID",
    "MAP_HEIGHT",
    "POSITION_COLOURS",
    "build_group_map",
    "group_map_legend",
    "legend_html",
]

MAP_HEIGHT = 560
LAYER_ID = "benchmark-group"
TOOLTIP_HTML = (
    "<b>{csp_name}</b><br/>{rate_text}<br/>{rank_text}<br/>{position_text}<br/>{change_text}"
    "<br/><span style='color:#555'>{lad_text}</span>"
)
# At the scale of England a CSP is a few pixels across; closer than this shows nothing more.
MAX_ZOOM = 12
ENGLAND_AND_WALES = (-5.8, 49.9, 1.8, 55.9)  # west, south, east, north: the view when nothing is drawn


def _number(value, fmt: str) -> str | None:
    return None if value is None or pd.isna(value) else format(value, fmt)


def _view(boxes: Sequence[tuple[float, float, float, float]]) -> pdk.ViewState:
    """The view that fits every box, never narrower than 0.05° (a single small authority)."""
    if not boxes:
        boxes = [ENGLAND_AND_WALES]
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    view = fit_view(
        (west, south, max(east, west + 0.05), max(north, south + 0.05)),
        width_px=FIT_WIDTH_PX,
        height_px=MAP_HEIGHT,
        padding=0.9,
    )
    view.max_zoom = MAX_ZOOM
    return view


def build_group_map(
    drawn: pd.DataFrame,
    shapes: Sequence[LadShapes],
    *,
    group_average: float,
    outline: dict | None = None,
    decimals: int = 2,
) -> pdk.Deck:
    """The group on a map: each CSP coloured by its position against the group average.

    Parameters
    ----------
    drawn : pandas.DataFrame
        :func:`csp_data.benchmarks.group_map_table` rows (only those with ``drawn`` true are used).
    shapes : sequence of LadShapes
        The outlines, looked up in order.
    group_average : float
        For the tooltip.
    decimals : int
        Decimal places of the rates in the tooltip (:func:`csp_data.benchmarks.rate_decimals`).
    outline : dict, optional
        A GeoJSON geometry drawn underneath for context (England and Wales).

    Returns
    -------
    pydeck.Deck
        Layers: the outline (not pickable), the group (``LAYER_ID``, pickable, tooltip) and a
        heavy black outline around the area's authorities.
    """
    drawn = drawn[drawn["drawn"]] if len(drawn) else drawn
    size = int(drawn["csp_code"].nunique()) if len(drawn) else 0
    features, area_features, boxes = [], [], []
    for row in drawn.to_dict("records"):
        source = next(s for s in shapes if row["lad_code"] in s.geometry)
        position = row.get("position") or "no rate"
        rate = _number(row.get("rate_per_1000"), f",.{decimals}f")
        change = _number(row.get("pct_change"), "+.1f")
        properties = {
            "csp_name": row["csp_name"],
            "rate_text": f"{rate} per 1,000 (group average {group_average:,.{decimals}f})" if rate else "No rate",
            "rank_text": f"Rank {int(row['rank'])} of {size} in the group" if not pd.isna(row.get("rank")) else "",
            "position_text": position.capitalize() if position != "no rate" else "",
            "change_text": f"{change}% on the previous year" if change else "% change not available",
            "lad_text": f"{row['lad_name']} ({row['lad_code']})",
            "fill": hex_to_rgb(POSITION_COLOURS.get(position, POSITION_COLOURS["no rate"])) + [230],
        }
        feature = {"type": "Feature", "geometry": source.geometry[row["lad_code"]], "properties": properties}
        features.append(feature)
        boxes.append(source.bounds[row["lad_code"]])
        if row.get("is_area"):
            area_features.append({"type": "Feature", "geometry": feature["geometry"], "properties": {}})
    layers = []
    if outline is not None:
        england_wales = {"type": "Feature", "geometry": outline, "properties": {}}
        layers.append(
            geojson_layer("england-wales", [england_wales], fill=[242, 242, 242, 255], line_colour=[150, 150, 150, 255])
        )
    layers.append(
        geojson_layer(
            LAYER_ID, features, fill="properties.fill", line_colour=[60, 60, 60, 255], highlight=[0, 0, 0, 60]
        )
    )
    if area_features:
        layers.append(geojson_layer("benchmark-area", area_features, line_colour=[0, 0, 0, 255], line_width=1.5))
        # A ring around the area: at the scale of England a CSP is a few pixels across, and a heavy
        # outline would hide its fill.
        # The area-weighted centre of its authorities (they do not overlap, so no union is needed).
        centre = shapely.GeometryCollection([shapely.geometry.shape(f["geometry"]) for f in area_features]).centroid
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="benchmark-area-ring",
                data=[{"position": [round(centre.x, 4), round(centre.y, 4)]}],
                get_position="position",
                pickable=False,
                stroked=True,
                filled=False,
                get_radius=1,
                radius_min_pixels=16,
                line_width_min_pixels=2.5,
                get_line_color=[0, 0, 0, 255],
            )
        )
    return compact_deck(layers, _view(boxes), TOOLTIP_HTML)


def legend_html(title: str, swatches: Iterable[tuple[str, str]], *, ringed: str | None = None) -> str:
    """The group map's legend (see :func:`csp_data.maps.legend.legend_html`): a swatch per position and a
    ring for the area."""
    return shared_legend_html(
        title, [(c, label, None) for c, label in swatches], [("ring", ringed, None)] if ringed else []
    )


def group_map_legend(positions: Iterable, area_name: str, level: float = 0.95) -> str:
    """The legend of :func:`build_group_map`: the positions present (nulls as "no rate") and the area's ring."""
    present = {"no rate" if pd.isna(p) else p for p in positions}
    swatches = [(colour, p.capitalize()) for p, colour in POSITION_COLOURS.items() if p in present]
    return legend_html(
        f"Against the group average ({round(level * 100)}% confidence interval)", swatches, ringed=area_name
    )
