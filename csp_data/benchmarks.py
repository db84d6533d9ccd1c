"""Most Similar Group benchmarking from the ONS police recorded crime tables.

The ONS publishes, with each quarterly "Crime in England and Wales" release, the
"Police force area data tables", whose ``Table C*`` sheets give police recorded
crime for every Community Safety Partnership (CSP) in England and Wales.  This
module reads those tables into one tidy frame, stores it as parquet, and
computes the Most Similar Group comparison that the Medway strategic assessment
lays out: each CSP's rate per 1,000 residents, its change on the year before,
its rank, the group average and whether a CSP is above or below that average by
more than chance.

Sources understood
------------------
* the ONS workbook (``policeforceareatablesye<month><year>.xlsx``): sheets
  ``Table C1`` (CSPs made of combined local authorities), ``Table C2`` (counts,
  the year of the release), ``Table C4`` (rates per 1,000 with the mid-year
  population used) and ``Table C5`` (counts, the year before);
* a CSV export of ``Table C2`` alone (numbers written as text such as
  ``"27,321 "``), which carries no population: the workbook's population is
  joined to it by CSP code, and the ``population_source`` column says so.

Rates are per 1,000 residents and exclude fraud, as ONS CSP rates do.  Each
rate of the tidy frame (``rate_per_1000``) is one of two kinds, and
``rate_source`` says which:

* **ONS's own rate**, where the source has one (Table C4, for the year of the
  release): the figure exactly as published, also kept as
  ``published_rate_per_1000``.  ONS divides by unrounded mid-year populations,
  although Table C4 prints them rounded to 100; ``rate_population`` holds the
  population its rates imply, count / rate * 1000 (282,702 for Medway, printed
  as 282,700), checked to be the same for every offence group of a CSP and
  within 50 of the printed population.  That population scales the rate's
  confidence interval, so the rate shown is ONS's and lies inside its interval.
* **A rate computed here**, where ONS publishes none (the year before, from
  Table C5, and a C2-only CSV export): ``count / population * 1000`` with the
  printed population, rounded to 100, which is then ``rate_population``.
  Such a rate can differ from the one ONS would publish in the second decimal
  place (by up to 50/population of the rate: under 0.02% for Medway; 0.8% for
  the Isles of Scilly, whose rates imply 2,281 residents, printed as 2,300).
  For the year ending December 2024, where both can be compared, 927 of ONS's
  7,199 rates differ from count / printed population at two decimals.

Nothing here imports streamlit: pages call these functions.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.stats import chi2

from csp_data.errors import InputFileError

__all__ = [
    "OFFENCE_GROUPS",
    "RATE_COMPUTED",
    "RATE_PUBLISHED",
    "TIDY_COLUMNS",
    "BenchmarkFileError",
    "GroupSummary",
    "OffenceGroup",
    "PublishedSummary",
    "area_csp_code",
    "assessment_table",
    "available_periods",
    "benchmark_file",
    "benchmark_table_path",
    "benchmarks_path",
    "csp_names",
    "describe_national",
    "describe_published",
    "describe_position",
    "describe_rank_history",
    "describe_rate_source",
    "has_previous_year",
    "national_table",
    "offence_group_label",
    "peer_presets",
    "period_label",
    "published_table_paths",
    "rank_history",
    "usable_peer_names",
    "group_summary",
    "load_benchmarks",
    "population_reference",
    "rate_confidence_interval",
    "read_benchmarks",
    "read_ons_csp_c2_csv",
    "read_ons_csp_workbook",
    "read_published_table",
    "resolve_peers",
    "summarise_published_table",
    "unitary_authority_codes",
    "write_benchmarks",
]


# --------------------------------------------------------------------------
# Offence groups
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class OffenceGroup:
    """One offence column of the ONS CSP tables.

    Attributes
    ----------
    key : str
        Stable snake_case identifier used in the store.
    label : str
        The ONS column heading (line breaks collapsed).
    parent : str or None
        Key of the group this one is part of; ``None`` for the total.
    """

    key: str
    label: str
    parent: str | None


_TOTAL = "total_excl_fraud"

#: The 23 offence columns of Tables C2-C5, in the ONS order.
OFFENCE_GROUPS: tuple[OffenceGroup, ...] = (
    OffenceGroup(_TOTAL, "Total recorded crime (excluding fraud)", None),
    OffenceGroup("violence_against_the_person", "Violence against the person", _TOTAL),
    OffenceGroup("homicide", "Homicide", "violence_against_the_person"),
    OffenceGroup(
        "death_or_serious_injury_illegal_driving",
        "Death or serious injury caused by illegal driving",
        "violence_against_the_person",
    ),
    OffenceGroup("violence_with_injury", "Violence with injury", "violence_against_the_person"),
    OffenceGroup("violence_without_injury", "Violence without injury", "violence_against_the_person"),
    OffenceGroup("stalking_and_harassment", "Stalking and harassment", "violence_against_the_person"),
    OffenceGroup("sexual_offences", "Sexual offences", _TOTAL),
    OffenceGroup("robbery", "Robbery", _TOTAL),
    OffenceGroup("theft", "Theft offences", _TOTAL),
    OffenceGroup("burglary", "Burglary", "theft"),
    OffenceGroup("residential_burglary", "Residential burglary", "burglary"),
    OffenceGroup("non_residential_burglary", "Non-residential burglary", "burglary"),
    OffenceGroup("vehicle_offences", "Vehicle offences", "theft"),
    OffenceGroup("theft_from_the_person", "Theft from the person", "theft"),
    OffenceGroup("bicycle_theft", "Bicycle theft", "theft"),
    OffenceGroup("shoplifting", "Shoplifting", "theft"),
    OffenceGroup("all_other_theft", "All other theft offences", "theft"),
    OffenceGroup("criminal_damage_and_arson", "Criminal damage and arson", _TOTAL),
    OffenceGroup("drug_offences", "Drug offences", _TOTAL),
    OffenceGroup("possession_of_weapons", "Possession of weapons offences", _TOTAL),
    OffenceGroup("public_order", "Public order offences", _TOTAL),
    OffenceGroup("misc_crimes_against_society", "Miscellaneous crimes against society", _TOTAL),
)
_OFFENCE_KEYS = tuple(group.key for group in OFFENCE_GROUPS)
_OFFENCE_BY_KEY = {group.key: group for group in OFFENCE_GROUPS}

#: Columns of the tidy benchmark frame, in order.
TIDY_COLUMNS: tuple[str, ...] = (
    "csp_code",
    "csp_name",
    "force_code",
    "force_name",
    "la_codes",
    "period_end",
    "offence_group",
    "offence_label",
    "parent_group",
    "count",
    "population",
    "population_year",
    "population_source",
    "rate_per_1000",
    "rate_source",
    "rate_population",
    "published_rate_per_1000",
    "source_file",
    "source_table",
)

#: ``rate_source`` of a rate ONS publishes, and of one computed here.
RATE_PUBLISHED = "ONS Table C4, as published"
RATE_COMPUTED = "computed: count × 1,000 / population rounded to 100 (ONS publishes no rate for this year)"
# A rate ONS publishes must equal count / (the population its rates imply) x 1,000 to this
# relative tolerance (a count one off in 27,555 is 4e-5), and that population must lie
# within 50 of the one printed, rounded to 100.
_RATE_RTOL = 1e-6
_ROUNDING = 50

_ID_COLUMNS = {
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
_COMBINED_LA = "combined local authorities"
_HEADER_SEARCH_ROWS = 30
_REQUIRED_SHEETS = ("Table C1", "Table C2", "Table C4", "Table C5")


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class BenchmarkFileError(InputFileError):
    """A benchmark source file that cannot be read as an ONS CSP table.

    A :class:`csp_data.errors.InputFileError` (so a ``ValueError``) whose
    one-line message names the file, the worksheet and row or the line, and
    the problem, e.g. ``"tables.xlsx, sheet 'Table C2', row 8: missing column
    'Sexual offences' in the header row"``.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    problem : str
        What is wrong, in one line.
    sheet : str, optional
        Worksheet, for workbooks.
    row : int, optional
        1-based worksheet row.
    line : int, optional
        1-based line of a text file.
    """

    def __init__(self, path, problem: str, *, sheet: str | None = None, row: int | None = None,
                 line: int | None = None):
        self.path = str(path)
        self.problem = " ".join(str(problem).split())
        self.sheet = sheet
        self.row = row
        self.line = line
        where = [self.path]
        if sheet:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        if line is not None:
            where.append(f"line {line}")
        # Skips InputFileError.__init__, whose message has no room for a sheet.
        ValueError.__init__(self, f"{', '.join(where)}: {self.problem}")


@dataclass(frozen=True)
class _Source:
    """Where parsed rows come from, to word error messages."""

    path: Path
    sheet: str | None
    unit: str  # "row" for worksheets, "line" for CSV text

    def error(self, problem: str, number: int | None = None) -> BenchmarkFileError:
        return BenchmarkFileError(self.path, problem, sheet=self.sheet, **{self.unit: number})


# --------------------------------------------------------------------------
# Cell parsing
# --------------------------------------------------------------------------

_NOTE_MARK = re.compile(r"\[note\s*\d+\]", re.IGNORECASE)
# ONS shorthand for a value not given: [x] unavailable, [u] small base,
# [u1] rate withheld, [c] confidential, [z] not applicable ...
_SUPPRESSED = re.compile(r"^\[[a-z]{1,2}\d*\]$", re.IGNORECASE)
_YEAR_ENDING = re.compile(r"year ending\s+([A-Za-z]+)\s+(\d{4})", re.IGNORECASE)
_MID_YEAR = re.compile(r"mid-(\d{4})", re.IGNORECASE)
_TABLE_NAME = re.compile(r"table\s+(c\d+)\s*:", re.IGNORECASE)
_COUNT_TABLES = ("Table C2", "Table C5")


def _clean_text(value) -> str | None:
    """Cell text without ``[note N]`` marks and with whitespace collapsed."""
    if value is None:
        return None
    text = " ".join(_NOTE_MARK.sub("", str(value)).split())
    return text or None


def _header_key(value) -> str:
    return (_clean_text(value) or "").casefold()


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


def _table_name(title, source: _Source) -> str:
    """"Table C2" from a title such as "Table C2: Number of police recorded crimes ..."."""
    match = _TABLE_NAME.match(_clean_text(title) or "")
    if not match:
        raise source.error("title does not start with the table's name ('Table Cn:')", 1)
    return f"Table {match.group(1).upper()}"


def _period_from_title(title, source: _Source) -> pd.Timestamp:
    """The period end stated by a table title ("... year ending June 2025")."""
    match = _YEAR_ENDING.search(_clean_text(title) or "")
    months = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
    if not match or match.group(1).casefold() not in months:
        raise source.error("title does not say which 'year ending <month> <year>' it covers", 1)
    year, month = int(match.group(2)), months[match.group(1).casefold()]
    return pd.Timestamp(year, month, calendar.monthrange(year, month)[1])


# --------------------------------------------------------------------------
# Table parsing shared by workbook sheets and CSV exports
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _SheetTable:
    """One parsed C-table: CSP rows (wide), its period and the rows left out."""

    name: str  # "Table C2", from the title
    rows: pd.DataFrame
    period_end: pd.Timestamp
    skipped: dict[str, int]
    source: _Source
    population_year: int | None


NumberedRow = tuple[int, Sequence]


def _find_header(rows: list[NumberedRow], source: _Source) -> int:
    """Index in ``rows`` of the header row, found by its CSP-code cell."""
    for index, (_, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if any(_header_key(cell) == "community safety partnership code" for cell in cells):
            return index
    raise source.error(
        f"header row not found (no 'Community Safety Partnership code' cell in the first "
        f"{_HEADER_SEARCH_ROWS} rows)"
    )


def _map_columns(header: Sequence, number: int, source: _Source, *, with_population: bool) -> dict[str, int]:
    """Map field names (ID columns, offence keys, ``population``) to column positions."""
    by_label = {_header_key(group.label): group.key for group in OFFENCE_GROUPS}
    by_label.update(_ID_COLUMNS)
    by_label.update(_HEADER_ALIASES)
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        key = _header_key(cell)
        field = by_label.get(key)
        if field is None and key.startswith(_POPULATION_PREFIX):
            field = "population"
        if field is None:
            continue
        if field in columns:
            raise source.error(f"column {_clean_text(cell)!r} appears twice in the header row", number)
        columns[field] = position
    required = [*_ID_COLUMNS.items()] + [(_header_key(g.label), g.key) for g in OFFENCE_GROUPS]
    for label, field in required:
        if field not in columns:
            shown = _OFFENCE_BY_KEY[field].label if field in _OFFENCE_BY_KEY else label
            raise source.error(f"missing column {shown!r} in the header row", number)
    if with_population and "population" not in columns:
        raise source.error("missing column 'Population figures (mid-YYYY)' in the header row", number)
    return columns


def _population_year(header: Sequence, columns: dict[str, int], number: int, source: _Source) -> int | None:
    if "population" not in columns:
        return None
    match = _MID_YEAR.search(_clean_text(header[columns["population"]]) or "")
    if not match:
        raise source.error("population column does not say its year ('mid-YYYY')", number)
    return int(match.group(1))


def _parse_record(cells: Sequence, number: int, columns: dict[str, int], source: _Source, *, whole: bool) -> dict:
    def cell(position: int):
        return cells[position] if position < len(cells) else None

    id_fields = set(_ID_COLUMNS.values())
    record = {field: _clean_text(cell(position)) for field, position in columns.items() if field in id_fields}
    for field, position in columns.items():
        if field in id_fields:
            continue
        try:
            record[field] = _parse_number(cell(position), whole=whole and field != "population")
        except ValueError as exc:
            label = _OFFENCE_BY_KEY[field].label if field in _OFFENCE_BY_KEY else field
            raise source.error(f"column {label!r}: {exc}", number) from None
    record["source_row"] = number
    return record


def _parse_table(rows: list[NumberedRow], source: _Source, *, whole: bool, with_population: bool) -> _SheetTable:
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
        if all(_clean_text(value) is None for value in cells):
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
    return _SheetTable(_table_name(title, source), frame, period_end, skipped, source, population_year)


# --------------------------------------------------------------------------
# Workbook
# --------------------------------------------------------------------------


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


def _read_sheet(workbook, path: Path, sheet: str, *, whole: bool, with_population: bool = False) -> _SheetTable:
    source = _Source(path, sheet, "row")
    return _parse_table(_sheet_rows(workbook, path, sheet), source, whole=whole, with_population=with_population)


def _read_combined_las(workbook, path: Path) -> dict[str, list[str]]:
    """Table C1: normalised CSP name -> the local authority codes it covers."""
    source = _Source(path, "Table C1", "row")
    rows = _sheet_rows(workbook, path, "Table C1")
    for index, (number, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        keys = [_header_key(cell) for cell in cells]
        if "community safety partnership name" in keys and "local authority code" in keys:
            name_at = keys.index("community safety partnership name")
            code_at = keys.index("local authority code")
            break
    else:
        raise source.error("header row not found (no 'Community Safety Partnership name' cell)")
    combined: dict[str, list[str]] = {}
    current = None
    for number, cells in rows[index + 1 :]:
        name = _clean_text(cells[name_at]) if name_at < len(cells) else None
        code = _clean_text(cells[code_at]) if code_at < len(cells) else None
        # A CSP's further local authorities follow on rows with no CSP name.
        current = _name_key(name) if name else current
        if code is None:
            continue
        if current is None:
            raise source.error("local authority listed before any CSP name", number)
        combined.setdefault(current, []).append(code)
    return combined


def _name_key(name: str) -> str:
    """Normalised CSP name for matching ('&' and 'and', case, spacing)."""
    text = (_clean_text(name) or "").replace("&", " and ")
    return " ".join(text.casefold().split())


def _attach_la_codes(table: _SheetTable, combined: dict[str, list[str]] | None,
                     known: pd.Series | None = None) -> pd.DataFrame:
    """Add ``la_codes`` ("E07000107;E07000109") to a table's CSP rows.

    Combined CSPs are looked up in Table C1 (``combined``) or, failing that,
    in ``known`` (csp_code -> la_codes from another table).
    """
    frame = table.rows.copy()
    codes = []
    for row in frame.itertuples():
        la_code = row.la_code if isinstance(row.la_code, str) else None
        if (la_code or "").casefold() != _COMBINED_LA:
            codes.append(la_code)
        elif combined is not None and _name_key(row.csp_name) in combined:
            codes.append(";".join(combined[_name_key(row.csp_name)]))
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


def _reference_from_c4(rates: _SheetTable, combined: dict[str, list[str]]) -> pd.DataFrame:
    """Per-CSP population facts from Table C4, to join onto every period."""
    frame = _attach_la_codes(rates, combined)
    withheld = frame["population"].notna() & frame[_TOTAL].isna()
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


def _to_long(frame: pd.DataFrame, table: _SheetTable) -> pd.DataFrame:
    ids = ["csp_code", "csp_name", "force_code", "force_name", "la_codes"]
    long = frame.melt(id_vars=ids, value_vars=list(_OFFENCE_KEYS), var_name="offence_group", value_name="count")
    long["period_end"] = table.period_end
    long["source_file"] = table.source.path.name
    long["source_table"] = table.name
    return long


def _finish(long: pd.DataFrame, reference: pd.DataFrame | None) -> pd.DataFrame:
    """Join population facts, set rates and put columns in store order."""
    if reference is not None:
        long = long.merge(reference.drop(columns="la_codes"), on="csp_code", how="left")
    else:
        long = long.assign(population=np.nan, population_year=np.nan, population_source=None, rate_withheld=False)
    if "published_rate_per_1000" not in long:
        long["published_rate_per_1000"] = np.nan
    if "implied_population" not in long:
        long["implied_population"] = _implied_population(long)
    long = _set_rates(long)
    long["offence_label"] = long["offence_group"].map(lambda key: _OFFENCE_BY_KEY[key].label)
    long["parent_group"] = long["offence_group"].map(lambda key: _OFFENCE_BY_KEY[key].parent)
    return _typed(long)


def _implied_population(long: pd.DataFrame) -> pd.Series:
    """The population ONS's rates imply, count / rate x 1,000, for each CSP and period.

    One value per CSP and period (the median over its offence groups with a
    count and a rate above 0, rounded to a millionth of a person to drop
    floating-point noise: 282,702 for Medway), aligned with ``long``'s rows;
    null where ONS publishes no rate.
    """
    count = long["count"].astype("float64")
    published = long["published_rate_per_1000"].astype("float64")
    usable = (count > 0) & (published > 0)
    implied = (count / published * 1000).where(usable)
    keys = [long["csp_code"], pd.to_datetime(long["period_end"])]
    return implied.groupby(keys).transform("median").round(6)


def _check_published_rates(long: pd.DataFrame, rates: _SheetTable, counts: _SheetTable) -> None:
    """Table C4's rates must be the counts of Table C2 over one population per CSP, within 50 of the printed one.

    Raises
    ------
    BenchmarkFileError
        Naming the Table C4 row and column of the first rate that is not.
    """
    count = long["count"].astype("float64")
    published = long["published_rate_per_1000"].astype("float64")
    population = long["implied_population"].astype("float64")
    expected = np.where(count == 0, 0.0, count / population * 1000)
    checked = published.notna() & count.notna()
    wrong = checked & ~np.isclose(published, expected, rtol=_RATE_RTOL, atol=0)
    rows = rates.rows.set_index("csp_code")
    if wrong.any():
        first = long[wrong].iloc[0]
        label = _OFFENCE_BY_KEY[first["offence_group"]].label
        basis = (f"the population the CSP's other rates imply ({first['implied_population']:,.0f})"
                 if pd.notna(first["implied_population"]) else "no population (its other rates are 0)")
        raise rates.source.error(
            f"column {label!r}: rate {float(first['published_rate_per_1000'])!r} for {first['csp_name']} is not "
            f"{counts.name}'s count {first['count']:,.0f} x 1,000 / {basis}",
            int(rows.at[first["csp_code"], "source_row"]),
        )
    printed = long["csp_code"].map(rows["population"]).astype("float64")
    far = published.notna() & ((population - printed).abs() > _ROUNDING + _RATE_RTOL * printed)
    if far.any():
        first = long[far].iloc[0]
        raise rates.source.error(
            f"the rates of {first['csp_name']} imply a population of {first['implied_population']:,.0f}, "
            f"not within {_ROUNDING} of the {printed[far].iloc[0]:,.0f} printed (rounded to 100)",
            int(rows.at[first["csp_code"], "source_row"]),
        )


def _set_rates(long: pd.DataFrame) -> pd.DataFrame:
    """``rate_per_1000``, ``rate_source`` and ``rate_population`` from counts, populations and ONS's rates.

    ONS's own rate wherever it publishes one, with the population it implies
    (``implied_population``); otherwise count / printed population x 1,000,
    unless ONS withholds the CSP's rates (``rate_withheld``).
    """
    withheld = long["rate_withheld"].fillna(False).astype(bool)
    count = long["count"].astype("float64")
    population = long["population"].astype("float64")
    published = long["published_rate_per_1000"].astype("float64")
    computed = (count / population * 1000).where(~withheld & (population > 0))
    is_published = published.notna()
    is_computed = ~is_published & computed.notna()
    long["rate_per_1000"] = published.where(is_published, computed)
    long["rate_population"] = long["implied_population"].astype("float64").where(
        is_published, population.where(is_computed)
    )
    source = pd.Series(None, index=long.index, dtype="object")
    source[is_published] = RATE_PUBLISHED
    source[is_computed] = RATE_COMPUTED
    long["rate_source"] = source
    return long


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Store column order and dtypes; rows sorted by period, CSP, offence order."""
    out = frame.loc[:, list(TIDY_COLUMNS)].copy()
    for column in ("count", "population", "population_year"):
        out[column] = pd.array(out[column].astype("Float64").round(), dtype="Int64")
    for column in ("rate_per_1000", "rate_population", "published_rate_per_1000"):
        out[column] = out[column].astype("float64")
    out["rate_source"] = out["rate_source"].astype("str")  # like the other text columns; nulls stay null
    out["period_end"] = pd.to_datetime(out["period_end"]).astype("datetime64[ns]")
    order = {key: position for position, key in enumerate(_OFFENCE_KEYS)}
    out = out.sort_values(
        ["period_end", "csp_code", "offence_group"], key=lambda s: s.map(order) if s.name == "offence_group" else s
    )
    return out.reset_index(drop=True)


