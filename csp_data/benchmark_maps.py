"""The benchmarking group on a map, and the local authority boundaries it is drawn from.

Boundaries are the ONS "Local Authority Districts (May 2023) Boundaries UK BGC" file, cut down
to England and Wales and simplified once, by :func:`build_boundary_files` (``python -m csp_data
benchmarks boundaries``), into three GeoJSON files in the area folder's ``benchmarks/``:

* ``lad_may2023_group.geojson``: the local authorities of the area and its peers, finely
  simplified (the map drawn by default);
* ``lad_may2023_england_wales.geojson``: every local authority in England and Wales, more
  coarsely simplified, so that any peer list a user picks can be drawn;
* ``england_wales_outline.geojson``: the coastline of England and Wales, for context.

A CSP is drawn as its local authorities (Dartford and Gravesham is two), each feature carrying
the CSP's figures for the tooltip. No basemap is used, so the map needs no internet:
``map_provider=None`` leaves the front end nothing to fetch.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pydeck as pdk
import shapely
from pydeck.bindings.json_tools import default_serialize

from csp_data.errors import InputFileError

__all__ = [
    "POSITION_COLOURS",
    "BoundaryFileError",
    "LadShapes",
    "build_boundary_files",
    "build_group_map",
    "group_map_table",
    "read_lad_shapes",
    "read_outline",
]

#: Fill colours by position against the group average (Okabe & Ito: safe for colour-blind readers).
POSITION_COLOURS = {
    "above average": "#D55E00",
    "not significantly different": "#BBBBBB",
    "below average": "#0072B2",
    "no rate": "#FFFFFF",
}
GROUP_TOLERANCE_DEGREES = 0.0005  # about 35-55 m: finer than a pixel at the group's zoom
NATIONAL_TOLERANCE_DEGREES = 0.002  # about 140-220 m: keeps the national file near 1.4 MB
OUTLINE_TOLERANCE_DEGREES = 0.01
COORDINATE_GRID = 1e-4  # the source TopoJSON's own quantisation (about 7-11 m)
MAP_HEIGHT = 560
LAYER_ID = "benchmark-group"
TOOLTIP_HTML = (
    "<b>{csp_name}</b><br/>{rate_text}<br/>{rank_text}<br/>{position_text}<br/>{change_text}"
    "<br/><span style='color:#555'>{lad_text}</span>"
)
TOOLTIP_STYLE = {
    "backgroundColor": "#ffffff",
    "color": "#1a1a1a",
    "fontSize": "13px",
    "border": "1px solid #444",
    "padding": "6px 8px",
}


class BoundaryFileError(InputFileError):
    """A boundary file that cannot be used (not readable, no LAD23CD/LAD23NM, not lon/lat)."""


class _CompactDeck(pdk.Deck):
    """A ``pydeck.Deck`` serialised without indentation (the spec goes to the browser on every rerun)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


# --------------------------------------------------------------------------
# Building the boundary files
# --------------------------------------------------------------------------


def _polygonal(geometry) -> shapely.Geometry:
    """A valid (multi)polygon: ``make_valid`` can leave line fragments where TopoJSON arcs touch."""
    fixed = shapely.make_valid(geometry)
    polygons = [
        polygon
        for part in shapely.get_parts(fixed)
        if part.geom_type in ("Polygon", "MultiPolygon")
        for polygon in shapely.get_parts(part)
    ]
    if not polygons:
        return shapely.Polygon()
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _simplified(geometries: np.ndarray, tolerance: float) -> np.ndarray:
    """Coverage simplification keeps neighbours' shared edges identical (no slivers or overlaps)."""
    simple = shapely.set_precision(shapely.coverage_simplify(geometries, tolerance), COORDINATE_GRID)
    broken = ~shapely.is_valid(simple) | shapely.is_empty(simple)
    if broken.any():  # never ship a broken outline: keep the unsimplified shape there
        simple = np.where(broken, shapely.set_precision(geometries, COORDINATE_GRID), simple)
    return simple


