"""Ingest speed on real police.uk files, against a bare pyarrow read of the same files in the same run.

Usage: .venv/bin/python bench/bench_ingest.py [--runs 5] [--raw ../shared/data/raw]

Inputs:
- ``kent-2025``: the 12 Kent 2025 files (180,022 rows), a monthly folder;
- ``national-2022-01``: the national archive month (41 forces, 348,212 rows), as a folder;
- ``national-2022-01.zip``: the same month as one zip archive, as data.police.uk serves it.

For each input it reports the median wall time of whole ingest runs into a fresh store (read, check,
keep the area's rows, assign wards, write and commit a version) and of a bare ``pyarrow.csv.read_csv``
of the same CSV files (no checks, no filter, no writing), and the ratio: the line
``ingest / baseline: N.Nx``. Medians of several runs: the machines here are shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from csp_data.config import load_area  # noqa: E402
from csp_data.store import Store  # noqa: E402
from csp_data.store.ingest import ingest  # noqa: E402


def bench(name: str, source: Path, files: list[Path], runs: int, area) -> None:
    ingest_times, read_times, rows = [], [], 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = sum(pacsv.read_csv(f).num_rows for f in files)
        read_times.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            reports = ingest([source], area, Store(tmp))
            ingest_times.append(time.perf_counter() - start)
    assert sum(r.rows_read for r in reports) == rows
    ingest_median, read_median = statistics.median(ingest_times), statistics.median(read_times)
    kept = sum(r.rows_kept for r in reports)
    print(f"== {name}: {rows:,} rows in {len(files)} files, {kept:,} kept for the area; runs: {runs}")
    print(
        f"ingest: median {ingest_median:.3f} s ({rows / ingest_median:,.0f} rows/s); all runs {[round(t, 3) for t in ingest_times]}"
    )
    print(f"baseline pyarrow read only: median {read_median:.3f} s ({rows / read_median:,.0f} rows/s)")
    print(f"ingest / baseline: {ingest_median / read_median:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--raw", default=str(ROOT.parent / "shared" / "data" / "raw"))
    args = parser.parse_args()
    raw = Path(args.raw)
    area = load_area()
    # Warm-up: boundaries are read once per process, as in the CLI's single load.
    with tempfile.TemporaryDirectory() as tmp:
        ingest([sorted((raw / "police_uk_kent_2025").glob("*.csv"))[0]], area, Store(tmp))

    kent = raw / "police_uk_kent_2025"
    bench("kent-2025", kent, sorted(kent.glob("*-street.csv")), args.runs, area)
    national = raw / "police_uk_national_2022_01"
    national_files = sorted(national.glob("*-street.csv"))
    bench("national-2022-01", national, national_files, args.runs, area)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "2022-01.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in national_files:
                zf.write(path, f"2022-01/{path.name}")
        bench("national-2022-01.zip", archive, national_files, args.runs, area)


if __name__ == "__main__":
    main()
