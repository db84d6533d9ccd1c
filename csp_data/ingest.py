"""Load police.uk street-level files into an area's incidents store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable

import numpy as np
import pyarrow as pa

from csp_data.config import Area
from csp_data.errors import InputFileError
from csp_data.geography import assign_wards, ward_boundaries
from csp_data.policeuk import DROP_REASONS, ParsedFile, discover_street_files, parse_street_file
from csp_data.store import Store


@dataclass(frozen=True)
class MonthReport:
    """What happened to one month of one force's rows."""

    month: str
    force: str
    source: str
    rows_read: int
    rows_kept: int
    no_location: int
    outside_area: int
    malformed: int
    in_no_ward: int


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


def _with_wards(rows: pa.Table, area: Area) -> tuple[pa.Table, np.ndarray]:
    longitude = rows.column("longitude").to_numpy()
    latitude = rows.column("latitude").to_numpy()
    in_no_current_ward = np.zeros(len(longitude), dtype=bool)
    for vintage in area.wards:
        wards = ward_boundaries(vintage)
        index = assign_wards(longitude, latitude, wards)
        missing = index < 0
        codes = np.where(missing, None, wards["ward_code"].to_numpy(dtype=object)[np.maximum(index, 0)])
        names = np.where(missing, None, wards["ward_name"].to_numpy(dtype=object)[np.maximum(index, 0)])
        rows = rows.append_column(vintage.code_column, pa.array(codes, pa.string()))
        rows = rows.append_column(vintage.name_column, pa.array(names, pa.string()))
        if vintage.current:
            in_no_current_ward = missing
    return rows, in_no_current_ward


def _to_store_table(rows: pa.Table, area: Area) -> pa.Table:
    schema = incident_schema(area)
    months = np.array([date.fromisoformat(m + "-01") for m in rows.column("month").to_pylist()], dtype=object)
    rows = rows.set_column(rows.schema.get_field_index("month"), "month", pa.array(months, pa.date32()))
    rows = rows.select(schema.names).cast(schema)
    # Sorting groups like values together, which keeps files small and row-group statistics useful.
    return rows.sort_by([("kind", "ascending"), ("ward_code", "ascending"), ("crime_type", "ascending")])


def ingest(
    paths: Iterable[str],
    area: Area,
    store: Store,
    progress: Callable[[Iterable], Iterable] = lambda items: items,
) -> list[MonthReport]:
    """Read street-level files, keep the area's rows, assign wards and replace their months.

    Every file is read and checked before the store is touched; then all the months found are
    replaced in one step (see :class:`~csp_data.store.Store`). A month and force that appears in
    two of the inputs is an error, since it is unclear which copy is meant.

    Returns
    -------
    list of MonthReport
        One per month and force, in month order.

    Raises
    ------
    InputFileError
        For the first bad input; the store is then left exactly as it was.
    """
    files = discover_street_files(list(paths))
    parsed: list[ParsedFile] = []
    seen: dict[tuple[str, str], str] = {}
    for street_file in progress(files):
        result = parse_street_file(street_file, area.lsoa_districts)
        for key in result.counts:
            if key in seen:
                raise InputFileError(
                    result.label, f"{key[0]} for {key[1]} is also in {seen[key]}; give each month once"
                )
            seen[key] = result.label
        parsed.append(result)

    partitions: dict[tuple[str, str], pa.Table | None] = {}
    reports: list[MonthReport] = []
    for result in parsed:
        rows, in_no_ward = _with_wards(result.rows, area)
        months = rows.column("month").to_numpy(zero_copy_only=False)
        forces = rows.column("force").to_numpy(zero_copy_only=False)
        for (month, force), counts in sorted(result.counts.items()):
            mask = (months == month) & (forces == force)
            part = rows.filter(pa.array(mask))
            partitions[(month, force)] = _to_store_table(part, area) if part.num_rows else None
            reports.append(
                MonthReport(month, force, result.label, in_no_ward=int(in_no_ward[mask].sum()), **counts)
            )
    ledger_rows = [
        {
            "month": date.fromisoformat(r.month + "-01"),
            "force": r.force,
            "source": r.source,
            "rows_read": r.rows_read,
            "rows_kept": r.rows_kept,
            **{reason: getattr(r, reason) for reason in DROP_REASONS},
            "in_no_ward": r.in_no_ward,
        }
        for r in reports
    ]
    store.replace_partitions(partitions, ledger_rows)
    return sorted(reports, key=lambda r: (r.month, r.force))