def _published_rates(rates: _SheetTable) -> pd.DataFrame:
    return rates.rows.melt(
        id_vars=["csp_code"], value_vars=list(_OFFENCE_KEYS), var_name="offence_group",
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
    FileNotFoundError
        If there is no such file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such benchmark file")
    with _open_workbook(path) as workbook:
        missing = [sheet for sheet in _REQUIRED_SHEETS if sheet not in workbook.sheetnames]
        if missing:
            raise BenchmarkFileError(path, f"sheet {missing[0]!r} not found (needed: {', '.join(_REQUIRED_SHEETS)})")
        combined = _read_combined_las(workbook, path)
        current = _read_sheet(workbook, path, "Table C2", whole=True)
        rates = _read_sheet(workbook, path, "Table C4", whole=False, with_population=True)
        previous = _read_sheet(workbook, path, "Table C5", whole=True)
    if rates.period_end != current.period_end:
        raise BenchmarkFileError(
            path,
            f"Table C4 is for the year ending {rates.period_end:%B %Y} but Table C2 for {current.period_end:%B %Y}",
        )
    reference = _reference_from_c4(rates, combined)
    current_long = _to_long(_attach_la_codes(current, combined), current)
    current_long = current_long.merge(_published_rates(rates), on=["csp_code", "offence_group"], how="left")
    current_long["implied_population"] = _implied_population(current_long)
    _check_published_rates(current_long, rates, current)
    previous_long = _to_long(_attach_la_codes(previous, combined), previous)
    result = _finish(pd.concat([previous_long, current_long], ignore_index=True), reference)
    result.attrs["skipped_rows"] = {
        f"{path.name}: {table.source.sheet}": dict(table.skipped) for table in (current, rates, previous)
    }
    return result


# --------------------------------------------------------------------------
# CSV export of Table C2
# --------------------------------------------------------------------------


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
    totals = df[(df["offence_group"] == _TOTAL) & df["population"].notna()]
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
        raise FileNotFoundError(f"{path}: no such benchmark file")
    source = _Source(path, None, "line")
    rows = _csv_rows(path)
    # Checked before parsing so that a rates table is named, not misread.
    title_name = _table_name(rows[0][1][0] if rows and rows[0][1] else None, source)
    if title_name not in _COUNT_TABLES:
        raise source.error(f"title names {title_name}; expected a count table ({' or '.join(_COUNT_TABLES)})", 1)
    table = _parse_table(rows, source, whole=True, with_population=False)
    if period_end is not None and pd.Timestamp(period_end) != table.period_end:
        raise source.error(
            f"title says year ending {table.period_end:%B %Y}, not {pd.Timestamp(period_end):%d %B %Y}", 1
        )
    reference = population_reference(population_from) if population_from is not None else None
    known = reference.set_index("csp_code")["la_codes"] if reference is not None else None
    long = _to_long(_attach_la_codes(table, None, known), table)
    result = _finish(long, reference)
    result.attrs["skipped_rows"] = {path.name: dict(table.skipped)}
    return result


# --------------------------------------------------------------------------
# Loading several files, store
# --------------------------------------------------------------------------


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
        raise ValueError("load_benchmarks needs at least one file")
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
    combined = _typed(pd.concat([frame for _, frame in loaded], ignore_index=True))
    combined.attrs["skipped_rows"] = skipped
    return combined


def _check_periods_unique(loaded: list[tuple[Path, pd.DataFrame]]) -> None:
    seen: dict[pd.Timestamp, Path] = {}
    for path, frame in loaded:
        for period in frame["period_end"].unique():
            period = pd.Timestamp(period)
            if period in seen:
                raise BenchmarkFileError(path, f"year ending {period:%B %Y} is also given by {seen[period]}")
            seen[period] = path


def benchmarks_path(store_dir) -> Path:
    """Location of the benchmark table inside a store directory."""
    return Path(store_dir) / "benchmarks" / "ons_csp.parquet"


def write_benchmarks(df: pd.DataFrame, store_dir) -> Path:
    """Write the tidy benchmark frame to ``<store_dir>/benchmarks/ons_csp.parquet``.

    The file is written beside its destination and moved into place with
    :func:`os.replace`, so readers see the old table or the new one, never a
    partial file; a failed write leaves the old table as it was.

    Parameters
    ----------
    df : pandas.DataFrame
        Frame with :data:`TIDY_COLUMNS` (extra columns are dropped).
    store_dir : str or os.PathLike
        Root of the store.

    Returns
    -------
    pathlib.Path
        The parquet file written.
    """
    missing = [column for column in TIDY_COLUMNS if column not in df.columns]
    if missing:
        raise ValueError(f"write_benchmarks: frame lacks column(s) {', '.join(missing)}")
    target = benchmarks_path(store_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(_typed(df), preserve_index=False)
    # Period ends are calendar dates; DATE is what DuckDB users expect.
    position = table.schema.get_field_index("period_end")
    table = table.set_column(position, "period_end", table.column("period_end").cast(pa.date32()))
    table = table.replace_schema_metadata(None)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".ons_csp.", suffix=".parquet.tmp")
    os.close(handle)
    # mkstemp makes the file private (0600); give it the mode any new file would have.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def read_benchmarks(store_dir) -> pd.DataFrame:
    """Read the benchmark table written by :func:`write_benchmarks`.

    Parameters
    ----------
    store_dir : str or os.PathLike
        Root of the store.

    Returns
    -------
    pandas.DataFrame
        Tidy frame with :data:`TIDY_COLUMNS`.

    Raises
    ------
    FileNotFoundError
        If no benchmark table has been written.
    """
    path = benchmarks_path(store_dir)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no benchmark table in the store (load the ONS tables first)")
    frame = pq.read_table(path).to_pandas()
    if "rate_source" not in frame or "rate_population" not in frame:
        frame = _upgrade(frame)
    return _typed(frame)


def _upgrade(frame: pd.DataFrame) -> pd.DataFrame:
    """A table written before ``rate_source``, with its rates set as :func:`load_benchmarks` sets them now.

    Tables written by earlier versions held count / printed population x 1,000
    even where ONS publishes a rate; the stored counts, populations and ONS
    rates are enough to set them again.  A CSP whose rate was null although it
    has a count and a population had its rates withheld by ONS.
    """
    frame = frame.copy()
    frame["rate_withheld"] = (frame["rate_per_1000"].isna() & frame["count"].notna()
                              & (frame["population"].astype("float64") > 0))
    frame["implied_population"] = _implied_population(frame)
    return _set_rates(frame)


# --------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------


def rate_confidence_interval(count, population, level: float = 0.95):
    """Exact Poisson confidence interval for a rate per 1,000 residents.

    The count of offences is treated as a Poisson variable and the population
    as known.  The limits are the exact (Garwood) ones,
    ``chi2.ppf(a/2, 2k) / 2`` and ``chi2.ppf(1 - a/2, 2k + 2) / 2`` for a
    count ``k`` and ``a = 1 - level`` (the lower limit is 0 when ``k = 0``),
    divided by the population and multiplied by 1,000.

    Why exact rather than Byar's approximation: both are standard for
    public-health and crime rates, and for the headline groups (hundreds to
    tens of thousands of offences per CSP) they agree to better than 0.01%.
    But the sub-groups go down to a handful of offences (homicide is 0-4 per
    CSP), where Byar's lower limit is off by 0.7% at 5 offences and by half at
    1, while the exact interval keeps at least its stated coverage for any
    count.  With scipy it is one vectorised call, so nothing is gained by
    approximating.

    Parameters
    ----------
    count : int or array-like
        Offences recorded (whole, non-negative; NaN gives NaN limits).
    population : int or array-like
        Residents (positive).  For a rate ONS publishes, pass the population
        that rate implies (count / rate x 1,000, the tidy frame's
        ``rate_population``), not the printed one rounded to 100, so that the
        interval is the interval of ONS's rate and contains it.
    level : float, default 0.95
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    tuple
        ``(lower, upper)`` per 1,000 residents: floats for scalar input,
        numpy arrays otherwise.

    Raises
    ------
    ValueError
        For a level outside (0, 1), a negative or fractional count, or a
        population that is not positive.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    counts = np.asarray(count, dtype=float)
    populations = np.asarray(population, dtype=float)
    known = ~np.isnan(counts)
    if np.any(counts[known] < 0) or np.any(counts[known] % 1 != 0):
        raise ValueError("count must be a whole number of offences, 0 or more")
    if np.any(populations[~np.isnan(populations)] <= 0):
        raise ValueError("population must be positive")
    tail = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        lower = np.where(counts > 0, chi2.ppf(tail, np.where(counts > 0, 2 * counts, 1)) / 2, 0.0)
        lower = np.where(known, lower, np.nan)
        upper = chi2.ppf(1 - tail, 2 * counts + 2) / 2
        lower, upper = lower / populations * 1000, upper / populations * 1000
    if lower.ndim == 0:
        return float(lower), float(upper)
    return lower, upper


def unitary_authority_codes(df: pd.DataFrame) -> set[str]:
    """CSP codes of the CSPs that are each one English unitary authority.

    A CSP counts when it covers exactly one local authority whose code begins
    ``E06`` and no other CSP covers that authority.  This leaves out the
    former-district CSPs inside North and West Northamptonshire and
    Buckinghamshire (they share their unitary authority's code, as Table C1
    lists) and Welsh principal areas (``W06``), matching the England-only
    unitary authority comparator group that the strategic assessment quotes.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy benchmark frame (needs ``csp_code`` and ``la_codes``).

    Returns
    -------
    set of str
    """
    pairs = df[["csp_code", "la_codes"]].drop_duplicates().dropna()
    shared = pairs["la_codes"].duplicated(keep=False)
    single_e06 = pairs["la_codes"].str.startswith("E06") & ~pairs["la_codes"].str.contains(";")
    return set(pairs.loc[single_e06 & ~shared, "csp_code"])


@dataclass(frozen=True)
class GroupSummary:
    """A Most Similar Group comparison for one period and offence group.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per CSP (the area first, then the peers in the order given):
        ``csp_code, csp_name, is_area, count, population, rate_per_1000,
        rate_source, rate_population, ci_lower, ci_upper, previous_count,
        pct_change, rank, position``.  ``rate_per_1000`` is ONS's own rate
        where it publishes one, and the interval is scaled by
        ``rate_population``, the population behind the rate (see the module
        notes).  ``rank`` 1 is the highest rate; ``position`` is ``'above average'``,
        ``'below average'`` or ``'not significantly different'`` (null when
        the CSP has no rate or interval).  ``pct_change`` is against the
        same CSP a year earlier, null when that year is not loaded.
    group_average : float
        Mean of the group's CSP rates, each CSP weighted equally (as the
        strategic assessment averages its table); CSPs without a rate are
        left out, and ``group_size`` counts those with one.
    area_rank_all, n_ranked_all : int
        The area's rank (1 = highest rate) among all CSPs with a rate.
    area_rank_unitary, n_ranked_unitary : int or None
        The same among :func:`unitary_authority_codes`; ``None`` when the
        area is not one.
    """

    area_code: str
    period_end: pd.Timestamp
    offence_group: str
    offence_label: str
    level: float
    table: pd.DataFrame
    group_average: float
    area_rank_in_group: int | None
    group_size: int
    area_rank_all: int | None
    n_ranked_all: int
    area_rank_unitary: int | None
    n_ranked_unitary: int


def _rank_of(rates: pd.Series, code: str) -> int | None:
    """Rank (1 = highest, ties share the best rank) of ``code`` in ``rates``."""
    ranks = rates.dropna().rank(ascending=False, method="min")
    return int(ranks[code]) if code in ranks.index else None


def _position(lower: float, upper: float, average: float) -> str | None:
    if np.isnan(lower) or np.isnan(upper):
        return None
    if lower > average:
        return "above average"
    if upper < average:
        return "below average"
    return "not significantly different"


def _previous_period(period_end: pd.Timestamp) -> pd.Timestamp:
    return period_end - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)


def group_summary(df: pd.DataFrame, area_code: str, peer_codes: Sequence[str], period_end,
                  offence_group: str = _TOTAL, level: float = 0.95, min_change_base: int = 50) -> GroupSummary:
    """Compare an area with its Most Similar Group for one period and offence group.

    The group average is the unweighted mean of the group's CSP rates,
    including the area itself: with the strategic assessment's published
    rates this reproduces its averages (95.7 for all crime excluding fraud,
    39.6 for violence against the person).  A CSP is ``'above average'`` only
    when the lower limit of its exact Poisson interval (see
    :func:`rate_confidence_interval`) lies above the group average,
    ``'below average'`` when the upper limit lies below it, and otherwise
    ``'not significantly different'``; the average is treated as a fixed
    reference.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy benchmark frame (:func:`load_benchmarks` or :func:`read_benchmarks`).
    area_code : str
        CSP code of the area, e.g. ``"E22000143"`` for Medway.
    peer_codes : sequence of str
        CSP codes of the peers (see :func:`resolve_peers`).
    period_end : date-like
        End of the year to compare, e.g. ``"2024-12-31"``.
    offence_group : str, default "total_excl_fraud"
        Key from :data:`OFFENCE_GROUPS`.
    level : float, default 0.95
        Confidence level of the intervals.
    min_change_base : int, default 50
        Percentage changes are left null when either year's count is below
        this, as ONS does in Table C3 ("[u]": small base of less than 50).

    Returns
    -------
    GroupSummary

    Raises
    ------
    ValueError
        If the offence group is unknown, the period has no rows, or a CSP code
        is not in the frame for that period.
    """
    if offence_group not in _OFFENCE_BY_KEY:
        raise ValueError(f"unknown offence_group {offence_group!r}; expected one of {', '.join(_OFFENCE_KEYS)}")
    period_end = pd.Timestamp(period_end)
    rows = df[(df["period_end"] == period_end) & (df["offence_group"] == offence_group)].set_index("csp_code")
    if rows.empty:
        raise ValueError(f"no benchmark rows for the year ending {period_end:%d %B %Y}")
    codes = list(dict.fromkeys([area_code, *peer_codes]))
    missing = [code for code in codes if code not in rows.index]
    if missing:
        raise ValueError(f"CSP code(s) not in the year ending {period_end:%B %Y}: {', '.join(missing)}")

    table = rows.loc[codes, ["csp_name", "count", "population", "rate_per_1000", "rate_source",
                             "rate_population"]].copy()
    table.insert(1, "is_area", table.index == area_code)
    has_rate = table["rate_per_1000"].notna()
    counts = table["count"].astype("float64")
    # ONS note 3: transfers can make a count negative; no interval then.  The interval is
    # scaled by the population behind the rate, so that it is the interval of the rate shown.
    lower, upper = rate_confidence_interval(
        counts.where(has_rate & (counts >= 0)).to_numpy(),
        table["rate_population"].astype("float64").to_numpy(),
        level,
    )
    table["ci_lower"], table["ci_upper"] = lower, upper
    table = table.join(_previous_counts(df, period_end, offence_group, codes))
    table["pct_change"] = _pct_change(table["count"], table["previous_count"], min_change_base)
    table["rank"] = pd.array(table["rate_per_1000"].rank(ascending=False, method="min"), dtype="Int64")
    average = float(table["rate_per_1000"].mean())
    table["position"] = [_position(lo, hi, average) for lo, hi in zip(table["ci_lower"], table["ci_upper"])]

    unitary = rows.loc[rows.index.isin(unitary_authority_codes(df)), "rate_per_1000"]
    return GroupSummary(
        area_code=area_code,
        period_end=period_end,
        offence_group=offence_group,
        offence_label=_OFFENCE_BY_KEY[offence_group].label,
        level=level,
        table=table.reset_index(),
        group_average=average,
        area_rank_in_group=_rank_of(table["rate_per_1000"], area_code),
        group_size=int(has_rate.sum()),
        area_rank_all=_rank_of(rows["rate_per_1000"], area_code),
        n_ranked_all=int(rows["rate_per_1000"].notna().sum()),
        area_rank_unitary=_rank_of(unitary, area_code),
        n_ranked_unitary=int(unitary.notna().sum()),
    )


def _pct_change(count: pd.Series, previous: pd.Series, min_base: int) -> pd.Series:
    """Percentage change, null where either year's count is below ``min_base``.

    This is the ONS Table C3 rule: checked against every CSP and offence group
    of the year ending December 2024 workbook, "[u]" marks exactly the changes
    where the earlier or the later count is under 50.
    """
    now, before = count.astype("float64"), previous.astype("float64")
    change = (now - before) / before * 100
    return change.where((now >= min_base) & (before >= min_base))


def _previous_counts(df: pd.DataFrame, period_end: pd.Timestamp, offence_group: str, codes: list[str]) -> pd.Series:
    previous = df[(df["period_end"] == _previous_period(period_end)) & (df["offence_group"] == offence_group)]
    counts = previous.set_index("csp_code")["count"].rename("previous_count")
    return counts.reindex(codes)


# --------------------------------------------------------------------------
# Peers
# --------------------------------------------------------------------------


def resolve_peers(df: pd.DataFrame, names: Iterable[str]) -> list[str]:
    """CSP codes for CSP names, as written in a strategic assessment.

    Matching ignores case, spacing and ``&`` versus ``and``.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy benchmark frame (``csp_code``, ``csp_name``).
    names : iterable of str
        CSP names, e.g. ``["Basildon", "Dartford and Gravesham"]``.

    Returns
    -------
    list of str
        Codes in the order of ``names``.

    Raises
    ------
    ValueError
        Naming every name that matches no CSP (or more than one).
    """
    names = list(names)
    codes_by_name: dict[str, set[str]] = {}
    for code, name in df[["csp_code", "csp_name"]].drop_duplicates().itertuples(index=False):
        codes_by_name.setdefault(_name_key(name), set()).add(code)
    unknown = [name for name in names if _name_key(name) not in codes_by_name]
    if unknown:
        raise ValueError(f"no CSP matches peer name(s): {', '.join(repr(n) for n in unknown)}")
    ambiguous = [name for name in names if len(codes_by_name[_name_key(name)]) > 1]
    if ambiguous:
        raise ValueError(f"more than one CSP code matches peer name(s): {', '.join(repr(n) for n in ambiguous)}")
    return [next(iter(codes_by_name[_name_key(name)])) for name in names]


# --------------------------------------------------------------------------
# The table published in the strategic assessment
# --------------------------------------------------------------------------

_PUBLISHED_COLUMNS = (
    "offence_group", "offence_label", "period_end", "csp_name", "rate_per_1000", "pct_change", "source",
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
        raise BenchmarkFileError(
            path, f"{len(cells)} fields where the header has {len(header)}", line=line
        )
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


def summarise_published_table(
    published: pd.DataFrame, offence_group: str, area_name: str = "Medway"
) -> PublishedSummary:
    """Recompute a published table's group average and the area's rank.

    Parameters
    ----------
    published : pandas.DataFrame
        From :func:`read_published_table`.
    offence_group : str
        Which of its tables, e.g. ``"total_excl_fraud"``.
    area_name : str, default "Medway"

    Returns
    -------
    PublishedSummary

    Raises
    ------
    ValueError
        If the table or the area is not there.
    """
    rows = published[published["offence_group"] == offence_group].copy()
    if rows.empty:
        raise ValueError(f"no published table for offence_group {offence_group!r}")
    is_area = rows["csp_name"].map(_name_key) == _name_key(area_name)
    if not is_area.any():
        raise ValueError(f"{area_name!r} is not in the published {offence_group!r} table")
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


# --------------------------------------------------------------------------
# Where the dashboard finds its benchmark files
# --------------------------------------------------------------------------

#: The embedded default area folder; its ``benchmarks/`` holds the ONS table
#: and the England and Wales boundaries, which serve any area.
EMBEDDED_AREA_DIR = Path(__file__).resolve().parent.parent / "data" / "medway"
GROUP_BOUNDARIES_FILE = "lad_may2023_group.geojson"
NATIONAL_BOUNDARIES_FILE = "lad_may2023_england_wales.geojson"
OUTLINE_FILE = "england_wales_outline.geojson"
PUBLISHED_TABLE_PATTERN = "published_*.csv"


def benchmark_table_path(store_dir, area_dir) -> Path:
    """The benchmark table the dashboard reads.

    The store's copy (written by ``python -m csp_data benchmarks load``) wins,
    so newer ONS tables loaded by an analyst are used at once; otherwise the
    copy shipped in the area folder, otherwise the embedded one (the ONS table
    covers every CSP in England and Wales, so it serves any area).

    Parameters
    ----------
    store_dir, area_dir : str or os.PathLike
        The store folder and the folder of the area file.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If none of the three exists.
    """
    candidates = [benchmarks_path(store_dir), benchmarks_path(area_dir), benchmarks_path(EMBEDDED_AREA_DIR)]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{candidates[0]}: no benchmark table (load the ONS tables with `python -m csp_data benchmarks load PATH...`)"
    )


def benchmark_file(area_dir, name: str, *, fallback: bool = True) -> Path | None:
    """``<area_dir>/benchmarks/<name>``, else the embedded copy when ``fallback``; ``None`` if neither exists."""
    folders = [Path(area_dir) / "benchmarks"] + ([EMBEDDED_AREA_DIR / "benchmarks"] if fallback else [])
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    return None


def published_table_paths(area_dir) -> list[Path]:
    """The area's transcribed published benchmark tables (never another area's)."""
    return sorted((Path(area_dir) / "benchmarks").glob(PUBLISHED_TABLE_PATTERN))


# --------------------------------------------------------------------------
# Presenting a comparison
# --------------------------------------------------------------------------


def period_label(period_end) -> str:
    """'Year ending December 2024' for 2024-12-31."""
    return f"Year ending {pd.Timestamp(period_end):%B %Y}"


def available_periods(df: pd.DataFrame) -> list[pd.Timestamp]:
    """The period ends in a tidy frame, oldest first."""
    return sorted(pd.Timestamp(value) for value in df["period_end"].dropna().unique())


def has_previous_year(df: pd.DataFrame, period_end) -> bool:
    """Whether the year before ``period_end`` is loaded, so that a % change can be given."""
    return bool((df["period_end"] == _previous_period(pd.Timestamp(period_end))).any())


def offence_group_label(key: str) -> str:
    """The ONS heading of an offence group, with the group it belongs to for sub-groups."""
    group = _OFFENCE_BY_KEY[key]
    if group.parent in (None, _TOTAL):
        return group.label
    return f"{group.label} (part of {_OFFENCE_BY_KEY[group.parent].label.lower()})"


def area_csp_code(df: pd.DataFrame, csp_code: str | None, names: Sequence[str]) -> str:
    """The area's CSP code: ``csp_code`` from the area file, else the first of ``names`` that is a CSP.

    Raises
    ------
    ValueError
        If the code is not in the table or no name matches a CSP.
    """
    codes = set(df["csp_code"].unique())
    if csp_code:
        if csp_code not in codes:
            raise ValueError(f"the area's CSP code {csp_code!r} is not in the ONS benchmark table")
        return csp_code
    for name in names:
        try:
            return resolve_peers(df, [name])[0]
        except ValueError:
            continue
    raise ValueError(
        f"no CSP in the ONS benchmark table is called {' or '.join(repr(n) for n in names)}; "
        "set area.csp_code in the area file"
    )


def csp_names(df: pd.DataFrame) -> dict[str, str]:
    """CSP code -> name, sorted by name."""
    pairs = df[["csp_code", "csp_name"]].drop_duplicates("csp_code")
    return dict(sorted(zip(pairs["csp_code"], pairs["csp_name"]), key=lambda item: item[1].casefold()))


def usable_peer_names(df: pd.DataFrame, names: Iterable[str], area_code: str) -> tuple[list[str], list[str]]:
    """Split peer names into those that match a CSP (as named in the table) and those that do not.

    The area itself is dropped from the peers; it is always in the group.
    """
    by_code = csp_names(df)
    by_key: dict[str, set[str]] = {}
    for code, name in by_code.items():
        by_key.setdefault(_name_key(name), set()).add(code)
    known, unknown = [], []
    for name in names:
        codes = by_key.get(_name_key(name), set())
        if len(codes) != 1:
            unknown.append(name)
            continue
        code = next(iter(codes))
        if code != area_code and by_code[code] not in known:
            known.append(by_code[code])
    return known, unknown


def peer_presets(df: pd.DataFrame, area_code: str, area_peers: Sequence[str]) -> dict[str, list[str]]:
    """Ready-made peer lists (CSP names), besides the one in the area file.

    Returns
    -------
    dict
        ``{"Most Similar Group (area file)": [...], "All <force> CSPs": [...],
        "All unitary authorities": [...]}``; each leaves the area out, since it
        is always in the group.  The force is the area's police force area.
    """
    names = csp_names(df)
    pairs = df[["csp_code", "force_name"]].drop_duplicates("csp_code").set_index("csp_code")["force_name"]
    force = pairs.get(area_code)
    presets = {"Most Similar Group (area file)": usable_peer_names(df, area_peers, area_code)[0]}
    if isinstance(force, str):
        presets[f"All {force} CSPs"] = [names[c] for c in names if c != area_code and pairs.get(c) == force]
    unitary = unitary_authority_codes(df)
    presets["All unitary authorities"] = [names[c] for c in names if c != area_code and c in unitary]
    return presets


#: Columns of :func:`assessment_table`, as shown and downloaded.
ASSESSMENT_COLUMNS = {
    "csp_name": "CSP",
    "rate_per_1000": "Rate per 1,000",
    "pct_change": "% change on previous year",
    "rank": "Rank (1 = highest)",
    "ci_lower": "95% CI lower",
    "ci_upper": "95% CI upper",
    "position": "Compared with group average",
    "count": "Offences",
    "previous_count": "Offences, previous year",
    "population": "Population (mid-2022, rounded to 100)",
    "rate_population": "Population behind the rate",
    "rate_source": "Rate from",
    "csp_code": "CSP code",
}


def assessment_table(summary: GroupSummary) -> pd.DataFrame:
    """The comparison as the strategic assessment lays it out: the area first, then its peers by name.

    Columns are :data:`ASSESSMENT_COLUMNS` (CSP, rate per 1,000, % change on
    the previous year, then rank, confidence interval, position against the
    group average, counts, the population as printed and the population
    behind the rate, and where the rate comes from).  Values are unrounded;
    rounding is for display.
    """
    table = summary.table
    peers = table[~table["is_area"]].sort_values("csp_name", key=lambda s: s.str.casefold())
    ordered = pd.concat([table[table["is_area"]], peers])
    out = ordered[list(ASSESSMENT_COLUMNS)].rename(columns=ASSESSMENT_COLUMNS).reset_index(drop=True)
    return out


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _rate_text(rate: float) -> str:
    """A rate with enough decimals to tell small rates (homicide: 0.014) apart."""
    decimals = 1 if abs(rate) >= 10 else 2 if abs(rate) >= 1 else 3
    return f"{rate:,.{decimals}f}"


def _year_ending(period_end) -> str:
    return f"year ending {pd.Timestamp(period_end):%B %Y}"


def describe_position(summary: GroupSummary, area_name: str) -> str:
    """A plain-English sentence on where the area stands against its group.

    "Above" or "below" the average is said only when the area's 95%
    confidence interval lies wholly on one side of the group average;
    otherwise the sentence says the difference could be chance.
    """
    row = summary.table[summary.table["is_area"]].iloc[0]
    what = summary.offence_label.lower()
    if pd.isna(row["rate_per_1000"]):
        return f"ONS gives no {what} rate for {area_name} in the {_year_ending(summary.period_end)}."
    percent = round(summary.level * 100)
    rate, average = row["rate_per_1000"], summary.group_average
    interval = f"{_rate_text(row['ci_lower'])} to {_rate_text(row['ci_upper'])}"
    start = (
        f"{area_name}'s {what} rate, {_rate_text(rate)} per 1,000 residents in the "
        f"{_year_ending(summary.period_end)}, "
    )
    if summary.group_size < 2:
        return start + "has no peers to be compared with: choose at least one peer CSP."
    rank = f"It ranks {_ordinal(summary.area_rank_in_group)} highest of the {summary.group_size} CSPs in the group."
    if row["position"] == "above average":
        return (start + f"is **above** the group average of {_rate_text(average)}: its {percent}% confidence "
                f"interval ({interval}) lies wholly above it. " + rank)
    if row["position"] == "below average":
        return (start + f"is **below** the group average of {_rate_text(average)}: its {percent}% confidence "
                f"interval ({interval}) lies wholly below it. " + rank)
    side = "higher than" if rate > average else "lower than" if rate < average else "equal to"
    return (start + f"is {side} the group average of {_rate_text(average)}, but **not significantly different** "
            f"from it: its {percent}% confidence interval ({interval}) includes the average, so the difference "
            "could be chance. " + rank)


def describe_national(summary: GroupSummary, area_name: str) -> list[str]:
    """Sentences on the area's rank among all CSPs and among unitary authorities."""
    what = summary.offence_label.lower()
    sentences = []
    if summary.area_rank_all is not None:
        sentences.append(
            f"Among the {summary.n_ranked_all} CSPs in England and Wales with a rate, {area_name} has "
            f"the {_ordinal(summary.area_rank_all)} highest {what} rate (1st = highest)."
        )
    if summary.area_rank_unitary is not None:
        sentences.append(
            f"Among the {summary.n_ranked_unitary} CSPs that are each one English unitary authority, it is "
            f"{_ordinal(summary.area_rank_unitary)} highest."
        )
    else:
        sentences.append(f"{area_name} is not a single unitary authority CSP, so it has no unitary authority rank.")
    return sentences


