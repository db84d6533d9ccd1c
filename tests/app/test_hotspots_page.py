"""AppTest: the Hotspots page on the embedded 2025 data.

Figures are checked independently of the page's SQL and package: DuckDB over the store's parquet
files, and a Gi* computed here with numpy (textbook z-scores, its own permutation test) on the same
250 m grid.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from helpers import EMBEDDED_STORE_GLOB, ROOT, csv_bytes, shown_tables, street_row, ward_points

APP = str(ROOT / "app.py")
PAGE = "views/hotspots.py"
STORE_FILES = EMBEDDED_STORE_GLOB


def open_page(**page_state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    for key, value in page_state.items():
        at.session_state[key] = value
    return at.switch_page(PAGE).run()


def test_page_draws_map_tables_and_notes():
    at = open_page()
    assert not at.exception and not at.error
    assert at.title[0].value == "Medway hotspots"
    assert len(at.get("deck_gl_json_chart")) == 1
    infos = " ".join(i.value for i in at.info)
    assert "anonymised snap point" in infos
    # 27 months loaded (2022, 2024, 2025): the emerging-hotspot test runs, over the loaded months only.
    assert "need at least two years of monthly data" not in infos
    captions = " ".join(c.value for c in at.caption)
    assert "over all 27 loaded months to Dec 2025" in captions
    # Square names and the Gi* score are said in words (their headings' explanations were on hover only), and
    # the rising squares' test says a gap's step up between years reads as a rise.
    assert "named by its column and row on the British National Grid" in captions
    assert "in standard deviations" in captions and "reads as a rise" in captions
    # The flag's rule whole: a share and a least count (points of 1-4% with under 20 incidents went unflagged).
    assert "⚑ marks a point holding at least 1% of Medway's incidents (and at least 20)" in captions
    # Each top street's change is tested alone: the table says one in 20 can look real by chance.
    assert "streets is tested on its own at 95%, so about one in 20 can show a real change by chance" in captions
    assert "What a hotspot means here" in " ".join(m.value for m in at.markdown)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Hotspot squares"].replace(",", "")) > 0
    assert len(shown_tables(at)) == 4  # hot squares, repeat locations, top streets, emerging squares


def test_repeat_locations_match_the_store():
    at = open_page()
    repeats = shown_tables(at)[1].value
    with duckdb.connect() as con:
        expected = con.execute(
            f"SELECT location, count(*) AS n, count(DISTINCT month) AS months FROM read_parquet('{STORE_FILES}') "
            "WHERE kind = 'crime' AND longitude IS NOT NULL AND month BETWEEN '2025-01-01' AND '2025-12-01' "
            "GROUP BY location, longitude, latitude "
            "ORDER BY n DESC, months DESC, location LIMIT 5"
        ).fetchall()
    got = list(zip(repeats["location"].head(5), repeats["incidents"].head(5), repeats["months_present"].head(5)))
    assert got == [(loc, n, m) for loc, n, m in expected]
    assert repeats["flagged"].iloc[0] == "⚑"


def independent_grid() -> tuple[list[tuple[int, int]], np.ndarray]:
    """All-crime counts per 250 m British National Grid square touching the 2023 wards (plus any
    square holding an incident), built here without the package."""
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    with duckdb.connect() as con:
        lon, lat = np.array(
            con.execute(
                f"SELECT longitude, latitude FROM read_parquet('{STORE_FILES}') WHERE kind = 'crime' "
                "AND longitude IS NOT NULL AND month BETWEEN '2025-01-01' AND '2025-12-01'"
            ).fetchall()
        ).T
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(lon, lat)
    counts: dict[tuple[int, int], int] = {}
    for c, r in zip(np.floor(x / 250).astype(int), np.floor(y / 250).astype(int)):
        counts[(c, r)] = counts.get((c, r), 0) + 1
    wards = gpd.read_file(ROOT / "data" / "medway" / "boundaries" / "wards_2023.geojson").to_crs("EPSG:27700")
    outline = shapely.union_all(wards.geometry.values)
    west, south, east, north = outline.bounds
    for c in range(int(west // 250), int(east // 250) + 1):
        for r in range(int(south // 250), int(north // 250) + 1):
            if outline.intersects(shapely.box(c * 250, r * 250, c * 250 + 250, r * 250 + 250)):
                counts.setdefault((c, r), 0)
    cells = sorted(counts)
    return cells, np.array([counts[c] for c in cells], dtype=np.int64)


def independent_gi_star(draws: int = 20_000, seed: int = 99) -> dict[str, float]:
    """Cell id -> Gi* z-score (textbook formula) for the squares found hot here with no help from
    esda or the package: a conditional permutation test (the square keeps its count, its neighbours'
    counts are redrawn from the other squares, by rejection sampling), two-sided, Benjamini-Hochberg
    at 10% over all squares. Squares with z <= 0 cannot be hot, so only the others are simulated;
    the rest count in the correction with p = 1."""
    cells, values = independent_grid()
    n = len(values)
    mean = values.mean()
    s = np.sqrt((values.astype(float) ** 2).mean() - mean**2)
    index = {c: i for i, c in enumerate(cells)}
    rng = np.random.default_rng(seed)
    z, p = np.zeros(n), np.ones(n)
    for i, (c, r) in enumerate(cells):
        others = [
            index[(c + dc, r + dr)]
            for dc in (-1, 0, 1)
            for dr in (-1, 0, 1)
            if (dc, dr) != (0, 0) and (c + dc, r + dr) in index
        ]
        w = len(others) + 1
        z[i] = (values[others].sum() + values[i] - mean * w) / (s * np.sqrt((n * w - w**2) / (n - 1)))
        if z[i] <= 0 or not others:
            continue
        picks = rng.integers(0, n - 1, size=(draws, len(others)))
        while True:  # redraw any row that picked a square twice
            ordered = np.sort(picks, axis=1)
            repeated = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
            if not repeated.any():
                break
            picks[repeated] = rng.integers(0, n - 1, size=(int(repeated.sum()), len(others)))
        picks[picks >= i] += 1  # never the square itself
        totals = values[picks].sum(axis=1)
        observed = values[others].sum()
        p_high = (1 + (totals >= observed).sum()) / (draws + 1)
        p_low = (1 + (totals <= observed).sum()) / (draws + 1)
        p[i] = min(1.0, 2 * min(p_high, p_low))
    order = np.argsort(p)
    passed = p[order] <= 0.10 * np.arange(1, n + 1) / n
    cutoff = p[order][np.nonzero(passed)[0].max()] if passed.any() else -1.0
    return {f"{c}_{r}": zi for (c, r), zi, pi in zip(cells, z, p) if zi > 0 and pi <= cutoff}


def test_hot_squares_match_an_independent_gi_star():
    at = open_page()
    hot = shown_tables(at)[0].value
    expected = independent_gi_star()
    got = set(hot["cell_id"])
    assert len(expected) >= 20
    # Two Monte Carlo runs differ only for squares near the 10% line: nearly the same squares.
    assert len(got & set(expected)) / len(got | set(expected)) >= 0.85
    strongest = sorted(expected, key=expected.get, reverse=True)[:10]
    assert set(strongest) <= got
    z_by_cell = dict(zip(hot["cell_id"], hot["z_score"]))
    for cell in got & set(expected):
        assert abs(z_by_cell[cell] - expected[cell]) < 1e-9
    assert {m.label: m.value for m in at.metric}["Hotspot squares"] == f"{len(got):,}"


def test_asb_choice_runs():
    at = open_page(hotspots_filter="asb")
    assert not at.exception and not at.error
    assert "anti-social behaviour" in " ".join(c.value for c in at.caption)


# -- generated test data: two years with one rising place ---------------------------------------


@pytest.fixture(scope="module")
def rising_store(tmp_path_factory):
    """GENERATED TEST DATA, not real: 24 months (Jan 2024 - Dec 2025) with two incidents a month at a
    point in each Medway ward, and at one place in Chatham n incidents in the n-th month."""
    from csp_data.config import load_area
    from csp_data.store import Store
    from csp_data.store.ingest import ingest

    points = ward_points()
    rising = points["Chatham Central & Brompton"]
    months = [f"{year}-{month:02d}" for year in (2024, 2025) for month in range(1, 13)]
    folder = tmp_path_factory.mktemp("generated-raw")
    all_rows = []
    for n, month in enumerate(months, start=1):
        rows = [
            street_row(month, "Burglary", *xy, location=f"On or near {ward} Road")
            for ward, xy in points.items()
            for _ in range(2)
        ]
        rows += [street_row(month, "Burglary", *rising, location="On or near Rising Street")] * n
        (folder / f"{month}-kent-street.csv").write_bytes(csv_bytes(rows))
        all_rows += [(date.fromisoformat(f"{month}-01"), float(r[4]), float(r[5])) for r in rows]
    root = tmp_path_factory.mktemp("generated-store")
    ingest([folder], load_area(None), Store(root))
    return root, rising, all_rows


def test_emerging_hotspots_on_two_generated_years(rising_store, monkeypatch):
    from pyproj import Transformer

    root, rising, rows = rising_store
    monkeypatch.setenv("CSP_STORE_DIR", str(root))
    at = open_page()
    assert not at.exception and not at.error
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)

    def cell(lon, lat):
        x, y = to_grid.transform(lon, lat)
        return f"{int(x // 250)}_{int(y // 250)}"

    rising_cell = cell(*rising)
    in_cell = [(m, lon, lat) for m, lon, lat in rows if cell(lon, lat) == rising_cell]
    first_year = sum(1 for m, *_ in in_cell if m.year == 2024)
    last_year = sum(1 for m, *_ in in_cell if m.year == 2025)

    table = shown_tables(at)[-1].value  # the last table on the page
    assert list(table["cell_id"]) == [rising_cell]
    row = table.iloc[0]
    assert (row["first_year"], row["last_year"]) == (first_year, last_year)
    assert row["confidence"] == "99%" and row["slope_per_year"] == pytest.approx(12.0)
    assert row["ward_name"] == "Chatham Central & Brompton"
    # Every other square is flat (the same count each month), so it is tested and not rising.
    tested = len({cell(lon, lat) for _, lon, lat in rows})
    assert f"({tested:,} squares)" in " ".join(c.value for c in at.caption)
    assert "need at least two years of monthly data" not in " ".join(i.value for i in at.info)


def test_the_summary_names_the_months_and_a_partial_period_says_so():
    """The caption said "Financial year 2024/25: 8,692 incidents…", not that 4 of its 12 months are loaded (every
    other page says so), and the repeat locations read "in latest 12 months"."""
    at = open_page()
    captions = [c.value for c in at.caption]
    assert captions[0].startswith("Latest 12 months, Jan 2025 to Dec 2025: all 12 months loaded. 25,082 incidents")
    assert any("most incidents of crime in the latest 12 months:" in c for c in captions)
    at = open_page(period_kind="Financial year (April to March)", period_financial="Financial year 2024/25")
    assert not at.exception and not at.error
    first = at.caption[0].value
    assert first.startswith(
        "Financial year 2024/25, Apr 2024 to Mar 2025: partial, 4 of 12 months loaded (missing May 2024 to "
        "Dec 2024). 8,692 incidents of crime with a map point"
    ), first
    assert any("in financial year 2024/25:" in c.value for c in at.caption)


def test_a_custom_period_reads_by_its_months_within_a_sentence():
    from csp_data.periods import custom_period, financial_year, latest_12_months

    assert custom_period(date(2025, 7, 1), date(2025, 12, 1)).in_sentence == "Jul 2025 to Dec 2025"
    assert latest_12_months([date(2025, 12, 1)]).in_sentence == "the latest 12 months"
    assert financial_year(2024).in_sentence == "financial year 2024/25"
    # Captions name the period before its months, a custom period (named by its months) once: the ward map had
    # read "Custom: May 2025 to Nov 2025: May 2025 to Nov 2025: all 7 months loaded."
    from csp_data.periods import describe_coverage, named_coverage

    custom = custom_period(date(2025, 5, 1), date(2025, 11, 1))
    months = [date(2025, m, 1) for m in range(1, 13)]
    assert named_coverage(custom, describe_coverage(custom, months)) == "May 2025 to Nov 2025: all 7 months loaded."
    assert named_coverage(financial_year(2024), "X") == "Financial year 2024/25, X"
