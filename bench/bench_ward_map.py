"""Server work of the Ward map page: its queries, figures and map, timed warm.

Usage: .venv/bin/python bench/bench_ward_map.py [--runs 9] [--national]

Three measures, each the median of ``--runs`` warm runs (the first run, which reads boundaries,
opens files and builds views, is reported apart):

1. ``uncached``: every query of a page run sent to DuckDB (no result cache) plus the figures,
   the class breaks and the map, serialised to JSON as ``st.pydeck_chart`` does. This is what a
   rerun costs when the user picks a crime type, measure or ward not seen before.
2. ``cached``: the same with query results served from a cache (as ``st.cache_data`` does, copies
   included): a rerun with choices seen before (e.g. going back to a ward). Split into queries and
   figures, and building the map.
3. ``apptest``: the whole script (``app.py`` then ``views/ward_map.py`` with a ward profile open)
   under Streamlit's AppTest, which adds Streamlit's own work (widgets, serialising elements).

``--national`` repeats 1 and 2 on a synthetic England-and-Wales-sized store (the embedded Medway
months copied under 43 forces and 36 months; see bench_overview.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from csp_data import maps  # noqa: E402
from csp_data.charts import wards as ward_charts  # noqa: E402
from csp_data.config import load_area  # noqa: E402
from csp_data.figures import ward_classes, ward_profile  # noqa: E402
from csp_data.figures import wards as wardmap  # noqa: E402
from csp_data.periods import latest_12_months  # noqa: E402
from csp_data.series import counted_choices  # noqa: E402
from csp_data.store import Store  # noqa: E402
from csp_data.store.queries import Database  # noqa: E402
from csp_data.ui.charts import chart_spec, finished  # noqa: E402

WARD = "E05014455"  # Gillingham South


class CachedQueries:
    """Query results kept by name and parameters, handed out as copies (like ui.run_query)."""

    def __init__(self, db: Database):
        self.db = db
        self.results: dict[tuple, pd.DataFrame] = {}

    def __call__(self, name: str, **params) -> pd.DataFrame:
        key = (name, tuple(sorted(params.items())))
        if key not in self.results:
            self.results[key] = self.db.query(name, **params)
        return self.results[key].copy()


def page_figures(run_query, area, loaded, period, incident_filter, measure="count"):
    held = run_query("crime_type_counts", first=period.first, last=period.last)
    counted_choices(held["crime_type"])
    table = wardmap.build_ward_table(run_query, area, area.current_wards.vintage, period, incident_filter, loaded)
    measure, _ = wardmap.effective_measure(table, measure)
    classes = ward_classes.classify_wards(table, measure)
    wardmap.top_wards_share(run_query, period, area.current_wards.vintage)
    ward_classes.ward_display_table(table, classes)
    profile = ward_profile.build_ward_profile(run_query, table, WARD)
    finished(ward_charts.ward_trend_chart(profile, area.short_name, incident_filter.noun))  # as the page sends them
    chart_spec(ward_charts.ward_mix_chart(profile, area.short_name))
    return table, classes


def map_json(area, table, classes) -> int:
    shapes = maps.ward_shapes(area.current_wards)
    deck = maps.build_ward_map(shapes, classes.ward_colours, ward_classes.tooltip_fields(table), selected_ward=WARD)
    return len(deck.to_json())


def median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def time_store(label: str, area, store: Store, runs: int) -> None:
    start = time.perf_counter()
    db = Database(area, store)
    loaded = db.loaded_months()
    period = latest_12_months(loaded)
    table, classes = page_figures(db.query, area, loaded, period, wardmap.ALL_CRIME)
    size = map_json(area, table, classes)
    first = (time.perf_counter() - start) * 1000
    rows = int(db._connection.execute("SELECT count(*) FROM incidents").fetchone()[0])

    def uncached():
        table, classes = page_figures(db.query, area, loaded, period, wardmap.ALL_CRIME)
        map_json(area, table, classes)

    cached_queries = CachedQueries(db)
    page_figures(cached_queries, area, loaded, period, wardmap.ALL_CRIME)  # fill the cache
    state = {}

    def cached_figures():
        state["figures"] = page_figures(cached_queries, area, loaded, period, wardmap.ALL_CRIME)

    def cached_map():
        map_json(area, *state["figures"])

    uncached_ms = median_ms(uncached, runs)
    figures_ms = median_ms(cached_figures, runs)
    map_ms = median_ms(cached_map, runs)
    print(f"{label}: {rows:,} rows; first run {first:.0f} ms (map JSON {size / 1024:.0f} KiB)")
    print(f"  uncached (all queries to DuckDB + figures + map): median {uncached_ms:.0f} ms")
    print(
        f"  cached queries: figures {figures_ms:.1f} ms + map build and JSON {map_ms:.1f} ms "
        f"= {figures_ms + map_ms:.1f} ms  (median of {runs})"
    )
    db.close()


def time_apptest(runs: int) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/ward_map.py").run()
    at.selectbox(key="ward_map_ward_2023").set_value(WARD).run()
    assert not at.exception, at.exception

    def rerun():
        at.run()
        assert not at.exception

    print(
        f"apptest: whole script with a ward profile open, warm rerun median {median_ms(rerun, runs):.0f} ms "
        f"(Streamlit's own work included)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--national", action="store_true", help="also time a synthetic national-sized store")
    args = parser.parse_args()
    area = load_area()
    time_store("embedded store", area, Store(area.store_dir), args.runs)
    time_apptest(args.runs)
    if args.national:
        sys.path.insert(0, str(ROOT / "bench"))
        from bench_overview import build_synthetic_store

        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            store = build_synthetic_store(area, Path(tmp), 36, 43)
            print(f"synthetic store built in {time.perf_counter() - start:.0f} s")
            time_store("synthetic national-sized store", area, store, max(3, args.runs // 3))


if __name__ == "__main__":
    main()