def national_table(df: pd.DataFrame, period_end, offence_group: str = _TOTAL) -> pd.DataFrame:
    """Every CSP's rate for one period and offence group, ranked (1 = highest), with a unitary flag.

    Columns: ``csp_code, csp_name, force_name, count, population,
    rate_per_1000, rank_all, unitary_authority, rank_unitary, rate_source,
    rate_population``; ``rate_per_1000`` is ONS's own rate where it
    publishes one.
    """
    period_end = pd.Timestamp(period_end)
    rows = df[(df["period_end"] == period_end) & (df["offence_group"] == offence_group)]
    out = rows[["csp_code", "csp_name", "force_name", "count", "population", "rate_per_1000",
                "rate_source", "rate_population"]].copy()
    out["rank_all"] = pd.array(out["rate_per_1000"].rank(ascending=False, method="min"), dtype="Int64")
    out["unitary_authority"] = out["csp_code"].isin(unitary_authority_codes(df))
    unitary_rank = out.loc[out["unitary_authority"], "rate_per_1000"].rank(ascending=False, method="min")
    out["rank_unitary"] = pd.array(unitary_rank.reindex(out.index), dtype="Int64")
    rate_facts = ["rate_source", "rate_population"]
    out = out[[c for c in out.columns if c not in rate_facts] + rate_facts]
    return out.sort_values(["rank_all", "csp_name"], na_position="last").reset_index(drop=True)


