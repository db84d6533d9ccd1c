"""Synthetic stores for the benchmarks, written through the store's own code (``Store.building``).

Both are made from the embedded Medway rows, so only their size and layout mean anything, never
their figures:

- :func:`build_national_store`: an England-and-Wales-sized store (by default 36 months x 43 forces,
  10,000 rows a file: 1,548 files, about 15.5 million rows). Each file is the first 10,000 embedded
  rows (January to April 2025) with the month and the force changed. Counted with every force (the
  area file's ``territorial_forces`` left out), it makes every page read the whole store.
- :func:`build_medway_years_store`: a Medway-sized store over ten years (120 months, one file a month
  for Kent Police). Month ``YYYY-MM`` holds the embedded rows of ``2025-MM`` with the month changed;
  earlier years keep a seeded random subset of them (from about 84% of the rows nine years back to all
  of them in 2025), so counts vary from year to year and squares show trends.

:func:`area_file_for` writes an area file beside a store, like Medway's, whose other paths (boundaries,
population, benchmarks, plans, survey) lead back to Medway's files.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from csp_data.periods import add_months
from csp_data.store import Store
from csp_data.store.forces import force_key

LAST_MONTH = date(2025, 12, 1)


def embedded_rows(area) -> pa.Table:
    """Every row of the area's (embedded) store, in the store's column order."""
    with Store(area.store_dir).snapshot() as snap:
        return pa.concat_tables(pq.read_table(p) for p in snap.file_paths())


def ledger_row(month: date, force: str, rows: int, source: str = "synthetic") -> dict:
    return {
        "month": month,
        "force": force,
        "force_slug": force_key(force),
        "source": source,
        "rows_read": rows,
        "rows_kept": rows,
        "no_location": 0,
        "outside_area": 0,
        "malformed": 0,
        "in_no_ward": 0,
    }


def _with_column(table: pa.Table, name: str, value, type_: pa.DataType | None = None) -> pa.Table:
    index = table.schema.get_field_index(name)
    return table.set_column(index, name, pa.array([value] * table.num_rows, type_ or table.schema.field(name).type))


def build_national_store(
    area, target: Path, months: int = 36, forces: int = 43, rows_per_file: int = 10_000, workers: int = 2
) -> Store:
    """One file per month and force, ``rows_per_file`` rows each, committed as one version.

    Files are written by ``workers`` threads (pyarrow encodes without the GIL); the files, manifest and
    ledger are those a sequential build writes.
    """
    source = embedded_rows(area)
    month_rows = source.slice(0, min(source.num_rows, rows_per_file))
    ledger = []
    jobs = []
    for m in range(months):
        month = add_months(LAST_MONTH, -m)
        rows = _with_column(month_rows, "month", month, pa.date32())
        for f in range(forces):
            force = f"Force {f:02d}"
            jobs.append((month.strftime("%Y-%m"), force_key(force), _with_column(rows, "force", force)))
            ledger.append(ledger_row(month, force, rows.num_rows))
    store = Store(target)
    with store.building() as build:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for done in pool.map(lambda job: build.add(*job), jobs):
                del done
        build.commit(ledger)
    return store


def build_medway_years_store(
    area, target: Path, months: int = 120, seed: int = 16, force: str = "Kent Police", workers: int = 2
) -> Store:
    """``months`` months to December 2025, each the embedded month of the same calendar month."""
    source = embedded_rows(area)
    source = source.filter(pc.equal(source["force"], force))
    by_month = {m.month: source.filter(pc.equal(source["month"], pa.scalar(m, pa.date32()))) for m in _months(source)}
    rng = np.random.default_rng(seed)
    ledger = []
    jobs = []
    for back in range(months):
        month = add_months(LAST_MONTH, -back)
        rows = by_month[month.month]
        keep = 1.0 - 0.018 * (back // 12)  # 100% of the rows in 2025, about 84% in 2016
        if keep < 1.0:
            rows = rows.filter(pa.array(rng.random(rows.num_rows) < keep))
        rows = _with_column(rows, "month", month, pa.date32())
        jobs.append((month.strftime("%Y-%m"), force_key(force), rows))
        ledger.append(ledger_row(month, force, rows.num_rows))
    store = Store(target)
    with store.building() as build:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for done in pool.map(lambda job: build.add(*job), jobs):
                del done
        build.commit(ledger)
    return store


def _months(table: pa.Table) -> list[date]:
    return sorted(set(table["month"].to_pylist()))


def store_rows(store: Store) -> tuple[int, int]:
    """Rows and files of the store's current version, from its manifest."""
    with store.snapshot() as snap:
        return sum(f.rows for f in snap.files), len(snap.files)


def area_file_for(area, folder: Path, store_dir: Path, every_force: bool = False) -> Path:
    """An area file in ``folder`` like ``area``'s, reading ``store_dir``; ``every_force`` leaves out
    ``territorial_forces`` (every force counts). The area's other folders are linked in ``folder``."""
    home = area.area_file.parent
    folder.mkdir(parents=True, exist_ok=True)
    for entry in home.iterdir():
        if entry.name not in (area.area_file.name, "store"):
            (folder / entry.name).symlink_to(entry)
    text = area.area_file.read_text(encoding="utf-8")
    text, found = re.subn(r'(?m)^path\s*=\s*"[^"]*"', f"path = {_toml_string(str(store_dir))}", text)
    if found != 1:
        raise ValueError(f"{area.area_file}: expected one [store] path line")
    if every_force:
        text = re.sub(r"(?m)^territorial_forces\s*=.*$", "", text)
    path = folder / "area.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
