"""Load police.uk street-level files into an area's incidents store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from csp_data.config import Area
from csp_data.errors import AreaFileError, InputFileError
from csp_data.store.districts import districts_changed, remember_districts
from csp_data.store.geography import assign_wards, ward_labels
from csp_data.store.load_notes import (
    district_notes,
    no_ward_notes,
    repeated_id_notes,
    shrunk_notes,
    territorial_notes,
)
from csp_data.store.policeuk import DROP_REASONS, parse_street_file
from csp_data.store.sources import discover_street_files
from csp_data.store.versions import Store, StoreError

# Rows kept for the area are held in memory until the load commits; past this many they are written
# into the new version as they come, so that memory stays bounded for any input.
SPILL_ROWS = 1_000_000


class EmptyLoadError(InputFileError):
    """A month for which no file kept a row in the area (refused unless ``allow_empty``)."""


@dataclass(frozen=True)
class MonthReport:
    """What happened to one month of one force's rows."""

    month: str
    force: str
    force_slug: str
    source: str
    rows_read: int
    rows_kept: int
    no_location: int
    outside_area: int
    malformed: int
    in_no_ward: int
    recorded: bool = True  # False: another force's file with no rows in the area, not put in the ledger
    repeated_ids: int = 0  # crimes kept whose Crime ID another kept row of the month already has


def incident_schema(area: Area) -> pa.Schema:
    """Columns of the store's parquet files for ``area`` (ward columns depend on its vintages)."""
    fields = [
        ("month", pa.date32()),
        ("kind", pa.string()),
        ("crime_type", pa.string()),
        ("crime_id", pa.string()),
        ("force", pa.string()),
        ("falls_within", pa.string()),
        ("longitude", pa.float64()),
        ("latitude", pa.float64()),
        ("location", pa.string()),
        ("lsoa_code", pa.string()),
        ("lsoa_name", pa.string()),
    ]
    for vintage in area.wards:
        fields += [(vintage.code_column, pa.string()), (vintage.name_column, pa.string())]
    fields += [("outcome", pa.string()), ("context", pa.string())]
    return pa.schema(fields)


def ward_sets_changed(area: Area, file_columns: Iterable[str]) -> str | None:
    """Why the store's files, whose columns are ``file_columns``, cannot be read with ``area``'s ward sets
    (None when they can). A file's ward columns are those of the ``[[wards]]`` its months were loaded with:
    a set added, removed or made current since then changes them, and the months must be loaded again."""
    expected = {name for name in incident_schema(area).names if name.startswith("ward_")}
    found = {name for name in file_columns if name.startswith("ward_")}
    if expected == found:
        return None
    return (
        "the store's months were loaded with other ward sets ([[wards]]) than the area file names now "
        f"(their files have {', '.join(sorted(found)) or 'no ward columns'}; it needs {', '.join(sorted(expected))}). "
        "Load every month again into a new store: give [store] path a new folder in the area file, then run "
        "`python -m csp_data ingest` with all the months' files"
    )


def stored_districts_changed(store: Store, area: Area) -> str | None:
    """:func:`csp_data.store.districts.districts_changed` for ``store`` and ``area``'s districts."""
    try:
        has_months = bool(store.loaded_months())
    except StoreError:
        return None  # a damaged store: the load itself reports it
    return districts_changed(store.root, area.lsoa_districts, has_months)


def stored_ward_sets_changed(store: Store, area: Area) -> str | None:
    """:func:`ward_sets_changed` for the store's files (months loaded with other ward sets could not be read
    beside new ones); None for an empty store, or a damaged one, which the load itself reports."""
    try:
        with store.snapshot() as snapshot:
            stored = snapshot.file_paths()[:1]
            return ward_sets_changed(area, pq.read_schema(stored[0]).names) if stored else None
    except (StoreError, OSError, pa.ArrowException):
        return None


