"""Ingest speed on the real Kent 2025 files (180,022 rows, 12 files).

Usage: .venv/bin/python bench/bench_ingest.py [--runs 5] [--raw ../shared/data/raw]

Reports the median wall time of whole ingest runs into a fresh store, and rows read per second.
As a baseline in the same process it also times reading the same CSV files with pyarrow alone
(no checks, no area filter, no wards, no writing), so the ratio shows what ingest adds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from csp_data.config import load_area  # noqa: E402
from csp_data.ingest import ingest  # noqa: E402
from csp_data.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--raw", default=str(ROOT.parent / "shared" / "data" / "raw"))
    args = parser.parse_args()
    folder = Path(args.raw) / "police_uk_kent_2025"
    files = sorted(folder.glob("*-street.csv"))
    area = load_area()
    ingest_times, read_times, rows = [], [], 0
    for _ in range(args.runs):
        start = time.perf_counter()
        rows = sum(pacsv.read_csv(f).num_rows for f in files)
        read_times.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            reports = ingest([folder], area, Store(tmp))
            ingest_times.append(time.perf_counter() - start)
    assert sum(r.rows_read for r in reports) == rows
    ingest_median, read_median = statistics.median(ingest_times), statistics.median(read_times)
    print(f"rows read per run: {rows:,} in {len(files)} files; runs: {args.runs}")
    print(f"ingest: median {ingest_median:.3f} s ({rows / ingest_median:,.0f} rows/s); all runs {[round(t, 3) for t in ingest_times]}")
    print(f"baseline pyarrow read only: median {read_median:.3f} s ({rows / read_median:,.0f} rows/s)")
    print(f"ingest / baseline: {ingest_median / read_median:.1f}x")


if __name__ == "__main__":
    main()
