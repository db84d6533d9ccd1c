"""Residents' survey results: published figures (YAML) and respondent-level files (CSV).

Two kinds of input, both described in ``data/medway/survey/README.md``:

* **Published results**, one YAML file per survey (``survey_2024.yaml`` ...), read
  with :func:`load_survey` / :func:`load_surveys`. Questions asked in the same way in
  different years share a ``compare_key`` (see :func:`comparable_questions`).
* **Respondent-level answers**, a CSV file with one row per respondent, read with
  :func:`read_survey_responses` and summarised with :func:`weighted_proportions`.

Method for respondent-level figures (also in the README):

* Weighted proportion of an answer = sum of the weights of the respondents who gave
  it / sum of the weights of everyone in the group who answered the question.
  Without a ``weight`` column every weight is 1.
* Effective sample size (Kish): ``n_eff = (sum w)^2 / sum w^2``.
* 95% confidence interval: Wilson score interval for the weighted proportion with
  ``n_eff`` in place of ``n`` and z = 1.959964.
* Suppression: any group with fewer than 10 respondents who answered the question
  has every figure (counts, proportions, intervals, n_eff) replaced by null and its
  ``suppressed`` flag set, so small groups cannot be picked out.

Run ``python -m csp_data.survey [PATH ...]`` to validate survey YAML files (or a
folder of them) from the shell.
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from csp_data.plans import DataFileError, Source, YamlNode

__all__ = [
    "ANSWER_SCALES",
    "ANSWER_TYPES",
    "DEFAULT_SURVEY_DIR",
    "MIN_GROUP_SIZE",
    "NOT_STATED",
    "Respondent",
    "ResponseFileError",
    "Survey",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponses",
    "SurveySample",
    "answer_order",
    "comparable_questions",
    "comparison_chart",
    "comparison_frame",
    "comparison_wide",
    "kish_effective_n",
    "load_survey",
    "load_surveys",
    "method_differences",
    "perception_rows",
    "published_chart",
    "question_results",
    "read_survey_responses",
    "survey_results_frame",
    "weighted_chart",
    "weighted_proportions",
    "wilson_interval",
    "year_colours",
]

DEFAULT_SURVEY_DIR = Path(__file__).resolve().parent.parent / "data" / "medway" / "survey"

SCHEMA_VERSION = 1
ANSWER_TYPES = ("single_choice", "multiple_choice", "not_stated")
ALL_RESPONDENTS = "All respondents"
#: Groups with fewer respondents than this are suppressed in every output table.
MIN_GROUP_SIZE = 10
#: Two-sided 95% normal quantile.
Z_95 = 1.959963984540054
#: Label used in grouped tables for respondents who left a grouping column blank.
NOT_STATED = "(not stated)"


# ---------------------------------------------------------------------------------
# Published results (YAML)
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveySample:
    """A group of people asked, with how they were reached (``None`` where unstated)."""

    id: str
    description: str
    fieldwork: str | None
    mode: str | None
    sample_size: int | None
    notes: str | None
    source: Source


@dataclass(frozen=True)
class SurveyAnswer:
    """One published figure: the share of a group giving one answer.

    ``percentage`` is ``None`` when the source names the answer without a figure;
    ``reported_as`` then holds its words (for example "less than a fifth").
    """

    option: str
    option_key: str
    group: str
    percentage: float | None
    n: int | None
    reported_as: str | None
    notes: str | None
    source: Source


@dataclass(frozen=True)
class SurveyQuestion:
    """A question and its published answers."""

    id: str
    compare_key: str | None
    text: str
    sample: str
    answer_type: str
    base: int | None
    notes: str | None
    answers: tuple[SurveyAnswer, ...]
    source: Source


@dataclass(frozen=True)
class Survey:
    """One survey or consultation with its samples and questions."""

    id: str
    year: int
    title: str
    samples: tuple[SurveySample, ...]
    questions: tuple[SurveyQuestion, ...]
    source: Source
    path: Path

    def question(self, question_id: str) -> SurveyQuestion:
        """The question with this id.

        Raises
        ------
        KeyError
            If the survey has no such question.
        """
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"survey {self.id!r} has no question {question_id!r}")

    def sample(self, sample_id: str) -> SurveySample:
        """The sample with this id.

        Raises
        ------
        KeyError
            If the survey has no such sample.
        """
        for sample in self.samples:
            if sample.id == sample_id:
                return sample
        raise KeyError(f"survey {self.id!r} has no sample {sample_id!r}")


_TOP_FIELDS = ("schema_version", "survey")
_SURVEY_FIELDS = ("id", "year", "title", "source", "notes", "samples", "questions")
_SAMPLE_FIELDS = ("id", "description", "fieldwork", "mode", "sample_size", "notes", "source")
_QUESTION_FIELDS = ("id", "compare_key", "text", "sample", "answer_type", "base", "notes", "source", "answers")
_ANSWER_FIELDS = ("option", "option_key", "group", "percentage", "n", "reported_as", "notes", "source")
_SOURCE_FIELDS = ("doc", "section")
_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def load_survey(path: str | Path) -> Survey:
    """Read and validate one survey results file.

    Parameters
    ----------
    path : str or pathlib.Path
        A YAML file in the format of ``data/medway/survey/README.md``.

    Returns
    -------
    Survey

    Raises
    ------
    DataFileError
        If the file is missing or malformed: bad YAML, a missing or unknown field, a
        value of the wrong type, an unknown answer type, a percentage outside 0-100,
        an id that is not lower_snake_case or is repeated, or a question whose sample
        is not listed. The message names the file and the field path.
    """
    root = YamlNode.load(path).mapping(_TOP_FIELDS)
    version = root.get("schema_version").integer()
    if version != SCHEMA_VERSION:
        root.get("schema_version").fail(f"this version of the dashboard reads schema_version {SCHEMA_VERSION}")
    node = root.get("survey").mapping(_SURVEY_FIELDS)
    samples = tuple(_read_sample(item) for item in node.get("samples").items())
    _check_unique([s.id for s in samples], node.get("samples"), "id")
    sample_ids = [s.id for s in samples]
    question_nodes = node.get("questions").items()
    if not question_nodes:
        node.get("questions").fail("must list at least one question")
    questions = tuple(_read_question(item, sample_ids) for item in question_nodes)
    _check_unique([q.id for q in questions], node.get("questions"), "id")
    _check_unique([q.compare_key for q in questions if q.compare_key], node.get("questions"), "compare_key")
    return Survey(
        id=_read_key(node.get("id")),
        year=node.get("year").integer(minimum=1990),
        title=node.get("title").text(),
        samples=samples,
        questions=questions,
        source=_read_source(node.get("source")),
        path=Path(path),
    )


def load_surveys(paths: str | Path | Iterable[str | Path] = DEFAULT_SURVEY_DIR) -> tuple[Survey, ...]:
    """Read several survey files, oldest first.

    Parameters
    ----------
    paths : path or iterable of paths, optional
        A folder (every ``*.yaml`` in it is read) or a list of files. Medway's
        survey folder by default.

    Returns
    -------
    tuple of Survey
        Sorted by year, then id.

    Raises
    ------
    DataFileError
        If any file is malformed, a folder holds no YAML file, or two files use the
        same survey id.
    """
    files = _survey_files(paths)
    surveys = sorted((load_survey(file) for file in files), key=lambda s: (s.year, s.id))
    seen: dict[str, Path] = {}
    for survey in surveys:
        if survey.id in seen:
            raise DataFileError(survey.path, "survey.id", f"id {survey.id!r} is already used by {seen[survey.id]}")
        seen[survey.id] = survey.path
    return tuple(surveys)


def _survey_files(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(paths, (str, Path)):
        folder = Path(paths)
        if folder.is_dir():
            files = sorted(folder.glob("*.yaml"))
            if not files:
                raise DataFileError(folder, "", "folder holds no .yaml survey file")
            return files
        return [folder]
    return [Path(p) for p in paths]


def _read_source(node: YamlNode) -> Source:
    node.mapping(_SOURCE_FIELDS)
    return Source(doc=node.get("doc").text(), section=node.get("section").text())


def _read_key(node: YamlNode, *, nullable: bool = False) -> str | None:
    """An identifier in lower_snake_case."""
    value = node.text(nullable=nullable)
    if value is not None and not _KEY_PATTERN.match(value):
        node.fail(f"must be lower_snake_case (letters, digits, underscores), got {value!r}")
    return value


def _read_sample(node: YamlNode) -> SurveySample:
    node.mapping(_SAMPLE_FIELDS)
    return SurveySample(
        id=_read_key(node.get("id")),
        description=node.get("description").text(),
        fieldwork=node.get("fieldwork", required=False).text(nullable=True),
        mode=node.get("mode", required=False).text(nullable=True),
        sample_size=node.get("sample_size", required=False).integer(nullable=True, minimum=1),
        notes=node.get("notes", required=False).text(nullable=True),
        source=_read_source(node.get("source")),
    )


def _read_question(node: YamlNode, sample_ids: Sequence[str]) -> SurveyQuestion:
    node.mapping(_QUESTION_FIELDS)
    sample_node = node.get("sample")
    sample = sample_node.text()
    if sample not in sample_ids:
        sample_node.fail(f"no sample with id {sample!r} in this survey (ids: {', '.join(sample_ids)})")
    source = _read_source(node.get("source"))
    answer_nodes = node.get("answers").items()
    if not answer_nodes:
        node.get("answers").fail("must list at least one answer")
    return SurveyQuestion(
        id=_read_key(node.get("id")),
        compare_key=_read_key(node.get("compare_key"), nullable=True),
        text=node.get("text").text(),
        sample=sample,
        answer_type=node.get("answer_type").choice(ANSWER_TYPES),
        base=node.get("base", required=False).integer(nullable=True, minimum=1),
        notes=node.get("notes", required=False).text(nullable=True),
        answers=tuple(_read_answer(item, source) for item in answer_nodes),
        source=source,
    )


def _read_answer(node: YamlNode, question_source: Source) -> SurveyAnswer:
    node.mapping(_ANSWER_FIELDS)
    option = node.get("option").text()
    percentage = node.get("percentage").number(nullable=True)
    if percentage is not None and not 0 <= percentage <= 100:
        node.get("percentage").fail(f"a percentage must be between 0 and 100, got {percentage:g}")
    reported_as = node.get("reported_as", required=False).text(nullable=True)
    if percentage is None and reported_as is None:
        node.get("percentage").fail("is null, so reported_as must say what the source states instead")
    source_node = node.get("source", required=False)
    option_key_node = node.get("option_key", required=False)
    return SurveyAnswer(
        option=option,
        option_key=_read_key(option_key_node) if option_key_node.value is not None else _slug(option),
        group=node.get("group", required=False).text(nullable=True) or ALL_RESPONDENTS,
        percentage=percentage,
        n=node.get("n", required=False).integer(nullable=True, minimum=0),
        reported_as=reported_as,
        notes=node.get("notes", required=False).text(nullable=True),
        source=question_source if source_node.value is None else _read_source(source_node),
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "answer"


def _check_unique(values: Sequence[str], list_node: YamlNode, field: str) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            YamlNode(list_node.path, f"{list_node.where}[{index}].{field}", value).fail(
                f"{value!r} is already used by {list_node.where}[{seen[value]}]"
            )
        seen[value] = index


def comparable_questions(surveys: Sequence[Survey]) -> dict[str, tuple[tuple[Survey, SurveyQuestion], ...]]:
    """Questions that share a ``compare_key``, grouped by key, oldest survey first.

    Only keys used by at least two surveys are returned.
    """
    groups: dict[str, list[tuple[Survey, SurveyQuestion]]] = {}
    for survey in sorted(surveys, key=lambda s: (s.year, s.id)):
        for question in survey.questions:
            if question.compare_key:
                groups.setdefault(question.compare_key, []).append((survey, question))
    return {key: tuple(pairs) for key, pairs in sorted(groups.items()) if len(pairs) > 1}


def survey_results_frame(surveys: Sequence[Survey]):
    """Every published figure as one long table (one row per answer).

    Returns
    -------
    pandas.DataFrame
        Columns: survey_id, year, sample, sample_description, question_id,
        compare_key, question, answer_type, group, option, option_key, percentage,
        reported_as, n, base, suppressed, source_doc, source_section, notes.
        ``suppressed`` is True where a stated base below 10 applies; the figures of
        such a row are then null, as for respondent-level tables.
    """
    import pandas as pd

    rows = []
    for survey in surveys:
        for question in survey.questions:
            sample = survey.sample(question.sample)
            small = question.base is not None and question.base < MIN_GROUP_SIZE
            for answer in question.answers:
                rows.append({
                    "survey_id": survey.id,
                    "year": survey.year,
                    "sample": sample.id,
                    "sample_description": sample.description,
                    "question_id": question.id,
                    "compare_key": question.compare_key,
                    "question": question.text,
                    "answer_type": question.answer_type,
                    "group": answer.group,
                    "option": answer.option,
                    "option_key": answer.option_key,
                    "percentage": None if small else answer.percentage,
                    "reported_as": None if small else answer.reported_as,
                    "n": None if small else answer.n,
                    "base": None if small else question.base,
                    "suppressed": small,
                    "source_doc": answer.source.doc,
                    "source_section": answer.source.section,
                    "notes": question.notes,
                })
    frame = pd.DataFrame(rows, columns=_RESULTS_COLUMNS)
    frame["percentage"] = frame["percentage"].astype("Float64")
    for column in ("n", "base"):
        frame[column] = frame[column].astype("Int64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


_RESULTS_COLUMNS = [
    "survey_id", "year", "sample", "sample_description", "question_id", "compare_key", "question",
    "answer_type", "group", "option", "option_key", "percentage", "reported_as", "n", "base",
    "suppressed", "source_doc", "source_section", "notes",
]


# ---------------------------------------------------------------------------------
# Respondent-level answers (CSV)
# ---------------------------------------------------------------------------------

REQUIRED_COLUMNS = ("respondent_id", "ward_code", "age_band", "sex")
OPTIONAL_COLUMNS = ("weight",)
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
        of fields, a blank or repeated respondent_id, a ward code that is not a GSS
        code, an age band not like ``25-34`` or ``75+``, an unknown sex, or a weight
        that is blank, not a number, infinite, or not above zero.
    """
    path = Path(path)
    text = _read_text(path)
    lines = text.splitlines(keepends=True)
    first = _first_non_comment(lines)
    if first is None:
        raise ResponseFileError(path, None, "file has no header row")
    reader = csv.reader(io.StringIO("".join(lines[first:]), newline=""))
    header = [name.strip() for name in next(reader)]
    header_line = first + 1
    _check_header(path, header, header_line)
    return _read_rows(path, reader, header, first)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ResponseFileError(path, None, "file does not exist") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ResponseFileError(path, line, f"not UTF-8 text (byte {data[exc.start]:#04x})") from None


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
                path, line,
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
    for fields in reader:
        line = line_offset + reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if len(fields) != len(header):
            raise ResponseFileError(path, line, f"expected {len(header)} fields as in the header, found {len(fields)}")
        row = {name: value.strip() for name, value in zip(header, fields)}
        respondent = _parse_respondent(path, line, row, questions, weighted)
        if respondent.respondent_id in first_line_of:
            raise ResponseFileError(
                path, line,
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
            path, line, f"{value!r} is not a GSS ward code such as E05014449 (leave blank if unknown)",
            column="ward_code",
        )
    return value