def _with_wards(rows: pa.Table, area: Area) -> tuple[pa.Table, np.ndarray]:
    longitude = rows.column("longitude").to_numpy()
    latitude = rows.column("latitude").to_numpy()
    in_no_current_ward = np.zeros(len(longitude), dtype=bool)
    for vintage in area.wards:
        index = assign_wards(longitude, latitude, vintage)
        missing = index < 0
        ward_codes, ward_names = ward_labels(vintage)
        codes = ward_codes.take(pa.array(np.maximum(index, 0)))
        names = ward_names.take(pa.array(np.maximum(index, 0)))
        null = pa.array(missing)
        rows = rows.append_column(vintage.code_column, pc.if_else(null, pa.scalar(None, pa.string()), codes))
        rows = rows.append_column(vintage.name_column, pc.if_else(null, pa.scalar(None, pa.string()), names))
        if vintage.current:
            in_no_current_ward = missing
    return rows, in_no_current_ward


def _stored_spellings(store: Store) -> dict[str, str]:
    """The spelling of each force the store holds (its latest month's), by force key."""
    try:
        ledger = sorted(store.read_ledger().to_pylist(), key=lambda row: row["month"])
    except StoreError:
        return {}
    return {row["force_slug"]: row["force"] for row in ledger}


def _spelt(table: pa.Table, force: str) -> pa.Table:
    """``table`` with its force column spelt ``force`` (the file's own spelling may differ in case or marks)."""
    if table.num_rows and table.column("force")[0].as_py() == force:
        return table
    column = table.schema.get_field_index("force")
    return table.set_column(column, table.schema.field(column), pa.array([force] * table.num_rows, pa.string()))


def _store_table(rows: pa.Table, month: str, force: str, area: Area) -> pa.Table:
    schema = incident_schema(area)
    n = rows.num_rows
    rows = rows.append_column("month", pa.array([date.fromisoformat(month + "-01")] * n, pa.date32()))
    rows = rows.append_column("force", pa.array([force] * n, pa.string()))
    rows = rows.select(schema.names).cast(schema)
    # Sorting groups like values together, which keeps files small and row-group statistics useful.
    return rows.sort_by([("kind", "ascending"), ("ward_code", "ascending"), ("crime_type", "ascending")])


