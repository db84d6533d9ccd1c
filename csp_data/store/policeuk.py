"""Reading data.police.uk street-level files: single CSVs, monthly folders and the archive zip.

Every file is checked whole before anything is written, and a problem is reported as one
:class:`~csp_data.errors.InputFileError` naming the file, the line and what is wrong. Files are read
a block at a time and only the rows in the area are kept, so memory stays bounded whatever the
input's size; the checks and the area filter are vectorised (pyarrow compute), with Python work
only for the handful of distinct months, forces and crime types a file holds.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from csp_data.errors import InputFileError
from csp_data.store.districts import lsoa_district_names
from csp_data.store.forces import ForceNameError, force_key, normalise_force_name
from csp_data.store.sources import StreetFile, _ZipReadError

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
_ASB_LETTERS = "antisocialbehaviour"  # its letters: how ASB is recognised, whatever its case and hyphens
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
FIRST_MONTH = "2010-12"  # data.police.uk's street-level data starts in December 2010
# police.uk names each LSOA after its district followed by a code such as " 001A".
_LSOA_SUFFIX = r" [0-9]{3}[A-Z]$"
_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
MAX_HEADER_BYTES = 65_536
WHOLE_FILE_BYTES = 96 << 20  # files up to this size are parsed at once (faster); larger ones a block at a time
BLOCK_BYTES = 32 << 20
DROP_REASONS = ("no_location", "outside_area", "malformed")


# ---- the header ----


def _read_header(label: str, stream: BinaryIO) -> list[str]:
    head = stream.read(MAX_HEADER_BYTES + 4)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if not head.strip():
        rest = stream.read(1 << 16)
        if not rest.strip():
            raise InputFileError(label, "the file is empty")
        head += rest
    ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]
    end = min(ends) if ends else len(head)
    if end > MAX_HEADER_BYTES:
        raise InputFileError(
            label, f"the first line is over {MAX_HEADER_BYTES:,} bytes: not a police.uk street-level CSV", 1
        )
    line = head[:end]
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            label, f"not UTF-8 text (byte 0x{line[exc.start]:02x}); police.uk files are UTF-8 CSV", 1
        ) from None
    try:
        header = next(csv.reader([text]), [])
    except csv.Error as exc:
        raise InputFileError(label, f"the header is not CSV ({exc})", 1) from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        shown = ", ".join(repr(h[:40]) for h in header[:12]) or "nothing"
        raise InputFileError(
            label,
            f"not a police.uk street-level CSV: missing column(s) {', '.join(repr(m) for m in missing)}; "
            f"the header has {shown}",
            1,
        )
    if len(set(header)) != len(header):
        raise InputFileError(label, "the header names a column twice", 1)
    return header


# ---- locating a problem exactly (only after a failure, so speed does not matter) ----


def _raw_lines(stream: BinaryIO) -> Iterator[bytes]:
    """The file's lines, whichever of LF, CRLF or CR ends them. A block without a line end is only kept
    aside, so a line of hundreds of megabytes is split once, not again with every block read."""
    parts: list[bytes] = []  # the line not ended yet
    for block in iter(lambda: stream.read(1 << 20), b""):
        if b"\n" not in block and b"\r" not in block:
            parts.append(block)
            continue
        pending = b"".join(parts) + block
        lines = re.split(rb"\r\n|\n|\r", pending)
        if pending.endswith(b"\r"):  # a CR at a block's end may be half of a CRLF
            lines, rest = lines[:-2], lines[-2] + b"\r"
        else:
            lines, rest = lines[:-1], lines[-1]
        parts = [rest]
        yield from lines
    pending = b"".join(parts)
    if pending:
        yield pending.rstrip(b"\r")


def _scan(
    street_file: StreetFile, width: int, *, fields: bool = True, stop_at_row: int | None = None
) -> tuple[InputFileError | None, int | None]:
    """Walk the file line by line: the first undecodable (or, with ``fields``, malformed) line,
    or the line number of data row ``stop_at_row``."""
    label = street_file.label
    with street_file.open() as stream:
        row = -1
        for number, raw in enumerate(_raw_lines(stream), start=1):
            if number == 1 or not raw:
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problem = f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); police.uk files are UTF-8 CSV"
                return InputFileError(label, problem, number), None
            row += 1
            if stop_at_row is not None:
                if row == stop_at_row:
                    return None, number
                continue
            if not fields:
                continue
            try:
                values = next(csv.reader([text]), [])
            except csv.Error as exc:
                return InputFileError(label, f"broken CSV quoting or an over-long field ({exc})", number), None
            if len(values) != width:
                return InputFileError(label, f"has {len(values)} fields where the header has {width}", number), None
    return None, None


def _parse_failure(street_file: StreetFile, width: int, exc: Exception) -> InputFileError:
    error, _ = _scan(street_file, width, fields=False)
    if error is None:
        error, _ = _scan(street_file, width)
    if error is None:
        return InputFileError(street_file.label, f"cannot be parsed as CSV ({str(exc).splitlines()[0][:200]})")
    if error.problem.startswith("has "):
        last, ends_with_break = _last_line(street_file)
        if error.line == last and not ends_with_break:
            # A short final line with no line break is a truncated download, not a stray row.
            count = int(error.problem.split()[1])
            return InputFileError(
                street_file.label, f"the last line is truncated ({count} of {width} fields)", error.line
            )
    return error


def _last_line(street_file: StreetFile) -> tuple[int, bool]:
    """The number of the last non-blank line, and whether the file ends with a line break."""
    last, tail = 0, b""
    with street_file.open() as stream:
        for number, raw in enumerate(_raw_lines(stream), start=1):
            if raw.strip():
                last = number
    with street_file.open() as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            tail = (tail + block)[-2:]
    return last, tail.endswith((b"\n", b"\r"))


def _line_of_row(street_file: StreetFile, row: int, width: int) -> int:
    _, line = _scan(street_file, width, stop_at_row=row)
    return line if line is not None else row + 2


# ---- the rows ----


def _tables(street_file: StreetFile, header: list[str]) -> Iterator[pa.Table]:
    """The file's rows as text columns, a block at a time (one block for ordinary files)."""
    read_options = pacsv.ReadOptions(block_size=BLOCK_BYTES)
    parse_options = pacsv.ParseOptions(newlines_in_values=False)
    convert_options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        include_columns=list(COLUMNS),
        strings_can_be_null=False,
    )
    try:
        with street_file.open() as stream:
            if street_file.size <= WHOLE_FILE_BYTES:
                data = stream.read()
                yield pacsv.read_csv(
                    io.BytesIO(data),
                    read_options=read_options,
                    parse_options=parse_options,
                    convert_options=convert_options,
                )
                return
            reader = pacsv.open_csv(
                stream, read_options=read_options, parse_options=parse_options, convert_options=convert_options
            )
            for batch in reader:
                yield pa.Table.from_batches([batch])
    except _ZipReadError as exc:
        raise InputFileError(street_file.label, f"cannot read from the zip ({exc})") from None
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise _parse_failure(street_file, len(header), exc) from None


