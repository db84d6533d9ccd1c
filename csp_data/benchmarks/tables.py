"""Parsing one ONS CSP table (``Table C1``-``C5``) from rows of cells, whether a worksheet's or a CSV's.

The tables put a title in the first row ("Table C2: ... year ending December 2024 [note 1]"),
notes below it, then a header row found by its "Community Safety Partnership code" cell. Cells may
carry ``[note N]`` marks and ONS shorthand for values not given (``[x]``, ``[u]``, ``[u1]``,
``[c]`` ...), which become nulls. Every problem is a :class:`BenchmarkFileError` naming the file,
sheet and row or line.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from csp_data.benchmarks.errors import BenchmarkFileError
from csp_data.benchmarks.groups import OFFENCE_BY_KEY, OFFENCE_GROUPS

ID_COLUMNS = {
    "police force area code": "force_code",
    "police force area name": "force_name",
    "community safety partnership code": "csp_code",
    "community safety partnership name": "csp_name",
    "local authority code": "la_code",
    "local authority name": "la_name",
}
# Table C4 gives residential burglary per 1,000 population and per 1,000
# households; the store's rates are all per resident, so the first is used.
_HEADER_ALIASES = {"residential burglary (per 1,000 population)": "residential_burglary"}
_POPULATION_PREFIX = "population figures"
COMBINED_LA = "combined local authorities"
HEADER_SEARCH_ROWS = 30
REQUIRED_SHEETS = ("Table C1", "Table C2", "Table C4", "Table C5")


@dataclass(frozen=True)
class Source:
    """Where parsed rows come from, to word error messages."""

    path: Path
    sheet: str | None
    unit: str  # "row" for worksheets, "line" for CSV text

    def error(self, problem: str, number: int | None = None) -> BenchmarkFileError:
        return BenchmarkFileError(self.path, problem, sheet=self.sheet, **{self.unit: number})


_NOTE_MARK = re.compile(r"\[note\s*\d+\]", re.IGNORECASE)
# ONS shorthand for a value not given: [x] unavailable, [u] small base,
# [u1] rate withheld, [c] confidential, [z] not applicable ...
_SUPPRESSED = re.compile(r"^\[[a-z]{1,2}\d*\]$", re.IGNORECASE)
_YEAR_ENDING = re.compile(r"year ending\s+([A-Za-z]+)\s+(\d{4})", re.IGNORECASE)
_MID_YEAR = re.compile(r"mid-(\d{4})", re.IGNORECASE)
_TABLE_NAME = re.compile(r"table\s+(c\d+)\s*:", re.IGNORECASE)
COUNT_TABLES = ("Table C2", "Table C5")


def clean_text(value) -> str | None:
    """Cell text without ``[note N]`` marks and with whitespace collapsed."""
    if value is None:
        return None
    text = " ".join(_NOTE_MARK.sub("", str(value)).split())
    return text or None


def header_key(value) -> str:
    return (clean_text(value) or "").casefold()


def name_key(name) -> str:
    """Normalised CSP name for matching ('&' and 'and', case, spacing)."""
    text = (clean_text(name) or "").replace("&", " and ")
    return " ".join(text.casefold().split())


def _parse_number(value, *, whole: bool) -> float:
    """Parse one table cell; missing and suppressed cells give NaN.

    Raises
    ------
    ValueError
        If the cell is neither a number nor an ONS shorthand marker, or
        ``whole`` is set and the number is not a whole number.
    """
    if value is None:
        return float("nan")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value).strip()
        if not text or _SUPPRESSED.match(text):
            return float("nan")
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise ValueError(f"value {text!r} is not a number") from None
    if whole and not number.is_integer():
        raise ValueError(f"count {number!r} is not a whole number")
    return number


def table_name(title, source: Source) -> str:
    """ "Table C2" from a title such as "Table C2: Number of police recorded crimes ..."."""
    match = _TABLE_NAME.match(clean_text(title) or "")
    if not match:
        raise source.error("title does not start with the table's name ('Table Cn:')", 1)
    return f"Table {match.group(1).upper()}"


def _period_from_title(title, source: Source) -> pd.Timestamp:
    """The period end stated by a table title ("... year ending June 2025")."""
    match = _YEAR_ENDING.search(clean_text(title) or "")
    months = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
    if not match or match.group(1).casefold() not in months:
        raise source.error("title does not say which 'year ending <month> <year>' it covers", 1)
    year, month = int(match.group(2)), months[match.group(1).casefold()]
    return pd.Timestamp(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class SheetTable:
    """One parsed C-table: CSP rows (wide), its period and the rows left out."""

    name: str  # "Table C2", from the title
    rows: pd.DataFrame
    period_end: pd.Timestamp
    skipped: dict[str, int]
    source: Source
    population_year: int | None


NumberedRow = tuple[int, Sequence]


def _find_header(rows: list[NumberedRow], source: Source) -> int:
    """Index in ``rows`` of the header row, found by its CSP-code cell."""
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(header_key(cell) == "community safety partnership code" for cell in cells):
            return index
    raise source.error(
        f"header row not found (no 'Community Safety Partnership code' cell in the first {HEADER_SEARCH_ROWS} rows)"
    )


def _map_columns(header: Sequence, number: int, source: Source, *, with_population: bool) -> dict[str, int]:
    """Map field names (ID columns, offence keys, ``population``) to column positions."""
    by_label = {header_key(group.label): group.key for group in OFFENCE_GROUPS}
    by_label.update(ID_COLUMNS)
    by_label.update(_HEADER_ALIASES)
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        key = header_key(cell)
        field = by_label.get(key)
        if field is None and key.startswith(_POPULATION_PREFIX):
            field = "population"
        if field is None:
            continue
        if field in columns:
            raise source.error(f"column {clean_text(cell)!r} appears twice in the header row", number)
        columns[field] = position
    required = [*ID_COLUMNS.items()] + [(header_key(g.label), g.key) for g in OFFENCE_GROUPS]
    for label, field in required:
        if field not in columns:
            shown = OFFENCE_BY_KEY[field].label if field in OFFENCE_BY_KEY else label
            raise source.error(f"missing column {shown!r} in the header row", number)
    if with_population and "population" not in columns:
        raise source.error("missing column 'Population figures (mid-YYYY)' in the header row", number)
    return columns


def _population_year(header: Sequence, columns: dict[str, int], number: int, source: Source) -> int | None:
    if "population" not in columns:
        return None
    match = _MID_YEAR.search(clean_text(header[columns["population"]]) or "")
    if not match:
        raise source.error("population column does not say its year ('mid-YYYY')", number)
    return int(match.group(1))


def _parse_record(cells: Sequence, number: int, columns: dict[str, int], source: Source, *, whole: bool) -> dict:
    def cell(position: int):
        return cells[position] if position < len(cells) else None

    id_fields = set(ID_COLUMNS.values())
    record = {field: clean_text(cell(position)) for field, position in columns.items() if field in id_fields}
    for field, position in columns.items():
        if field in id_fields:
            continue
        try:
            record[field] = _parse_number(cell(position), whole=whole and field != "population")
        except ValueError as exc:
            label = OFFENCE_BY_KEY[field].label if field in OFFENCE_BY_KEY else field
            raise source.error(f"column {label!r}: {exc}", number) from None
    record["source_row"] = number
    return record


def parse_table(rows: list[NumberedRow], source: Source, *, whole: bool, with_population: bool) -> SheetTable:
    """Parse a C-table given as numbered rows of cells (worksheet or CSV)."""
    if not rows:
        raise source.error("file is empty")
    title = rows[0][1][0] if rows[0][1] else None
    period_end = _period_from_title(title, source)
    header_index = _find_header(rows, source)
    header_number, header = rows[header_index]
    columns = _map_columns(header, header_number, source, with_population=with_population)
    population_year = _population_year(header, columns, header_number, source)

    records = []
    skipped = {"force_total": 0, "unassigned_or_airport": 0}
    for number, cells in rows[header_index + 1 :]:
        if all(clean_text(value) is None for value in cells):
            continue
        record = _parse_record(cells, number, columns, source, whole=whole)
        if record["csp_code"] is None:
            # Force totals have no CSP name; "Unassigned <force>" and airport
            # rows have a name but belong to no CSP.
            skipped["force_total" if record["csp_name"] is None else "unassigned_or_airport"] += 1
            continue
        records.append(record)
    if not records:
        raise source.error("no rows with a Community Safety Partnership code below the header row")
    frame = pd.DataFrame.from_records(records)
    duplicated = frame.loc[frame["csp_code"].duplicated(), "csp_code"]
    if not duplicated.empty:
        number = int(frame.loc[duplicated.index[0], "source_row"])
        raise source.error(f"CSP code {duplicated.iloc[0]!r} appears more than once", number)
    return SheetTable(table_name(title, source), frame, period_end, skipped, source, population_year)
