"""Server work of the Overview page: every query and computation, without Streamlit's cache.

Usage: .venv/bin/python bench/bench_overview.py [--runs 7] [--scale-months 36 --scale-forces 43]

1. On the embedded Medway store (30,589 rows).
2. On a synthetic England-and-Wales-sized store made in a temporary folder by copying the embedded
   Medway months under 43 force names and several years (a store layout and row count like a national
   one: one parquet file per month and force). Figures are the real Medway rows repeated, so only the
   timing means anything.

Reports medians of warm runs (the first run, which opens files and builds views, is reported apart).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synthetic import build_national_store  # noqa: E402

from csp_data.config import load_area  # noqa: E402
from csp_data.figures.overview import build_overview  # noqa: E402
from csp_data.periods import latest_12_months  # noqa: E402
from csp_data.store import Store  # noqa: E402
from csp_data.store.queries import Database  # noqa: E402


def time_overview(area, store, runs: int) -> tuple[float, float, int]:
    start = time.perf_counter()
    db = Database(area, store)
    loaded = db.loaded_months()
    period = latest_12_months(loaded)
    build_overview(db.query, area, period, loaded, 282702)
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build_overview(db.query, area, period, loaded, 282702)
        times.append(time.perf_counter() - start)
    rows = int(db._connection.execute("SELECT count(*) FROM incidents").fetchone()[0])
    db.close()
    return first, statistics.median(times), rows


def build_synthetic_store(area, target: Path, months: int, forces: int) -> Store:
    """Write the synthetic months as versions are written: one file per month and force, one commit.

    One month of a force: four months of Medway rows (about 10,000 rows, like a mid-sized force); see
    ``bench/synthetic.py``, which the page benchmarks share."""
    return build_national_store(area, target, months, forces)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scale-months", type=int, default=36)
    parser.add_argument("--scale-forces", type=int, default=43)
    args = parser.parse_args()
    area = load_area()
    first, warm, rows = time_overview(area, Store(area.store_dir), args.runs)
    print(
        f"embedded store: {rows:,} rows; first run {first * 1000:.0f} ms; warm median {warm * 1000:.0f} ms ({args.runs} runs)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store = build_synthetic_store(area, Path(tmp), args.scale_months, args.scale_forces)
        print(f"synthetic store built in {time.perf_counter() - start:.0f} s")
        # Every synthetic force counts in the totals (the area file names Kent Police alone).
        first, warm_big, rows = time_overview(dataclasses.replace(area, territorial_forces=()), store, args.runs)
        print(
            f"synthetic national-sized store: {rows:,} rows in {args.scale_months * args.scale_forces:,} files; "
            f"first run {first * 1000:.0f} ms; warm median {warm_big * 1000:.0f} ms ({args.runs} runs)"
        )
        print(f"national / embedded: {warm_big / warm:.1f}x")


if __name__ == "__main__":
    main()