def rank_history(df: pd.DataFrame, area_code: str, peer_codes: Sequence[str],
                 offence_group: str = _TOTAL) -> pd.DataFrame:
    """Each group member's rank and rate in every loaded period, and how its rank moved.

    Returns
    -------
    pandas.DataFrame
        One row per CSP (the area first, then the peers by name): ``csp_code,
        csp_name, is_area``, then for each period ``rank <label>`` and
        ``rate <label>``, then ``rank change <first> to <last>`` (earlier
        rank minus later rank: positive means the CSP moved towards 1st, the
        highest rate, relative to its peers).  Period labels are like
        "YE Dec 2024".
    """
    periods = available_periods(df)
    frames = []
    for period in periods:
        summary = group_summary(df, area_code, peer_codes, period, offence_group)
        label = f"YE {period:%b %Y}"
        table = summary.table.set_index("csp_code")
        frames.append(table[["rank", "rate_per_1000"]].rename(
            columns={"rank": f"rank {label}", "rate_per_1000": f"rate {label}"}))
    base = group_summary(df, area_code, peer_codes, periods[-1], offence_group).table.set_index("csp_code")
    out = base[["csp_name", "is_area"]].join(frames)
    if len(periods) > 1:
        first, last = f"YE {periods[0]:%b %Y}", f"YE {periods[-1]:%b %Y}"
        out[f"rank change {first} to {last}"] = out[f"rank {first}"] - out[f"rank {last}"]
    peers = out[~out["is_area"]].sort_values("csp_name", key=lambda s: s.str.casefold())
    return pd.concat([out[out["is_area"]], peers]).reset_index()


