"""Getis-Ord Gi* on a grid of squares: z-scores, p-values by conditional permutation, and classes after a
Benjamini-Hochberg correction. The method and why it is used are in :mod:`csp_data.figures.hotspots`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control

CELL_SIZE_M = 250
NEIGHBOUR_DISTANCE_FACTOR = 1.5  # centres within 1.5 cells: the 8 surrounding cells
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

PERMUTATIONS = 9_999
PERMUTATION_SEED = 20_251_123
# Squares with fewer than REFINE_BELOW draws at least as extreme as observed are tested again with ten
# times as many draws: the smallest p-value reachable falls from 2e-4 to 2e-5, so that after the
# correction for Medway's 3,510 squares seven or more squares at that extreme reach 99% confidence
# (with 9,999 draws alone it would take 71). It also sharpens the p-values near the correction's
# cut-off: with 100 hot squares of 3,510 that lies near a two-sided p of 0.003, some 15 extreme draws
# of 9,999, where a first estimate is off by a quarter; re-testing everything under 30 (p < 0.006) puts
# those squares on 99,999 draws. The squares re-tested share tables of draws (see
# permutation_p_values), so testing more of them costs next to nothing. Measured on 2025 (six crime
# types, 8 seeds each): the hot squares differ from those of a 2,000,000-draw run by 0.8 squares on
# average (in one set and not the other), against 3.0 with a limit of 10, and 2.9 for the per-square
# draws used before issue 16. A second step (999,999 draws) would add about 0.2 s per map.
REFINE_BELOW = 30
REFINE_STEPS = 1
# At most this many squares read one table of random draws (see permutation_p_values): squares that
# share draws share their Monte Carlo errors. The re-test decides the squares near the correction's
# cut-off, so its tables are shared by fewer squares (each of its tables costs about 10 ms).
SQUARES_PER_TABLE = 500
RETEST_SQUARES_PER_TABLE = 100
CONFIDENCE_LEVELS = (0.99, 0.95, 0.90)

# --------------------------------------------------------------------------------------------
# Gi*
# --------------------------------------------------------------------------------------------


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values): a test is significant at false-discovery
    rate ``alpha`` when its adjusted p-value is at most ``alpha``.

    This is ``scipy.stats.false_discovery_control(p, method="bh")`` (sorted ``p * n / rank``, then the
    running minimum from the largest p-value down, capped at 1), on one-dimensional input only and
    always returning a new array.

    Raises
    ------
    ValueError
        When ``p_values`` is not one-dimensional or holds a value outside ``[0, 1]``.
    """
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise ValueError(f"p_values should be one-dimensional, got shape {p.shape}")
    if len(p) < 2:
        # scipy returns its input itself for fewer than two p-values; one p-value is its own adjustment.
        if ((p < 0) | (p > 1)).any():
            raise ValueError("p_values should lie between 0 and 1")
        return p.copy()
    return np.asarray(false_discovery_control(p, method="bh"), dtype=float)


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


def grid_neighbours(col, row) -> list[np.ndarray]:
    """Each cell's neighbours among the given cells: the (up to) 8 cells around it.

    These are the cells whose centres lie within ``NEIGHBOUR_DISTANCE_FACTOR`` (1.5) cells of the
    cell's centre, whatever the cell size (the diagonal neighbours are sqrt(2) = 1.41 cells away, the
    next ring 2), so the result is the binary distance band that ``libpysal.weights.DistanceBand(
    centres, threshold=1.5 * size)`` gives (tested), found from the integer cell indices instead of
    distances.

    Parameters
    ----------
    col, row : array-like of int
        The grid column and row of each cell (as from :func:`grid_counts`); no cell twice.

    Returns
    -------
    list of ndarray
        ``result[i]`` holds the indices (ascending) of cell ``i``'s neighbours; not ``i`` itself.
    """
    c = np.asarray(col, dtype=np.int64)
    r = np.asarray(row, dtype=np.int64)
    n = len(c)
    if n == 0:
        return []
    reach = int(NEIGHBOUR_DISTANCE_FACTOR)  # the farthest step to a neighbour, in columns or rows
    steps = [
        (dc, dr)
        for dr in range(-reach, reach + 1)
        for dc in range(-reach, reach + 1)
        if 0 < dc * dc + dr * dr <= NEIGHBOUR_DISTANCE_FACTOR**2
    ]
    # One integer key per cell, row by row, with spare columns on either side so that a step to a
    # neighbour is a fixed change of key and never wraps round to the other edge of the grid.
    width = int(c.max() - c.min()) + 1 + 2 * reach
    keys = (r - r.min() + reach) * width + (c - c.min() + reach)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    if (sorted_keys[1:] == sorted_keys[:-1]).any():
        raise ValueError("each (col, row) cell should appear once")
    found = np.full((n, len(steps)), -1, dtype=np.int64)
    for j, (dc, dr) in enumerate(steps):
        target = keys + dr * width + dc
        at = np.minimum(np.searchsorted(sorted_keys, target), n - 1)
        hit = sorted_keys[at] == target
        found[hit, j] = order[at[hit]]
    found.sort(axis=1)  # the missing ones (-1) first, the neighbours ascending after them
    missing = (found < 0).sum(axis=1).tolist()
    return [cells[m:] for cells, m in zip(found, missing)]  # slices: a few times faster than masks


