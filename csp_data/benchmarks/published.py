"""A partnership's own published benchmarking tables, transcribed to CSV, and their averages and ranks recomputed.

Such a table may print rates and % changes only (no counts), so these tables are shown beside
the ONS figures, never merged with them. The format is described in
``data/medway/benchmarks/README.md`` ("The published Most Similar Group tables").
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from csp_data.benchmarks.errors import BenchmarkError, BenchmarkFileError
from csp_data.benchmarks.tables import name_key

__all__ = [
    "PublishedSummary",
    "published_rows_table",
    "read_published_table",
    "summarise_published_file",
    "summarise_published_table",
]

_PUBLISHED_COLUMNS = (
    "offence_group",
    "offence_label",
    "period_end",
    "csp_name",
    "rate_per_1000",
    "pct_change",
    "source",
)


def read_published_table(path) -> pd.DataFrame:
    """Read a transcribed published benchmark table (e.g. ``published_msg_ye_mar2024.csv``).

    Parameters
    ----------
    path : str or os.PathLike
        CSV with columns ``offence_group, offence_label, period_end, csp_name,
        rate_per_1000, pct_change, source``; one row per CSP and table.

    Returns
    -------
    pandas.DataFrame
        The rows, ``period_end`` as datetime, ``rate_per_1000`` and
        ``pct_change`` (whole percent, as published) as numbers.

    Raises
    ------
    BenchmarkFileError
        If a column is missing or a value does not parse.
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        missing = [column for column in _PUBLISHED_COLUMNS if column not in header]
        if missing:
            raise BenchmarkFileError(path, f"missing column {missing[0]!r}", line=1)
        records = [_published_record(path, header, cells, reader.line_num) for cells in reader if cells]
    if not records:
        raise BenchmarkFileError(path, "no rows below the header")
    table = pd.DataFrame.from_records(records, columns=list(_PUBLISHED_COLUMNS))
    table["period_end"] = pd.to_datetime(table["period_end"], format="%Y-%m-%d")
    return table


def _published_record(path: Path, header: list[str], cells: list[str], line: int) -> dict:
    if len(cells) != len(header):
        raise BenchmarkFileError(path, f"{len(cells)} fields where the header has {len(header)}", line=line)
    record = dict(zip(header, cells))
    for column in ("rate_per_1000", "pct_change"):
        try:
            record[column] = float(record[column])
        except ValueError:
            raise BenchmarkFileError(
                path, f"column {column!r}: {record[column]!r} is not a number", line=line
            ) from None
    try:
        dt.date.fromisoformat(record["period_end"])
    except ValueError:
        raise BenchmarkFileError(
            path, f"column 'period_end': {record['period_end']!r} is not a date (YYYY-MM-DD)", line=line
        ) from None
    return {column: record[column] for column in _PUBLISHED_COLUMNS}


@dataclass(frozen=True)
class PublishedSummary:
    """Group average and the area's rank recomputed from a published table.

    Attributes
    ----------
    table : pandas.DataFrame
        The published rows for the offence group, with a ``rank`` column.
    group_average : float
        Unweighted mean of the published CSP rates (area included).
    area_rank : int
        The area's rank, 1 = highest rate.
    group_size : int
        Number of CSPs in the table.
    """

    offence_group: str
    period_end: pd.Timestamp
    table: pd.DataFrame
    group_average: float
    area_rate: float
    area_rank: int
    group_size: int


def summarise_published_table(published: pd.DataFrame, offence_group: str, area_name: str) -> PublishedSummary:
    """Recompute a published table's group average and the area's rank.

    Parameters
    ----------
    published : pandas.DataFrame
        From :func:`read_published_table`.
    offence_group : str
        Which of its tables, e.g. ``"total_excl_fraud"``.
    area_name : str
        The area's CSP name as the table prints it.

    Returns
    -------
    PublishedSummary

    Raises
    ------
    BenchmarkError
        If the table or the area is not there (a ``ValueError``).
    """
    rows = published[published["offence_group"] == offence_group].copy()
    if rows.empty:
        raise BenchmarkError(f"no published table for offence_group {offence_group!r}")
    is_area = rows["csp_name"].map(name_key) == name_key(area_name)
    if not is_area.any():
        raise BenchmarkError(f"{area_name!r} is not in the published {offence_group!r} table")
    rows["rank"] = rows["rate_per_1000"].rank(ascending=False, method="min").astype(int)
    return PublishedSummary(
        offence_group=offence_group,
        period_end=rows["period_end"].iloc[0],
        table=rows.reset_index(drop=True),
        group_average=float(rows["rate_per_1000"].mean()),
        area_rate=float(rows.loc[is_area, "rate_per_1000"].iloc[0]),
        area_rank=int(rows.loc[is_area, "rank"].iloc[0]),
        group_size=len(rows),
    )


def summarise_published_file(path, area_name: str) -> list[PublishedSummary]:
    """Every table of a transcribed published file, in the file's order (:func:`summarise_published_table`).

    Raises
    ------
    BenchmarkFileError
        If the file does not parse.
    BenchmarkError
        If the area is not in one of its tables.
    """
    published = read_published_table(path)
    return [
        summarise_published_table(published, group, area_name) for group in dict.fromkeys(published["offence_group"])
    ]


def published_rows_table(summary: PublishedSummary) -> pd.DataFrame:
    """A published table as shown: CSP, rate per 1,000, % change and rank, in the published order."""
    headings = {"csp_name": "CSP", "rate_per_1000": "Rate per 1,000", "pct_change": "% change", "rank": "Rank"}
    return summary.table[list(headings)].rename(columns=headings)