def _feature_collection(codes, names, geometries) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"LAD23CD": code, "LAD23NM": name},
             "geometry": shapely.geometry.mapping(shape)}
            for code, name, shape in zip(codes, names, geometries)
        ],
    }


def _write_json(document: dict, path: Path) -> int:
    text = json.dumps(document, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return len(text.encode("utf-8"))


def build_boundary_files(source, out_dir, group_lad_codes: Iterable[str]) -> dict[str, tuple[Path, int, int]]:
    """Write the three boundary files of the benchmarking map from the ONS LAD file.

    Parameters
    ----------
    source : str or os.PathLike
        ONS Local Authority Districts boundaries (TopoJSON or any format GDAL reads) with
        ``LAD23CD`` and ``LAD23NM`` fields, in longitude/latitude.
    out_dir : str or os.PathLike
        Folder to write to (the area folder's ``benchmarks/``).
    group_lad_codes : iterable of str
        Local authority codes of the area and its peers, for the group file.

    Returns
    -------
    dict
        File name -> ``(path, features, bytes)``.

    Raises
    ------
    BoundaryFileError
        If the file cannot be read, lacks the fields, is not in longitude/latitude, or a group
        code is not in it.
    """
    import geopandas as gpd

    from csp_data.benchmarks import GROUP_BOUNDARIES_FILE, NATIONAL_BOUNDARIES_FILE, OUTLINE_FILE

    source, out_dir = Path(source), Path(out_dir)
    if not source.is_file():
        raise BoundaryFileError(source, "no such file")
    try:
        frame = gpd.read_file(source)
    except Exception as exc:  # noqa: BLE001 - GDAL raises many types; the user needs one line
        raise BoundaryFileError(source, f"not a readable boundary file ({type(exc).__name__}: {exc})") from None
    missing = [field for field in ("LAD23CD", "LAD23NM") if field not in frame.columns]
    if missing:
        raise BoundaryFileError(source, f"missing field {missing[0]!r} (expected ONS LAD May 2023 boundaries)")
    if frame.crs is not None and not frame.crs.is_geographic:
        frame = frame.to_crs(4326)
    west, south, east, north = frame.total_bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise BoundaryFileError(source, "coordinates are not longitude/latitude")
    frame = frame[frame["LAD23CD"].str[0].isin(["E", "W"])].reset_index(drop=True)
    geometries = np.array([_polygonal(shape) for shape in frame.geometry.values], dtype=object)

    wanted = list(dict.fromkeys(group_lad_codes))
    unknown = [code for code in wanted if code not in set(frame["LAD23CD"])]
    if unknown:
        raise BoundaryFileError(source, f"local authority code(s) not in the file: {', '.join(unknown)}")

    written = {}
    national = _simplified(geometries, NATIONAL_TOLERANCE_DEGREES)
    document = _feature_collection(frame["LAD23CD"], frame["LAD23NM"], national)
    written[NATIONAL_BOUNDARIES_FILE] = (out_dir / NATIONAL_BOUNDARIES_FILE, len(frame),
                                         _write_json(document, out_dir / NATIONAL_BOUNDARIES_FILE))

    # Simplified as part of the whole coverage, so that neighbouring peers (Bolton, Bury, Wigan,
    # Tameside) still share their edges exactly.
    fine = _simplified(geometries, GROUP_TOLERANCE_DEGREES)
    keep = frame["LAD23CD"].isin(wanted).to_numpy()
    document = _feature_collection(frame.loc[keep, "LAD23CD"], frame.loc[keep, "LAD23NM"], fine[keep])
    written[GROUP_BOUNDARIES_FILE] = (out_dir / GROUP_BOUNDARIES_FILE, int(keep.sum()),
                                      _write_json(document, out_dir / GROUP_BOUNDARIES_FILE))

    land = shapely.union_all(shapely.make_valid(national))
    # Exterior rings only: the union keeps hair-thin gaps between authorities as holes.
    islands = [shapely.Polygon(part.exterior) for part in shapely.get_parts(_polygonal(land)) if part.area > 0.001]
    outline = shapely.set_precision(shapely.simplify(shapely.MultiPolygon(islands), OUTLINE_TOLERANCE_DEGREES), 1e-3)
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "England and Wales"}, "geometry": shapely.geometry.mapping(outline)}
    ]}
    written[OUTLINE_FILE] = (out_dir / OUTLINE_FILE, 1, _write_json(document, out_dir / OUTLINE_FILE))
    return written