def _neighbour_table(neighbours: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``neighbours`` as flat arrays: the number of neighbours of each square, and for each
    (square, neighbour) pair the square and the neighbour."""
    if len(neighbours) != n:
        raise ValueError(f"neighbours should have one entry per square ({n}), got {len(neighbours)}")
    sizes = np.fromiter(map(len, neighbours), dtype=np.int64, count=n)
    flat = np.concatenate(neighbours).astype(np.int64) if sizes.any() else np.zeros(0, dtype=np.int64)
    return sizes, np.repeat(np.arange(n), sizes), flat


def gi_star_z_scores(counts, neighbours: list[np.ndarray]) -> np.ndarray:
    """Getis-Ord Gi* z-scores with binary weights, the square itself included in its window.

    For square ``i`` with ``w`` squares in its window (itself and its neighbours) and window total
    ``x_w``, over ``n`` squares with mean ``m`` and standard deviation ``s`` (dividing by ``n``)::

        z = (x_w - m * w) / (s * sqrt((n * w - w**2) / (n - 1)))

    which is what ``esda.G_Local(y, w, transform="B", star=True).Zs`` computes in other terms (tested
    to 1e-9). Computing it here avoids building libpysal weights and esda's own set-up, which took
    about 0.25 s of each map for these few thousand additions. Where the formula has no spread (every
    count equal, or a window holding every square) esda gives NaN; this gives 0: nothing stands out.
    A square with no neighbours has the z-score of its own count, as in esda.
    """
    y = np.asarray(counts, dtype=float)
    n = len(y)
    if n < 2:
        return np.zeros(n)
    sizes, owner, flat = _neighbour_table(neighbours, n)
    window = y.copy()
    np.add.at(window, owner, y[flat])
    w = sizes + 1.0
    mean = y.mean()
    s = np.sqrt(max((y**2).mean() - mean**2, 0.0))
    spread = s * np.sqrt(w * (n - w) / (n - 1))
    z = np.zeros(n)
    defined = spread > 0
    z[defined] = (window[defined] - mean * w[defined]) / spread[defined]
    return z


def draw_without_replacement(rng: np.random.Generator, population: int, rows: int, k: int) -> np.ndarray:
    """``rows`` independent uniform samples of ``k`` distinct integers from ``range(population)``,
    as a ``rows x k`` array in the order drawn, so the first ``j`` columns are themselves a uniform
    sample of ``j`` distinct integers.

    Each column is uniform over the values not yet taken in its row. While ``k`` is at most half the
    population this is done by rejection: the column is drawn from the whole population and the
    entries that repeat an earlier column of their row are drawn again, until none does (what is kept
    is uniform over the values not taken; fewer than half the draws are rejected, and for thousands of
    squares almost none, so this is a pass or two of cheap comparisons). For larger ``k`` a draw ``r``
    from ``range(population - t)`` is moved past the ``t`` values already taken, in ascending order.
    """
    if k > population:
        raise ValueError(f"cannot draw {k} distinct values from {population}")
    if 2 * k > population:
        chosen = np.empty((rows, k), dtype=np.int64)
        for t in range(k):
            r = rng.integers(0, population - t, size=rows)
            for taken in np.sort(chosen[:, :t], axis=1).T:
                r += r >= taken
            chosen[:, t] = r
        return chosen
    # All columns in one call (one call is about twice as fast as one per column), each a contiguous
    # row of ``drawn``; then, column by column, the repeats of earlier columns are drawn again.
    drawn = rng.integers(0, population, size=(k, rows))
    for t in range(1, k):
        column, earlier = drawn[t], drawn[:t]
        repeats = np.zeros(rows, dtype=bool)
        for before in earlier:
            repeats |= column == before
        redo = np.nonzero(repeats)[0]
        while len(redo):
            column[redo] = rng.integers(0, population, size=len(redo))
            repeats = (earlier[:, redo] == column[redo]).any(axis=0)
            redo = redo[repeats]
    return drawn.T  # rows x k, stored column by column


def permutation_p_values(
    counts,
    neighbours: list[np.ndarray],
    permutations: int = PERMUTATIONS,
    seed: int = PERMUTATION_SEED,
    squares=None,
    squares_per_table: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One-sided permutation p-values ``(p_high, p_low)`` of each square's neighbour total.

    Parameters
    ----------
    counts : array-like of int
        The count of each of the ``n`` squares.
    neighbours : list of ndarray
        ``neighbours[i]`` holds the indices of square ``i``'s neighbours (distinct, not ``i`` itself).
    permutations : int
        Draws per square.
    seed : int
        Seed of the draws: the same data and seed always give the same p-values.
    squares : array-like of int, optional
        The squares to test; all when None.
    squares_per_table : int, optional
        At most this many squares read one table of draws (see Notes); ``SQUARES_PER_TABLE`` when None.

    Returns
    -------
    p_high, p_low : ndarray
        ``p_high = (1 + #{draw total >= observed}) / (permutations + 1)`` and ``p_low`` likewise with
        ``<=``, where in each draw the square's ``k`` neighbours are replaced by ``k`` squares drawn
        without replacement from all squares but itself. A square with no neighbours, or not among
        ``squares``, has 1 for both.

    Notes
    -----
    Conditional randomisation with tables of draws shared by many squares, as PySAL's ``crand``
    shares one: a table is ``permutations`` rows of ``k_max`` distinct positions drawn from
    ``range(n - 1)``, and a square with ``k`` neighbours reads the first ``k`` columns (themselves a
    uniform sample of ``k``). Square ``i`` maps the positions onto the other squares by reading
    position ``i`` as square ``n - 1`` and every other position as the square of that index: a
    one-to-one map from ``range(n - 1)`` onto the squares other than ``i``, so each square's draws
    are uniform samples without replacement from the other squares, independent from draw to draw,
    which is the conditional permutation test. (esda's ``crand`` maps by skipping ``i``, which shifts
    every position from ``i`` on; any one-to-one map gives the same test.)

    Why this map: square ``i``'s draw totals are the totals ``T`` of its table read directly as
    squares, except in the draws that hold position ``i`` (about ``permutations * k / (n - 1)`` of
    them, some 23 for 8 neighbours among Medway's 3,510 squares), where the total is
    ``T - count[i] + count[n - 1]``. So each square's count of draws at least (at most) its observed
    total is read from its table's sorted ``T`` by binary search and corrected for those few draws:
    the work is about ``tables * permutations * k_max`` rather than ``n * permutations * k_max``.

    Why several tables: the squares reading one table compare their totals with the same draws, so
    their Monte Carlo errors move together, and Benjamini–Hochberg then lets in or drops whole runs
    of squares near its cut-off at once. With one table for all of Medway's squares, the number of
    hot squares in 2025 went from 96 to 113 over 8 seeds for violence (standard deviation 5.9) and
    from 109 to 136 for vehicle crime (8.6), against 99-103 (1.3) and 120-127 (2.1) with the
    independent draws of each square used before issue 16. With tables for at most
    ``SQUARES_PER_TABLE`` (500) squares in the first run and ``RETEST_SQUARES_PER_TABLE`` (100) in
    the re-test (and ``REFINE_BELOW`` 30) it was 102-108 (1.8) and 124 every time. Square ``i`` gets
    table ``rank % tables`` (``rank``: its place among the tested squares), so that squares next to
    each other in the grid's row order read different tables.
    """
    y = np.asarray(counts, dtype=np.int64)
    n = len(y)
    p_high, p_low = np.ones(n), np.ones(n)
    sizes, owner, flat = _neighbour_table(neighbours, n)
    if squares is not None:
        keep = np.zeros(n, dtype=bool)
        keep[np.asarray(squares, dtype=np.int64)] = True
        sizes = np.where(keep, sizes, 0)
    if n < 2 or not (sizes > 0).any():
        return p_high, p_low
    plan = _draw_plan(sizes.tobytes(), permutations, seed, squares_per_table or SQUARES_PER_TABLE)
    tested = plan.tested
    observed = np.zeros(n, dtype=np.int64)
    np.add.at(observed, owner, y[flat])
    running = y[plan.positions]  # then running[k - 1, row]: the row's total over its first k squares
    for column in range(1, len(running)):  # (np.cumsum along this axis is several times slower)
        running[column] += running[column - 1]
    at_least = np.zeros(n, dtype=np.int64)  # draws whose total is >= the observed one
    at_most = np.zeros(n, dtype=np.int64)  # ... <= the observed one
    for k, g, cells in plan.groups:
        ordered = np.sort(running[k - 1, g * permutations : (g + 1) * permutations])
        at_least[cells] = permutations - np.searchsorted(ordered, observed[cells], side="left")
        at_most[cells] = np.searchsorted(ordered, observed[cells], side="right")
    draw, square = plan.draw, plan.square
    before = running[sizes[square] - 1, draw]
    after = before - y[square] + y[n - 1]
    target = observed[square]
    # About permutations * k corrections in all (some 23 a square), so np.bincount rather than np.add.at.

    def change(holds) -> np.ndarray:  # per square: draws that count after the swap less those before it
        gained = holds(after, target).astype(np.int64) - holds(before, target)
        return np.rint(np.bincount(square, gained, minlength=n)).astype(np.int64)

    at_least += change(np.greater_equal)
    at_most += change(np.less_equal)
    p_high[tested] = (1 + at_least[tested]) / (permutations + 1)
    p_low[tested] = (1 + at_most[tested]) / (permutations + 1)
    return p_high, p_low


@dataclass(frozen=True)
class _DrawPlan:
    """What :func:`permutation_p_values` reads that depends only on which squares are tested and how many
    neighbours each has, not on the counts: kept for the next crime type or period on the same grid."""

    positions: np.ndarray  # k_max x (tables * permutations) positions; row g * permutations + d: draw d of table g
    tested: np.ndarray  # the squares tested
    groups: tuple[tuple[int, int, np.ndarray], ...]  # (k neighbours, table, the squares with both)
    draw: np.ndarray  # with square: each (draw, square) where the square finds its own position
    square: np.ndarray


# Plans kept (each about 5 MB for Medway's first run, 6 MB for a re-test table of 99,999 draws). The
# first run is the same for every crime type and period on a grid (about 16 ms of each map's 25-30 ms
# for it); a re-test's squares differ from map to map, but its table of draws is shared.
_PLANS_KEPT = 4


@lru_cache(maxsize=_PLANS_KEPT)
def _draw_plan(sizes: bytes, permutations: int, seed: int, squares_per_table: int) -> _DrawPlan:
    """The draws and corrections for squares with ``sizes`` neighbours (0: not tested; int64 bytes)."""
    sizes_ = np.frombuffer(sizes, dtype=np.int64)
    n = len(sizes_)
    tested = np.nonzero(sizes_ > 0)[0]
    tables = -(-len(tested) // squares_per_table)
    table_of = np.full(n, -1, dtype=np.int64)  # -1: not tested
    table_of[tested] = np.arange(len(tested)) % tables
    k_max = int(sizes_.max())
    positions = _draws(n - 1, tables * permutations, k_max, seed)
    groups = []
    for k in np.unique(sizes_[tested]).tolist():
        group = tested[sizes_[tested] == k]
        groups.extend((k, g, group[table_of[group] == g]) for g in range(tables))
    # The draws in which a square finds its own position among its first k, in its own table: there it
    # holds square n - 1 instead (position n - 1 is never drawn, so square n - 1 reads its table as it
    # is). The positions of a draw are distinct, so there is one correction per (draw, square).
    reader = table_of[positions].reshape(k_max, tables, permutations)  # the table of the square at each position
    # (np.nonzero on the 3-d array is several times slower than on the flat one.)
    column, draw = np.divmod(np.flatnonzero(reader == np.arange(tables)[:, None]), tables * permutations)
    square = positions[column, draw]
    own = column < sizes_[square]
    plan = _DrawPlan(positions, tested, tuple(groups), draw[own], square[own])
    for array in (plan.tested, plan.draw, plan.square, *(cells for _, _, cells in plan.groups)):
        array.flags.writeable = False
    return plan


@lru_cache(maxsize=_PLANS_KEPT)
def _draws(population: int, rows: int, k: int, seed: int) -> np.ndarray:
    """:func:`draw_without_replacement` from a generator seeded with ``seed``, transposed (``k x rows``:
    each column of draws contiguous), read-only."""
    positions = draw_without_replacement(np.random.default_rng(seed), population, rows, k).T
    positions.flags.writeable = False
    return positions


def two_sided_p_values(
    counts, neighbours: list[np.ndarray], permutations: int = PERMUTATIONS, seed: int = PERMUTATION_SEED
) -> np.ndarray:
    """Two-sided permutation p-values, ``min(1, 2 * min(p_high, p_low))``, with the squares whose
    estimate rests on fewer than ``REFINE_BELOW`` extreme draws tested again with ten times as many
    draws (``REFINE_STEPS`` times). Each refinement is a fresh run, with tables of draws shared by at
    most ``RETEST_SQUARES_PER_TABLE`` squares; its p-value replaces the earlier one.
    """
    p_high, p_low = permutation_p_values(counts, neighbours, permutations, seed)
    p = np.minimum(1.0, 2 * np.minimum(p_high, p_low))
    for step in range(1, REFINE_STEPS + 1):
        imprecise = np.nonzero(p < 2 * REFINE_BELOW / (permutations + 1))[0]
        if not len(imprecise):
            break
        permutations = permutations * 10 + 9
        p_high, p_low = permutation_p_values(
            counts, neighbours, permutations, seed + step, squares=imprecise, squares_per_table=RETEST_SQUARES_PER_TABLE
        )
        p[imprecise] = np.minimum(1.0, 2 * np.minimum(p_high, p_low))[imprecise]
    return p


def gi_star(
    grid: pd.DataFrame, cell_size: float = CELL_SIZE_M, permutations: int = PERMUTATIONS, seed: int = PERMUTATION_SEED
) -> pd.DataFrame:
    """Getis-Ord Gi* for every cell of ``grid`` (from :func:`grid_counts`).

    Returns a copy of ``grid`` with ``z_score`` (:func:`gi_star_z_scores`, equal to esda's),
    ``p_value`` (two-sided, by conditional permutation: see the module docstring), ``p_adjusted``
    (Benjamini–Hochberg), ``hotspot_class`` and ``hotspot_label``. When every cell has the same count
    there is nothing to test: z-scores are 0, p-values 1 and every cell is "none".

    The neighbours are the 8 surrounding cells (centres within ``NEIGHBOUR_DISTANCE_FACTOR`` cells) for
    any ``cell_size``: the size only scales the grid, so it does not change who neighbours whom.
    """
    result = grid.copy()
    counts = result["incidents"].to_numpy(dtype=np.int64)
    if len(result) < 3 or np.all(counts == counts[0]):
        z, p = np.zeros(len(result)), np.ones(len(result))
    else:
        neighbours = grid_neighbours(result["col"], result["row"])
        z = gi_star_z_scores(counts, neighbours)
        p = two_sided_p_values(counts, neighbours, permutations, seed)
    result["z_score"] = z
    result["p_value"] = p
    result["p_adjusted"] = benjamini_hochberg(p)
    result["hotspot_class"] = classify(z, result["p_adjusted"])
    result["hotspot_label"] = result["hotspot_class"].map(CLASS_LABELS)
    return result
