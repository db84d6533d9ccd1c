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

Gi* (``esda.G_Local(..., star=True)``) is run on the cell counts with binary weights: each cell's
neighbours are the cells whose centres lie within ``1.5 * CELL_SIZE_M`` (the 8 surrounding cells;
the star version adds the cell itself). The z-scores are esda's. The p-values are not taken from the
normal approximation of the z-score: incident counts per square are small and skewed, and for a
crime type with a few hundred incidents over thousands of squares the normal approximation calls
squares with two or three incidents "hotspots" in almost every *random* layout (measured: hotspots in
40 of 40 random layouts of 500 points over Medway's 3,510 squares). Instead each square's p-value
comes from conditional randomisation, the permutation test PySAL uses for local statistics: the
square keeps its own count, its neighbours' counts are replaced by counts drawn without replacement
from all the other squares, ``PERMUTATIONS`` times, and the p-value is the share of draws whose window
total is at least (hot) or at most (cold) the observed one, counting ties, doubled for a two-sided
test. For a fixed number of neighbours Gi* rises with the window total, so this is a permutation test
of Gi* itself. (esda's own ``p_sim`` folds the two tails with strict inequalities, which with the many
tied zeros of count data makes empty squares look like significant cold spots; hence the test here.)
The draws use a fixed seed, so the same data always give the same classes.

The p-values are corrected for testing thousands of squares at once with Benjamini–Hochberg; a
square is hot (or cold) at 99/95/90% confidence when its corrected p-value is at most 0.01/0.05/0.10.
With ``PERMUTATIONS`` draws the smallest two-sided p-value is ``2 / (PERMUTATIONS + 1)``; squares at
that extreme are tested again with ten times as many draws (see ``REFINE_BELOW``).

This module does not import Streamlit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from csp_data.change import compare_counts, describe_change

CELL_SIZE_M = 250
GRID_CRS = "EPSG:27700"
NEIGHBOUR_DISTANCE_FACTOR = 1.5  # centres within 1.5 cells: the 8 surrounding cells
PERMUTATIONS = 9_999
PERMUTATION_SEED = 20_251_123
_PERMUTATION_CHUNK = 32  # squares simulated at once (at PERMUTATIONS draws): small blocks stay in the cache
# Squares with fewer than REFINE_BELOW draws at least as extreme as observed are tested again with ten
# times as many draws: the smallest p-value reachable falls from 2e-4 to 2e-5, so that after the
# correction for Medway's 3,510 squares seven or more squares at that extreme reach 99% confidence
# (with 9,999 draws alone it would take 71). A second step would cost about a second more per map.
REFINE_BELOW = 10
REFINE_STEPS = 1
CONFIDENCE_LEVELS = (0.99, 0.95, 0.90)
# A snap point is flagged when it holds at least this share of the area's incidents (and at least
# FLAG_MIN_INCIDENTS of them): such points are often a police station, hospital or shopping centre
# to which police.uk moves incidents, rather than a street with a problem.
FLAG_SHARE = 0.01
FLAG_MIN_INCIDENTS = 20
TOP_STREETS = 10
MAIN_STREETS_PER_CELL = 3

CLASS_ORDER = ("hot99", "hot95", "hot90", "none", "cold90", "cold95", "cold99")
CLASS_LABELS = {
    "hot99": "Hotspot, 99% confidence",
    "hot95": "Hotspot, 95% confidence",
    "hot90": "Hotspot, 90% confidence",
    "none": "Not significant",
    "cold90": "Cold spot, 90% confidence",
    "cold95": "Cold spot, 95% confidence",
    "cold99": "Cold spot, 99% confidence",
}
# ColorBrewer RdBu (7 classes): diverging and colour-blind safe.
CLASS_COLOURS = {
    "hot99": "#b2182b",
    "hot95": "#ef8a62",
    "hot90": "#fddbc7",
    "none": "#f7f7f7",
    "cold90": "#d1e5f0",
    "cold95": "#67a9cf",
    "cold99": "#2166ac",
}

POINT_COLUMNS = ("location", "longitude", "latitude", "ward_code", "ward_name", "crime_type", "month", "incidents")
RunQuery = Callable[..., pd.DataFrame]

_TO_GRID = Transformer.from_crs("EPSG:4326", GRID_CRS, always_xy=True)
_FROM_GRID = Transformer.from_crs(GRID_CRS, "EPSG:4326", always_xy=True)


def _check_points(points: pd.DataFrame) -> None:
    missing = [c for c in POINT_COLUMNS if c not in points.columns]
    if missing:
        raise ValueError(f"points should have the columns {list(POINT_COLUMNS)}; missing {missing}")


# --------------------------------------------------------------------------------------------
# Grid
# --------------------------------------------------------------------------------------------


def assign_cells(longitude, latitude, cell_size: float = CELL_SIZE_M) -> tuple[np.ndarray, np.ndarray]:
    """The grid column and row (``floor(easting / size)``, ``floor(northing / size)``) of each point."""
    x, y = _TO_GRID.transform(np.asarray(longitude, dtype=float), np.asarray(latitude, dtype=float))
    return np.floor(np.asarray(x) / cell_size).astype(np.int64), np.floor(np.asarray(y) / cell_size).astype(np.int64)


def cell_id(col, row) -> pd.Series:
    """A readable cell id: the easting and northing of the cell's south-west corner in metres is
    ``col * size`` and ``row * size``; the id is ``"col_row"``."""
    return pd.Series(col).astype(str) + "_" + pd.Series(row).astype(str)


def area_cells(area_shape, cell_size: float = CELL_SIZE_M) -> pd.DataFrame:
    """Every grid cell (columns ``col``, ``row``) that touches ``area_shape`` (a shapely geometry in EPSG:4326)."""
    shape = shapely.transform(area_shape, lambda xy: np.column_stack(_TO_GRID.transform(xy[:, 0], xy[:, 1])))
    west, south, east, north = shape.bounds
    cols = np.arange(int(np.floor(west / cell_size)), int(np.floor(east / cell_size)) + 1)
    rows = np.arange(int(np.floor(south / cell_size)), int(np.floor(north / cell_size)) + 1)
    cc, rr = np.meshgrid(cols, rows)
    cc, rr = cc.ravel(), rr.ravel()
    boxes = shapely.box(cc * cell_size, rr * cell_size, (cc + 1) * cell_size, (rr + 1) * cell_size)
    shapely.prepare(shape)
    touches = shapely.intersects(shape, boxes)
    return pd.DataFrame({"col": cc[touches], "row": rr[touches]})


def grid_counts(points: pd.DataFrame, cells: pd.DataFrame | None = None, cell_size: float = CELL_SIZE_M) -> pd.DataFrame:
    """Incidents per grid cell.

    Parameters
    ----------
    points : DataFrame
        Rows of the ``hotspot_points`` query (``longitude``, ``latitude``, ``incidents``, ...).
    cells : DataFrame, optional
        The cells to include even when empty (``col``, ``row``), e.g. from :func:`area_cells`.

    Returns
    -------
    DataFrame
        ``cell_id, col, row, incidents`` sorted by row then column; cells of ``cells`` with no
        incident have 0.
    """
    if "incidents" not in points.columns:
        raise ValueError("points should have an 'incidents' column")
    col, row = assign_cells(points["longitude"], points["latitude"], cell_size)
    counted = (
        pd.DataFrame({"col": col, "row": row, "incidents": points["incidents"].to_numpy(dtype=np.int64)})
        .groupby(["col", "row"], as_index=False)["incidents"].sum()
    )
    if cells is not None and len(cells):
        counted = cells[["col", "row"]].merge(counted, on=["col", "row"], how="outer")
        counted["incidents"] = counted["incidents"].fillna(0)
    counted["incidents"] = counted["incidents"].astype(np.int64)
    counted = counted.sort_values(["row", "col"], ignore_index=True)
    counted.insert(0, "cell_id", cell_id(counted["col"], counted["row"]).to_numpy())
    return counted


def cell_polygons(grid: pd.DataFrame, cell_size: float = CELL_SIZE_M) -> list[list[list[float]]]:
    """Each cell's square as a ring of ``[longitude, latitude]`` corners, for drawing."""
    x0 = grid["col"].to_numpy(dtype=float) * cell_size
    y0 = grid["row"].to_numpy(dtype=float) * cell_size
    xs = np.stack([x0, x0 + cell_size, x0 + cell_size, x0], axis=1)
    ys = np.stack([y0, y0, y0 + cell_size, y0 + cell_size], axis=1)
    lon, lat = _FROM_GRID.transform(xs, ys)
    lon, lat = np.round(lon, 5), np.round(lat, 5)
    return [[[float(a), float(b)] for a, b in zip(lo, la)] for lo, la in zip(lon, lat)]


# --------------------------------------------------------------------------------------------
# Gi*
# --------------------------------------------------------------------------------------------


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values): a test is significant at false-discovery
    rate ``alpha`` when its adjusted p-value is at most ``alpha``."""
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise ValueError(f"p_values should be one-dimensional, got shape {p.shape}")
    n = len(p)
    if n == 0:
        return p.copy()
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    result = np.empty(n)
    result[order] = np.minimum(adjusted, 1.0)
    return result


def classify(z_scores, adjusted_p) -> np.ndarray:
    """Classes ``hot99 .. cold99`` (see ``CLASS_ORDER``) from z-scores and adjusted p-values."""
    z = np.asarray(z_scores, dtype=float)
    q = np.asarray(adjusted_p, dtype=float)
    classes = np.full(len(z), "none", dtype=object)
    for level in sorted(CONFIDENCE_LEVELS):  # 90 first, so the stricter levels overwrite it
        significant = q <= 1 - level + 1e-12
        tag = f"{round(level * 100)}"
        classes[significant & (z > 0)] = f"hot{tag}"
        classes[significant & (z < 0)] = f"cold{tag}"
    return classes


def draw_without_replacement(rng: np.random.Generator, population: int, rows: int, k: int) -> np.ndarray:
    """``rows`` independent uniform samples of ``k`` distinct integers from ``range(population)``,
    as a ``rows x k`` array. Each column is drawn from the values not yet taken in its row: a draw
    ``r`` from ``range(population - t)`` is moved past the ``t`` values already taken, in ascending order.
    """
    if k > population:
        raise ValueError(f"cannot draw {k} distinct values from {population}")
    chosen = np.empty((rows, k), dtype=np.int64)
    for t in range(k):
        r = rng.integers(0, population - t, size=rows)
        for taken in np.sort(chosen[:, :t], axis=1).T:
            r += r >= taken
        chosen[:, t] = r
    return chosen


def permutation_p_values(counts, neighbours: list[np.ndarray], permutations: int = PERMUTATIONS,
                         seed: int = PERMUTATION_SEED, squares=None) -> tuple[np.ndarray, np.ndarray]:
    """One-sided permutation p-values ``(p_high, p_low)`` of each square's neighbour total.

    ``neighbours[i]`` holds the indices of square ``i``'s neighbours (not ``i`` itself). In each of
    ``permutations`` draws the neighbours' counts are replaced by the counts of as many squares drawn
    without replacement from all squares but ``i``; ``p_high = (1 + #{draw total >= observed}) /
    (permutations + 1)`` and ``p_low`` likewise with ``<=``. A square with no neighbours has 1 for both,
    as has any square not among ``squares`` (the indices to test; all when None).

    As in PySAL's conditional randomisation, one table of ``permutations`` positions is drawn once and
    each square reads it through its own random ordering of the other squares: every square's draws
    are then uniform samples without replacement, at the cost of one shuffle per square.
    """
    y = np.asarray(counts, dtype=np.int64)
    n = len(y)
    p_high, p_low = np.ones(n), np.ones(n)
    sizes = np.array([len(nb) for nb in neighbours], dtype=np.int64)
    if squares is not None:
        keep = np.zeros(n, dtype=bool)
        keep[np.asarray(squares, dtype=np.int64)] = True
        sizes = np.where(keep, sizes, 0)
    if n < 2 or not sizes.any():
        return p_high, p_low
    observed = np.array([y[nb].sum() for nb in neighbours], dtype=np.int64)
    rng = np.random.default_rng(seed)
    positions = draw_without_replacement(rng, n - 1, permutations, int(sizes.max()))
    for k in np.unique(sizes[sizes > 0]):
        cells = np.nonzero(sizes == k)[0]
        table = positions[:, :k]
        block = max(1, _PERMUTATION_CHUNK * PERMUTATIONS // permutations)
        for start in range(0, len(cells), block):
            chunk = cells[start:start + block]
            orderings = rng.permuted(np.tile(np.arange(n - 1), (len(chunk), 1)), axis=1)
            orderings += orderings >= chunk[:, None]  # the other squares: skip the square itself
            shuffled = y[orderings]  # each row: the other squares' counts in that square's random order
            totals = shuffled[:, table[:, 0]]
            for column in table.T[1:]:
                totals += shuffled[:, column]
            obs = observed[chunk][:, None]
            p_high[chunk] = (1 + (totals >= obs).sum(axis=1)) / (permutations + 1)
            p_low[chunk] = (1 + (totals <= obs).sum(axis=1)) / (permutations + 1)
    return p_high, p_low


def two_sided_p_values(counts, neighbours: list[np.ndarray], permutations: int = PERMUTATIONS,
                       seed: int = PERMUTATION_SEED) -> np.ndarray:
    """Two-sided permutation p-values, ``min(1, 2 * min(p_high, p_low))``, with the squares whose
    estimate rests on fewer than ``REFINE_BELOW`` extreme draws tested again with ten times as many
    draws (``REFINE_STEPS`` times). Each refinement is a fresh run; its p-value replaces the earlier one.
    """
    p_high, p_low = permutation_p_values(counts, neighbours, permutations, seed)
    p = np.minimum(1.0, 2 * np.minimum(p_high, p_low))
    for step in range(1, REFINE_STEPS + 1):
        imprecise = np.nonzero(p < 2 * REFINE_BELOW / (permutations + 1))[0]
        if not len(imprecise):
            break
        permutations = permutations * 10 + 9
        p_high, p_low = permutation_p_values(counts, neighbours, permutations, seed + step, squares=imprecise)
        p[imprecise] = np.minimum(1.0, 2 * np.minimum(p_high, p_low))[imprecise]
    return p


def gi_star(grid: pd.DataFrame, cell_size: float = CELL_SIZE_M, permutations: int = PERMUTATIONS,
            seed: int = PERMUTATION_SEED) -> pd.DataFrame:
    """Getis-Ord Gi* for every cell of ``grid`` (from :func:`grid_counts`).

    Returns a copy of ``grid`` with ``z_score`` (esda), ``p_value`` (two-sided, by conditional
    permutation: see the module docstring), ``p_adjusted`` (Benjamini–Hochberg), ``hotspot_class`` and
    ``hotspot_label``. When every cell has the same count there is nothing to test: z-scores are 0,
    p-values 1 and every cell is "none".
    """
    from esda.getisord import G_Local
    from libpysal.weights import DistanceBand

    result = grid.copy()
    counts = result["incidents"].to_numpy(dtype=float)
    if len(result) < 3 or np.all(counts == counts[0]):
        z, p = np.zeros(len(result)), np.ones(len(result))
    else:
        centres = np.column_stack(
            [(result["col"].to_numpy() + 0.5) * cell_size, (result["row"].to_numpy() + 0.5) * cell_size]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # islands (cells with no neighbour) are allowed: they keep z = 0 below
            weights = DistanceBand(centres, threshold=NEIGHBOUR_DISTANCE_FACTOR * cell_size, binary=True,
                                   silence_warnings=True)
            gi = G_Local(counts, weights, transform="B", star=True, permutations=0)
        z = np.nan_to_num(np.asarray(gi.Zs, dtype=float), nan=0.0)
        neighbours = [np.asarray(weights.neighbors[i], dtype=np.int64) for i in range(len(result))]
        p = two_sided_p_values(result["incidents"].to_numpy(), neighbours, permutations, seed)
    result["z_score"] = z
    result["p_value"] = p
    result["p_adjusted"] = benjamini_hochberg(p)
    result["hotspot_class"] = classify(z, result["p_adjusted"])
    result["hotspot_label"] = result["hotspot_class"].map(CLASS_LABELS)
    return result


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


def _type_mix(frame: pd.DataFrame, keys: list[str], top: int = 3) -> pd.Series:
    by_type = frame.groupby(keys + ["crime_type"], dropna=False)["incidents"].sum().reset_index()
    by_type = by_type.sort_values(keys + ["incidents", "crime_type"], ascending=[True] * len(keys) + [False, True])

    def words(group: pd.DataFrame) -> str:
        parts = [f"{t} {n}" for t, n in zip(group["crime_type"], group["incidents"])]
        more = len(parts) - top
        return ", ".join(parts[:top]) + (f" and {more} more type{'s' if more != 1 else ''}" if more > 0 else "")

    return by_type.groupby(keys, dropna=False, sort=False)[["crime_type", "incidents"]].apply(words)


def repeat_locations(points: pd.DataFrame, limit: int | None = 50) -> pd.DataFrame:
    """The snap points (location with its coordinates) with the most incidents.

    Returns ``rank, location, ward_name, longitude, latitude, incidents, months_present, first_month,
    last_month, share_of_area, type_mix, flagged`` — ``months_present`` counts the distinct months in
    which the point has at least one incident; ``flagged`` marks a point holding at least
    ``FLAG_SHARE`` of the area's incidents (and at least ``FLAG_MIN_INCIDENTS``).
    """
    _check_points(points)
    keys = ["location", "longitude", "latitude"]
    frame = points.assign(ward_name=points["ward_name"].fillna("(no ward)"))
    total = int(frame["incidents"].sum())
    grouped = frame.groupby(keys, dropna=False).agg(
        ward_name=("ward_name", lambda s: s.mode().iloc[0]),
        incidents=("incidents", "sum"),
        months_present=("month", "nunique"),
        first_month=("month", "min"),
        last_month=("month", "max"),
    )
    grouped["type_mix"] = _type_mix(frame, keys)
    grouped = grouped.reset_index()
    grouped["incidents"] = grouped["incidents"].astype(np.int64)
    grouped["share_of_area"] = grouped["incidents"] / total if total else np.nan
    grouped["flagged"] = (grouped["share_of_area"] >= FLAG_SHARE) & (grouped["incidents"] >= FLAG_MIN_INCIDENTS)
    grouped = grouped.sort_values(["incidents", "months_present", "location"], ascending=[False, False, True],
                                  ignore_index=True)
    grouped.insert(0, "rank", grouped["incidents"].rank(method="min", ascending=False).astype(np.int64))
    columns = ["rank", "location", "ward_name", "longitude", "latitude", "incidents", "months_present",
               "first_month", "last_month", "share_of_area", "type_mix", "flagged"]
    grouped = grouped[columns]
    return grouped if limit is None else grouped.head(limit)


def _street_counts(points: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    frame = points.assign(ward_name=points["ward_name"].fillna("(no ward)"))
    return frame.groupby(keys, dropna=False, as_index=False)["incidents"].sum()


def top_streets(points: pd.DataFrame, previous_points: pd.DataFrame | None = None, ward_name: str | None = None,
                limit: int = TOP_STREETS) -> pd.DataFrame:
    """The police.uk locations (street names; all snap points of one name in one ward together)
    with the most incidents, for one ward or (``ward_name=None``) the whole area.

    Returns ``rank, location, ward_name, incidents, share`` and, with ``previous_points`` (the same
    query for the previous equal period), ``previous_incidents`` and ``change`` in words. The same
    name in two wards (e.g. two High Streets) is listed twice.
    """
    _check_points(points)
    keys = ["location", "ward_name"]
    current = _street_counts(points, keys)
    if ward_name is not None:
        current = current[current["ward_name"] == ward_name]
    total = int(current["incidents"].sum())
    current = current.sort_values(["incidents", "location"], ascending=[False, True], ignore_index=True)
    current["share"] = current["incidents"] / total if total else np.nan
    current.insert(0, "rank", current["incidents"].rank(method="min", ascending=False).astype(np.int64))
    current = current.head(limit).copy()
    if previous_points is not None:
        before = _street_counts(previous_points, keys) if len(previous_points) else pd.DataFrame(columns=keys + ["incidents"])
        merged = current.merge(before.rename(columns={"incidents": "previous_incidents"}), on=keys, how="left")
        merged["previous_incidents"] = merged["previous_incidents"].fillna(0).astype(np.int64)
        merged["change"] = [describe_change(compare_counts(int(a), int(b)))
                            for a, b in zip(merged["incidents"], merged["previous_incidents"])]
        current = merged
    current["incidents"] = current["incidents"].astype(np.int64)
    return current


# --------------------------------------------------------------------------------------------
# Everything the page needs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HotspotResult:
    grid: pd.DataFrame  # cell_id, col, row, incidents, z_score, p_value, p_adjusted, hotspot_class, ...
    hot_cells: pd.DataFrame  # the significant hot cells with ward and main streets
    class_counts: dict[str, int]
    total_incidents: int


def _cell_places(points: pd.DataFrame, cell_size: float) -> pd.DataFrame:
    col, row = assign_cells(points["longitude"], points["latitude"], cell_size)
    frame = points.assign(cell_id=cell_id(col, row).to_numpy(), ward_name=points["ward_name"].fillna("(no ward)"))
    wards = (frame.groupby(["cell_id", "ward_name"], as_index=False)["incidents"].sum()
             .sort_values(["cell_id", "incidents", "ward_name"], ascending=[True, False, True])
             .groupby("cell_id").agg(ward_name=("ward_name", "first")))
    streets = (frame.groupby(["cell_id", "location"], as_index=False)["incidents"].sum()
               .sort_values(["cell_id", "incidents", "location"], ascending=[True, False, True]))
    main = streets.groupby("cell_id").apply(
        lambda g: "; ".join(f"{loc} ({n})" for loc, n in zip(g["location"].head(MAIN_STREETS_PER_CELL),
                                                            g["incidents"].head(MAIN_STREETS_PER_CELL))),
        include_groups=False,
    ).rename("main_streets")
    return wards.join(main, how="outer")


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
    grid = gi_star(grid_counts(points, cells, cell_size), cell_size)
    places = _cell_places(points, cell_size) if len(points) else pd.DataFrame(columns=["ward_name", "main_streets"])
    grid = grid.merge(places, left_on="cell_id", right_index=True, how="left")
    hot = grid[grid["hotspot_class"].str.startswith("hot")].sort_values(["z_score", "incidents"], ascending=False)
    hot_cells = hot[["cell_id", "hotspot_label", "incidents", "z_score", "p_adjusted", "ward_name", "main_streets"]]
    counts = grid["hotspot_class"].value_counts()
    return HotspotResult(
        grid=grid,
        hot_cells=hot_cells.reset_index(drop=True),
        class_counts={c: int(counts.get(c, 0)) for c in CLASS_ORDER},
        total_incidents=int(points["incidents"].sum()),
    )


def area_outline(ward_geometries) -> shapely.Geometry:
    """The union of the ward polygons (EPSG:4326)."""
    return shapely.union_all(np.asarray(gpd.GeoSeries(ward_geometries).values))
