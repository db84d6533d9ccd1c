"""The benchmarking group on a map (a Vega-Lite chart), and its legend.

Each CSP of the group is drawn as its local authorities, coloured by its position against the
group average (the colours of the benchmarking chart), with the area circled in black, over an
outline of England and Wales. The rows and outlines come from
:func:`csp_data.benchmarks.group_boundaries`. A Vega-Lite chart, not a WebGL map: the page's other
charts have already loaded Vega, so the map costs a visitor's browser little more than its shapes,
where deck.gl cost about 0.8 s of a page's time (bench/browser.py); the group needs no zooming.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import shapely

from csp_data.benchmarks.boundaries import LadShapes
from csp_data.charts.colours import AREA_COLOUR, POSITION_COLOURS
from csp_data.charts.theme import theme_config
from csp_data.charts.vegalite import SCHEMA_URL, VegaSpec, field, mark, tip
from csp_data.maps.legend import legend_html as shared_legend_html
from csp_data.maps.mercator import mercator_y

__all__ = [
    "MAP_HEIGHT",
    "POSITION_COLOURS",
    "GroupMap",
    "build_group_map",
    "fit_box",
    "group_map_legend",
    "legend_html",
    "view_tolerance",
]

MAP_HEIGHT = 480
ENGLAND_AND_WALES = (-5.8, 49.9, 1.8, 55.9)  # west, south, east, north: the view when nothing is drawn
#: The narrowest view (degrees): a single small authority still shows its neighbours.
MIN_SPAN = 0.05
#: Room around the group, as a share of its width and height on each side.
MARGIN = 0.05
OUTLINE_FILL = "#F2F2F2"
OUTLINE_STROKE = "#969696"
BORDER_COLOUR = "#3C3C3C"
RING_DIAMETER_PX = 32
#: How far (screen pixels) an outline may move when simplified for the view: its tolerance. Under half a
#: pixel, so nothing drawn changes visibly (GEOS's topology-preserving simplifier can move a ring a little
#: further than its tolerance: 0.44 px at most for Medway's group).
SIMPLIFY_PX = 0.4


def _clipped(geometry: dict, box: tuple[float, float, float, float]) -> shapely.Geometry:
    """A GeoJSON geometry cut to ``box``, its outer rings clockwise as Vega's projection (d3-geo) needs:
    the other way round, a ring would be read as the whole globe but its inside."""
    return shapely.orient_polygons(shapely.clip_by_rect(shapely.geometry.shape(geometry), *box), exterior_cw=True)


def view_tolerance(box: tuple[float, float, float, float]) -> float:
    """The degrees a point of an outline may move within the view ``box`` (west, south, east, north) and stay
    within :data:`SIMPLIFY_PX` pixels on the map, at any width.

    Vega fits the view's box inside the chart, at most :data:`MAP_HEIGHT` pixels high, so a unit of
    projected height is never more than ``MAP_HEIGHT / box height`` pixels; Mercator stretches a degree by
    at most ``1 / cos(latitude)`` at the view's edge furthest from the equator."""
    _, south, _, north = box
    projected_height = math.degrees(mercator_y(north) - mercator_y(south))
    stretch = math.cos(math.radians(max(abs(south), abs(north))))
    return SIMPLIFY_PX * projected_height * stretch / MAP_HEIGHT


def _simplified(geometry: shapely.Geometry, tolerance: float) -> dict:
    """An outline as GeoJSON with the points that would move it less than ``tolerance`` removed (Douglas-Peucker,
    never a ring crossing itself), outer rings clockwise as :func:`_clipped` leaves them."""
    simple = shapely.simplify(geometry, tolerance, preserve_topology=True)
    return shapely.geometry.mapping(shapely.orient_polygons(simple, exterior_cw=True))


def _number(value, fmt: str) -> str | None:
    return None if value is None or pd.isna(value) else format(value, fmt)


