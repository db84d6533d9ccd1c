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
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from csp_data.config import load_area  # noqa: E402
from csp_data.figures.overview import build_overview  # noqa: E402
from csp_data.periods import add_months, latest_12_months  # noqa: E402
from csp_data.store import Store  # noqa: E402
from csp_data.store.forces import force_key  # noqa: E402
from csp_data.store.queries import Database  # noqa: E402


def time_overview(area, store, runs: int) -> tuple[float, float, int]:
    start = time.perf_counter()
    db = Database(area, store)
    loaded = [m.date() if hasattr(m, "date") else m for m in db.query("loaded_months")["month"]]
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
    """Write the synthetic months as versions are written: one file per month and force, one commit."""
    with Store(area.store_dir).snapshot() as snap:
        source = pa.concat_tables(pq.read_table(p) for p in snap.file_paths())
    # One month of a force: four months of Medway rows (about 10,000 rows, like a mid-sized force).
    month_rows = source.slice(0, min(source.num_rows, 10_000))
    last = date(2025, 12, 1)
    ledger = []
    store = Store(target)
    with store.building() as build:
        for m in range(months):
            month = add_months(last, -m)
            rows = month_rows.set_column(0, "month", pa.array([month] * month_rows.num_rows, pa.date32()))
            for f in range(forces):
                force = f"Force {f:02d}"
                rows_f = rows.set_column(
                    rows.schema.get_field_index("force"), "force", pa.array([force] * rows.num_rows)
                )
                build.add(month.strftime("%Y-%m"), force_key(force), rows_f)
                ledger.append(
                    {
                        "month": month,
                        "force": force,
                        "force_slug": force_key(force),
                        "source": "synthetic",
                        "rows_read": rows.num_rows,
                        "rows_kept": rows.num_rows,
                        "no_location": 0,
                        "outside_area": 0,
                        "malformed": 0,
                        "in_no_ward": 0,
                    }
                )
        build.commit(ledger)
    return store


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
