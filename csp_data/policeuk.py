"""Reading data.police.uk street-level files: single CSVs, monthly folders and the archive zip.

Every file is checked whole before anything is written, and a problem is reported as one
:class:`~csp_data.errors.InputFileError` naming the file, the line and what is wrong.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from csp_data.errors import InputFileError

COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
ASB_CRIME_TYPE = "Anti-social behaviour"
STREET_FILE_NAME = re.compile(r"(?:^|/)(\d{4}-\d{2})-([a-z0-9-]+)-street\.csv$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# police.uk names each LSOA after its district followed by a code such as " 001A".
_LSOA_SUFFIX = r" \d{3}[A-Z]$"


@dataclass(frozen=True)
class StreetFile:
    """One street-level CSV, on disk or inside a zip archive."""

    label: str
    month_hint: str | None
    read_bytes: Callable[[], bytes]


def _from_disk(path: Path) -> StreetFile:
    match = STREET_FILE_NAME.search(path.name)
    return StreetFile(str(path), match.group(1) if match else None, path.read_bytes)


def _from_zip(path: Path) -> list[StreetFile]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(path, f"not a readable zip archive ({exc})") from None
    files = []
    with archive:
        names = sorted(archive.namelist())
    for name in names:
        match = STREET_FILE_NAME.search(name)
        if match:
            files.append(
                StreetFile(f"{path}:{name}", match.group(1), lambda name=name: _read_member(path, name))
            )
    if not files:
        raise InputFileError(path, "the zip holds no police.uk street files (YYYY-MM/YYYY-MM-<force>-street.csv)")
    return files


def _read_member(path: Path, name: str) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read(name)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(f"{path}:{name}", f"cannot read from the zip ({exc})") from None


def discover_street_files(paths: list[str | Path]) -> list[StreetFile]:
    """Expand the paths given to ``ingest`` into the street-level CSV files they hold.

    A folder is searched recursively for ``*-street.csv`` (the outcomes and stop-and-search files
    of a police.uk download are skipped); a ``.zip`` is read in place; any other file is taken as
    a street-level CSV, whatever its name.
    """
    found: list[StreetFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*-street.csv") if p.is_file())
            if not files:
                raise InputFileError(path, "the folder holds no police.uk street files (*-street.csv)")
            found.extend(_from_disk(p) for p in files)
        elif path.is_file() and path.suffix.lower() == ".zip":
            found.extend(_from_zip(path))
        elif path.is_file():
            found.append(_from_disk(path))
        else:
            raise InputFileError(path, "no such file or folder")
    return found


def _decode(label: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFileError(
            label, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); police.uk files are UTF-8 CSV", line
        ) from None


def _header(text: str) -> list[str]:
    end = text.find("\n")
    return next(csv.reader([(text if end < 0 else text[:end]).rstrip("\r")]), [])


def _check_header(label: str, text: str) -> list[str]:
    header = _header(text)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        found = ", ".join(repr(h) for h in header[:12]) or "nothing"
        raise InputFileError(
            label,
            f"not a police.uk street-level CSV: missing column(s) {', '.join(repr(m) for m in missing)}; "
            f"the header has {found}",
            1,
        )
    if len(set(header)) != len(header):
        raise InputFileError(label, "the header names a column twice", 1)
    return header


def _find_bad_row(label: str, text: str, width: int) -> InputFileError:
    """Locate the first row whose field count is wrong, to explain a parse failure exactly."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if len(row) != width and row:
                last = reader.line_num == text.rstrip("\r\n").count("\n") + 1
                problem = f"has {len(row)} fields where the header has {width}"
                if last and not text.endswith("\n"):
                    problem = f"the last line is truncated ({len(row)} of {width} fields)"
                return InputFileError(label, problem, reader.line_num)
    except csv.Error as exc:
        return InputFileError(label, f"broken CSV quoting ({exc})", reader.line_num)
    return InputFileError(label, "cannot be parsed as CSV")


