"""Hotspots: grid counts, Gi* on a known cluster and on random points, the FDR correction, repeat
locations across month boundaries (through the real query on a fixture store) and top streets."""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from scipy.stats import norm

from csp_data.figures import gistar, hotspots
from helpers import MEDWAY_AREA_FILE, csv_bytes, street_row

TO_LONLAT = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
VIOLENCE = "Violence and sexual offences"
# A 250 m cell in central Medway: col 2300 covers eastings 575,000-575,250, row 670 northings 167,500-167,750.
COL0, ROW0 = 2300, 670
JAN, FEB = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")


def lonlat(easting, northing):
    lon, lat = TO_LONLAT.transform(np.asarray(easting, float), np.asarray(northing, float))
    return np.asarray(lon), np.asarray(lat)


def points_at(eastings, northings, incidents=None, **columns) -> pd.DataFrame:
    lon, lat = lonlat(eastings, northings)
    n = len(lon)
    frame = pd.DataFrame(
        {
            "location": columns.get("location", ["On or near Test Street"] * n),
            "longitude": lon,
            "latitude": lat,
            "ward_code": ["E1"] * n,
            "ward_name": columns.get("ward_name", ["Ward A"] * n),
            "crime_type": columns.get("crime_type", [VIOLENCE] * n),
            "month": columns.get("month", [date(2025, 1, 1)] * n),
            "incidents": np.ones(n, dtype=int) if incidents is None else incidents,
        }
    )
    return frame


def full_grid(cols: int, rows: int) -> pd.DataFrame:
    cc, rr = np.meshgrid(np.arange(COL0, COL0 + cols), np.arange(ROW0, ROW0 + rows))
    return pd.DataFrame({"col": cc.ravel(), "row": rr.ravel()})


# --------------------------------------------------------------------------------------------
# Grid
# --------------------------------------------------------------------------------------------


def test_grid_counts_on_fixture_points():
    base_e, base_n = COL0 * 250, ROW0 * 250
    eastings = [base_e + 10, base_e + 240, base_e + 260, base_e + 10, base_e + 100]
    northings = [base_n + 10, base_n + 240, base_n + 10, base_n + 260, base_n + 100]
    points = points_at(eastings, northings, incidents=np.array([1, 2, 3, 4, 5]))
    grid = hotspots.grid_counts(points)
    assert list(zip(grid["cell_id"], grid["incidents"])) == [
        (f"{COL0}_{ROW0}", 1 + 2 + 5),
        (f"{COL0 + 1}_{ROW0}", 3),
        (f"{COL0}_{ROW0 + 1}", 4),
    ]


def test_grid_counts_keep_empty_cells_as_zero():
    points = points_at([COL0 * 250 + 125], [ROW0 * 250 + 125])
    grid = hotspots.grid_counts(points, full_grid(3, 2))
    assert len(grid) == 6 and grid["incidents"].sum() == 1
    assert grid.set_index("cell_id").loc[f"{COL0}_{ROW0}", "incidents"] == 1


def test_grid_counts_order_rows_then_columns_with_cells_outside_the_area():
    """Area cells given in any order, points in cells outside them and a column west of every area cell:
    one row per cell, by row then column, each with the sum of its incidents and whole-number columns."""
    base_e, base_n = COL0 * 250, ROW0 * 250
    cells = pd.DataFrame({"col": [COL0 + 1, COL0, COL0 + 1, COL0], "row": [ROW0 + 1, ROW0 + 1, ROW0, ROW0]})
    points = points_at(
        [base_e + 260, base_e - 240, base_e + 510, base_e + 270, base_e - 10],
        [base_n + 10, base_n + 260, base_n + 300, base_n + 20, base_n + 270],
        incidents=np.array([2, 7, 1, 3, 4]),
    )
    grid = hotspots.grid_counts(points, cells)
    expected = pd.DataFrame(
        {
            "cell_id": [f"{COL0}_{ROW0}", f"{COL0 + 1}_{ROW0}", f"{COL0 - 1}_{ROW0 + 1}"]
            + [f"{COL0}_{ROW0 + 1}", f"{COL0 + 1}_{ROW0 + 1}", f"{COL0 + 2}_{ROW0 + 1}"],
            "col": np.array([COL0, COL0 + 1, COL0 - 1, COL0, COL0 + 1, COL0 + 2], dtype=np.int64),
            "row": np.array([ROW0, ROW0, ROW0 + 1, ROW0 + 1, ROW0 + 1, ROW0 + 1], dtype=np.int64),
            "incidents": np.array([0, 5, 11, 0, 0, 1], dtype=np.int64),
        }
    )
    pd.testing.assert_frame_equal(grid, expected)
    assert hotspots.grid_counts(points.iloc[:0]).empty


def test_area_cells_cover_a_shape():
    # A 500 m square aligned to the grid, in lon/lat: exactly the 4 cells inside, plus the 5 touching
    # its north and east edges (a touching edge counts as touching).
    e, n = COL0 * 250 + 1, ROW0 * 250 + 1
    lon, lat = lonlat([e, e + 498, e + 498, e], [n, n, n + 498, n + 498])
    cells = hotspots.area_cells(shapely.Polygon(zip(lon, lat)))
    assert set(zip(cells["col"], cells["row"])) == {(COL0 + i, ROW0 + j) for i in range(2) for j in range(2)}
    # Found once per shape: a caller changing its copy changes nothing for the next; another shape, other cells.
    cells.loc[:, "col"] = 0
    again = hotspots.area_cells(shapely.Polygon(zip(lon, lat)))
    assert set(zip(again["col"], again["row"])) == {(COL0 + i, ROW0 + j) for i in range(2) for j in range(2)}
    lon, lat = lonlat([e, e + 248, e + 248, e], [n, n, n + 248, n + 248])
    assert len(hotspots.area_cells(shapely.Polygon(zip(lon, lat)))) == 1


