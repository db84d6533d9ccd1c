"""The local authority boundaries the benchmarking map is drawn from: building them, reading them, choosing them.

Boundaries are the ONS "Local Authority Districts (May 2023) Boundaries UK BGC" file, cut down
to England and Wales and simplified once, by :func:`build_boundary_files` (``python -m csp_data
benchmarks boundaries``), into three GeoJSON files in the area folder's ``benchmarks/``:

* ``lad_may2023_group.geojson``: the local authorities of the area and its peers, finely
  simplified (the map drawn by default);
* ``lad_may2023_england_wales.geojson``: every local authority in England and Wales, more
  coarsely simplified, so that any peer list a user picks can be drawn;
* ``england_wales_outline.geojson``: the coastline of England and Wales, for context.

A CSP is drawn as its local authorities (Dartford and Gravesham is two), each carrying the CSP's
figures. :func:`group_boundaries` picks the files for a group, falling back to the England and
Wales file (the area's own, else the embedded one) when the group file misses an authority.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from csp_data.benchmarks.errors import BoundaryFileError
from csp_data.benchmarks.store import benchmark_file

__all__ = [
    "GROUP_BOUNDARIES_FILE",
    "NATIONAL_BOUNDARIES_FILE",
    "OUTLINE_FILE",
    "GroupBoundaries",
    "LadShapes",
    "build_boundary_files",
    "group_boundaries",
    "group_lad_codes",
    "group_map_table",
    "la_codes_by_csp",
    "read_lad_shapes",
    "read_outline",
]

GROUP_BOUNDARIES_FILE = "lad_may2023_group.geojson"
NATIONAL_BOUNDARIES_FILE = "lad_may2023_england_wales.geojson"
OUTLINE_FILE = "england_wales_outline.geojson"
GROUP_TOLERANCE_DEGREES = 0.0005  # about 35-55 m: finer than a pixel at the group's zoom
NATIONAL_TOLERANCE_DEGREES = 0.002  # about 140-220 m: keeps the national file near 1.4 MB
OUTLINE_TOLERANCE_DEGREES = 0.01
COORDINATE_GRID = 1e-4  # the source TopoJSON's own quantisation (about 7-11 m)


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
            {
                "type": "Feature",
                "properties": {"LAD23CD": code, "LAD23NM": name},
                "geometry": shapely.geometry.mapping(shape),
            }
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
    written[NATIONAL_BOUNDARIES_FILE] = (
        out_dir / NATIONAL_BOUNDARIES_FILE,
        len(frame),
        _write_json(document, out_dir / NATIONAL_BOUNDARIES_FILE),
    )

    # Simplified as part of the whole coverage, so that neighbouring peers (Bolton, Bury, Wigan,
    # Tameside) still share their edges exactly.
    fine = _simplified(geometries, GROUP_TOLERANCE_DEGREES)
    keep = frame["LAD23CD"].isin(wanted).to_numpy()
    document = _feature_collection(frame.loc[keep, "LAD23CD"], frame.loc[keep, "LAD23NM"], fine[keep])
    written[GROUP_BOUNDARIES_FILE] = (
        out_dir / GROUP_BOUNDARIES_FILE,
        int(keep.sum()),
        _write_json(document, out_dir / GROUP_BOUNDARIES_FILE),
    )

    land = shapely.union_all(shapely.make_valid(national))
    # Exterior rings only: the union keeps hair-thin gaps between authorities as holes.
    islands = [shapely.Polygon(part.exterior) for part in shapely.get_parts(_polygonal(land)) if part.area > 0.001]
    outline = shapely.set_precision(shapely.simplify(shapely.MultiPolygon(islands), OUTLINE_TOLERANCE_DEGREES), 1e-3)
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "England and Wales"},
                "geometry": shapely.geometry.mapping(outline),
            }
        ],
    }
    written[OUTLINE_FILE] = (out_dir / OUTLINE_FILE, 1, _write_json(document, out_dir / OUTLINE_FILE))
    return written


@dataclass(frozen=True)
class LadShapes:
    """Local authority outlines by code: GeoJSON geometry, the same as a shapely geometry (read once, for
    the maps that simplify it), name and bounds. Never modified."""

    geometry: Mapping[str, dict]
    names: Mapping[str, str]
    bounds: Mapping[str, tuple[float, float, float, float]]
    shapes: Mapping[str, shapely.Geometry]


@lru_cache(maxsize=8)
def _read_lad_shapes(path: Path, mtime_ns: int) -> LadShapes:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        features = document["features"]
        geometry, names, bounds, shapes = {}, {}, {}, {}
        for feature in features:
            code = feature["properties"]["LAD23CD"]
            geometry[code] = feature["geometry"]
            names[code] = feature["properties"]["LAD23NM"]
            shapes[code] = shapely.geometry.shape(feature["geometry"])
            bounds[code] = tuple(float(v) for v in shapely.bounds(shapes[code]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BoundaryFileError(path, f"not a local authority GeoJSON file ({type(exc).__name__}: {exc})") from None
    return LadShapes(geometry, names, bounds, shapes)


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
            rows.append(
                {
                    **record,
                    "lad_code": lad,
                    "lad_name": source.names[lad] if source else None,
                    "drawn": source is not None,
                }
            )
    return pd.DataFrame(rows)


def la_codes_by_csp(df: pd.DataFrame) -> dict[str, str]:
    """CSP code -> its local authority codes (``"E07000107;E07000109"``), from the tidy frame."""
    return df[["csp_code", "la_codes"]].drop_duplicates("csp_code").set_index("csp_code")["la_codes"].to_dict()


def group_lad_codes(df: pd.DataFrame, csp_codes: Iterable[str]) -> list[str]:
    """The local authority codes of some CSPs, in their order, for :func:`build_boundary_files`."""
    return _lad_codes(la_codes_by_csp(df), csp_codes)


def _lad_codes(la_codes: Mapping[str, str], csp_codes: Iterable[str]) -> list[str]:
    return [lad for csp in csp_codes for lad in str(la_codes.get(csp) or "").split(";") if lad]


@dataclass(frozen=True)
class GroupBoundaries:
    """What the group map is drawn from.

    Attributes
    ----------
    rows : pandas.DataFrame
        :func:`group_map_table`: one row per local authority, with the CSP's figures.
    shapes : list of LadShapes
        The boundary files to look outlines up in, in order.
    outline : dict or None
        The England and Wales outline geometry, for context.
    """

    rows: pd.DataFrame
    shapes: list[LadShapes]
    outline: dict | None


def group_boundaries(df: pd.DataFrame, group_table: pd.DataFrame, area_dir) -> GroupBoundaries:
    """The boundaries and rows of the group map for a group chosen on the page.

    The area folder's group file is used when it has every authority of the
    group (it is finer); otherwise the England and Wales file is added (the
    area folder's, else the embedded one, which serves any area), so that any
    peer list a user picks can be drawn.

    Parameters
    ----------
    df : pandas.DataFrame
        The tidy benchmark frame (for each CSP's ``la_codes``).
    group_table : pandas.DataFrame
        ``GroupSummary.table``.
    area_dir : str or os.PathLike
        The folder of the area file.

    Raises
    ------
    BoundaryFileError
        If a boundary file there cannot be read.
    """
    la_codes = la_codes_by_csp(df)
    group_file = benchmark_file(area_dir, GROUP_BOUNDARIES_FILE, fallback=False)
    shapes = [read_lad_shapes(group_file)] if group_file else []
    wanted = set(_lad_codes(la_codes, group_table["csp_code"]))
    if not shapes or wanted - set(shapes[0].geometry):
        national_file = benchmark_file(area_dir, NATIONAL_BOUNDARIES_FILE)
        if national_file:
            shapes.append(read_lad_shapes(national_file))
    rows = group_map_table(group_table, la_codes, shapes)
    return GroupBoundaries(rows, shapes, read_outline(benchmark_file(area_dir, OUTLINE_FILE)))