def ingest(
    paths: Iterable[str],
    area: Area,
    store: Store,
    progress: Callable[[Iterable], Iterable] = lambda items: items,
    allow_empty: bool = False,
    notes: list[str] | None = None,
) -> list[MonthReport]:
    """Read street-level files, keep the area's rows, assign wards and replace their months.

    Every file is read and checked before the new version of the store is committed, in one step
    (see :class:`~csp_data.store.Store`). A month and force that appears in two of the inputs is an
    error, since it is unclear which copy is meant. A month for which no file keeps a row in the
    area is refused unless ``allow_empty`` (a misspelt district in the area file, or another area's
    files, would otherwise be recorded as loaded months with nothing in them). Files of other forces
    with no rows in the area, beside a file that has some (in this load or an earlier one), are reported
    but not put in the ledger; when that is all there is, no new version is made. A force's file that keeps no
    row for a month the store holds rows of for that force is refused unless ``allow_empty`` (it would replace
    them with none). ``notes``, when given, gets what the user should check although the load went ahead
    (:mod:`csp_data.store.load_notes`: a district with no row, a month whose file is much shorter than the last one loaded for it).

    Returns
    -------
    list of MonthReport
        One per month and force, in month order.

    Raises
    ------
    InputFileError
        For the first bad input; the store is then left exactly as it was.
    """
    if problem := stored_ward_sets_changed(store, area) or stored_districts_changed(store, area):
        raise AreaFileError(area.area_file, problem)
    files = discover_street_files(list(paths))
    spellings = _stored_spellings(store)
    seen: dict[tuple[str, str], str] = {}
    districts_found: set[str] = set()
    reports: list[MonthReport] = []
    pending: list[tuple[str, str, pa.Table]] = []
    pending_rows = 0
    with ExitStack() as stack:
        # Two files are read, checked, warded and split while the one before is recorded: pyarrow and
        # shapely release the GIL, so both cores work. At most three files are in memory at once.
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=2))
        try:
            build = None
            for parsed, parts in _read_ahead(pool, progress(files), area):
                if not parsed.counts:  # a header and no rows
                    if allow_empty:
                        continue
                    raise EmptyLoadError(
                        parsed.label, "the file has a header but no rows (load with --allow-empty to skip such files)"
                    )
                districts_found |= parsed.districts
                # One spelling per force in the store: the one it already holds (or this load's first).
                for slug, counts in parsed.counts.items():
                    counts["force"] = spellings.setdefault(slug, counts["force"])
                parts = [
                    (month, slug, _spelt(table, spellings[slug]), missing) for month, slug, table, missing in parts
                ]
                in_no_ward = {slug: missing for _, slug, _, missing in parts}
                repeated = {slug: _repeated_ids(table) for _, slug, table, _ in parts}
                pending += [(month, slug, table) for month, slug, table, _ in parts]
                pending_rows += sum(table.num_rows for _, _, table, _ in parts)
                for slug, counts in sorted(parsed.counts.items()):
                    key = (parsed.month, slug)
                    if key in seen:
                        raise InputFileError(
                            parsed.label,
                            f"{parsed.month} for {counts['force']} is also in {seen[key]}; give each month once",
                        )
                    seen[key] = parsed.label
                    reports.append(
                        MonthReport(
                            parsed.month,
                            counts["force"],
                            slug,
                            parsed.label,
                            in_no_ward=in_no_ward.get(slug, 0),
                            repeated_ids=repeated.get(slug, 0),
                            **{k: counts[k] for k in ("rows_read", "rows_kept", *DROP_REASONS)},
                        )
                    )
                if pending_rows > SPILL_ROWS:
                    build = build or stack.enter_context(store.building())
                    _write_all(pool, build, pending)
                    pending, pending_rows = [], 0

            if notes is not None:
                notes += district_notes(area, districts_found, reports)
            read_before = _rows_read_by_month(store)
            reports = _recorded(reports, store, allow_empty, area.territorial_force_keys)
            if notes is not None:
                notes += shrunk_notes(reports, read_before)
                notes += territorial_notes(area, reports, read_before)
                notes += no_ward_notes(reports, area)
                notes += repeated_id_notes(reports)
            if build is None and not any(r.recorded for r in reports):
                return reports  # nothing to record (other forces' files only): no new version, the store as it was
            build = build or stack.enter_context(store.building())
            _write_all(pool, build, pending)
            ledger_rows = [
                {
                    "month": date.fromisoformat(r.month + "-01"),
                    "force": r.force,
                    "force_slug": r.force_slug,
                    "source": r.source,
                    "rows_read": r.rows_read,
                    "rows_kept": r.rows_kept,
                    **{reason: getattr(r, reason) for reason in DROP_REASONS},
                    "in_no_ward": r.in_no_ward,
                }
                for r in reports
                if r.recorded
            ]
            build.commit(ledger_rows)
            remember_districts(store.root, area.lsoa_districts)
        except BaseException:
            # Stop the workers before the unfinished version is discarded (on leaving the with block),
            # so that no file is still being written into it; then let the failure or Ctrl-C go on.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return sorted(reports, key=lambda r: (r.month, r.force))


def _prepare(street_file, area: Area) -> tuple:
    """Read and check one file, then ward its area rows and split them into store tables by force.

    Returns the parsed file and ``(month, force_slug, table, rows_in_no_ward)`` per force with rows.
    """
    parsed = parse_street_file(street_file, area.lsoa_districts)
    parts = []
    if parsed.rows is not None:
        rows, missing = _with_wards(parsed.rows, area)
        slugs = rows.column("force_slug").to_numpy(zero_copy_only=False)
        for slug, counts in parsed.counts.items():
            mask = slugs == slug
            if mask.any():
                table = _store_table(rows.filter(pa.array(mask)), parsed.month, counts["force"], area)
                parts.append((parsed.month, slug, table, int(missing[mask].sum())))
    return parsed, parts


def _read_ahead(pool: ThreadPoolExecutor, files: Iterable, area: Area) -> Iterator:
    """Prepare files in order, up to two ahead of the caller."""
    window: list = []
    for street_file in files:
        window.append(pool.submit(_prepare, street_file, area))
        if len(window) > 2:
            yield window.pop(0).result()
    for future in window:
        yield future.result()


def _write_all(pool: ThreadPoolExecutor, build, pending: list) -> None:
    """Write the new version's files, two at a time (parquet writing releases the GIL).

    Every write is waited for before a failure is raised, so that no write is still running when the
    unfinished version is discarded (it would leave a stray file behind).
    """
    futures = [pool.submit(build.add, month, slug, table) for month, slug, table in pending]
    wait(futures)
    for future in futures:
        future.result()