def read_street_csv(label: str, data: bytes) -> pa.Table:
    """Parse and check one street-level CSV; every column is returned as text.

    Raises
    ------
    InputFileError
        For an empty file, bytes that are not UTF-8, a missing column, a row with the wrong number
        of fields (such as a truncated last line), or broken quoting.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if re.match(rb"\s*\Z", data):  # only whitespace (matching stops at the first other byte)
        raise InputFileError(label, "the file is empty")
    text = _decode(label, data)
    header = _check_header(label, text)
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        raise _find_bad_row(label, text, len(header)) from None
    return table.select(list(COLUMNS))


def _first_failure(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if len(hits) else None


def _check_months(label: str, table: pa.Table, month_hint: str | None) -> np.ndarray:
    months = table.column("Month").to_numpy(zero_copy_only=False).astype(str)
    valid = np.array([bool(_MONTH.match(m)) for m in np.unique(months)], dtype=bool)
    bad_values = set(np.unique(months)[~valid])
    if bad_values:
        row = _first_failure(np.isin(months, list(bad_values)))
        raise InputFileError(label, f"month {str(months[row])!r} is not a YYYY-MM month", row + 2)
    if month_hint is not None:
        row = _first_failure(months != month_hint)
        if row is not None:
            raise InputFileError(
                label, f"row is for month {months[row]} but the file is named for {month_hint}", row + 2
            )
    return months


def _coordinates(label: str, table: pa.Table, column: str, limit: float) -> np.ndarray:
    """Coordinates as floats (NaN where blank); an error for text that is not a number or out of range."""
    text = pc.utf8_trim_whitespace(table.column(column))
    blank = _as_bool(pc.equal(text, ""))
    try:
        values = pc.cast(pc.if_else(blank, None, text), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raw = text.to_numpy(zero_copy_only=False)
        for row in np.flatnonzero(~blank):
            try:
                float(raw[row])
            except ValueError:
                raise InputFileError(label, f"{column.lower()} {str(raw[row])!r} is not a number", int(row) + 2) from None
        raise
    values = np.asarray(values, dtype=float)
    row = _first_failure(~blank & ~(np.abs(values) <= limit))
    if row is not None:
        raise InputFileError(
            label, f"{column.lower()} {values[row]:g} is out of range (-{limit:g} to {limit:g})", row + 2
        )
    return values


def _as_bool(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=bool)


@dataclass
class ParsedFile:
    """The rows of one file that belong to the area, and the count of every row that does not."""

    label: str
    rows: pa.Table
    counts: dict[tuple[str, str], dict[str, int]]  # (month, force) -> {read, kept, no_location, ...}


DROP_REASONS = ("no_location", "outside_area", "malformed")


def select_area_rows(label: str, table: pa.Table, month_hint: str | None, lsoa_districts: tuple[str, ...]) -> ParsedFile:
    """Check values and keep the rows whose LSOA lies in one of ``lsoa_districts``.

    Rows are dropped, and counted by reason, when they have no location (police.uk gives
    no coordinates or LSOA), lie outside the area, or are malformed (no crime type).
    Coordinates out of range and months that are not ``YYYY-MM`` stop the load with an error.
    """
    months = _check_months(label, table, month_hint)
    longitude = _coordinates(label, table, "Longitude", 180.0)
    latitude = _coordinates(label, table, "Latitude", 90.0)
    lsoa_code = pc.utf8_trim_whitespace(table.column("LSOA code"))
    district = pc.replace_substring_regex(
        pc.utf8_trim_whitespace(table.column("LSOA name")), pattern=_LSOA_SUFFIX, replacement=""
    )
    no_location = np.isnan(longitude) | np.isnan(latitude) | _as_bool(pc.equal(lsoa_code, ""))
    in_area = _as_bool(pc.is_in(district, value_set=pa.array(list(lsoa_districts))))
    outside = ~no_location & ~in_area
    crime_type = pc.utf8_trim_whitespace(table.column("Crime type"))
    malformed = ~no_location & in_area & _as_bool(pc.equal(crime_type, ""))
    kept = ~no_location & in_area & ~malformed

    forces = pc.utf8_trim_whitespace(table.column("Reported by")).to_numpy(zero_copy_only=False).astype(str)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    keys = np.char.add(np.char.add(months, "\x1f"), forces)
    for key in np.unique(keys):
        month, force = str(key).split("\x1f")
        rows = keys == key
        counts[(month, force)] = {
            "rows_read": int(rows.sum()),
            "rows_kept": int((rows & kept).sum()),
            "no_location": int((rows & no_location).sum()),
            "outside_area": int((rows & outside).sum()),
            "malformed": int((rows & malformed).sum()),
        }

    mask = pa.array(kept)
    blank_to_null = lambda col: pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)  # noqa: E731
    kind = pc.if_else(pc.equal(crime_type, ASB_CRIME_TYPE), "asb", "crime")
    rows = pa.table(
        {
            "month": pa.array(months),
            "force": pa.array(forces),
            "kind": kind,
            "crime_type": crime_type,
            "crime_id": blank_to_null(pc.utf8_trim_whitespace(table.column("Crime ID"))),
            "falls_within": table.column("Falls within"),
            "longitude": pa.array(longitude),
            "latitude": pa.array(latitude),
            "location": blank_to_null(table.column("Location")),
            "lsoa_code": lsoa_code,
            "lsoa_name": table.column("LSOA name"),
            "outcome": blank_to_null(table.column("Last outcome category")),
            "context": blank_to_null(table.column("Context")),
        }
    ).filter(mask)
    return ParsedFile(label, rows, counts)


def parse_street_file(street_file: StreetFile, lsoa_districts: tuple[str, ...]) -> ParsedFile:
    """Read, check and filter one street-level file."""
    try:
        data = street_file.read_bytes()
    except OSError as exc:
        raise InputFileError(street_file.label, f"cannot read the file ({exc.strerror or exc})") from None
    table = read_street_csv(street_file.label, data)
    return select_area_rows(street_file.label, table, street_file.month_hint, lsoa_districts)


def iter_parsed(files: list[StreetFile], lsoa_districts: tuple[str, ...]) -> Iterator[ParsedFile]:
    """Parse each file in turn (a generator, so a caller can show progress)."""
    for street_file in files:
        yield parse_street_file(street_file, lsoa_districts)