def fit_box(boxes: Sequence[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    """The view's box (west, south, east, north): every box with a margin, never narrower than ``MIN_SPAN``."""
    if not boxes:
        return ENGLAND_AND_WALES
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    width, height = max(east - west, MIN_SPAN), max(north - south, MIN_SPAN)
    middle_x, middle_y = (west + east) / 2, (south + north) / 2
    half_x, half_y = width * (0.5 + MARGIN), height * (0.5 + MARGIN)
    return (middle_x - half_x, middle_y - half_y, middle_x + half_x, middle_y + half_y)


@dataclass(frozen=True)
class GroupMap:
    """The map's whole Vega-Lite specification, written as a dict (:mod:`csp_data.charts.vegalite`; the
    same specification Altair wrote, without its copying and checking of every part). Its layers name
    their data, GeoJSON features held in ``datasets`` by name, as the page sends them."""

    spec: VegaSpec

    @property
    def datasets(self) -> dict[str, list[dict]]:
        return self.spec["datasets"]


def build_group_map(
    drawn: pd.DataFrame,
    shapes: Sequence[LadShapes],
    *,
    group_average: float,
    outline: dict | None = None,
    decimals: int = 2,
) -> GroupMap:
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
        A GeoJSON geometry drawn underneath for context (England and Wales), clipped to the view.

    Returns
    -------
    GroupMap
        The chart's layers, in order: the outline (``england-wales``, when given), the group
        (``group``: one feature per authority, with a tooltip), the area's authorities outlined in
        black (``area``) and a black ring at their centre. The Mercator projection fits the group's
        authorities (:func:`fit_box`), at any width.
    """
    # Ranks are among the group's CSPs with a rate, drawn or not (Cumbria's districts have no outline now).
    size = int(drawn.loc[drawn["rate_per_1000"].notna(), "csp_code"].nunique()) if len(drawn) else 0
    drawn = drawn[drawn["drawn"]] if len(drawn) else drawn
    rows = drawn.to_dict("records")
    sources = [next(s for s in shapes if row["lad_code"] in s.geometry) for row in rows]
    west, south, east, north = fit_box([source.bounds[row["lad_code"]] for row, source in zip(rows, sources)])
    # Outlines kept no finer than the view shows: Medway's group drawn across England sent 116 KB of points
    # on every rerun, where a fifth of them draw it the same.
    tolerance = view_tolerance((west, south, east, north))
    features, area_features = [], []
    for row, source in zip(rows, sources):
        # A CSP without a rate (City of London: ONS publishes none) has no position: missing, not text.
        position = row.get("position") if isinstance(row.get("position"), str) else "no rate"
        rate = _number(row.get("rate_per_1000"), f",.{decimals}f")
        change = _number(row.get("pct_change"), "+.1f")
        properties = {
            "csp_name": row["csp_name"],
            "rate_text": f"{rate} per 1,000 (group average {group_average:,.{decimals}f})" if rate else "No rate",
            "rank_text": f"{int(row['rank'])} of {size} in the group" if not pd.isna(row.get("rank")) else "None",
            "position_text": position.capitalize() if position != "no rate" else "No rate",
            "change_text": f"{change}% on the previous year" if change else "Not available",
            "lad_text": f"{row['lad_name']} ({row['lad_code']})",
            "fill": POSITION_COLOURS.get(position, POSITION_COLOURS["no rate"]),
        }
        geometry = _simplified(source.shapes[row["lad_code"]], tolerance)
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
        if row.get("is_area"):
            area_features.append({"type": "Feature", "geometry": geometry, "properties": {}})
    layers: list[dict] = []
    datasets: dict[str, list[dict]] = {}
    if outline is not None and not (context := _clipped(outline, (west, south, east, north))).is_empty:
        # Only what lies in the view: a shape running past it would lie over the text around the chart
        # for a screen reader's or an accessibility checker's hit-testing, even where it is not drawn.
        datasets["england-wales"] = [
            {"type": "Feature", "geometry": shapely.geometry.mapping(context), "properties": {}}
        ]
        layers.append(
            _named(
                "england-wales",
                mark(
                    "geoshape",
                    aria=False,
                    clip=True,
                    fill=OUTLINE_FILL,
                    stroke=OUTLINE_STROKE,
                    strokeWidth=0.5,
                    tooltip=None,
                ),
            )
        )
    tooltip = [
        tip("properties.csp_name", "nominal", "CSP"),
        tip("properties.rate_text", "nominal", "Rate"),
        tip("properties.rank_text", "nominal", "Rank"),
        tip("properties.position_text", "nominal", "Against the average"),
        tip("properties.change_text", "nominal", "Change"),
        tip("properties.lad_text", "nominal", "Local authority"),
    ]
    datasets["group"] = features
    layers.append(
        _named(
            "group",
            mark("geoshape", clip=True, fillOpacity=0.9, stroke=BORDER_COLOUR, strokeWidth=0.5),
            encoding={"fill": field("properties.fill", "nominal", scale=None), "tooltip": tooltip},
        )
    )
    if area_features:
        datasets["area"] = area_features
        layers.append(
            _named(
                "area",
                mark(
                    "geoshape",
                    aria=False,
                    clip=True,
                    filled=False,
                    stroke=AREA_COLOUR,
                    strokeWidth=1.5,
                    tooltip=None,
                ),
            )
        )
        # A ring around the area: at the scale of England a CSP is a few pixels across, and a heavy
        # outline would hide its fill. The area-weighted centre of its authorities (they do not overlap).
        centre = shapely.GeometryCollection([shapely.geometry.shape(f["geometry"]) for f in area_features]).centroid
        layers.append(
            {
                "data": {"values": [{"latitude": round(centre.y, 4), "longitude": round(centre.x, 4)}]},
                "encoding": {
                    "latitude": field("latitude", "quantitative"),
                    "longitude": field("longitude", "quantitative"),
                },
                # Decoration (aria false): the chart's text alternative says the area is ringed.
                "mark": mark(
                    "point",
                    aria=False,
                    filled=False,
                    opacity=1,
                    shape="circle",
                    size=RING_DIAMETER_PX**2,
                    stroke=AREA_COLOUR,
                    strokeWidth=2.5,
                    tooltip=None,
                ),
            }
        )
    # Fitted to the corners of the group's box (a MultiPoint: no ring to wind the wrong way round).
    corners = {"type": "MultiPoint", "coordinates": [[west, south], [east, north]]}
    return GroupMap(
        {
            "config": {**theme_config()["config"], "view": {"stroke": None}},
            "layer": layers,
            "height": MAP_HEIGHT,
            "projection": {"fit": {"geometry": corners, "properties": {}, "type": "Feature"}, "type": "mercator"},
            "$schema": SCHEMA_URL,
            "datasets": datasets,
        }
    )


def _named(name: str, mark_: dict, **parts) -> dict:
    """A layer drawing the GeoJSON features of ``datasets[name]``."""
    return {"data": {"name": name}, "mark": mark_, **parts}


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