def _rows_read_by_month(store: Store) -> dict[tuple[str, str], int]:
    """The rows read for each (month, force key) the ledger holds; empty when there is no store yet."""
    try:
        ledger = store.read_ledger().to_pylist()
    except StoreError:
        return {}
    return {(row["month"].strftime("%Y-%m"), row["force_slug"]): int(row["rows_read"]) for row in ledger}


def _repeated_ids(table: pa.Table) -> int:
    """How many rows of ``table`` repeat a Crime ID an earlier row has (ASB has none, and is not counted)."""
    ids = table.column("crime_id").drop_null()
    return len(ids) - pc.count_distinct(ids).as_py()


def _recorded(
    reports: list[MonthReport], store: Store, allow_empty: bool, territorial: Sequence[str] = ()
) -> list[MonthReport]:
    """Decide which reports go into the ledger; refuse months with no rows in the area. With ``territorial``
    force keys (the area's totals), a month counts as having rows only when those forces have some in it, or
    when this load holds none of their files for it and an earlier load gave them rows (a month's British
    Transport Police file loaded after its Kent file). A territorial force's own file that keeps no row is
    refused even when its month is loaded: loading it would replace the month's rows with none (a misspelt
    district in the area file, say)."""
    try:
        ledger = store.read_ledger().to_pylist()
    except StoreError:
        ledger = []
    loaded = {(row["month"].strftime("%Y-%m"), row["force_slug"]) for row in ledger}
    held = {(row["month"].strftime("%Y-%m"), row["force_slug"]): row["rows_kept"] for row in ledger}
    if not allow_empty:  # a force's month with rows, replaced by none: refused, whatever else the load holds
        for report in reports:
            if report.rows_kept == 0 and held.get((report.month, report.force_slug), 0) > 0:
                raise EmptyLoadError(
                    report.source,
                    f"none of its {report.rows_read:,} rows reported by {report.force} lie in the area, but "
                    f"{report.month} is loaded for "
                    f"{report.force} with {held[(report.month, report.force_slug)]:,} rows, which this file would "
                    "replace with none; check the area file's [match] lsoa_districts, or load with --allow-empty",
                )
    kept_by_month: dict[str, int] = {}
    territorial_files: set[str] = set()  # months for which this load holds a territorial force's file
    for report in reports:
        counts = not territorial or report.force_slug in territorial
        kept_by_month[report.month] = kept_by_month.get(report.month, 0) + (report.rows_kept if counts else 0)
        if territorial and report.force_slug in territorial:
            territorial_files.add(report.month)
    empty = sorted(
        month
        for month, kept in kept_by_month.items()
        if kept == 0
        and not (territorial and month not in territorial_files and all((month, key) in loaded for key in territorial))
    )
    if empty and not allow_empty:
        of_month = [r for r in reports if r.month == empty[0]]
        first = of_month[0]
        read = sum(r.rows_read for r in of_month)
        sources = sorted({r.source for r in of_month})
        if len(sources) > 1:  # a folder of every force: the rows are the files', not the first one's
            first = MonthReport(
                **{**vars(first), "source": f"{len(sources)} files for {empty[0]} ({Path(sources[0]).name} and others)"}
            )
        months = ", ".join(empty[:6]) + (f" and {len(empty) - 6} more" if len(empty) > 6 else "")
        others = sorted({r.force for r in reports if r.month in empty and r.rows_kept})
        if others:  # rows in the area, but none of the forces whose rows make its totals
            raise EmptyLoadError(
                first.source,
                f"the area's rows in {months} are all from {', '.join(others)}, not from the force(s) whose rows "
                "make its totals (the area file's [match] territorial_forces): check that setting and that the "
                "territorial force's file for each month is given, or load with --allow-empty",
            )
        raise EmptyLoadError(
            first.source,
            f"none of {'their' if len(sources) > 1 else 'its'} {read:,} rows lie in the area (month(s) with no rows "
            f"kept: {months}); check the area "
            "file's [match] lsoa_districts, or load with --allow-empty to record such months as loaded with no rows",
        )
    out = []
    for report in reports:
        recorded = report.rows_kept > 0 or allow_empty or (report.month, report.force_slug) in loaded
        out.append(report if recorded else MonthReport(**{**vars(report), "recorded": False}))
    return out
