"""AppTest: the Hotspots page on the embedded 2025 data.

Figures are checked independently of the page's SQL and package: DuckDB over the store's parquet
files, and a Gi* computed here with numpy from its textbook formula on the same 250 m grid.
"""

from __future__ import annotations

import duckdb
import numpy as np
from streamlit.testing.v1 import AppTest

from helpers import ROOT

APP = str(ROOT / "app.py")
PAGE = "views/hotspots.py"
STORE_FILES = str(ROOT / "data" / "medway" / "store" / "incidents" / "*" / "*" / "incidents.parquet")


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
    assert "more history" in infos  # one year loaded: no emerging hotspots
    assert "What a hotspot means here" in " ".join(m.value for m in at.markdown)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Hotspot cells"].replace(",", "")) > 0
    assert len(at.dataframe) == 3


def test_repeat_locations_match_the_store():
    at = open_page()
    repeats = at.dataframe[1].value
    with duckdb.connect() as con:
        expected = con.execute(
            f"SELECT location, count(*) AS n, count(DISTINCT month) AS months FROM read_parquet('{STORE_FILES}') "
            "WHERE kind = 'crime' AND longitude IS NOT NULL GROUP BY location, longitude, latitude "
            "ORDER BY n DESC, months DESC, location LIMIT 5"
        ).fetchall()
    got = list(zip(repeats["location"].head(5), repeats["incidents"].head(5), repeats["months_present"].head(5)))
    assert got == [(loc, n, m) for loc, n, m in expected]
    assert repeats["flagged"].iloc[0] == "⚑"


def independent_gi_star_hot_cells() -> set[str]:
    """Hot cells (any confidence) from the textbook Gi* formula, written here without esda or the package.

    Grid: 250 m squares of the British National Grid touching the 2023 wards, plus any square holding
    an incident; binary weights to the 8 surrounding squares and the square itself; two-sided normal
    p-values; Benjamini-Hochberg at 10%.
    """
    import geopandas as gpd
    import shapely
    from pyproj import Transformer
    from scipy.stats import norm

    with duckdb.connect() as con:
        lon, lat = np.array(con.execute(
            f"SELECT longitude, latitude FROM read_parquet('{STORE_FILES}') WHERE kind = 'crime' AND longitude IS NOT NULL"
        ).fetchall()).T
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
    values = np.array([counts[c] for c in cells], dtype=float)
    n, mean = len(values), values.mean()
    s = np.sqrt((values ** 2).mean() - mean ** 2)
    index = {c: i for i, c in enumerate(cells)}
    z = np.zeros(n)
    for i, (c, r) in enumerate(cells):
        neighbours = [index[(c + dc, r + dr)] for dc in (-1, 0, 1) for dr in (-1, 0, 1) if (c + dc, r + dr) in index]
        w = len(neighbours)
        z[i] = (values[neighbours].sum() - mean * w) / (s * np.sqrt((n * w - w ** 2) / (n - 1)))
    p = 2 * norm.sf(np.abs(z))
    order = np.argsort(p)
    passed = p[order] <= 0.10 * np.arange(1, n + 1) / n
    cutoff = p[order][np.nonzero(passed)[0].max()] if passed.any() else -1.0
    return {f"{c}_{r}" for (c, r), zi, pi in zip(cells, z, p) if zi > 0 and pi <= cutoff}


def test_hot_squares_match_an_independent_gi_star():
    at = open_page()
    hot = at.dataframe[0].value
    expected = independent_gi_star_hot_cells()
    assert set(hot["cell_id"]) == expected
    assert {m.label: m.value for m in at.metric}["Hotspot cells"] == f"{len(expected):,}"


def test_asb_choice_runs():
    at = open_page(hotspots_filter="asb")
    assert not at.exception and not at.error
    assert "anti-social behaviour" in " ".join(c.value for c in at.caption)
