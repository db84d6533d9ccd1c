"""Respondent-level survey answers: the model and the CSV reader, one row per respondent.

The format is described in ``data/medway/survey/README.md``. A partnership supplies the file,
so :func:`read_survey_responses` checks every row and raises :class:`ResponseFileError` at the
first problem, naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from csp_data.yamlfile import DataFileError

__all__ = [
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "SEX_VALUES",
    "Respondent",
    "ResponseFileError",
    "SurveyResponses",
    "read_survey_responses",
]

REQUIRED_COLUMNS = ("respondent_id", "ward_code", "age_band", "sex")
OPTIONAL_COLUMNS = ("weight",)
#: The weights a file may give: a survey's weights are near 1, and far outside these the weighted sums overflow.
MIN_WEIGHT, MAX_WEIGHT = 0.001, 1000.0
SEX_VALUES = ("female", "male", "other", "prefer_not_to_say")
_QUESTION_COLUMN = re.compile(r"^q_[a-z][a-z0-9_]*$")
_GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")
_AGE_BAND = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|\+)$")


class ResponseFileError(DataFileError):
    """A respondent-level survey file that cannot be used.

    The message names the file, the line (1-based, counting comment lines) and,
    where there is one, the column: ``answers.csv, line 7, column 'weight': ...``.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file.
    line : int or None
        Line of the problem; ``None`` for problems with the whole file.
    problem : str
        What is wrong.
    column : str, optional
        The column of the problem.
    """

    def __init__(self, path: str | Path, line: int | None, problem: str, column: str | None = None) -> None:
        parts = []
        if line is not None:
            parts.append(f"line {line}")
        if column is not None:
            parts.append(f"column {column!r}")
        super().__init__(path, ", ".join(parts), problem, line=line)
        self.column = column


@dataclass(frozen=True)
class Respondent:
    """One row of a respondent-level file. Blank values are empty strings."""

    respondent_id: str
    ward_code: str
    age_band: str
    sex: str
    weight: float
    answers: Mapping[str, str]
    line: int

    def value(self, column: str) -> str:
        """The value of a column: a fixed column name or ``q_<question>``."""
        if column.startswith("q_"):
            return self.answers[column[2:]]
        return getattr(self, column)


@dataclass(frozen=True)
class SurveyResponses:
    """A validated respondent-level file.

    Attributes
    ----------
    path : pathlib.Path
        The file read.
    questions : tuple of str
        Question ids, the ``q_`` columns without their prefix, in file order.
    weighted : bool
        Whether the file had a ``weight`` column (otherwise every weight is 1).
    respondents : tuple of Respondent
        The rows in file order.
    """

    path: Path
    questions: tuple[str, ...]
    weighted: bool
    respondents: tuple[Respondent, ...]

    def to_frame(self):
        """The responses as a pandas DataFrame with the file's column names."""
        import pandas as pd

        rows = [
            {
                "respondent_id": r.respondent_id,
                "ward_code": r.ward_code,
                "age_band": r.age_band,
                "sex": r.sex,
                "weight": r.weight,
                **{f"q_{q}": r.answers[q] for q in self.questions},
            }
            for r in self.respondents
        ]
        columns = [*REQUIRED_COLUMNS, "weight", *(f"q_{q}" for q in self.questions)]
        return pd.DataFrame(rows, columns=columns)