def test_grid_counts_require_incidents_column():
    with pytest.raises(ValueError, match="incidents"):
        hotspots.grid_counts(pd.DataFrame({"longitude": [0.5], "latitude": [51.4]}))


# --------------------------------------------------------------------------------------------
# Gi* and FDR
# --------------------------------------------------------------------------------------------


def test_gi_star_finds_a_planted_cluster():
    rng = np.random.default_rng(7)
    grid = full_grid(20, 20)
    grid["incidents"] = rng.poisson(2, len(grid))
    cluster = grid["col"].between(COL0 + 8, COL0 + 10) & grid["row"].between(ROW0 + 8, ROW0 + 10)
    grid.loc[cluster, "incidents"] += 12
    grid["cell_id"] = hotspots.cell_id(grid["col"], grid["row"]).to_numpy()
    result = gistar.gi_star(grid)
    centre = result[(result["col"] == COL0 + 9) & (result["row"] == ROW0 + 9)].iloc[0]
    assert centre["hotspot_class"] == "hot99"
    is_hot = result["hotspot_class"].str.startswith("hot")
    assert is_hot[cluster].all()  # every planted cell is hot
    # Three or more cells away from the cluster's centre (outside every window that touches it) nothing is hot.
    distance = np.maximum((result["col"] - (COL0 + 9)).abs(), (result["row"] - (ROW0 + 9)).abs())
    assert not is_hot[distance >= 3].any()