@dataclass
class ParsedFile:
    """The rows of one file that belong to the area, and the count of every row by force."""

    label: str
    month: str | None
    rows: pa.Table | None  # the area's rows (store columns but the wards), None when there are none
    counts: dict[str, dict] = field(default_factory=dict)  # force key -> {force, rows_read, rows_kept, ...}
    districts: frozenset[str] = frozenset()  # the area's districts (lsoa_districts) that some row lies in


def _latest_month() -> str:
    return date.today().strftime("%Y-%m")


class _FileChecker:
    """The checks of one file, applied block by block, with rows numbered across blocks."""

    def __init__(self, street_file: StreetFile, lsoa_districts: tuple[str, ...], width: int):
        self.file = street_file
        self.label = street_file.label
        self.district_of_name = lsoa_district_names(lsoa_districts)  # lower-cased LSOA district: listed district
        self.districts = pa.array(list(self.district_of_name), pa.string())
        self.listed = len(set(self.district_of_name.values()))
        self.width = width
        self.month = street_file.month_hint
        self.month_source = "the file is named for" if street_file.month_hint else "the file's first row is for"
        self.offset = 0  # rows seen in earlier blocks
        self.counts: dict[str, dict] = {}
        self.kept: list[pa.Table] = []
        self.districts_found: set[str] = set()

    def fail(self, row: int, problem: str) -> InputFileError:
        return InputFileError(self.label, problem, _line_of_row(self.file, self.offset + row, self.width))

    def first_row(self, mask) -> int | None:
        index = pc.index(mask, True).as_py() if len(mask) else -1
        return None if index is None or index < 0 else index

    def check_month(self, months: pa.ChunkedArray) -> None:
        for value in pc.unique(months).to_pylist():
            problem = None
            if not _MONTH.match(value):
                problem = f"month {value[:40]!r} is not a YYYY-MM month"
            elif value < FIRST_MONTH:
                problem = f"month {value} is before December 2010, when police.uk street-level data begins"
            elif value > _latest_month():
                problem = f"month {value} is in the future"
            if problem:
                raise self.fail(self.first_row(pc.equal(months, value)), problem)
        if self.month is None and len(months):
            self.month = months[0].as_py()
        if self.month is not None:
            row = self.first_row(pc.not_equal(months, self.month))
            if row is not None:
                raise self.fail(
                    row,
                    f"row is for month {months[row].as_py()} but {self.month_source} "
                    f"{self.month}; give each month in its own file",
                )

    def coordinates(self, table: pa.Table, column: str, limit: float) -> pa.Array:
        """Coordinates as floats (null where blank); an error for text that is not a number or out of range."""
        raw = table.column(column)
        null = pa.scalar(None, pa.string())
        try:  # the usual case, fast: every value a plain number or blank
            values = pc.cast(pc.if_else(pc.equal(raw, ""), null, raw), pa.float64())
            plain = pc.all(pc.is_finite(values)).as_py() is not False
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            plain = False
        if not plain:  # spaces around numbers are forgiven; anything else is named with its line
            text = pc.utf8_trim_whitespace(raw)
            blank = pc.equal(text, "")
            row = self.first_row(pc.and_(pc.invert(blank), pc.invert(pc.match_substring_regex(text, _NUMBER))))
            if row is not None:
                raise self.fail(row, f"{column.lower()} {text[row].as_py()[:40]!r} is not a number")
            values = pc.cast(pc.if_else(blank, null, text), pa.float64())
        out_of_range = pc.fill_null(pc.greater(pc.abs(values), limit), False)
        row = self.first_row(out_of_range)
        if row is not None:
            raise self.fail(row, f"{column.lower()} {values[row].as_py():g} is out of range (-{limit:g} to {limit:g})")
        return values

    def text_labels(self, column: pa.ChunkedArray, name: str) -> None:
        """Crime types label charts and tables: refuse control characters (NUL, 0x1F, ...) in them."""
        for value in pc.unique(column).to_pylist():
            bad = next((c for c in value if unicodedata.category(c) == "Cc"), None)
            if bad is not None:
                raise self.fail(
                    self.first_row(pc.equal(column, value)), f"'{name}' holds the control character 0x{ord(bad):02X}"
                )

    def add(self, table: pa.Table) -> None:
        n = table.num_rows
        months = table.column("Month")
        self.check_month(months)
        longitude = self.coordinates(table, "Longitude", 180.0)
        latitude = self.coordinates(table, "Latitude", 90.0)
        self.text_labels(table.column("Crime type"), "Crime type")

        # Forces: the few distinct spellings are checked and keyed in Python, then mapped back.
        encoded = pc.dictionary_encode(table.column("Reported by")).combine_chunks()
        spellings = encoded.dictionary.to_pylist()
        keys, names = [], []
        for position, spelling in enumerate(spellings):
            try:
                names.append(normalise_force_name(spelling))
                keys.append(force_key(spelling))
            except ForceNameError as exc:
                raise self.fail(self.first_row(pc.equal(encoded.indices, position)), f"'Reported by' {exc}") from None
        force_index = encoded.indices.to_numpy(zero_copy_only=False)

        # The area filter comes first and is cheap (a prefix test); the exact LSOA-name test, the crime
        # type and every stored column are then worked on for the area's rows alone.
        no_location = _np(
            pc.or_(pc.or_(pc.is_null(longitude), pc.is_null(latitude)), pc.equal(table.column("LSOA code"), ""))
        )
        names_column = table.column("LSOA name")
        prefix = np.zeros(n, dtype=bool)
        for district in self.district_of_name:
            prefix |= _np(pc.starts_with(names_column, district + " ", ignore_case=True))
        candidates = pa.array(np.flatnonzero(prefix & ~no_location))
        district_of = pc.utf8_lower(
            pc.replace_substring_regex(
                pc.utf8_trim_whitespace(names_column.take(candidates)), pattern=_LSOA_SUFFIX, replacement=""
            )
        )
        exact = _np(pc.is_in(district_of, value_set=self.districts))
        if len(self.districts_found) < self.listed and exact.any():
            found = pc.unique(district_of.filter(pa.array(exact))).to_pylist()
            self.districts_found.update(self.district_of_name[name] for name in found)
        blank_type = _np(pc.equal(pc.utf8_trim_whitespace(table.column("Crime type").take(candidates)), ""))
        candidates = candidates.to_numpy()
        in_area = np.zeros(n, dtype=bool)
        in_area[candidates[exact]] = True
        malformed = np.zeros(n, dtype=bool)
        malformed[candidates[exact & blank_type]] = True
        kept = in_area & ~malformed

        masks = {
            "rows_read": np.ones(n, dtype=bool),
            "rows_kept": kept,
            "no_location": no_location,
            "outside_area": ~no_location & ~in_area,
            "malformed": malformed,
        }
        slot_counts = {
            name: np.bincount(force_index, weights=mask, minlength=len(spellings)).astype(np.int64)
            for name, mask in masks.items()
        }
        for position, (key, name) in enumerate(zip(keys, names)):
            entry = self.counts.setdefault(key, {"spellings": {}, **{m: 0 for m in masks}})
            entry["spellings"][name] = entry["spellings"].get(name, 0) + int(slot_counts["rows_read"][position])
            for m in masks:
                entry[m] += int(slot_counts[m][position])

        if kept.any():
            picked = pa.array(np.flatnonzero(kept))
            rows = table.take(picked)
            crime_type = pc.utf8_trim_whitespace(rows.column("Crime type"))
            # ASB however it is written ("Anti-Social Behaviour", "Antisocial behaviour"): never counted as crime.
            letters = pc.replace_substring_regex(pc.utf8_lower(crime_type), pattern="[^a-z]", replacement="")
            is_asb = pc.equal(letters, _ASB_LETTERS)
            crime_type = pc.if_else(is_asb, ASB_CRIME_TYPE, crime_type)
            slug_array = pa.array(keys, pa.string()).take(pa.array(force_index[kept]))
            blank_to_null = lambda col: pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)  # noqa: E731
            self.kept.append(
                pa.table(
                    {
                        "kind": pc.if_else(is_asb, "asb", "crime"),
                        "crime_type": crime_type,
                        "crime_id": blank_to_null(pc.utf8_trim_whitespace(rows.column("Crime ID"))),
                        "falls_within": rows.column("Falls within"),
                        "longitude": longitude.take(picked),
                        "latitude": latitude.take(picked),
                        "location": blank_to_null(rows.column("Location")),
                        "lsoa_code": pc.utf8_trim_whitespace(rows.column("LSOA code")),
                        "lsoa_name": rows.column("LSOA name"),
                        "outcome": blank_to_null(rows.column("Last outcome category")),
                        "context": blank_to_null(rows.column("Context")),
                        "force_slug": slug_array,
                    }
                )
            )
        self.offset += n

    def result(self) -> ParsedFile:
        for entry in self.counts.values():
            spellings = entry.pop("spellings")
            # The most used spelling names the force (ties: the first in sort order).
            entry["force"] = sorted(spellings.items(), key=lambda item: (-item[1], item[0]))[0][0]
        rows = pa.concat_tables(self.kept) if self.kept else None
        return ParsedFile(self.label, self.month, rows, self.counts, frozenset(self.districts_found))


def _np(mask) -> np.ndarray:
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def parse_street_file(street_file: StreetFile, lsoa_districts: tuple[str, ...]) -> ParsedFile:
    """Read, check and filter one street-level file, a block at a time.

    Raises
    ------
    InputFileError
        For an empty file, bytes that are not UTF-8, a missing column, a row with the wrong number of
        fields (such as a truncated last line), broken quoting, a month that is not ``YYYY-MM`` or is
        before December 2010 or in the future, a row of another month than the file's, a coordinate
        that is not a number or is out of range, or a force name or crime type with control characters.
    """
    try:
        with street_file.open() as stream:
            header = _read_header(street_file.label, stream)
    except _ZipReadError as exc:
        raise InputFileError(street_file.label, f"cannot read from the zip ({exc})") from None
    except OSError as exc:
        raise InputFileError(street_file.label, f"cannot read the file ({exc.strerror or exc})") from None
    checker = _FileChecker(street_file, lsoa_districts, len(header))
    try:
        for table in _tables(street_file, header):
            checker.add(table)
    except OSError as exc:
        raise InputFileError(street_file.label, f"cannot read the file ({exc.strerror or exc})") from None
    return checker.result()