# --------------------------------------------------------------------------
# Reading them
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LadShapes:
    """Local authority outlines by code: GeoJSON geometry, name and bounds. Never modified."""

    geometry: Mapping[str, dict]
    names: Mapping[str, str]
    bounds: Mapping[str, tuple[float, float, float, float]]


@lru_cache(maxsize=8)
def _read_lad_shapes(path: Path, mtime_ns: int) -> LadShapes:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        features = document["features"]
        geometry, names, bounds = {}, {}, {}
        for feature in features:
            code = feature["properties"]["LAD23CD"]
            geometry[code] = feature["geometry"]
            names[code] = feature["properties"]["LAD23NM"]
            bounds[code] = tuple(float(v) for v in shapely.bounds(shapely.geometry.shape(feature["geometry"])))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BoundaryFileError(path, f"not a local authority GeoJSON file ({type(exc).__name__}: {exc})") from None
    return LadShapes(geometry, names, bounds)


def read_lad_shapes(path) -> LadShapes:
    """Read a boundary file written by :func:`build_boundary_files` (cached per file version)."""
    path = Path(path)
    return _read_lad_shapes(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _read_outline(path: Path, mtime_ns: int) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["features"][0]["geometry"]


def read_outline(path) -> dict | None:
    """The England and Wales outline geometry, or ``None`` when there is no such file."""
    if path is None or not Path(path).is_file():
        return None
    path = Path(path)
    return _read_outline(path, path.stat().st_mtime_ns)


# --------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------


def _hex_to_rgb(colour: str) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)]


def group_map_table(table: pd.DataFrame, la_codes: Mapping[str, str], shapes: Sequence[LadShapes]) -> pd.DataFrame:
    """One row per local authority to draw: the CSP's figures beside its authority.

    Parameters
    ----------
    table : pandas.DataFrame
        ``GroupSummary.table``.
    la_codes : mapping
        CSP code -> ``"E07000107;E07000109"`` (the tidy frame's ``la_codes``).
    shapes : sequence of LadShapes
        Looked up in order: the first that has a code supplies its outline.

    Returns
    -------
    pandas.DataFrame
        ``csp_code, csp_name, is_area, lad_code, lad_name, drawn`` plus the figures; ``drawn``
        is false for authorities with no outline (e.g. Cumbria's districts, abolished in April
        2023, which the ONS tables still list).
    """
    rows = []
    for record in table.to_dict("records"):
        for lad in str(la_codes.get(record["csp_code"]) or "").split(";"):
            if not lad:
                continue
            source = next((s for s in shapes if lad in s.geometry), None)
            rows.append({**record, "lad_code": lad, "lad_name": source.names[lad] if source else None,
                         "drawn": source is not None})
    return pd.DataFrame(rows)


def _fit_view(bounds: tuple[float, float, float, float], width_px: int = 900, height_px: int = MAP_HEIGHT,
              padding: float = 0.85) -> pdk.ViewState:
    """Centre on ``bounds`` at the largest zoom that shows them whole (Web Mercator, 512 px world at zoom 0)."""
    west, south, east, north = bounds
    east, north = max(east, west + 0.05), max(north, south + 0.05)

    def mercator_y(latitude: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))

    x_fraction = (east - west) / 360.0
    y_fraction = (mercator_y(north) - mercator_y(south)) / (2 * math.pi)
    zoom = min(math.log2(width_px * padding / (512 * x_fraction)), math.log2(height_px * padding / (512 * y_fraction)))
    centre = math.degrees(2 * math.atan(math.exp((mercator_y(north) + mercator_y(south)) / 2)) - math.pi / 2)
    return pdk.ViewState(longitude=(west + east) / 2, latitude=centre, zoom=round(zoom, 2),
                         min_zoom=max(zoom - 2, 0), max_zoom=12, pitch=0, bearing=0)