def _check_age_band(path: Path, line: int, value: str) -> str:
    if not value:
        return value
    match = _AGE_BAND.match(value)
    if match is None or (match.group(2) is not None and int(match.group(2)) < int(match.group(1))):
        raise ResponseFileError(
            path, line, f"{value!r} is not an age band like 25-34 or 75+ (leave blank if unknown)",
            column="age_band",
        )
    return value


def _check_sex(path: Path, line: int, value: str) -> str:
    normalised = value.lower()
    if normalised and normalised not in SEX_VALUES:
        raise ResponseFileError(
            path, line, f"{value!r} is not one of {', '.join(SEX_VALUES)} (leave blank if unknown)",
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
    return weight


# ---------------------------------------------------------------------------------
# Weighted proportions with intervals and suppression
# ---------------------------------------------------------------------------------


def kish_effective_n(weights: Sequence[float]) -> float:
    """Kish effective sample size, ``(sum w)^2 / sum w^2``.

    Equals the number of respondents when all weights are equal, and is smaller the
    more the weights vary. Returns 0.0 for no weights.
    """
    total = math.fsum(weights)
    squares = math.fsum(w * w for w in weights)
    return 0.0 if squares == 0 else total * total / squares


def wilson_interval(proportion: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion.

    Parameters
    ----------
    proportion : float
        Observed (possibly weighted) proportion, 0 to 1.
    n : float
        Sample size; pass the Kish effective size for weighted data.
    z : float, optional
        Normal quantile; 1.959964 for 95%.

    Returns
    -------
    (float, float)
        Lower and upper bounds, within 0 and 1.

    Raises
    ------
    ValueError
        If ``n`` is not positive or ``proportion`` is outside 0-1.
    """
    if not n > 0:
        raise ValueError(f"n must be above 0, got {n!r}")
    if not 0 <= proportion <= 1:
        raise ValueError(f"proportion must be between 0 and 1, got {proportion!r}")
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (proportion + z2 / (2 * n)) / denominator
    half_width = z * math.sqrt(proportion * (1 - proportion) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


_FIGURE_COLUMNS = ("n", "group_n", "weighted_proportion", "ci_lower", "ci_upper", "n_effective")
_GROUPABLE = ("ward_code", "age_band", "sex")


def weighted_proportions(
    responses: SurveyResponses,
    question: str,
    by: str | Sequence[str] | None = None,
    *,
    min_group_size: int = MIN_GROUP_SIZE,
):
    """Weighted share of each answer to a question, overall or by group.

    Respondents who left the question blank are left out. Every answer given by
    anyone appears in every group (with 0 where no one in the group gave it), so
    groups can be compared row by row. Method: see the module docstring.

    Parameters
    ----------
    responses : SurveyResponses
        From :func:`read_survey_responses`.
    question : str
        Question id, with or without the ``q_`` prefix.
    by : str or sequence of str, optional
        Columns to group by: ``ward_code``, ``age_band``, ``sex`` or another
        ``q_<question>``. Blank values form a group labelled ``"(not stated)"``.
    min_group_size : int, optional
        Groups with fewer respondents than this are suppressed. Default 10.

    Returns
    -------
    pandas.DataFrame
        One row per group and answer, groups and answers in sorted order. Columns:
        the ``by`` columns, ``answer``, ``n`` (respondents giving the answer),
        ``group_n`` (respondents in the group who answered the question),
        ``weighted_proportion`` (0-1), ``ci_lower``, ``ci_upper`` (95% Wilson with
        Kish n_eff), ``n_effective``, ``suppressed``. In suppressed rows every
        figure is null (``pd.NA``).

    Raises
    ------
    ValueError
        If the question or a ``by`` column is not in the file, or
        ``min_group_size`` is below 1.
    """
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int) or min_group_size < 1:
        raise ValueError(f"min_group_size must be a whole number of at least 1, got {min_group_size!r}")
    column = _question_column(responses, question)
    by_columns = _by_columns(responses, by, column)
    answered = [r for r in responses.respondents if r.value(column)]
    options = sorted({r.value(column) for r in answered})
    rows: list[dict] = []
    for key, members in _groups(answered, by_columns).items():
        labels = dict(zip(by_columns, key))
        rows.extend({**labels, **figures} for figures in _group_figures(members, column, options, min_group_size))
    return _proportions_frame(rows, by_columns)


def _question_column(responses: SurveyResponses, question: str) -> str:
    name = question[2:] if question.startswith("q_") else question
    if name not in responses.questions:
        raise ValueError(
            f"question {question!r} is not in {responses.path.name}; "
            f"its questions are {', '.join(responses.questions)}"
        )
    return f"q_{name}"


def _by_columns(responses: SurveyResponses, by: str | Sequence[str] | None, question_column: str) -> list[str]:
    if by is None:
        return []
    columns = [by] if isinstance(by, str) else list(by)
    allowed = [*_GROUPABLE, *(f"q_{q}" for q in responses.questions if f"q_{q}" != question_column)]
    for column in columns:
        if column not in allowed:
            raise ValueError(f"cannot group by {column!r}; choose from {', '.join(allowed)}")
    if len(set(columns)) != len(columns):
        raise ValueError(f"by lists a column more than once: {columns}")
    return columns


def _groups(respondents: Iterable[Respondent], by_columns: Sequence[str]) -> dict[tuple, list[Respondent]]:
    groups: dict[tuple, list[Respondent]] = {}
    for respondent in respondents:
        key = tuple(respondent.value(c) or NOT_STATED for c in by_columns)
        groups.setdefault(key, []).append(respondent)
    return dict(sorted(groups.items()))


def _group_figures(
    members: Sequence[Respondent], column: str, options: Sequence[str], min_group_size: int
) -> list[dict]:
    """Rows for one group: one per answer option, suppressed when the group is small."""
    if len(members) < min_group_size:
        return [{"answer": option, **{c: None for c in _FIGURE_COLUMNS}, "suppressed": True} for option in options]
    weights = [r.weight for r in members]
    total = math.fsum(weights)
    n_effective = kish_effective_n(weights)
    rows = []
    for option in options:
        chosen = [r.weight for r in members if r.value(column) == option]
        proportion = math.fsum(chosen) / total
        lower, upper = wilson_interval(proportion, n_effective)
        rows.append({
            "answer": option,
            "n": len(chosen),
            "group_n": len(members),
            "weighted_proportion": proportion,
            "ci_lower": lower,
            "ci_upper": upper,
            "n_effective": n_effective,
            "suppressed": False,
        })
    return rows


def _proportions_frame(rows: list[dict], by_columns: Sequence[str]):
    import pandas as pd

    columns = [*by_columns, "answer", *_FIGURE_COLUMNS, "suppressed"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("n", "group_n"):
        frame[column] = frame[column].astype("Int64")
    for column in ("weighted_proportion", "ci_lower", "ci_upper", "n_effective"):
        frame[column] = frame[column].astype("Float64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


# ---------------------------------------------------------------------------------
# Views for the survey page: comparisons across years, answer order, charts
# ---------------------------------------------------------------------------------

#: Answer scales in their natural order; answers not on a scale follow, alphabetically.
ANSWER_SCALES = (
    ("very safe", "fairly safe", "neither", "fairly unsafe", "very unsafe"),
    ("yes", "no"),
)
#: Colour of the survey bars (Okabe-Ito blue) and of the interval whiskers.
SURVEY_COLOUR = "#0072B2"
_WHISKER_COLOUR = "#333333"


def answer_order(options: Iterable[str]) -> list[str]:
    """Answers in a readable order: a known scale in its own order, then the rest alphabetically."""
    options = list(dict.fromkeys(options))
    lowered = {option.lower(): option for option in options}
    ordered: list[str] = []
    for scale in ANSWER_SCALES:
        ordered.extend(lowered[item] for item in scale if item in lowered)
    return ordered + sorted(o for o in options if o not in ordered)


def question_results(survey: Survey, question_id: str):
    """The published answers to one question (rows of :func:`survey_results_frame`)."""
    frame = survey_results_frame([survey])
    return frame[frame["question_id"] == question_id].reset_index(drop=True)


def comparison_frame(pairs: Sequence[tuple[Survey, SurveyQuestion]]):
    """Every published answer to one comparable question, all years, with how each was asked.

    Parameters
    ----------
    pairs : sequence of (Survey, SurveyQuestion)
        One entry of :func:`comparable_questions`.

    Returns
    -------
    pandas.DataFrame
        One row per survey and answer, oldest first. Columns: ``year``, ``survey``,
        ``sample``, ``mode``, ``fieldwork``, ``sample_size``, ``question``, ``option``,
        ``option_key``, ``group``, ``percentage``, ``reported_as``, ``source``.
    """
    import pandas as pd

    rows = []
    for survey, question in pairs:
        sample = survey.sample(question.sample)
        for answer in question.answers:
            small = question.base is not None and question.base < MIN_GROUP_SIZE
            rows.append({
                "year": survey.year,
                "survey": survey.title,
                "sample": sample.description,
                "mode": sample.mode,
                "fieldwork": sample.fieldwork,
                "sample_size": sample.sample_size,
                "question": question.text,
                "option": answer.option,
                "option_key": answer.option_key,
                "group": answer.group,
                "percentage": None if small else answer.percentage,
                "reported_as": None if small else answer.reported_as,
                "source": f"{answer.source.doc}, {answer.source.section}",
            })
    columns = [
        "year", "survey", "sample", "mode", "fieldwork", "sample_size", "question", "option",
        "option_key", "group", "percentage", "reported_as", "source",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["percentage"] = frame["percentage"].astype("Float64")
    frame["sample_size"] = frame["sample_size"].astype("Int64")
    return frame


def comparison_wide(comparison):
    """A comparison as a table to read: one row per answer, one column per year.

    Only figures for all respondents are set side by side; a cell holds ``"69%"``, the
    source's words when it gave no figure, or ``"not published"``. Each answer is labelled
    with its latest wording.
    """
    import pandas as pd

    everyone = comparison[comparison["group"] == ALL_RESPONDENTS]
    years = sorted(everyone["year"].unique())
    keys = list(dict.fromkeys(everyone.sort_values("year", ascending=False, kind="stable")["option_key"]))
    rows = []
    for key in keys:
        answers = everyone[everyone["option_key"] == key]
        row = {"answer": answers.sort_values("year").iloc[-1]["option"]}
        for year in years:
            found = answers[answers["year"] == year]
            if found.empty:
                row[str(year)] = "not published"
            elif pd.notna(found.iloc[0]["percentage"]):
                row[str(year)] = f"{found.iloc[0]['percentage']:g}%"
            else:
                row[str(year)] = f"no figure ({found.iloc[0]['reported_as']})"
        rows.append(row)
    return pd.DataFrame(rows, columns=["answer", *[str(y) for y in years]])


def method_differences(pairs: Sequence[tuple[Survey, SurveyQuestion]]) -> list[str]:
    """One sentence per survey saying who was asked and how, for a comparable question."""
    sentences = []
    for survey, question in pairs:
        sample = survey.sample(question.sample)
        parts = [f"**{survey.year}** ({survey.title}): {sample.description.rstrip('.')}"]
        parts.append(f"method: {sample.mode}" if sample.mode else "method not published")
        if sample.fieldwork:
            parts.append(f"fieldwork: {sample.fieldwork}")
        parts.append(f"about {sample.sample_size:,} taking part" if sample.sample_size else "sample size not published")
        sentence = "; ".join(parts) + "."
        if sample.notes:
            sentence += f" {sample.notes.rstrip('.')}."
        if question.notes:
            sentence += f" {question.notes.rstrip('.')}."
        sentences.append(sentence)
    wordings: dict[str, dict[int, str]] = {}
    for survey, question in pairs:
        for answer in question.answers:
            wordings.setdefault(answer.option_key, {})[survey.year] = answer.option
    for by_year in wordings.values():
        if len(set(by_year.values())) > 1:
            sentences.append(
                "The answer was worded differently: "
                + "; ".join(f"{year} \"{option}\"" for year, option in sorted(by_year.items())) + "."
            )
    return sentences


def published_chart(results, *, height_per_bar: int = 30):
    """Horizontal bars of published percentages, each labelled with its value.

    ``results`` has ``option`` and ``percentage`` columns (as from :func:`question_results`);
    answers without a figure are left out of the chart (the table beside it names them).
    """
    import altair as alt

    data = results[results["percentage"].notna()].copy()
    data["percentage"] = data["percentage"].astype(float)
    data["label"] = [f"{p:g}%" for p in data["percentage"]]
    y = alt.Y("option:N", title=None, sort=None, axis=alt.Axis(labelLimit=320, labelOverlap=False))
    x = alt.X("percentage:Q", title="Share of respondents (%)", scale=alt.Scale(domain=[0, 100]))
    bars = alt.Chart(data).mark_bar(color=SURVEY_COLOUR).encode(
        x=x, y=y, tooltip=[alt.Tooltip("option:N", title="Answer"), alt.Tooltip("label:N", title="Share")]
    )
    labels = alt.Chart(data).mark_text(align="left", dx=4, color="#000000").encode(x=x, y=y, text="label:N")
    return (bars + labels).properties(height=height_per_bar * max(len(data), 1))


def weighted_chart(proportions, category: str = "answer", order: Sequence[str] | None = None):
    """Weighted shares as bars with their 95% intervals as whiskers; suppressed rows are not drawn.

    Parameters
    ----------
    proportions : pandas.DataFrame
        Rows of :func:`weighted_proportions`: all answers of one group, or one answer across
        groups (with a readable label column).
    category : str, optional
        The column that names each bar: ``answer`` (default) or a group label column.
    order : sequence of str, optional
        The bars in this order, top to bottom; the frame's order otherwise.
    """
    import altair as alt

    data = proportions[~proportions["suppressed"]].copy()
    for column in ("weighted_proportion", "ci_lower", "ci_upper", "n_effective"):
        data[column] = data[column].astype(float)
    data["n"] = data["n"].astype(float)
    data["label"] = [f"{p:.0%}" for p in data["weighted_proportion"]]
    sort = list(order) if order is not None else list(data[category])
    y = alt.Y(f"{category}:N", title=None, sort=sort, axis=alt.Axis(labelLimit=260, labelOverlap=False))
    x = alt.X("weighted_proportion:Q", title="Weighted share (bars) and 95% interval (lines)",
              axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    tooltip = [
        alt.Tooltip(f"{category}:N", title="Answer" if category == "answer" else "Group"),
        alt.Tooltip("weighted_proportion:Q", title="Weighted share", format=".1%"),
        alt.Tooltip("ci_lower:Q", title="95% interval from", format=".1%"),
        alt.Tooltip("ci_upper:Q", title="95% interval to", format=".1%"),
        alt.Tooltip("n_effective:Q", title="Effective sample size", format=".1f"),
    ]
    bars = alt.Chart(data).mark_bar(color=SURVEY_COLOUR, opacity=0.85).encode(x=x, y=y, tooltip=tooltip)
    whiskers = alt.Chart(data).mark_rule(color=_WHISKER_COLOUR, strokeWidth=2).encode(
        x="ci_lower:Q", x2="ci_upper:Q", y=y
    )
    labels = alt.Chart(data).mark_text(align="left", dx=4, dy=-8, color="#000000").encode(
        x="ci_upper:Q", y=y, text="label:N"
    )
    return (bars + whiskers + labels).properties(height=30 * max(len(data), 1))


#: Okabe-Ito colours for survey years, the latest first (blue), then sky blue, orange, green, purple.
_YEAR_PALETTE = ("#0072B2", "#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#D55E00")


def year_colours(years: Iterable[int]) -> dict[str, str]:
    """A fixed colour for each survey year, so a year has the same colour in every chart."""
    ordered = sorted({int(y) for y in years}, reverse=True)
    return {str(year): _YEAR_PALETTE[i % len(_YEAR_PALETTE)] for i, year in enumerate(ordered)}


def comparison_chart(comparison, colours: Mapping[str, str] | None = None):
    """Published shares of a comparable question, one bar per year within each answer.

    Only figures for all respondents are drawn; answers published without a figure are left
    to the table. ``colours`` maps each year (as text) to a colour; by default
    :func:`year_colours` of the years in the chart.
    """
    import altair as alt

    data = comparison[(comparison["group"] == ALL_RESPONDENTS) & comparison["percentage"].notna()].copy()
    data["percentage"] = data["percentage"].astype(float)
    data["year"] = data["year"].astype(str)
    latest = data.sort_values("year").groupby("option_key")["option"].last()
    data["answer"] = data["option_key"].map(latest)
    years = sorted(data["year"].unique())
    colours = dict(colours) if colours else year_colours(int(y) for y in years)
    colour = alt.Color("year:N", title="Survey year", sort=years,
                       scale=alt.Scale(domain=years, range=[colours[y] for y in years]),
                       legend=alt.Legend(orient="top"))
    order = [a for a in comparison_wide(comparison)["answer"] if a in set(data["answer"])]
    y = alt.Y("answer:N", title=None, sort=order, axis=alt.Axis(labelLimit=300, labelOverlap=False))
    x = alt.X("percentage:Q", title="Share of respondents (%)", scale=alt.Scale(domain=[0, 100]))
    data["label"] = [f"{p:g}%" for p in data["percentage"]]
    bars = alt.Chart(data).mark_bar().encode(
        x=x, y=y, yOffset=alt.YOffset("year:N", sort=years), color=colour,
        tooltip=[alt.Tooltip("year:N", title="Year"), alt.Tooltip("option:N", title="Answer as asked"),
                 alt.Tooltip("label:N", title="Share")],
    )
    labels = alt.Chart(data).mark_text(align="left", dx=4, color="#000000", fontSize=11).encode(
        x=x, y=y, yOffset=alt.YOffset("year:N", sort=years), text="label:N"
    )
    per_answer = max(len(years), 1) * 18 + 8
    return (bars + labels).properties(height=per_answer * max(data["answer"].nunique(), 1))


def perception_rows(surveys: Sequence[Survey], option_key: str):
    """Every published figure for one answer (e.g. ``drugs``) across surveys and questions.

    Returns
    -------
    pandas.DataFrame
        Rows of :func:`survey_results_frame` for that ``option_key``, oldest survey first,
        with columns ``year``, ``survey_id``, ``question``, ``sample_description``, ``group``,
        ``option``, ``share`` (the figure in words: ``"80%"``, or the source's words, with the
        group when it is not everyone), ``percentage``, ``reported_as``, ``source_doc``,
        ``source_section``.
    """
    import pandas as pd

    frame = survey_results_frame(surveys)
    chosen = frame[frame["option_key"] == option_key].copy()
    chosen["share"] = [
        (f"{p:g}%" if not pd.isna(p) else str(words)) + ("" if group == ALL_RESPONDENTS else f" ({group.lower()})")
        for p, words, group in zip(chosen["percentage"], chosen["reported_as"], chosen["group"])
    ]
    columns = ["year", "survey_id", "question", "sample_description", "group", "option", "share", "percentage",
               "reported_as", "source_doc", "source_section"]
    return chosen.sort_values(["year", "survey_id"], kind="stable")[columns].reset_index(drop=True)


def _main(argv: Sequence[str]) -> int:
    """Validate survey YAML files (or a folder) and print a one-line summary each."""
    targets: Sequence[str | Path] = argv or [DEFAULT_SURVEY_DIR]
    try:
        surveys = [s for target in targets for s in load_surveys(target)]
    except DataFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for survey in surveys:
        answers = sum(len(q.answers) for q in survey.questions)
        print(f"{survey.id} ({survey.year}): {len(survey.questions)} questions, {answers} answers  [{survey.path}]")
    for key, pairs in comparable_questions(surveys).items():
        print(f"comparable '{key}': {', '.join(str(s.year) for s, _ in pairs)}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