def random_layout_classes(seed: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    n = 3000
    eastings = COL0 * 250 + rng.uniform(0, 20 * 250, n)
    northings = ROW0 * 250 + rng.uniform(0, 20 * 250, n)
    grid = hotspots.grid_counts(points_at(eastings, northings), full_grid(20, 20))
    return gistar.gi_star(grid)


@pytest.mark.parametrize("seed", range(1, 6))
def test_random_points_give_no_hotspots_after_correction(seed):
    result = random_layout_classes(seed)
    assert (result["hotspot_class"] == "none").all()
    # Without the correction some cells would pass at 10%: the correction is what removes them.
    assert (result["p_value"] < 0.10).sum() > 0


def test_random_points_rarely_give_any_hotspot():
    # Under complete spatial randomness, Benjamini-Hochberg at 10% keeps the chance of any false
    # hotspot in a layout at about 10% or less; 40 layouts with a bound of 8 (in these seeds: 4 of 40).
    layouts_with_any = sum((random_layout_classes(seed)["hotspot_class"] != "none").any() for seed in range(1, 41))
    assert layouts_with_any <= 8


@pytest.mark.parametrize("seed", range(3))
def test_sparse_random_points_give_no_hotspots(seed):
    # 300 incidents over 3,600 squares, as for a rare crime type over Medway. The normal approximation
    # of Gi* finds "hotspots" here in every layout (two or three incidents side by side look extreme);
    # the permutation test does not.
    rng = np.random.default_rng(seed)
    eastings = COL0 * 250 + rng.uniform(0, 60 * 250, 300)
    northings = ROW0 * 250 + rng.uniform(0, 60 * 250, 300)
    result = gistar.gi_star(hotspots.grid_counts(points_at(eastings, northings), full_grid(60, 60)))
    assert (result["hotspot_class"] == "none").all()
    normal_p = 2 * norm.sf(np.abs(result["z_score"]))
    assert (gistar.benjamini_hochberg(normal_p) <= 0.10).any()


def test_mostly_empty_squares_are_not_cold_spots():
    # Ties at zero: a square whose window is empty when 90% of squares are empty is not unusual.
    rng = np.random.default_rng(3)
    grid = full_grid(20, 20)
    grid["incidents"] = (rng.random(len(grid)) < 0.1).astype(int)
    grid["cell_id"] = hotspots.cell_id(grid["col"], grid["row"]).to_numpy()
    result = gistar.gi_star(grid)
    assert not result["hotspot_class"].str.startswith("cold").any()


def row_neighbours(n: int) -> list[np.ndarray]:
    """Squares in a row; each one's neighbours are the squares next to it."""
    return [np.array([j for j in (i - 1, i + 1) if 0 <= j < n]) for i in range(n)]


def test_permutation_p_values_match_exact_enumeration():
    counts = np.array([0, 3, 1, 0, 5, 2, 0, 4, 1])
    neighbours = row_neighbours(len(counts))
    draws = 40_000
    p_high, p_low = gistar.permutation_p_values(counts, neighbours, permutations=draws, seed=5)
    for i, near in enumerate(neighbours):
        others = [counts[j] for j in range(len(counts)) if j != i]
        totals = [sum(pick) for pick in itertools.combinations(others, len(near))]
        observed = counts[near].sum()
        exact_high = np.mean([t >= observed for t in totals])
        exact_low = np.mean([t <= observed for t in totals])
        for got, exact in ((p_high[i], exact_high), (p_low[i], exact_low)):
            tolerance = 4 * np.sqrt(exact * (1 - exact) / draws) + 2 / draws
            assert abs(got - exact) <= tolerance, (i, got, exact)


def test_permutation_p_values_only_for_chosen_squares():
    counts = np.array([0, 3, 1, 0, 5, 2])
    p_high, p_low = gistar.permutation_p_values(counts, row_neighbours(6), permutations=999, squares=[2])
    assert p_high[2] < 1 and (np.delete(p_high, 2) == 1).all() and (np.delete(p_low, 2) == 1).all()
    # A square with no neighbours has nothing to test.
    alone = gistar.permutation_p_values(counts, [np.array([], dtype=int)] * 6, permutations=99)
    assert (alone[0] == 1).all() and (alone[1] == 1).all()


def test_draw_without_replacement_is_distinct_and_uniform():
    rng = np.random.default_rng(0)
    draws = gistar.draw_without_replacement(rng, 10, 20_000, 4)
    assert draws.min() >= 0 and draws.max() <= 9
    assert (np.diff(np.sort(draws, axis=1), axis=1) > 0).all()
    # Each value is in a row with probability 4/10, and each pair of values together with 4*3/(10*9).
    share = np.bincount(draws.ravel(), minlength=10) / 20_000
    assert np.abs(share - 0.4).max() < 0.02
    together = ((draws == 0).any(axis=1) & (draws == 9).any(axis=1)).mean()
    assert abs(together - 12 / 90) < 0.015
    with pytest.raises(ValueError):
        gistar.draw_without_replacement(rng, 3, 1, 4)


def test_extreme_squares_are_tested_again_with_more_draws():
    # The planted cluster's centre is beyond all 9,999 first draws; its p-value comes from 99,999.
    rng = np.random.default_rng(7)
    grid = full_grid(20, 20)
    grid["incidents"] = rng.poisson(2, len(grid))
    grid.loc[grid["col"].between(COL0 + 8, COL0 + 10) & grid["row"].between(ROW0 + 8, ROW0 + 10), "incidents"] += 12
    result = gistar.gi_star(grid.assign(cell_id=hotspots.cell_id(grid["col"], grid["row"]).to_numpy()))
    centre = result[(result["col"] == COL0 + 9) & (result["row"] == ROW0 + 9)].iloc[0]
    assert centre["p_value"] < 2 / (gistar.PERMUTATIONS + 1)
    assert centre["p_value"] == pytest.approx(2 / (10 * gistar.PERMUTATIONS + 10))


def test_same_data_same_classes():
    first, second = random_layout_classes(9), random_layout_classes(9)
    assert (first["p_value"] == second["p_value"]).all()


def test_gi_star_matches_the_textbook_formula():
    rng = np.random.default_rng(11)
    grid = full_grid(6, 5)
    grid["incidents"] = rng.poisson(3, len(grid))
    grid["cell_id"] = hotspots.cell_id(grid["col"], grid["row"]).to_numpy()
    result = gistar.gi_star(grid)
    x = grid["incidents"].to_numpy(float)
    n, mean = len(x), x.mean()
    s = np.sqrt((x**2).mean() - mean**2)
    for i, (c, r) in enumerate(zip(grid["col"], grid["row"])):
        near = ((grid["col"] - c).abs() <= 1) & ((grid["row"] - r).abs() <= 1)
        w = near.sum()
        z = (x[near.to_numpy()].sum() - mean * w) / (s * np.sqrt((n * w - w**2) / (n - 1)))
        assert result["z_score"].iloc[i] == pytest.approx(z)


def test_constant_counts_have_no_hotspots():
    grid = full_grid(4, 4).assign(incidents=3)
    grid["cell_id"] = hotspots.cell_id(grid["col"], grid["row"]).to_numpy()
    result = gistar.gi_star(grid)
    assert (result["hotspot_class"] == "none").all() and (result["z_score"] == 0).all()


def test_benjamini_hochberg_matches_a_hand_calculation_and_esda():
    from esda import fdr

    p = np.array([0.01, 0.041, 0.032, 0.005, 0.5])
    # Sorted: 0.005, 0.01, 0.032, 0.041, 0.5 -> p*n/rank: 0.025, 0.025, 0.0533, 0.05125, 0.5, then the
    # running minimum from the right: 0.025, 0.025, 0.05125, 0.05125, 0.5.
    assert gistar.benjamini_hochberg(p) == pytest.approx([0.025, 0.05125, 0.05125, 0.025, 0.5])
    # esda's fdr gives the largest p-value that passes at alpha: the same tests pass.
    threshold = fdr(p, 0.05)
    assert set(np.nonzero(p <= threshold)[0]) == set(np.nonzero(gistar.benjamini_hochberg(p) <= 0.05)[0])


def test_classify_levels():
    z = np.array([5, 5, 5, -5, 0.1, -5])
    q = np.array([0.005, 0.03, 0.08, 0.005, 0.001, 0.2])
    assert list(gistar.classify(z, q)) == ["hot99", "hot95", "hot90", "cold99", "hot99", "none"]


# --------------------------------------------------------------------------------------------
# The fast Gi*: neighbours, z-scores and permutation p-values against references
# --------------------------------------------------------------------------------------------


def irregular_cells() -> tuple[np.ndarray, np.ndarray]:
    """A 7 x 6 block of cells with holes, a cell two columns off its edge (no neighbour there: its
    centre is 2 cells away) and one far away (an island)."""
    cc, rr = np.meshgrid(np.arange(COL0, COL0 + 7), np.arange(ROW0, ROW0 + 6))
    keep = np.random.default_rng(4).random(cc.size) < 0.8
    col = np.concatenate([cc.ravel()[keep], [COL0 + 8, COL0 + 40]])
    row = np.concatenate([rr.ravel()[keep], [ROW0 + 2, ROW0 + 40]])
    return col, row


def distance_band(col, row):
    import warnings

    from libpysal.weights import DistanceBand

    centres = np.column_stack([(np.asarray(col) + 0.5) * 250, (np.asarray(row) + 0.5) * 250])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the island
        return DistanceBand(
            centres, threshold=gistar.NEIGHBOUR_DISTANCE_FACTOR * 250, binary=True, silence_warnings=True
        )


def test_grid_neighbours_are_libpysal_distance_band():
    col, row = irregular_cells()
    weights = distance_band(col, row)
    found = gistar.grid_neighbours(col, row)
    assert [sorted(nb.tolist()) for nb in found] == [sorted(weights.neighbors[i]) for i in range(len(col))]
    assert len(found[-1]) == 0 and len(found[-2]) == 0  # the cell 2 columns off and the island
    assert gistar.grid_neighbours([], []) == []
    with pytest.raises(ValueError, match="once"):
        gistar.grid_neighbours([COL0, COL0], [ROW0, ROW0])


@pytest.mark.parametrize("layout", ["irregular", "three_by_three"])
def test_gi_star_z_scores_equal_esda(layout):
    import warnings

    from esda.getisord import G_Local

    if layout == "irregular":
        col, row = irregular_cells()
    else:  # the centre's window holds every cell: esda's z is 0/0
        cc, rr = np.meshgrid(np.arange(3), np.arange(3))
        col, row = cc.ravel(), rr.ravel()
    counts = np.random.default_rng(12).poisson(2.5, len(col))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = G_Local(counts.astype(float), distance_band(col, row), transform="B", star=True, permutations=0).Zs
    got = gistar.gi_star_z_scores(counts, gistar.grid_neighbours(col, row))
    finite = np.isfinite(expected)
    assert np.abs(got[finite] - expected[finite]).max() <= 1e-9
    assert (got[~finite] == 0).all() and (~finite).sum() == (layout == "three_by_three")


def exact_tails(counts, neighbours) -> tuple[np.ndarray, np.ndarray]:
    """Each square's exact P(draw total >= observed) and P(draw total <= observed), over every set of
    as many other squares as it has neighbours (all equally likely under conditional randomisation;
    every ordering of a set gives the same total, so sets stand for all permutations)."""
    counts = np.asarray(counts)
    n = len(counts)
    high, low = np.ones(n), np.ones(n)
    for i, near in enumerate(neighbours):
        if not len(near):
            continue
        others = np.delete(counts, i)
        picks = np.array(list(itertools.combinations(range(n - 1), len(near))))
        totals = others[picks].sum(axis=1)
        observed = counts[near].sum()
        high[i], low[i] = (totals >= observed).mean(), (totals <= observed).mean()
    return high, low


def tolerance(exact, draws):
    """Allowed |estimate - exact| for a permutation p-value ``(1 + X) / (draws + 1)``. Each square's
    draws are independent uniform samples of the other squares, so ``X ~ Binomial(draws, exact)``:
    4.5 standard deviations, plus 2 / draws for the ``+ 1`` terms (at most 1 / (draws + 1))."""
    return 4.5 * np.sqrt(exact * (1 - exact) / draws) + 2 / draws


def miss_chance(exact, draws, allowed):
    """The exact binomial chance that a correct estimate falls outside ``exact +- allowed``."""
    from scipy.stats import binom

    exact, allowed = np.broadcast_arrays(np.asarray(exact, float), np.asarray(allowed, float))
    lowest = np.ceil((exact - allowed) * (draws + 1) - 1 - 1e-9)  # smallest X inside the band
    highest = np.floor((exact + allowed) * (draws + 1) - 1 + 1e-9)  # largest X inside the band
    return binom.cdf(lowest - 1, draws, exact) + binom.sf(highest, draws, exact)


def small_grid_counts() -> tuple[np.ndarray, list[np.ndarray]]:
    """A 4 x 4 grid (corners 3 neighbours, edges 5, inside 8) with tied counts. The 8 neighbours of
    square 10 (column 2, row 2) hold the 8 largest of the other counts: its exact two-sided p-value
    is 2 / C(15, 8) = 2 / 6435, beyond the resolution of 9,999 draws."""
    counts = np.array([0, 1, 0, 2, 1, 4, 6, 5, 0, 7, 3, 8, 1, 6, 9, 7])
    cc, rr = np.meshgrid(np.arange(4), np.arange(4))
    return counts, gistar.grid_neighbours(cc.ravel(), rr.ravel())


@pytest.mark.parametrize("squares_per_table", [500, 5])  # one table of draws; four tables
def test_permutation_p_values_match_exact_enumeration_on_a_small_grid(squares_per_table):
    counts, neighbours = small_grid_counts()
    draws = 40_000
    exact_high, exact_low = exact_tails(counts, neighbours)
    p_high, p_low = gistar.permutation_p_values(
        counts, neighbours, permutations=draws, seed=21, squares_per_table=squares_per_table
    )
    exact = np.concatenate([exact_high, exact_low])
    allowed = tolerance(exact, draws)
    # The bound is not tuned to this seed: with any seed, a correct implementation fails one of these
    # 32 comparisons with probability below 1e-3 (exact binomial tails, summed).
    assert miss_chance(exact, draws, allowed).sum() < 1e-3
    assert (np.abs(np.concatenate([p_high, p_low]) - exact) <= allowed).all()


def test_two_sided_p_values_match_exact_enumeration_with_the_retest():
    counts, neighbours = small_grid_counts()
    exact_high, exact_low = exact_tails(counts, neighbours)
    exact = np.minimum(1, 2 * np.minimum(exact_high, exact_low))
    first = gistar.PERMUTATIONS
    high, low = gistar.permutation_p_values(counts, neighbours, first, gistar.PERMUTATION_SEED)
    retested = np.minimum(1, 2 * np.minimum(high, low)) < 2 * gistar.REFINE_BELOW / (first + 1)
    assert exact[10] == pytest.approx(2 / 6435) and retested[10]
    second = 10 * first + 9

    def band(draws):  # min(1, 2 * min(a, b)) moves at most twice as far as the farther of a and b
        return 2 * np.maximum(tolerance(exact_high, draws), tolerance(exact_low, draws))

    allowed = np.where(retested, band(second), band(first))
    # Whichever squares a seed sends to the re-test (fresh draws), a correct implementation misses
    # with probability at most the sum over squares, tails and both numbers of draws: below 1e-3.
    chance = sum(miss_chance(e, d, band(d) / 2).sum() for e in (exact_high, exact_low) for d in (first, second))
    assert chance < 1e-3
    p = gistar.two_sided_p_values(counts, neighbours)
    assert (np.abs(p - exact) <= allowed).all()
    assert (p[retested] < 2 * gistar.REFINE_BELOW / (first + 1)).all()


def test_permutation_p_values_count_their_own_draws_exactly():
    # The fast bookkeeping (one sorted table per group of squares, corrected where a square meets its
    # own position) gives exactly the counts of the plain way: for every square, map its table's
    # positions onto the other squares (its own position read as the last square) and count.
    col, row = irregular_cells()
    n = len(col)
    counts = np.random.default_rng(2).poisson(1.5, n)
    neighbours = gistar.grid_neighbours(col, row)
    chosen = np.arange(0, n, 2)
    draws, seed = 999, 8
    for squares in (None, chosen):
        p_high, p_low = gistar.permutation_p_values(
            counts, neighbours, draws, seed, squares=squares, squares_per_table=7
        )
        tested = [i for i in (range(n) if squares is None else squares) if len(neighbours[i])]
        tables = -(-len(tested) // 7)
        assert tables > 1
        width = max(len(neighbours[i]) for i in tested)
        positions = gistar.draw_without_replacement(np.random.default_rng(seed), n - 1, tables * draws, width)
        positions = positions.reshape(tables, draws, width)
        for rank, i in enumerate(tested):
            drawn = positions[rank % tables, :, : len(neighbours[i])].copy()
            drawn[drawn == i] = n - 1
            totals, observed = counts[drawn].sum(axis=1), counts[neighbours[i]].sum()
            assert p_high[i] == (1 + (totals >= observed).sum()) / (draws + 1)
            assert p_low[i] == (1 + (totals <= observed).sum()) / (draws + 1)
        untested = np.setdiff1d(np.arange(n), tested)
        assert (p_high[untested] == 1).all() and (p_low[untested] == 1).all()


def test_kept_draws_serve_other_counts_on_the_same_grid_exactly():
    # The draws and corrections are kept per grid (not per counts): a second crime type on the same
    # squares reads them, and gets exactly what it gets from nothing kept; nothing of the first leaks in.
    col, row = irregular_cells()
    neighbours = gistar.grid_neighbours(col, row)
    first, second = (np.random.default_rng(seed).poisson(rate, len(col)) for seed, rate in ((3, 0.5), (4, 3.0)))
    gistar._draw_plan.cache_clear()
    gistar._draws.cache_clear()
    alone = gistar.permutation_p_values(second, neighbours, 999, 5, squares_per_table=7)
    gistar._draw_plan.cache_clear()
    gistar._draws.cache_clear()
    gistar.permutation_p_values(first, neighbours, 999, 5, squares_per_table=7)
    after = gistar.permutation_p_values(second, neighbours, 999, 5, squares_per_table=7)
    assert gistar._draw_plan.cache_info().hits == 1
    assert all(np.array_equal(a, b) for a, b in zip(alone, after))
    plan = gistar._draw_plan(np.fromiter(map(len, neighbours), dtype=np.int64).tobytes(), 999, 5, 7)
    with pytest.raises(ValueError, match="read-only"):
        plan.positions[0, 0] = 1


def test_draw_without_replacement_when_drawing_most_of_the_population():
    # k above half the population takes the other branch (no rejection).
    draws = gistar.draw_without_replacement(np.random.default_rng(1), 10, 20_000, 7)
    assert (np.diff(np.sort(draws, axis=1), axis=1) > 0).all()
    assert np.abs(np.bincount(draws.ravel(), minlength=10) / 20_000 - 0.7).max() < 0.02
    together = ((draws == 0).any(axis=1) & (draws == 9).any(axis=1)).mean()
    assert abs(together - 7 * 6 / 90) < 0.015
    # The first columns are a uniform sample too: a square with fewer neighbours reads only those.
    assert np.abs(np.bincount(draws[:, :2].ravel(), minlength=10) / 20_000 - 0.2).max() < 0.02


def test_benjamini_hochberg_equals_the_step_up_formula():
    def step_up(p):  # p * n / rank in sorted order, running minimum from the largest, capped at 1
        order = np.argsort(p)
        ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
        result = np.empty(len(p))
        result[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
        return result

    rng = np.random.default_rng(6)
    for size in (0, 1, 2, 3, 3_510):
        p = np.round(rng.random(size) ** 3, 4)  # rounding makes ties
        got = gistar.benjamini_hochberg(p)
        # scipy multiplies by n / rank where the formula divides p * n by rank: a last-bit difference.
        np.testing.assert_allclose(got, step_up(p), rtol=1e-15, atol=0)
        for alpha in (0.01, 0.05, 0.10):
            assert ((got <= alpha + 1e-12) == (step_up(p) <= alpha + 1e-12)).all()
        assert got is not p
    with pytest.raises(ValueError):
        gistar.benjamini_hochberg(np.ones((2, 2)) / 2)
    with pytest.raises(ValueError):
        gistar.benjamini_hochberg([0.5, 1.5])


# --------------------------------------------------------------------------------------------
# Repeat locations and top streets
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_database(tmp_path_factory, medway_points):
    from csp_data.config import load_area
    from csp_data.store import Store
    from csp_data.store.ingest import ingest
    from csp_data.store.queries import Database

    chatham = medway_points["Chatham Central & Brompton"]
    nearby = (round(chatham[0] + 0.001, 6), chatham[1])  # same name, another snap point
    files = {
        "2024-12": [street_row("2024-12", VIOLENCE, *chatham, location="On or near A Street")],
        "2025-01": [
            street_row("2025-01", VIOLENCE, *chatham, location="On or near A Street"),
            street_row("2025-01", "Shoplifting", *chatham, location="On or near A Street"),
            street_row("2025-01", VIOLENCE, *nearby, location="On or near A Street"),
            street_row("2025-01", "Anti-social behaviour", *chatham, location="On or near A Street"),
        ],
        "2025-02": [
            street_row("2025-02", VIOLENCE, *chatham, location="On or near A Street"),
            street_row("2025-02", VIOLENCE, *chatham, location="On or near B Street"),
        ],
        "2025-03": [street_row("2025-03", VIOLENCE, *chatham, location="On or near A Street")],
    }
    folder = tmp_path_factory.mktemp("raw")
    for month, rows in files.items():
        (folder / f"{month}-kent-street.csv").write_bytes(csv_bytes(rows))
    store = Store(tmp_path_factory.mktemp("store"))
    ingest([folder], load_area(MEDWAY_AREA_FILE), store)
    db = Database(load_area(MEDWAY_AREA_FILE), store)
    yield db
    db.close()


def test_repeat_locations_across_month_boundaries(fixture_database):
    points = fixture_database.query(
        "hotspot_points", first=date(2025, 1, 1), last=date(2025, 2, 1), kind="crime", crime_type=None
    )
    repeats = hotspots.repeat_locations(points)
    rows = [
        (r.location, r.incidents, r.months_present, r.first_month, r.last_month, r.type_mix)
        for r in repeats.itertuples()
    ]
    # December and March are outside the period; ASB is not crime; the second A Street snap point is separate.
    assert rows == [
        ("On or near A Street", 3, 2, JAN, FEB, f"{VIOLENCE} 2, Shoplifting 1"),
        ("On or near A Street", 1, 1, JAN, JAN, f"{VIOLENCE} 1"),
        ("On or near B Street", 1, 1, FEB, FEB, f"{VIOLENCE} 1"),
    ]
    assert list(repeats["rank"]) == [1, 2, 2]
    assert repeats["incidents"].sum() == 5
    wider = hotspots.repeat_locations(
        fixture_database.query(
            "hotspot_points", first=date(2024, 12, 1), last=date(2025, 3, 1), kind="crime", crime_type=None
        )
    )
    assert (wider.iloc[0]["incidents"], wider.iloc[0]["months_present"]) == (5, 4)


def test_repeat_locations_ward_and_type_mix_of_each_point():
    e, n = COL0 * 250, ROW0 * 250
    months = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 1, 1), date(2025, 3, 1), date(2025, 3, 1)]
    points = points_at(
        [e] * 5 + [e + 500] * 6,
        [n] * 5 + [n + 500] * 6,
        # A: five rows in wards Y, X, Y, X, Z: X and Y tie on rows, so X by name (not by incidents, Y's 9).
        # B: five crime types, one row each.
        incidents=np.array([4, 1, 5, 1, 2] + [3, 3, 2, 1, 1, 1]),
        location=["On or near A"] * 5 + ["On or near B"] * 6,
        ward_name=["Y", "X", "Y", "X", "Z"] + ["W", None, None, "W", None, "V"],
        crime_type=[VIOLENCE, VIOLENCE, "Drugs", "Drugs", "Robbery"]
        + ["Burglary", "Arson", "Drugs", "Theft", "Robbery", "Drugs"],
        month=months + [date(2025, 1, 1)] * 6,
    )
    repeats = hotspots.repeat_locations(points, limit=None)
    rows = [(r.location, r.ward_name, r.incidents, r.months_present, r.type_mix) for r in repeats.itertuples()]
    assert rows == [
        # A: violence 4 + 1 = 5, drugs 5 + 1 = 6, robbery 2
        ("On or near A", "X", 13, 3, f"Drugs 6, {VIOLENCE} 5, Robbery 2"),
        # B: the three rows without a ward outnumber W's two; drugs 2 + 1; arson and burglary tie at 3 (by name)
        ("On or near B", "(no ward)", 11, 1, "Arson 3, Burglary 3, Drugs 3 and 2 more types"),
    ]
    one_more = hotspots.repeat_locations(points.iloc[5:9], limit=None)
    assert one_more["type_mix"].tolist() == ["Arson 3, Burglary 3, Drugs 2 and 1 more type"]
    empty = hotspots.repeat_locations(points.head(0), limit=None)
    assert empty.empty and list(empty.columns) == list(repeats.columns)
    nowhere = points.assign(ward_name=pd.Series([None] * len(points), dtype=object))  # DuckDB's all-NULL column
    assert hotspots.repeat_locations(nowhere, limit=None)["ward_name"].dtype == repeats["ward_name"].dtype
    assert set(hotspots.repeat_locations(nowhere, limit=None)["ward_name"]) == {"(no ward)"}
    busy = points.iloc[:1].assign(incidents=1277, crime_type="Shoplifting")  # thousands separated, as every count
    assert hotspots.repeat_locations(busy, limit=None)["type_mix"].tolist() == ["Shoplifting 1,277"]


def test_repeat_locations_equal_a_plain_count_of_shuffled_rows():
    # 60 rows over 12 snap points (three names, each at four places, so names repeat at other
    # coordinates and points tie on incidents), counted here one row at a time.
    rng = np.random.default_rng(11)
    names = ["On or near C", "On or near A", "On or near B"]
    offsets = [0, 250, 500, 750]
    which = rng.integers(0, 12, 60)
    points = points_at(
        [COL0 * 250 + offsets[w % 4] for w in which],
        [ROW0 * 250] * 60,
        incidents=rng.integers(1, 3, 60),
        location=[names[w // 4] for w in which],
        ward_name=rng.choice(np.array(["Y", "X", None], dtype=object), 60),
        crime_type=rng.choice(["Drugs", "Arson", "Robbery", VIOLENCE, "Theft"], 60),
        month=rng.choice([date(2025, m, 1) for m in (1, 2, 3, 5)], 60),
    ).sample(frac=1, random_state=4)
    expected = {}
    for r in points.itertuples():
        e = expected.setdefault(
            (r.location, r.longitude, r.latitude), {"n": 0, "months": set(), "wards": {}, "types": {}}
        )
        e["n"] += r.incidents
        e["months"].add(r.month)
        ward = r.ward_name if isinstance(r.ward_name, str) else "(no ward)"
        e["wards"][ward] = e["wards"].get(ward, 0) + 1
        e["types"][r.crime_type] = e["types"].get(r.crime_type, 0) + r.incidents
    total = sum(e["n"] for e in expected.values())
    rows = []
    for (location, lon, lat), e in sorted(expected.items()):
        ward = min(e["wards"], key=lambda w: (-e["wards"][w], w))
        types = sorted(e["types"].items(), key=lambda t: (-t[1], t[0]))
        mix = ", ".join(f"{t} {n}" for t, n in types[:3]) + (
            f" and {len(types) - 3} more type{'s' if len(types) > 4 else ''}" if len(types) > 3 else ""
        )
        rows.append([location, ward, lon, lat, e["n"], len(e["months"]), min(e["months"]), max(e["months"]), mix])
    rows.sort(key=lambda r: (-r[4], -r[5], r[0]))  # stable: equal points stay in key order
    ranks = [1 + sum(other[4] > row[4] for other in rows) for row in rows]
    rows = [[rank, *row] for rank, row in zip(ranks, rows)]
    got = hotspots.repeat_locations(points, limit=None)
    assert len(rows) == 12 and len({r[0] for r in rows}) < 12  # some points share a rank
    columns = ["rank", "location", "ward_name", "longitude", "latitude", "incidents", "months_present"]
    assert got[columns].values.tolist() == [r[:7] for r in rows]
    assert list(zip(got["first_month"], got["last_month"])) == [(r[7], r[8]) for r in rows]
    assert got["type_mix"].tolist() == [r[9] for r in rows]
    assert got["share_of_area"].tolist() == pytest.approx([r[5] / total for r in rows])
    assert got.equals(hotspots.repeat_locations(points.sort_index(), limit=None))


def test_flag_large_share():
    points = points_at(
        [COL0 * 250] * 2,
        [ROW0 * 250, ROW0 * 250 + 500],
        incidents=np.array([30, 970]),
        location=["On or near Police Station", "On or near Long Road"],
    )
    repeats = hotspots.repeat_locations(points)
    assert dict(zip(repeats["location"], repeats["flagged"])) == {
        "On or near Long Road": True,
        "On or near Police Station": True,
    }
    points["incidents"] = [19, 981]  # 19 incidents is too few to flag, whatever the share
    repeats = hotspots.repeat_locations(points)
    assert dict(zip(repeats["location"], repeats["flagged"])) == {
        "On or near Long Road": True,
        "On or near Police Station": False,
    }


def test_coordinates_are_transformed_in_one_long_lived_thread():
    # pyproj builds a transformer again (40-80 ms) in each new thread, and Streamlit runs each script run in a
    # new one: every transformation goes to the same worker thread, whichever thread asks.
    threads = set()

    class Spy:
        def transform(self, x, y):
            threads.add(threading.get_ident())
            return x + 1, y - 1

    answers = []
    for _ in range(3):
        asking = threading.Thread(target=lambda: answers.append(hotspots._transformed(Spy(), np.zeros(2), np.ones(2))))
        asking.start()
        asking.join()
    assert len(threads) == 1 and threading.get_ident() not in threads
    assert [(list(x), list(y)) for x, y in answers] == [([1.0, 1.0], [0.0, 0.0])] * 3
    # The real transformers give what a transformer built in this thread gives.
    here = Transformer.from_crs("EPSG:4326", hotspots.GRID_CRS, always_xy=True)
    lon, lat = np.array([0.52, 0.61]), np.array([51.38, 51.42])
    np.testing.assert_array_equal(hotspots._transformed(hotspots._TO_GRID, lon, lat), here.transform(lon, lat))


def test_a_forked_process_transforms_in_a_thread_of_its_own():
    lon, lat = np.array([0.52]), np.array([51.38])
    expected = hotspots._transformed(hotspots._TO_GRID, lon, lat)  # the parent's thread is running
    child = os.fork()
    if child == 0:  # the child: exit 0 only with the same answer (a copy of the parent's executor would hang)
        try:
            os._exit(0 if np.array_equal(hotspots._transformed(hotspots._TO_GRID, lon, lat), expected) else 1)
        finally:
            os._exit(2)
    deadline = time.monotonic() + 60
    while (finished := os.waitpid(child, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if finished[0] == 0:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        pytest.fail("the forked process's transformation never finished")
    assert os.waitstatus_to_exitcode(finished[1]) == 0


def test_cell_places_busiest_ward_and_main_streets_with_ties():
    """Each cell's ward with most incidents (ties by name, a missing ward as "(no ward)") and its three busiest
    locations (ties by name; a point with no location counted for the ward but not named), worked by hand."""
    a, b = (COL0 * 250 + 100, ROW0 * 250 + 100), (COL0 * 250 + 600, ROW0 * 250 + 100)  # cells COL0 and COL0 + 2
    rows = [  # (cell, location, ward, incidents)
        (a, "On or near Zeta Road", "Ward B", 2),
        (a, "On or near Alpha Road", "Ward C", 2),
        (a, "On or near Beta Road", "Ward B", 1),
        (a, "On or near Alpha Road", "Ward C", 1),
        (a, "On or near Gamma Road", "Ward B", 3),
        (a, "On or near Delta Road", "Ward C", 1),
        (b, None, None, 5),
        (b, "On or near Beta Road", "Ward A", 2),
        (b, "On or near Beta Road", "Ward B", 2),
    ]
    points = points_at(
        [r[0][0] for r in rows],
        [r[0][1] for r in rows],
        np.array([r[3] for r in rows]),
        location=[r[1] for r in rows],
        ward_name=[r[2] for r in rows],
    )
    col, row = hotspots.assign_cells(points["longitude"], points["latitude"])
    places = hotspots._cell_places(points, col, row)
    # Cell a: Ward B 6, Ward C 4. Streets: Alpha 3 and Gamma 3 (tie: by name), then Zeta 2 (Beta and Delta 1).
    # Cell b: (no ward) 5 beats A 2 and B 2; Beta Road is one location across its two wards: 4.
    assert places.sort_index().to_dict("index") == {
        f"{COL0}_{ROW0}": {
            "ward_name": "Ward B",
            "main_streets": "On or near Alpha Road (3); On or near Gamma Road (3); On or near Zeta Road (2)",
        },
        f"{COL0 + 2}_{ROW0}": {"ward_name": "(no ward)", "main_streets": "On or near Beta Road (4)"},
    }
    empty = hotspots._cell_places(points.iloc[:0], col[:0], row[:0])
    assert empty.empty and list(empty.columns) == ["ward_name", "main_streets"]


def test_a_hot_square_with_no_incident_of_its_own_says_so():
    """A square can be hot from its neighbours alone; its row named no ward and no place (empty cells)."""
    import shapely

    cells = full_grid(20, 20)
    centre = (COL0 + 9, ROW0 + 9)
    ring = (cells["col"] - centre[0]).abs().le(1) & (cells["row"] - centre[1]).abs().le(1)
    is_centre = (cells["col"] == centre[0]) & (cells["row"] == centre[1])
    counts = np.where(is_centre, 0, np.where(ring, 30, 1))
    keep = counts > 0
    points = points_at(
        cells["col"][keep] * 250 + 125, cells["row"][keep] * 250 + 125, incidents=counts[keep].astype(int)
    )
    lon, lat = lonlat([COL0 * 250 + 10, (COL0 + 20) * 250 - 10], [ROW0 * 250 + 10, (ROW0 + 20) * 250 - 10])
    result = hotspots.compute_hotspots(points, shapely.box(lon[0], lat[0], lon[1], lat[1]))
    row = result.hot_cells.set_index("cell_id").loc[hotspots.cell_id([centre[0]], [centre[1]])[0]]
    assert row["incidents"] == 0
    assert row["ward_name"] == "–" and row["main_streets"] == hotspots.NO_INCIDENT_IN_SQUARE
    busy = result.hot_cells[result.hot_cells["incidents"] > 0]
    assert len(busy) and busy["main_streets"].str.startswith("On or near Test Street").all()