def _number(value, fmt: str) -> str | None:
    return None if value is None or pd.isna(value) else format(value, fmt)


def build_group_map(drawn: pd.DataFrame, shapes: Sequence[LadShapes], *, group_average: float,
                    outline: dict | None = None) -> pdk.Deck:
    """The group on a map: each CSP coloured by its position against the group average.

    Parameters
    ----------
    drawn : pandas.DataFrame
        :func:`group_map_table` rows (only those with ``drawn`` true are used).
    shapes : sequence of LadShapes
        The outlines, looked up in order.
    group_average : float
        For the tooltip.
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
        rate = _number(row.get("rate_per_1000"), ".2f")
        change = _number(row.get("pct_change"), "+.1f")
        properties = {
            "csp_name": row["csp_name"],
            "rate_text": f"{rate} per 1,000 (group average {group_average:.2f})" if rate else "No published rate",
            "rank_text": f"Rank {int(row['rank'])} of {size} in the group" if not pd.isna(row.get("rank")) else "",
            "position_text": position.capitalize() if position != "no rate" else "",
            "change_text": f"{change}% on the previous year" if change else "% change not available",
            "lad_text": f"{row['lad_name']} ({row['lad_code']})",
            "fill": _hex_to_rgb(POSITION_COLOURS.get(position, POSITION_COLOURS["no rate"])) + [230],
        }
        feature = {"type": "Feature", "geometry": source.geometry[row["lad_code"]], "properties": properties}
        features.append(feature)
        boxes.append(source.bounds[row["lad_code"]])
        if row.get("is_area"):
            area_features.append({"type": "Feature", "geometry": feature["geometry"], "properties": {}})
    layers = []
    if outline is not None:
        layers.append(pdk.Layer(
            "GeoJsonLayer", id="england-wales", data={"type": "FeatureCollection", "features": [
                {"type": "Feature", "geometry": outline, "properties": {}}]},
            pickable=False, stroked=True, filled=True, get_fill_color=[242, 242, 242, 255],
            get_line_color=[150, 150, 150, 255], line_width_min_pixels=1,
        ))
    layers.append(pdk.Layer(
        "GeoJsonLayer", id=LAYER_ID, data={"type": "FeatureCollection", "features": features},
        pickable=True, auto_highlight=True, highlight_color=[0, 0, 0, 60], stroked=True, filled=True,
        get_fill_color="properties.fill", get_line_color=[60, 60, 60, 255], line_width_min_pixels=1,
    ))
    if area_features:
        layers.append(pdk.Layer(
            "GeoJsonLayer", id="benchmark-area", data={"type": "FeatureCollection", "features": area_features},
            pickable=False, stroked=True, filled=False, get_line_color=[0, 0, 0, 255], line_width_min_pixels=1.5,
        ))
        # A ring around the area: at the scale of England a CSP is a few pixels across, and a heavy
        # outline would hide its fill.
        centre = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in area_features]).centroid
        layers.append(pdk.Layer(
            "ScatterplotLayer", id="benchmark-area-ring", data=[{"position": [round(centre.x, 4), round(centre.y, 4)]}],
            get_position="position", pickable=False, stroked=True, filled=False, get_radius=1,
            radius_min_pixels=16, line_width_min_pixels=2.5, get_line_color=[0, 0, 0, 255],
        ))
    if boxes:
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    else:  # nothing to draw: England and Wales
        box = (-5.8, 49.9, 1.8, 55.9)
    return _CompactDeck(
        layers=layers,
        initial_view_state=_fit_view(box),
        tooltip={"html": TOOLTIP_HTML, "style": TOOLTIP_STYLE},
        map_provider=None,
    )
