"""Street-level hotspots: a metric grid, Getis-Ord Gi* with a false-discovery-rate correction,
repeat locations (police.uk snap points) and top streets.

Why a metric grid: police.uk points are given in longitude/latitude, where a degree east is about
70 km and a degree north about 111 km at Medway's latitude, so a grid in degrees would have
rectangular cells of unequal size. Cells of ``CELL_SIZE_M`` metres in the British National Grid
(EPSG:27700) are equal squares on the ground, so counts in different cells compare like with like,
and the distance band of the Gi* weights is a real distance. The grid's origin is the National Grid
origin: cell ``(i, j)`` covers eastings ``[i * size, (i + 1) * size)`` and northings
``[j * size, (j + 1) * size)``, so anyone can rebuild the same grid.

The grid holds every cell that touches the area's wards (cells with no incidents count as zeros:
leaving them out would hide where crime is *not*) plus any cell holding an incident.

Gi* is run on the cell counts with binary weights: each cell's neighbours are the cells whose
centres lie within ``1.5 * CELL_SIZE_M`` (the 8 surrounding cells; the star version adds the cell
itself). The z-scores are computed here with numpy and equal esda's ``G_Local(..., star=True)``
(tested to 1e-9): building esda's weights took longer than the whole test now does. The p-values are
not taken from the normal approximation of the z-score: incident counts per square are small and
skewed, and for a crime type with a few hundred incidents over thousands of squares the normal
approximation calls squares with two or three incidents "hotspots" in almost every *random* layout
(measured: hotspots in 40 of 40 random layouts of 500 points over Medway's 3,510 squares). Instead each square's p-value
comes from conditional randomisation, the permutation test PySAL uses for local statistics: the
square keeps its own count, its neighbours' counts are replaced by counts drawn without replacement
from all the other squares, ``PERMUTATIONS`` times, and the p-value is the share of draws whose window
total is at least (hot) or at most (cold) the observed one, counting ties, doubled for a two-sided
test. For a fixed number of neighbours Gi* rises with the window total, so this is a permutation test
of Gi* itself. (esda's own ``p_sim`` folds the two tails with strict inequalities, which with the many
tied zeros of count data makes empty squares look like significant cold spots; hence the test here.)
The draws use a fixed seed, so the same data always give the same classes. As in PySAL's ``crand``,
many squares share one table of draws (see :func:`permutation_p_values`), which makes the test take
tens of milliseconds rather than a second.

The p-values are corrected for testing thousands of squares at once with Benjamini–Hochberg; a
square is hot (or cold) at 99/95/90% confidence when its corrected p-value is at most 0.01/0.05/0.10.
With ``PERMUTATIONS`` draws the smallest two-sided p-value is ``2 / (PERMUTATIONS + 1)``; squares at
that extreme are tested again with ten times as many draws (see ``REFINE_BELOW``). The statistics
(Gi*, the permutation test, the correction, the classes and their colours) are in
:mod:`csp_data.figures.gistar`; import them from there.

This module does not import Streamlit.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from csp_data.figures.gistar import CELL_SIZE_M, CLASS_ORDER, gi_star

GRID_CRS = "EPSG:27700"
# A snap point is flagged when it holds at least this share of the area's incidents (and at least
# FLAG_MIN_INCIDENTS of them): such points are often a police station, hospital or shopping centre
# to which police.uk moves incidents, rather than a street with a problem.
FLAG_SHARE = 0.01
FLAG_MIN_INCIDENTS = 20
MAIN_STREETS_PER_CELL = 3


POINT_COLUMNS = ("location", "longitude", "latitude", "ward_code", "ward_name", "crime_type", "month", "incidents")

_TO_GRID = Transformer.from_crs("EPSG:4326", GRID_CRS, always_xy=True)
_FROM_GRID = Transformer.from_crs(GRID_CRS, "EPSG:4326", always_xy=True)
# pyproj keeps a transformer's PROJ objects per thread and builds them again, searching PROJ's database
# (40-80 ms each), in every new thread; Streamlit runs every script run in a new thread. One long-lived
# thread does every transformation, so each is built once per process.
_PROJ_THREAD: ThreadPoolExecutor


def _new_proj_thread() -> None:
    """The process's transformation thread: made at import, and again in a forked process, which has no copy
    of its parent's threads (the executor copied with it would wait for one forever)."""
    global _PROJ_THREAD
    _PROJ_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csp-proj")


