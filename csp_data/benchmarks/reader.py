"""Reading the ONS CSP tables into one tidy frame: the release workbook and CSV exports of Table C2.

Sources understood
------------------
* the ONS workbook (``policeforceareatablesye<month><year>.xlsx``): sheets
  ``Table C1`` (CSPs made of combined local authorities), ``Table C2`` (counts,
  the year of the release), ``Table C4`` (rates per 1,000 with the mid-year
  population used) and ``Table C5`` (counts, the year before);
* a CSV export of ``Table C2`` alone (numbers written as text such as
  ``"27,321 "``), which carries no population: the workbook's population is
  joined to it by CSP code, and the ``population_source`` column says so.

Rates are per 1,000 residents and exclude fraud, as ONS CSP rates do; see
:mod:`csp_data.benchmarks.rates` for which rate each row holds.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from csp_data.benchmarks.errors import BenchmarkError, BenchmarkFileError, BenchmarkFileNotFoundError
from csp_data.benchmarks.groups import OFFENCE_KEYS, TOTAL, year_ending
from csp_data.benchmarks.rates import check_published_rates, finish, implied_population, typed
from csp_data.benchmarks.tables import (
    COMBINED_LA,
    COUNT_TABLES,
    HEADER_SEARCH_ROWS,
    REQUIRED_SHEETS,
    NumberedRow,
    SheetTable,
    Source,
    clean_text,
    header_key,
    name_key,
    parse_table,
    table_name,
)

__all__ = ["load_benchmarks", "population_reference", "read_ons_csp_c2_csv", "read_ons_csp_workbook"]


@contextmanager
def _open_workbook(path: Path) -> Iterator:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise BenchmarkFileError(path, f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        yield workbook
    finally:
        workbook.close()


def _sheet_rows(workbook, path: Path, sheet: str) -> list[NumberedRow]:
    if sheet not in workbook.sheetnames:
        raise BenchmarkFileError(path, f"sheet {sheet!r} not found (sheets: {', '.join(workbook.sheetnames)})")
    return [(number, cells) for number, cells in enumerate(workbook[sheet].iter_rows(values_only=True), start=1)]


def _read_sheet(workbook, path: Path, sheet: str, *, whole: bool, with_population: bool = False) -> SheetTable:
    source = Source(path, sheet, "row")
    return parse_table(_sheet_rows(workbook, path, sheet), source, whole=whole, with_population=with_population)


def _read_combined_las(workbook, path: Path) -> dict[str, list[str]]:
    """Table C1: normalised CSP name -> the local authority codes it covers."""
    source = Source(path, "Table C1", "row")
    rows = _sheet_rows(workbook, path, "Table C1")
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):  # noqa: B007 - index is used after the loop
        keys = [header_key(cell) for cell in cells]
        if "community safety partnership name" in keys and "local authority code" in keys:
            name_at = keys.index("community safety partnership name")
            code_at = keys.index("local authority code")
            break
    else:
        raise source.error("header row not found (no 'Community Safety Partnership name' cell)")
    combined: dict[str, list[str]] = {}
    current = None
    for number, cells in rows[index + 1 :]:
        name = clean_text(cells[name_at]) if name_at < len(cells) else None
        code = clean_text(cells[code_at]) if code_at < len(cells) else None
        # A CSP's further local authorities follow on rows with no CSP name.
        current = name_key(name) if name else current
        if code is None:
            continue
        if current is None:
            raise source.error("local authority listed before any CSP name", number)
        combined.setdefault(current, []).append(code)
    return combined


def _attach_la_codes(
    table: SheetTable, combined: dict[str, list[str]] | None, known: pd.Series | None = None
) -> pd.DataFrame:
    """Add ``la_codes`` ("E07000107;E07000109") to a table's CSP rows.

    Combined CSPs are looked up in Table C1 (``combined``) or, failing that,
    in ``known`` (csp_code -> la_codes from another table).
    """
    frame = table.rows.copy()
    codes = []
    for row in frame.itertuples():
        la_code = row.la_code if isinstance(row.la_code, str) else None
        if (la_code or "").casefold() != COMBINED_LA:
            codes.append(la_code)
        elif combined is not None and name_key(row.csp_name) in combined:
            codes.append(";".join(combined[name_key(row.csp_name)]))
        elif known is not None and row.csp_code in known.index:
            codes.append(known[row.csp_code])
        elif combined is not None:
            raise table.source.error(
                f"CSP {row.csp_name!r} is marked 'Combined Local Authorities' but is not listed in Table C1",
                int(row.source_row),
            )
        else:
            codes.append(None)
    frame["la_codes"] = codes
    return frame


def _reference_from_c4(rates: SheetTable, combined: dict[str, list[str]]) -> pd.DataFrame:
    """Per-CSP population facts from Table C4, to join onto every period."""
    frame = _attach_la_codes(rates, combined)
    withheld = frame["population"].notna() & frame[TOTAL].isna()
    return pd.DataFrame(
        {
            "csp_code": frame["csp_code"],
            "population": frame["population"],
            "population_year": rates.population_year,
            "population_source": (
                f"ONS mid-{rates.population_year} population estimate, rounded to 100 "
                f"(Table C4 of {rates.source.path.name})"
            ),
            # ONS withholds some CSPs' rates (City of London, note 9: its
            # resident population is tiny); the store follows ONS.
            "rate_withheld": withheld,
            "la_codes": frame["la_codes"],
        }
    )


def _to_long(frame: pd.DataFrame, table: SheetTable) -> pd.DataFrame:
    ids = ["csp_code", "csp_name", "force_code", "force_name", "la_codes"]
    long = frame.melt(id_vars=ids, value_vars=list(OFFENCE_KEYS), var_name="offence_group", value_name="count")
    long["period_end"] = table.period_end
    long["source_file"] = table.source.path.name
    long["source_table"] = table.name
    return long


def _published_rates(rates: SheetTable) -> pd.DataFrame:
    return rates.rows.melt(
        id_vars=["csp_code"],
        value_vars=list(OFFENCE_KEYS),
        var_name="offence_group",
        value_name="published_rate_per_1000",
    )


def read_ons_csp_workbook(path) -> pd.DataFrame:
    """Read the CSP tables of an ONS "Police force area data tables" workbook.

    Tables C2 (counts for the year of the release) and C5 (counts for the year
    before) give one period each; Table C4 gives the population used for both
    and ONS's own rates for the C2 year; Table C1 gives the local authorities of
    combined CSPs.  Periods are read from the sheet titles ("year ending
    December 2024" gives 2024-12-31).

    Rows without a CSP code (force totals, "Unassigned <force>" and airport
    rows) are left out and counted in ``result.attrs["skipped_rows"]``.  ONS
    shorthand cells (``[x]``, ``[u]``, ``[u1]``, ``[c]`` ...) become nulls.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.xlsx`` workbook.

    Returns
    -------
    pandas.DataFrame
        Tidy frame with :data:`TIDY_COLUMNS`, one row per CSP, period and
        offence group.  ``attrs["skipped_rows"]`` maps ``"<file>: <sheet>"`` to
        ``{"force_total": n, "unassigned_or_airport": m}``.

    Raises
    ------
    BenchmarkFileError
        If the file is not an xlsx workbook, a required sheet, header row or
        offence column is missing, or a cell is not a number.
    BenchmarkFileNotFoundError
        If there is no such file (a ``FileNotFoundError``).
    """
    path = Path(path)
    if not path.is_file():
        raise BenchmarkFileNotFoundError(f"{path}: no such benchmark file")
    with _open_workbook(path) as workbook:
        missing = [sheet for sheet in REQUIRED_SHEETS if sheet not in workbook.sheetnames]
        if missing:
            raise BenchmarkFileError(path, f"sheet {missing[0]!r} not found (needed: {', '.join(REQUIRED_SHEETS)})")
        combined = _read_combined_las(workbook, path)
        current = _read_sheet(workbook, path, "Table C2", whole=True)
        rates = _read_sheet(workbook, path, "Table C4", whole=False, with_population=True)
        previous = _read_sheet(workbook, path, "Table C5", whole=True)
    if rates.period_end != current.period_end:
        raise BenchmarkFileError(
            path,
            f"Table C4 is for the {year_ending(rates.period_end)} but Table C2 for the "
            f"{year_ending(current.period_end)}",
        )
    reference = _reference_from_c4(rates, combined)
    current_long = _to_long(_attach_la_codes(current, combined), current)
    current_long = current_long.merge(_published_rates(rates), on=["csp_code", "offence_group"], how="left")
    current_long["implied_population"] = implied_population(current_long)
    check_published_rates(current_long, rates.rows.set_index("csp_code"), current.name, rates.source.error)
    previous_long = _to_long(_attach_la_codes(previous, combined), previous)
    result = finish(pd.concat([previous_long, current_long], ignore_index=True), reference)
    result.attrs["skipped_rows"] = {
        f"{path.name}: {table.source.sheet}": dict(table.skipped) for table in (current, rates, previous)
    }
    return result


def _csv_rows(path: Path) -> list[NumberedRow]:
    """CSV records numbered by the line each starts on."""
    raw = path.read_bytes()
    if b"\x00" in raw or raw.startswith(b"PK\x03\x04"):
        raise BenchmarkFileError(path, "not a CSV text file (binary content)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, next_line = [], 1
    try:
        for cells in reader:
            rows.append((next_line, cells))
            next_line = reader.line_num + 1
    except csv.Error as exc:
        raise BenchmarkFileError(path, f"malformed CSV ({exc})", line=reader.line_num) from None
    return rows


def population_reference(df: pd.DataFrame) -> pd.DataFrame:
    """Per-CSP population facts of a tidy frame, to join onto another source.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy frame from :func:`read_ons_csp_workbook` (or the store).

    Returns
    -------
    pandas.DataFrame
        One row per CSP with a population: ``csp_code, population,
        population_year, population_source, rate_withheld, la_codes``.
        ``rate_withheld`` marks CSPs whose rate ONS does not present
        (population known, total rate null).
    """
    totals = df[(df["offence_group"] == TOTAL) & df["population"].notna()]
    totals = totals.sort_values("period_end").drop_duplicates("csp_code", keep="last")
    return pd.DataFrame(
        {
            "csp_code": totals["csp_code"],
            "population": totals["population"],
            "population_year": totals["population_year"],
            "population_source": totals["population_source"],
            "rate_withheld": totals["rate_per_1000"].isna() & totals["count"].notna(),
            "la_codes": totals["la_codes"],
        }
    ).reset_index(drop=True)


def read_ons_csp_c2_csv(path, period_end=None, population_from: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read a CSV export of ONS Table C2 (counts by CSP for one year).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file: ONS title on line 1, header row found by content
        (multi-line quoted cells allowed), numbers as text ("27,321 ").
    period_end : date-like, optional
        End of the year the table covers.  Read from the title when omitted;
        when given, it must agree with the title.
    population_from : pandas.DataFrame, optional
        A tidy frame from :func:`read_ons_csp_workbook`, whose populations
        (Table C4) are joined by CSP code, with the local authorities of
        combined CSPs.  The CSV has no population: without this, population
        and rate are null.

    Returns
    -------
    pandas.DataFrame
        Tidy frame with :data:`TIDY_COLUMNS`; ``population_source`` names the
        workbook table the population was joined from.

    Raises
    ------
    BenchmarkFileError
        If the file is not CSV text, has no header row or offence column, a
        cell is not a number, or its title states another period.
    """
    path = Path(path)
    if not path.is_file():
        raise BenchmarkFileNotFoundError(f"{path}: no such benchmark file")
    source = Source(path, None, "line")
    rows = _csv_rows(path)
    # Checked before parsing so that a rates table is named, not misread.
    title_name = table_name(rows[0][1][0] if rows and rows[0][1] else None, source)
    if title_name not in COUNT_TABLES:
        raise source.error(f"title names {title_name}; expected a count table ({' or '.join(COUNT_TABLES)})", 1)
    table = parse_table(rows, source, whole=True, with_population=False)
    if period_end is not None and pd.Timestamp(period_end) != table.period_end:
        raise source.error(f"title says {year_ending(table.period_end)}, not {pd.Timestamp(period_end):%d %B %Y}", 1)
    reference = population_reference(population_from) if population_from is not None else None
    known = reference.set_index("csp_code")["la_codes"] if reference is not None else None
    long = _to_long(_attach_la_codes(table, None, known), table)
    result = finish(long, reference)
    result.attrs["skipped_rows"] = {path.name: dict(table.skipped)}
    return result


def load_benchmarks(paths: Iterable) -> pd.DataFrame:
    """Read ONS workbooks and C2 CSV exports into one tidy frame.

    Workbooks are read first; CSV files take their population from the last
    workbook given (joined by CSP code).  Each period may come from one file
    only.

    Parameters
    ----------
    paths : iterable of str or os.PathLike
        ``.xlsx`` workbooks and ``.csv`` Table C2 exports, in any order.

    Returns
    -------
    pandas.DataFrame
        Tidy frame with :data:`TIDY_COLUMNS`, sorted by period, CSP code and
        offence group; ``attrs["skipped_rows"]`` merges those of every file.

    Raises
    ------
    BenchmarkFileError
        For a file of another type, a malformed file, or a period given twice.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise BenchmarkError("no benchmark files given: name at least one ONS .xlsx workbook or Table C2 .csv export")
    for path in paths:
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise BenchmarkFileError(path, "unsupported file type (expected an ONS .xlsx workbook or a .csv export)")
    workbooks = [path for path in paths if path.suffix.lower() == ".xlsx"]
    loaded = [(path, read_ons_csp_workbook(path)) for path in workbooks]
    population_from = loaded[-1][1] if loaded else None
    loaded += [
        (path, read_ons_csp_c2_csv(path, population_from=population_from))
        for path in paths
        if path.suffix.lower() == ".csv"
    ]
    _check_periods_unique(loaded)
    skipped = {}
    for _, frame in loaded:
        skipped.update(frame.attrs.get("skipped_rows", {}))
    combined = typed(pd.concat([frame for _, frame in loaded], ignore_index=True))
    combined.attrs["skipped_rows"] = skipped
    return combined


def _check_periods_unique(loaded: list[tuple[Path, pd.DataFrame]]) -> None:
    seen: dict[pd.Timestamp, Path] = {}
    for path, frame in loaded:
        for period in frame["period_end"].unique():
            period = pd.Timestamp(period)
            if period in seen:
                raise BenchmarkFileError(path, f"{year_ending(period)} is also given by {seen[period]}")
            seen[period] = path