def read_survey_responses(path: str | Path) -> SurveyResponses:
    """Read and validate a respondent-level survey CSV file.

    The format (see the survey README): UTF-8, comma-separated, optional ``#``
    comment lines before the header, then a header with ``respondent_id``,
    ``ward_code``, ``age_band``, ``sex``, optionally ``weight``, and one or more
    ``q_<question>`` columns; one row per respondent. Blank lines are skipped.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file.

    Returns
    -------
    SurveyResponses

    Raises
    ------
    ResponseFileError
        At the first problem, naming the file, the line and the column: missing,
        unknown or repeated columns, no question column, a row with the wrong number
        of fields or broken quoting, a blank or repeated respondent_id, a ward code
        that is not a GSS code, an age band not like ``25-34`` or ``75+``, an unknown
        sex, or a weight that is blank, not a number, or not between 0.001 and 1,000.
    """
    path = Path(path)
    text = _read_text(path)
    lines = text.splitlines(keepends=True)
    first = _first_non_comment(lines)
    if first is None:
        raise ResponseFileError(path, None, "file has no header row")
    reader = csv.reader(io.StringIO("".join(lines[first:]), newline=""))
    header = [name.strip() for name in _next_row(path, reader, first) or []]
    _check_header(path, header, first + 1)
    return _read_rows(path, reader, header, first)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ResponseFileError(path, None, "file does not exist") from None
    except OSError as exc:
        raise ResponseFileError(path, None, f"cannot read the file ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ResponseFileError(path, line, f"not UTF-8 text (byte {data[exc.start]:#04x})") from None


def _next_row(path: Path, reader, line_offset: int) -> list[str] | None:
    """The next row, or ``None`` at the end; broken CSV becomes a :class:`ResponseFileError`."""
    try:
        return next(reader, None)
    except csv.Error as exc:
        # The csv module's own words ("line contains NUL", "field larger than field limit") are
        # plain enough; the line is counted as in every other message.
        raise ResponseFileError(path, line_offset + reader.line_num, f"not valid CSV ({exc})") from None


def _first_non_comment(lines: Sequence[str]) -> int | None:
    """Index of the header line: the first line that is not blank or a ``#`` comment."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return index
    return None


def _check_header(path: Path, header: Sequence[str], line: int) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise ResponseFileError(path, line, "column appears more than once", column=name)
        seen.add(name)
        if name not in REQUIRED_COLUMNS and name not in OPTIONAL_COLUMNS and not _QUESTION_COLUMN.match(name):
            raise ResponseFileError(
                path,
                line,
                "unknown column; allowed are respondent_id, ward_code, age_band, sex, weight "
                "and q_<question> in lower_snake_case",
                column=name,
            )
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            raise ResponseFileError(path, line, "required column is missing", column=name)
    if not any(_QUESTION_COLUMN.match(name) for name in header):
        raise ResponseFileError(path, line, "no question column (q_<question>) in the header")


def _read_rows(path: Path, reader, header: Sequence[str], line_offset: int) -> SurveyResponses:
    questions = tuple(name[2:] for name in header if _QUESTION_COLUMN.match(name))
    weighted = "weight" in header
    respondents: list[Respondent] = []
    first_line_of: dict[str, int] = {}
    while (fields := _next_row(path, reader, line_offset)) is not None:
        line = line_offset + reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if len(fields) != len(header):
            raise ResponseFileError(path, line, f"expected {len(header)} fields as in the header, found {len(fields)}")
        row = {name: value.strip() for name, value in zip(header, fields)}
        respondent = _parse_respondent(path, line, row, questions, weighted)
        if respondent.respondent_id in first_line_of:
            raise ResponseFileError(
                path,
                line,
                f"respondent_id {respondent.respondent_id!r} already used on line "
                f"{first_line_of[respondent.respondent_id]}",
                column="respondent_id",
            )
        first_line_of[respondent.respondent_id] = line
        respondents.append(respondent)
    if not respondents:
        raise ResponseFileError(path, None, "file has a header but no respondents")
    return SurveyResponses(path=path, questions=questions, weighted=weighted, respondents=tuple(respondents))


def _parse_respondent(
    path: Path, line: int, row: Mapping[str, str], questions: Sequence[str], weighted: bool
) -> Respondent:
    respondent_id = row["respondent_id"]
    if not respondent_id:
        raise ResponseFileError(path, line, "respondent_id must not be blank", column="respondent_id")
    return Respondent(
        respondent_id=respondent_id,
        ward_code=_check_ward_code(path, line, row["ward_code"]),
        age_band=_check_age_band(path, line, row["age_band"]),
        sex=_check_sex(path, line, row["sex"]),
        weight=_parse_weight(path, line, row["weight"]) if weighted else 1.0,
        answers={q: row[f"q_{q}"] for q in questions},
        line=line,
    )


def _check_ward_code(path: Path, line: int, value: str) -> str:
    if value and not _GSS_CODE.match(value):
        raise ResponseFileError(
            path,
            line,
            f"{value!r} is not a GSS ward code such as E05014449 (leave blank if unknown)",
            column="ward_code",
        )
    return value


def _check_age_band(path: Path, line: int, value: str) -> str:
    if not value:
        return value
    match = _AGE_BAND.match(value)
    if match is None or (match.group(2) is not None and int(match.group(2)) < int(match.group(1))):
        raise ResponseFileError(
            path,
            line,
            f"{value!r} is not an age band like 25-34 or 75+ (leave blank if unknown)",
            column="age_band",
        )
    return value


def _check_sex(path: Path, line: int, value: str) -> str:
    normalised = value.lower()
    if normalised and normalised not in SEX_VALUES:
        raise ResponseFileError(
            path,
            line,
            f"{value!r} is not one of {', '.join(SEX_VALUES)} (leave blank if unknown)",
            column="sex",
        )
    return normalised


def _parse_weight(path: Path, line: int, value: str) -> float:
    if not value:
        raise ResponseFileError(path, line, "weight must not be blank when the column is present", column="weight")
    try:
        weight = float(value)
    except ValueError:
        raise ResponseFileError(path, line, f"weight {value!r} is not a number", column="weight") from None
    if not math.isfinite(weight) or weight <= 0:
        raise ResponseFileError(path, line, f"weight must be a finite number above 0, got {value!r}", column="weight")
    if not MIN_WEIGHT <= weight <= MAX_WEIGHT:  # survey weights are near 1; these would only overflow the sums
        raise ResponseFileError(
            path, line, f"weight must be between {MIN_WEIGHT:g} and {MAX_WEIGHT:,g}, got {value!r}", column="weight"
        )
    return weight