_new_proj_thread()
os.register_at_fork(after_in_child=_new_proj_thread)


def _transformed(transformer: Transformer, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``transformer.transform(x, y)``, in the one thread whose PROJ objects are already built."""
    return _PROJ_THREAD.submit(transformer.transform, x, y).result()


def _check_points(points: pd.DataFrame) -> None:
    missing = [c for c in POINT_COLUMNS if c not in points.columns]
    if missing:
        raise ValueError(f"points should have the columns {list(POINT_COLUMNS)}; missing {missing}")


# --------------------------------------------------------------------------------------------
# Grid
# --------------------------------------------------------------------------------------------


def assign_cells(longitude, latitude, cell_size: float = CELL_SIZE_M) -> tuple[np.ndarray, np.ndarray]:
    """The grid column and row (``floor(easting / size)``, ``floor(northing / size)``) of each point."""
    x, y = _transformed(_TO_GRID, np.asarray(longitude, dtype=float), np.asarray(latitude, dtype=float))
    return np.floor(np.asarray(x) / cell_size).astype(np.int64), np.floor(np.asarray(y) / cell_size).astype(np.int64)


def cell_id(col, row) -> pd.Series:
    """A readable cell id: the easting and northing of the cell's south-west corner in metres is
    ``col * size`` and ``row * size``; the id is ``"col_row"``."""
    return pd.Series(_cell_ids(np.asarray(col, dtype=np.int64), np.asarray(row, dtype=np.int64)), dtype=object)


def area_cells(area_shape, cell_size: float = CELL_SIZE_M) -> pd.DataFrame:
    """Every grid cell (columns ``col``, ``row``) that touches ``area_shape`` (a shapely geometry in EPSG:4326).

    Found once per shape and size (about 25 ms for Medway): the area is the same for every period and type."""
    return _area_cells(shapely.to_wkb(area_shape), float(cell_size)).copy()


@lru_cache(maxsize=8)
def _area_cells(wkb: bytes, cell_size: float) -> pd.DataFrame:
    area_shape = shapely.from_wkb(wkb)
    shape = shapely.transform(area_shape, lambda xy: np.column_stack(_transformed(_TO_GRID, xy[:, 0], xy[:, 1])))
    west, south, east, north = shape.bounds
    cols = np.arange(int(np.floor(west / cell_size)), int(np.floor(east / cell_size)) + 1)
    rows = np.arange(int(np.floor(south / cell_size)), int(np.floor(north / cell_size)) + 1)
    cc, rr = np.meshgrid(cols, rows)
    cc, rr = cc.ravel(), rr.ravel()
    boxes = shapely.box(cc * cell_size, rr * cell_size, (cc + 1) * cell_size, (rr + 1) * cell_size)
    shapely.prepare(shape)
    touches = shapely.intersects(shape, boxes)
    return pd.DataFrame({"col": cc[touches], "row": rr[touches]})


def grid_counts(
    points: pd.DataFrame,
    cells: pd.DataFrame | None = None,
    cell_size: float = CELL_SIZE_M,
    located: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Incidents per grid cell.

    Parameters
    ----------
    points : DataFrame
        Rows of the ``hotspot_points`` query (``longitude``, ``latitude``, ``incidents``, ...).
    cells : DataFrame, optional
        The cells to include even when empty (``col``, ``row``), e.g. from :func:`area_cells`.
    located : (ndarray, ndarray), optional
        Each point's grid column and row, when already found by :func:`assign_cells`.

    Returns
    -------
    DataFrame
        ``cell_id, col, row, incidents`` sorted by row then column; cells of ``cells`` with no
        incident have 0.
    """
    if "incidents" not in points.columns:
        raise ValueError("points should have an 'incidents' column")
    col, row = located if located is not None else assign_cells(points["longitude"], points["latitude"], cell_size)
    col, row = np.asarray(col, dtype=np.int64), np.asarray(row, dtype=np.int64)
    incidents = points["incidents"].to_numpy(dtype=np.int64)
    if cells is not None and len(cells):  # the area's cells first, with no incidents of their own
        col = np.concatenate([cells["col"].to_numpy(dtype=np.int64), col])
        row = np.concatenate([cells["row"].to_numpy(dtype=np.int64), row])
        incidents = np.concatenate([np.zeros(len(cells), dtype=np.int64), incidents])
    # One integer per cell, ordered by row then column (grouping on the two columns with pandas took
    # three times as long for Medway's few thousand cells).
    key, width = _cell_keys(col, row)
    keys, cell_of = np.unique(key, return_inverse=True)
    totals = np.bincount(cell_of.ravel(), weights=incidents, minlength=len(keys)).astype(np.int64)
    rows, cols = np.divmod(keys, width)
    cols, rows = cols + (col.min() if len(col) else 0), rows + (row.min() if len(row) else 0)
    return pd.DataFrame({"cell_id": _cell_ids(cols, rows), "col": cols, "row": rows, "incidents": totals})


def _cell_keys(col: np.ndarray, row: np.ndarray) -> tuple[np.ndarray, int]:
    """One integer per cell, ``(row - lowest row) * width + (col - lowest col)``, so that keys sort as
    (row, col) do, and the ``width`` to take them apart with ``divmod``."""
    if not len(col):
        return np.zeros(0, dtype=np.int64), 1
    width = int(col.max() - col.min()) + 1
    return (row - row.min()) * width + (col - col.min()), width


def _cell_ids(col: np.ndarray, row: np.ndarray) -> np.ndarray:
    """:func:`cell_id` as an array of Python strings."""
    return np.array([f"{c}_{r}" for c, r in zip(col.tolist(), row.tolist())], dtype=object)


def cell_polygons(grid: pd.DataFrame, cell_size: float = CELL_SIZE_M) -> list[list[list[float]]]:
    """Each cell's square as a ring of ``[longitude, latitude]`` corners, for drawing."""
    x0 = grid["col"].to_numpy(dtype=float) * cell_size
    y0 = grid["row"].to_numpy(dtype=float) * cell_size
    xs = np.stack([x0, x0 + cell_size, x0 + cell_size, x0], axis=1)
    ys = np.stack([y0, y0, y0 + cell_size, y0 + cell_size], axis=1)
    lon, lat = _transformed(_FROM_GRID, xs, ys)
    return np.stack([np.round(lon, 5), np.round(lat, 5)], axis=-1).tolist()


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


def _type_mix(point: np.ndarray, crime_type: pd.Series, incidents: np.ndarray, top: int = 3) -> dict[int, str]:
    """Each snap point's (``point``: a number per row) crime types, most incidents first (ties by name), as
    ``"Burglary 4, Robbery 2, Drugs 1 and 2 more types"``."""
    type_codes, names = pd.factorize(crime_type, sort=True, use_na_sentinel=False)
    # Every type of each point (top: as many as there are types), busiest first.
    cell, code, sums = _busiest(point, type_codes, incidents, max(len(names), 1))
    labels = np.asarray(names, dtype=object)[code]
    parts: dict[int, list[str]] = {}
    for p, name, n in zip(cell.tolist(), labels.tolist(), sums.tolist()):
        parts.setdefault(p, []).append(f"{name} {n:,}")
    words = {}
    for p, names_of in parts.items():
        more = len(names_of) - top
        words[p] = ", ".join(names_of[:top]) + (f" and {more} more type{'s' if more != 1 else ''}" if more > 0 else "")
    return words


def _run_starts(*ordered: np.ndarray) -> np.ndarray:
    """For rows sorted by ``ordered`` keys, True where a row starts a new run of equal keys (NaN equal to NaN,
    as groupby(dropna=False) takes it)."""
    starts = np.zeros(len(ordered[0]), dtype=bool)
    starts[:1] = True
    for key in ordered:
        differs = key[1:] != key[:-1]
        if key.dtype.kind == "f":
            differs &= ~(np.isnan(key[1:]) & np.isnan(key[:-1]))
        starts[1:] |= differs
    return starts


def _snap_points(points: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One number per snap point (location with its coordinates), numbered in the order of those keys:
    ``(point of each row, location code of each row, a row of each point)``; location codes follow the
    names' order."""
    location_codes, _ = pd.factorize(points["location"], sort=True, use_na_sentinel=False)
    longitude = points["longitude"].to_numpy(dtype=float)
    latitude = points["latitude"].to_numpy(dtype=float)
    order = np.lexsort((latitude, longitude, location_codes))
    new = _run_starts(location_codes[order], longitude[order], latitude[order])
    point = np.empty(len(order), dtype=np.int64)
    point[order] = np.cumsum(new) - 1
    return point, location_codes, order[new]


def repeat_locations(points: pd.DataFrame, limit: int | None = 50) -> pd.DataFrame:
    """The snap points (location with its coordinates) with the most incidents.

    Returns ``rank, location, ward_name, longitude, latitude, incidents, months_present, first_month,
    last_month, share_of_area, type_mix, flagged`` — ``months_present`` counts the distinct months in
    which the point has at least one incident; ``ward_name`` is the ward of most of its rows (ties by
    name); ``flagged`` marks a point holding at least ``FLAG_SHARE`` of the area's incidents (and at
    least ``FLAG_MIN_INCIDENTS``).
    """
    _check_points(points)
    # Whole arrays of integer codes per row and per point (pandas' groupby on the string keys took
    # 35-60 ms for Medway's 8,000 rows of six months; a Python function per point 0.1-1.3 s).
    point, location_codes, first_rows = _snap_points(points)
    count = len(first_rows)
    incidents = points["incidents"].to_numpy(dtype=np.int64)
    total = int(incidents.sum())
    months = points["month"].to_numpy()
    month_codes, _ = pd.factorize(points["month"], sort=True, use_na_sentinel=False)
    by_month = np.lexsort((month_codes, point))  # each point's rows, earliest month first
    point_sorted, month_sorted = point[by_month], month_codes[by_month]
    starts = np.searchsorted(point_sorted, np.arange(count), side="left")
    ends = np.searchsorted(point_sorted, np.arange(count), side="right") - 1
    new_month = _run_starts(point_sorted, month_sorted)
    wards = points["ward_name"].fillna("(no ward)")
    ward_codes, ward_names = pd.factorize(wards, sort=True)
    ward_point, ward_code, _ = _busiest(point, ward_codes, np.ones(len(point), dtype=np.int64), 1)
    ward_of = np.empty(count, dtype=np.int64)
    ward_of[ward_point] = ward_code
    mix = _type_mix(point, points["crime_type"], incidents)
    grouped = pd.DataFrame(
        {
            "location": points["location"].take(first_rows).reset_index(drop=True),
            "ward_name": pd.Series(ward_names.take(ward_of), dtype="str"),
            "longitude": points["longitude"].take(first_rows).reset_index(drop=True),
            "latitude": points["latitude"].take(first_rows).reset_index(drop=True),
            "incidents": np.bincount(point, weights=incidents, minlength=count).astype(np.int64),
            "months_present": np.bincount(point_sorted[new_month], minlength=count).astype(np.int64),
            "first_month": months[by_month[starts]],
            "last_month": months[by_month[ends]],
        }
    )
    grouped["share_of_area"] = grouped["incidents"] / total if total else np.nan
    grouped["type_mix"] = pd.Series([mix.get(p) for p in range(count)])
    grouped["flagged"] = (grouped["share_of_area"] >= FLAG_SHARE) & (grouped["incidents"] >= FLAG_MIN_INCIDENTS)
    # Most incidents first, then most months, then by name; ties in all three in the points' own order.
    location_of = location_codes[first_rows]
    order = np.lexsort((location_of, -grouped["months_present"].to_numpy(), -grouped["incidents"].to_numpy()))
    grouped = grouped.take(order).reset_index(drop=True)
    ranked = -grouped["incidents"].to_numpy()
    grouped.insert(0, "rank", (np.searchsorted(ranked, ranked, side="left") + 1).astype(np.int64))
    columns = [
        "rank",
        "location",
        "ward_name",
        "longitude",
        "latitude",
        "incidents",
        "months_present",
        "first_month",
        "last_month",
        "share_of_area",
        "type_mix",
        "flagged",
    ]
    grouped = grouped[columns]
    return grouped if limit is None else grouped.head(limit)


# --------------------------------------------------------------------------------------------
# Everything the page needs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HotspotResult:
    grid: pd.DataFrame  # cell_id, col, row, incidents, z_score, p_value, p_adjusted, hotspot_class, ...
    hot_cells: pd.DataFrame  # the significant hot cells with ward and main streets
    class_counts: dict[str, int]
    total_incidents: int


def _busiest(cells: np.ndarray, codes: np.ndarray, incidents: np.ndarray, top: int) -> tuple[np.ndarray, ...]:
    """Per cell (``cells``: a number per row), the ``top`` codes with the most incidents, ties by code:
    arrays (cell, code, incidents) sorted by cell, then busiest first. Rows with code -1 are left out."""
    keep = codes >= 0
    cells, codes, incidents = cells[keep], codes[keep], incidents[keep]
    span = int(codes.max()) + 1 if len(codes) else 1
    pairs, which = np.unique(cells * span + codes, return_inverse=True)
    sums = np.bincount(which.ravel(), weights=incidents, minlength=len(pairs)).astype(np.int64)
    cell, code = np.divmod(pairs, span)
    order = np.lexsort((code, -sums, cell))
    cell, code, sums = cell[order], code[order], sums[order]
    starts = np.r_[0, np.flatnonzero(np.diff(cell)) + 1] if len(cell) else np.zeros(0, dtype=np.int64)
    place = np.arange(len(cell)) - np.repeat(starts, np.diff(np.r_[starts, len(cell)]))
    kept = place < top
    return cell[kept], code[kept], sums[kept]


def _cell_places(points: pd.DataFrame, col: np.ndarray, row: np.ndarray) -> pd.DataFrame:
    """For each cell holding an incident (index ``cell_id``; ``col``, ``row``: each point's cell, from
    :func:`assign_cells`): ``ward_name``, the ward with most of its incidents (ties by name), and
    ``main_streets``, its ``MAIN_STREETS_PER_CELL`` locations with most incidents as
    ``"On or near A Street (12); ..."`` (ties by name; points with no location are not named)."""
    if not len(points):
        return pd.DataFrame(
            {"ward_name": pd.Series(dtype=object), "main_streets": pd.Series(dtype=object)},
            index=pd.Index([], name="cell_id", dtype=object),
        )
    # Whole arrays of integer codes, names sorted so that a code's order is its name's: sorting and
    # grouping by strings (and a function per cell) took 35-400 ms for Medway's thousand-odd cells.
    col, row = np.asarray(col, dtype=np.int64), np.asarray(row, dtype=np.int64)
    key, width = _cell_keys(col, row)
    keys, cells = np.unique(key, return_inverse=True)
    cells = cells.ravel()
    incidents = points["incidents"].to_numpy(dtype=np.int64)
    ward_codes, ward_names = pd.factorize(points["ward_name"].fillna("(no ward)"), sort=True)
    location_codes, locations = pd.factorize(points["location"], sort=True)
    ward_cell, ward_code, _ = _busiest(cells, ward_codes, incidents, 1)
    street_cell, street_code, street_incidents = _busiest(cells, location_codes, incidents, MAIN_STREETS_PER_CELL)
    names = np.asarray(locations, dtype=object)[street_code]
    by_cell: dict[int, list[str]] = {}
    for cell, name, n in zip(street_cell.tolist(), names.tolist(), street_incidents.tolist()):
        by_cell.setdefault(cell, []).append(f"{name} ({n:,})")
    held = np.arange(len(keys))
    key_rows, key_cols = np.divmod(keys, width)
    ids = _cell_ids(key_cols + col.min(), key_rows + row.min())
    ward = pd.Series(np.asarray(ward_names, dtype=object)[ward_code], index=ward_cell).reindex(held)
    return pd.DataFrame(
        {
            "ward_name": ward.to_numpy(),
            "main_streets": ["; ".join(by_cell[c]) if c in by_cell else np.nan for c in held],
        },
        index=pd.Index(ids, name="cell_id"),
    )


#: A hot square's places when it holds no incident itself (its neighbours' incidents make it hot).
NO_INCIDENT_IN_SQUARE = "No incident in this square: hot from the squares around it"


def compute_hotspots(points: pd.DataFrame, area_shape=None, cell_size: float = CELL_SIZE_M) -> HotspotResult:
    """The grid, its Gi* classes and the table of hot cells for one period and crime type.

    Parameters
    ----------
    points : DataFrame
        Rows of the ``hotspot_points`` query.
    area_shape : shapely geometry, optional
        The area's outline (EPSG:4326); its cells are included even when empty.
    """
    _check_points(points)
    cells = area_cells(area_shape, cell_size) if area_shape is not None else None
    located = assign_cells(points["longitude"], points["latitude"], cell_size)  # once, for the grid and places
    grid = gi_star(grid_counts(points, cells, cell_size, located), cell_size)
    grid = grid.merge(_cell_places(points, *located), left_on="cell_id", right_index=True, how="left")
    hot = grid[grid["hotspot_class"].str.startswith("hot")].sort_values(["z_score", "incidents"], ascending=False)
    hot_cells = hot[["cell_id", "hotspot_label", "incidents", "z_score", "p_adjusted", "ward_name", "main_streets"]]
    empty = hot_cells["incidents"] == 0  # hot from its neighbours alone: no place or ward of its own to name
    hot_cells = hot_cells.assign(
        ward_name=hot_cells["ward_name"].mask(empty, "–"),
        main_streets=hot_cells["main_streets"].mask(empty, NO_INCIDENT_IN_SQUARE),
    )
    counts = grid["hotspot_class"].value_counts()
    return HotspotResult(
        grid=grid,
        hot_cells=hot_cells.reset_index(drop=True),
        class_counts={c: int(counts.get(c, 0)) for c in CLASS_ORDER},
        total_incidents=int(points["incidents"].sum()),
    )


def area_outline(ward_geometries) -> shapely.Geometry:
    """The union of the ward polygons (EPSG:4326), found once per set of polygons (about 25 ms for Medway)."""
    return _union(tuple(shapely.to_wkb(np.asarray(gpd.GeoSeries(ward_geometries).values))))


@lru_cache(maxsize=8)
def _union(wkbs: tuple[bytes, ...]) -> shapely.Geometry:
    return shapely.union_all(shapely.from_wkb(np.array(wkbs, dtype=object)))
