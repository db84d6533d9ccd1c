"""Emerging hotspots: grid cells whose monthly incident counts are rising significantly.

The grid is the 250 m British National Grid of :mod:`csp_data.figures.hotspots`. For each cell with at
least one incident we build its monthly series over the loaded months: one count per month, with 0
for a month in which the cell had no incident (leaving those months out would hide quiet months
and make a cell look busier, and its trend steeper or flatter, than it is).

Each series is checked for a steady rise or fall with the Mann–Kendall test. It compares every
month with every later month and counts how often the later one is higher (+1) or lower (-1); the
sum ``S`` is large and positive when counts mostly go up over time. It does not assume a straight
line or normally distributed counts, only that months are independent apart from the trend. Under
"no trend", ``S`` is close to normal with variance
``[n(n-1)(2n+5) - sum over groups of equal counts t(t-1)(2t+5)] / 18`` for ``n`` months, and the
z-score ``S / sqrt(variance)`` gives a two-sided p-value. The p-values are those of
``scipy.stats.kendalltau(month_number, counts, method="asymptotic")``, computed for all cells at once
with scipy's formulas (the tests compare them with scipy's, cell by cell): with the month numbers all
different, scipy's variance for tau-b is exactly that Mann–Kendall variance (with the correction
for tied counts), and scipy applies no continuity correction, so neither do we. (``method="auto"``
would switch to an exact permutation p-value for short series without ties; we ask for the normal
approximation so that every cell is tested the same way.) A cell whose counts never change has no
trend: z = 0, p = 1.

At least ``MIN_MONTHS`` (24) months are needed. With whole years, a seasonal peak (e.g. more
violence every summer) appears equally at the start and the end of the series, so it does not pass
for a trend; with, say, 18 months, one summer at the end of the series and a winter at the start
could look like a rise.

Only cells averaging at least ``MIN_MEAN_PER_MONTH`` incident a month are tested. Sparser cells
(mostly zeros) carry too little information to show a trend, and testing them would only add tests
to the false-discovery correction, making real rises harder to detect. Cells not tested are never
reported as rising.

As for Gi*, testing hundreds of cells at once would give some "significant" rises by chance, so the
p-values of the tested cells are corrected with Benjamini–Hochberg. A cell is an emerging hotspot
when its trend is upward and its corrected p-value is at most 0.10 (90% confidence; 95% and 99%
below 0.05 and 0.01). How fast it is rising is the Theil–Sen slope (the median of the slopes
between every pair of months, ``scipy.stats.theilslopes``), given per year: incidents per month
gained each year.

This module does not import Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import special
from scipy.stats import norm, theilslopes

from csp_data.figures import gistar, hotspots

MIN_MONTHS = 24
MIN_MEAN_PER_MONTH = 1.0
MAX_ADJUSTED_P = 0.10
RESULT_COLUMNS = (
    "cell_id",
    "ward_name",
    "main_streets",
    "confidence",
    "months",
    "first_year",
    "last_year",
    "slope_per_year",
    "kendall_tau",
    "p_value",
    "p_adjusted",
    "currently_hot",
)


def _distinct_months(months) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(pd.Series(list(months), dtype=object))).unique().sort_values()


def emerging_note(months) -> str | None:
    """Why emerging hotspots cannot be shown (fewer than ``MIN_MONTHS`` distinct months), else None."""
    n = len(_distinct_months(months))
    if n >= MIN_MONTHS:
        return None
    last = max(_distinct_months(months), default=None)
    up_to = f" up to {last:%b %Y}, the end of the period chosen" if last is not None else ""
    return (
        f"Emerging hotspots (squares whose counts are rising significantly, by a Mann–Kendall test on the "
        f"monthly series) need at least two years of monthly data; {n} month"
        f"{'s are' if n != 1 else ' is'} loaded{up_to}. A later period, or more months loaded, would show them."
    )


def _month_number(stamps: pd.DatetimeIndex) -> np.ndarray:
    """Months since year 0: consecutive months differ by exactly 1."""
    return np.asarray(stamps.year, dtype=np.int64) * 12 + np.asarray(stamps.month, dtype=np.int64) - 1


def monthly_cell_series(
    points: pd.DataFrame,
    months,
    cell_size: float = gistar.CELL_SIZE_M,
    located: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Incidents per grid cell and month.

    Parameters
    ----------
    points : DataFrame
        Rows of the ``hotspot_points`` query (``month`` is the first day of the month).
    months : iterable of dates
        The loaded months (first of month); every point's month must be one of them.
    located : (ndarray, ndarray), optional
        Each point's grid column and row, when already found by :func:`~csp_data.figures.hotspots.assign_cells`.

    Returns
    -------
    DataFrame
        One row per cell with at least one incident, sorted by row then column: ``cell_id, col,
        row``, then one integer column per month of ``months`` in order, labelled by the month as a
        ``datetime.date``, holding 0 when the cell had no incident that month.

    Raises
    ------
    ValueError
        When a point's month is not in ``months`` (the points and the months do not describe the
        same window).
    """
    hotspots._check_points(points)
    stamps = _distinct_months(months)
    labels = [m.date() for m in stamps]
    point_months = pd.DatetimeIndex(pd.to_datetime(points["month"]))
    outside = ~point_months.isin(stamps)
    if outside.any():
        extra = sorted({m.date().isoformat() for m in point_months[outside]})
        raise ValueError(f"points fall in months outside the loaded months: {extra[:5]}")
    col, row = (
        located if located is not None else hotspots.assign_cells(points["longitude"], points["latitude"], cell_size)
    )
    # Whole arrays (a date object per point and a pivot table took 30-60 ms for Medway's 70,000 rows).
    width = int(col.max() - col.min() + 1) if len(col) else 1
    key = (row - (row.min() if len(row) else 0)) * width + (col - (col.min() if len(col) else 0))  # row, then col
    keys, first, cell_of = np.unique(key, return_index=True, return_inverse=True)
    counts = np.zeros((len(keys), len(labels)), dtype=np.int64)
    np.add.at(counts, (cell_of.ravel(), stamps.get_indexer(point_months)), points["incidents"].to_numpy(dtype=np.int64))
    wide = pd.DataFrame(counts, columns=pd.Index(labels, dtype=object))
    wide.insert(0, "row", row[first].astype(np.int64))
    wide.insert(0, "col", col[first].astype(np.int64))
    wide.insert(0, "cell_id", hotspots.cell_id(wide["col"], wide["row"]).to_numpy())
    return wide


