"""Published survey results: the model and the YAML reader, one file per survey.

The format is described in ``data/medway/survey/README.md``. The files are edited by hand, so
:func:`load_survey` checks every field and raises :class:`~csp_data.yamlfile.DataFileError` at
the first problem, naming the file, the field path and the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from csp_data.config import DEFAULT_AREA_FILE
from csp_data.yamlfile import DataFileError, Source, UnknownIdError, YamlNode, check_unique, read_source

__all__ = [
    "ALL_RESPONDENTS",
    "ANSWER_TYPES",
    "DEFAULT_SURVEY_DIR",
    "SCHEMA_VERSION",
    "Survey",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveySample",
    "load_survey",
    "load_surveys",
]

#: The embedded default area's survey folder; pages use the files the area file names.
DEFAULT_SURVEY_DIR = DEFAULT_AREA_FILE.parent / "survey"

SCHEMA_VERSION = 1
ANSWER_TYPES = ("single_choice", "multiple_choice", "not_stated")
#: The group of a published figure that describes everyone asked.
ALL_RESPONDENTS = "All respondents"


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
    """One survey or consultation with its samples and questions.

    ``notes`` says what the partnership published of this survey, in its file's own words;
    ``respondent_data`` says whether the answers of each respondent are published, for the
    page to show when the area names no respondent-level file. Both are ``None`` when the
    file does not say.
    """

    id: str
    year: int
    title: str
    samples: tuple[SurveySample, ...]
    questions: tuple[SurveyQuestion, ...]
    source: Source
    path: Path
    notes: str | None = None
    respondent_data: str | None = None

    def question(self, question_id: str) -> SurveyQuestion:
        """The question with this id.

        Raises
        ------
        UnknownIdError
            If the survey has no such question (a ``KeyError``).
        """
        for question in self.questions:
            if question.id == question_id:
                return question
        raise UnknownIdError(f"survey {self.id!r} has no question {question_id!r}")

    def sample(self, sample_id: str) -> SurveySample:
        """The sample with this id.

        Raises
        ------
        UnknownIdError
            If the survey has no such sample (a ``KeyError``).
        """
        for sample in self.samples:
            if sample.id == sample_id:
                return sample
        raise UnknownIdError(f"survey {self.id!r} has no sample {sample_id!r}")


_TOP_FIELDS = ("schema_version", "survey")
_SURVEY_FIELDS = ("id", "year", "title", "source", "notes", "respondent_data", "samples", "questions")
_SAMPLE_FIELDS = ("id", "description", "fieldwork", "mode", "sample_size", "notes", "source")
_QUESTION_FIELDS = ("id", "compare_key", "text", "sample", "answer_type", "base", "notes", "source", "answers")
_ANSWER_FIELDS = ("option", "option_key", "group", "percentage", "n", "reported_as", "notes", "source")
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
        is not listed. The message names the file, the field path and the line.
    """
    root = YamlNode.load(path).mapping(_TOP_FIELDS)
    version = root.get("schema_version").integer()
    if version != SCHEMA_VERSION:
        root.get("schema_version").fail(f"this version of the dashboard reads schema_version {SCHEMA_VERSION}")
    node = root.get("survey").mapping(_SURVEY_FIELDS)
    sample_nodes = node.get("samples").items()
    samples = tuple(_read_sample(item) for item in sample_nodes)
    check_unique([item.get("id") for item in sample_nodes])
    sample_ids = [s.id for s in samples]
    question_nodes = node.get("questions").items()
    if not question_nodes:
        node.get("questions").fail("must list at least one question")
    questions = tuple(_read_question(item, sample_ids) for item in question_nodes)
    check_unique([item.get("id") for item in question_nodes])
    check_unique([item.get("compare_key") for item in question_nodes], "compare_key")
    return Survey(
        id=_read_key(node.get("id")),
        year=node.get("year").integer(minimum=1990),
        title=node.get("title").text(),
        samples=samples,
        questions=questions,
        source=read_source(node.get("source")),
        path=Path(path),
        notes=node.get("notes", required=False).text(nullable=True),
        respondent_data=node.get("respondent_data", required=False).text(nullable=True),
    )


def load_surveys(paths: str | Path | Iterable[str | Path] = DEFAULT_SURVEY_DIR) -> tuple[Survey, ...]:
    """Read several survey files, oldest first.

    Parameters
    ----------
    paths : path or iterable of paths, optional
        A folder (every ``*.yaml`` in it is read) or a list of files. The embedded
        default area's survey folder by default.

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
        source=read_source(node.get("source")),
    )


def _read_question(node: YamlNode, sample_ids: Sequence[str]) -> SurveyQuestion:
    node.mapping(_QUESTION_FIELDS)
    sample_node = node.get("sample")
    sample = sample_node.text()
    if sample not in sample_ids:
        sample_node.fail(f"no sample with id {sample!r} in this survey (ids: {', '.join(sample_ids)})")
    source = read_source(node.get("source"))
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
        source=question_source if source_node.value is None else read_source(source_node),
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "answer"