def describe_rank_history(history: pd.DataFrame, area_name: str) -> str:
    """'Medway was 3rd of 14 in the YE Dec 2023, 4th in the YE Dec 2024 ...' from :func:`rank_history`."""
    row = history[history["is_area"]].iloc[0]
    size = len(history)
    parts = []
    for column in [c for c in history.columns if c.startswith("rank YE")]:
        label = column.removeprefix("rank ")
        value = row[column]
        parts.append(f"{'no rank' if pd.isna(value) else _ordinal(int(value))} in the {label}")
    if not parts:
        return ""
    return f"{area_name}'s rank in the group of {size} (1st = highest rate): " + "; ".join(parts) + "."


def describe_rate_source(df: pd.DataFrame, period_end) -> str:
    """Where one period's rates come from, in a sentence or two for the page.

    ONS's own rates (Table C4) for the year of the release; rates computed
    from counts and the printed, rounded population for the other years,
    which may differ from ONS's in the second decimal place.
    """
    period_end = pd.Timestamp(period_end)
    rows = df[df["period_end"] == period_end]
    sources = set(rows["rate_source"].dropna())
    years = rows["population_year"].dropna()
    population = f"mid-{int(years.mode().iloc[0])} population" if len(years) else "population"
    when = _year_ending(period_end)
    published = (
        f"ONS's own, exactly as published in its Table C4. ONS divides by unrounded {population}s (the table "
        "prints them rounded to 100), so each confidence interval uses the population its rate implies "
        "(offences × 1,000 / rate), and each rate lies inside its interval."
    )
    computed = (
        f"computed here as offences × 1,000 / the {population} as ONS prints it, rounded to 100, because ONS "
        "publishes no CSP rates for this year in the tables loaded. They may differ from the rates ONS would give "
        "in the second decimal place (ONS divides by unrounded populations); their confidence intervals use the "
        "same rounded population."
    )
    if sources == {RATE_PUBLISHED}:
        return f"Rates for the {when} are {published}"
    if sources == {RATE_COMPUTED}:
        return f"Rates for the {when} are {computed}"
    if sources == {RATE_PUBLISHED, RATE_COMPUTED}:
        return (f"Rates for the {when} are, where ONS publishes a CSP's rate, {published} Elsewhere they are "
                f"{computed}")
    return f"No rates are given for the {when}."


def describe_published(summary: PublishedSummary, area_name: str) -> str:
    """The published table's average and the area's place, recomputed from its rows."""
    return (
        f"Group average **{summary.group_average:.1f}** per 1,000 (the unweighted mean of the "
        f"{summary.group_size} published rates, {area_name} included: "
        f"{summary.table['rate_per_1000'].sum():,.1f} / {summary.group_size} = {summary.group_average:.2f}). "
        f"{area_name}: {summary.area_rate:.1f}, **{_ordinal(summary.area_rank)} highest of {summary.group_size}**."
    )