@dataclass(frozen=True)
class MannKendall:
    s: np.ndarray  # sum over pairs of months i < j of sign(x_j - x_i)
    z: np.ndarray  # S / sqrt(Var S), no continuity correction; 0 for a constant series
    p: np.ndarray  # two-sided p-value from the normal distribution; 1 for a constant series
    tau: np.ndarray  # Kendall's tau-b between time and counts; 0 for a constant series


def _tie_sums(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``x``, over its groups of ``t`` equal values: the sums of ``t(t-1)/2`` (tied pairs)
    and of ``t(t-1)(2t+5)`` (the correction of the variance of S)."""
    rows, n = x.shape
    ordered = np.sort(x, axis=1)
    starts = np.ones_like(ordered, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.flatnonzero(starts.ravel())  # a group never runs across rows: each row starts one
    t = np.diff(np.append(first, rows * n)).astype(float)
    row = first // n
    return (
        np.bincount(row, weights=t * (t - 1) / 2, minlength=rows),
        np.bincount(row, weights=t * (t - 1) * (2 * t + 5), minlength=rows),
    )


def mann_kendall(series, time=None) -> MannKendall:
    """The Mann–Kendall trend test on each row of ``series`` (cells x months).

    ``time`` is the time of each column (default 0, 1, 2, ...); it must have no repeated value.
    The p-values and tau are those of ``scipy.stats.kendalltau(time, row, method="asymptotic")`` (see
    the module docstring), computed here for all rows at once with scipy's formulas (a call per row took
    0.1-0.6 s for Medway's cells; the tests compare the two row by row); ``z`` is recovered from the
    p-value and the sign of ``S``.
    """
    x = np.asarray(series, dtype=float)
    if x.ndim != 2 or x.shape[1] < 3:
        raise ValueError(f"series should be two-dimensional with at least 3 columns, got shape {x.shape}")
    n = x.shape[1]
    t = np.arange(n) if time is None else np.asarray(time, dtype=float)
    if t.shape != (n,) or len(np.unique(t)) != n:
        raise ValueError("time should give one distinct value per column")
    x = x[:, np.argsort(t)]
    s = np.zeros(len(x), dtype=np.int64)
    for lag in range(1, n):
        s += np.sign(x[:, lag:] - x[:, :-lag]).sum(axis=1).astype(np.int64)
    tied_pairs, tie_correction = _tie_sums(x)
    constant = x.min(axis=1) == x.max(axis=1) if len(x) else np.zeros(0, dtype=bool)
    pairs = n * (n - 1) // 2
    m = n * (n - 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):  # constant rows, set below
        p = 2 * special.ndtr(-np.abs(s / np.sqrt((m * (2 * n + 5) - tie_correction) / 18)))
        tau = np.clip(s / np.sqrt(pairs) / np.sqrt(pairs - tied_pairs), -1.0, 1.0)  # in scipy's order
    p[constant], tau[constant] = 1.0, 0.0
    z = np.sign(s) * norm.isf(p / 2)
    return MannKendall(s=s, z=z, p=p, tau=tau)


@dataclass(frozen=True)
class EmergingResult:
    cells: pd.DataFrame  # the rising cells, columns RESULT_COLUMNS, most significant first
    tested: int  # cells tested (averaging at least MIN_MEAN_PER_MONTH incidents a month)
    months: int  # months in the series


def _confidence(adjusted_p: np.ndarray) -> np.ndarray:
    levels = np.full(len(adjusted_p), "", dtype=object)
    for level in sorted(gistar.CONFIDENCE_LEVELS):  # 90 first, so the stricter levels overwrite it
        levels[adjusted_p <= 1 - level + 1e-12] = f"{round(level * 100)}%"
    return levels


def emerging_hotspots(
    points: pd.DataFrame, months, hot_cell_ids=(), cell_size: float = gistar.CELL_SIZE_M
) -> EmergingResult:
    """The cells whose monthly counts rise significantly over ``months``.

    Parameters
    ----------
    points : DataFrame
        Rows of the ``hotspot_points`` query over ``months``.
    months : iterable of dates
        The loaded months (at least ``MIN_MONTHS`` distinct ones).
    hot_cell_ids : iterable of str
        The Gi* hot cells of the current period; sets ``currently_hot``.

    Returns
    -------
    EmergingResult
        ``cells`` has ``RESULT_COLUMNS``: the ward with most incidents in the cell and its top
        places, ``confidence`` ("99%", "95%", "90%"), ``months``, ``first_year`` and ``last_year``
        (incidents in the first and last 12 months), ``slope_per_year`` (Theil–Sen slope of the
        monthly counts times 12), ``kendall_tau``, ``p_value``, ``p_adjusted`` (Benjamini–Hochberg
        over the tested cells) and ``currently_hot``; sorted by ``p_adjusted``, then steepest first.
    """
    stamps = _distinct_months(months)
    if len(stamps) < MIN_MONTHS:
        raise ValueError(emerging_note(stamps))
    hotspots._check_points(points)
    col, row = hotspots.assign_cells(points["longitude"], points["latitude"], cell_size)  # for the series and places
    series = monthly_cell_series(points, stamps, cell_size, (col, row))
    labels = [m.date() for m in stamps]
    counts = series[labels].to_numpy(dtype=float)
    tested = counts.mean(axis=1) >= MIN_MEAN_PER_MONTH if len(series) else np.zeros(0, dtype=bool)
    n_tested = int(tested.sum())
    empty = EmergingResult(cells=pd.DataFrame(columns=list(RESULT_COLUMNS)), tested=n_tested, months=len(stamps))
    if n_tested == 0:
        return empty

    time = _month_number(stamps)
    trend = mann_kendall(counts[tested], time)
    adjusted = gistar.benjamini_hochberg(trend.p)
    rising = (trend.s > 0) & (adjusted <= MAX_ADJUSTED_P + 1e-12)
    if not rising.any():
        return empty

    chosen = series[tested][rising].reset_index(drop=True)
    x = counts[tested][rising]
    slopes = np.array([theilslopes(row, time).slope for row in x])
    first, last = time < time[0] + 12, time > time[-1] - 12
    cells = pd.DataFrame(
        {
            "cell_id": chosen["cell_id"],
            "confidence": _confidence(adjusted[rising]),
            "months": len(stamps),
            "first_year": x[:, first].sum(axis=1).astype(np.int64),
            "last_year": x[:, last].sum(axis=1).astype(np.int64),
            "slope_per_year": slopes * 12,
            "kendall_tau": trend.tau[rising],
            "p_value": trend.p[rising],
            "p_adjusted": adjusted[rising],
            "currently_hot": False,  # set by with_currently_hot, below
        }
    )
    # The places of the rising squares only: their points found by whole-array matching of (col, row).
    near = pd.MultiIndex.from_arrays([col, row]).isin(pd.MultiIndex.from_frame(chosen[["col", "row"]]))
    places = hotspots._cell_places(points[near], col[near], row[near])
    cells = cells.merge(places, left_on="cell_id", right_index=True, how="left")
    cells = cells.sort_values(["p_adjusted", "slope_per_year"], ascending=[True, False], ignore_index=True)
    return with_currently_hot(
        EmergingResult(cells=cells[list(RESULT_COLUMNS)], tested=n_tested, months=len(stamps)), hot_cell_ids
    )


def with_currently_hot(result: EmergingResult, hot_cell_ids) -> EmergingResult:
    """``result`` with ``currently_hot`` marking the rising cells among ``hot_cell_ids`` (the Gi* hot cells of
    the period shown). It is the one part of the result that depends on the period itself, not only on the
    months up to its end, so one test serves every period that ends in the same month."""
    if result.cells.empty:
        return result
    hot = result.cells["cell_id"].isin(set(hot_cell_ids)).to_numpy(dtype=bool)
    return replace(result, cells=result.cells.assign(currently_hot=hot))
