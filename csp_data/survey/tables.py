"""Survey results as tables: every published figure, one question, one question across years, and
the weighted shares of a respondent-level file in the order a page shows them.

Figures whose stated base is too small are withheld here, by the same rule as respondent-level
tables (:func:`csp_data.survey.weighting.is_small_base`). Respondent-level tables come from
:func:`csp_data.survey.weighted_proportions`, whose groups are withheld by the rules of
:mod:`csp_data.survey.disclosure`; the page shows and downloads those frames as they are, so a
download holds nothing the table on the page hides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from csp_data.survey.disclosure import WITHHELD_TOGETHER
from csp_data.survey.published import Survey, SurveyQuestion
from csp_data.survey.responses import SurveyResponses
from csp_data.survey.weighting import is_small_base, weighted_proportions
from csp_data.survey.wording import percent_decimals, share_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ANSWER_SCALES",
    "answer_order",
    "comparable_questions",
    "comparison_frame",
    "grouped_shares",
    "headline_questions",
    "overall_shares",
    "perception_rows",
    "question_results",
    "survey_results_frame",
]

#: Answer scales in their natural order; answers not on a scale follow, alphabetically.
ANSWER_SCALES = (
    ("very safe", "fairly safe", "neither", "fairly unsafe", "very unsafe"),
    ("yes", "no"),
)

_RESULTS_COLUMNS = [
    "survey_id",
    "year",
    "sample",
    "sample_description",
    "question_id",
    "compare_key",
    "question",
    "answer_type",
    "group",
    "option",
    "option_key",
    "percentage",
    "reported_as",
    "n",
    "base",
    "suppressed",
    "source_doc",
    "source_section",
    "notes",
]
_COMPARISON_COLUMNS = [
    "year",
    "survey",
    "sample",
    "mode",
    "fieldwork",
    "sample_size",
    "question",
    "option",
    "option_key",
    "group",
    "percentage",
    "reported_as",
    "source",
]
_PERCEPTION_COLUMNS = [
    "year",
    "survey_id",
    "question",
    "sample_description",
    "group",
    "option",
    "share",
    "percentage",
    "reported_as",
    "source_doc",
    "source_section",
]


def answer_order(options: Iterable[str]) -> list[str]:
    """Answers in a readable order: a known scale in its own order, then the rest alphabetically."""
    options = list(dict.fromkeys(options))
    lowered = {option.lower(): option for option in options}
    ordered: list[str] = []
    for scale in ANSWER_SCALES:
        ordered.extend(lowered[item] for item in scale if item in lowered)
    return ordered + sorted(o for o in options if o not in ordered)


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


def headline_questions(survey: Survey) -> tuple[list[SurveyQuestion], list[SurveyQuestion]]:
    """A survey's questions split into headline figures (one choice from at most two answers, shown
    as numbers) and the rest (shown as charts), each in the file's order."""
    single = [q for q in survey.questions if q.answer_type == "single_choice" and len(q.answers) <= 2]
    return single, [q for q in survey.questions if q not in single]


def survey_results_frame(surveys: Sequence[Survey]) -> pd.DataFrame:
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
            small = is_small_base(question.base)
            for answer in question.answers:
                rows.append(
                    {
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
                    }
                )
    frame = pd.DataFrame(rows, columns=_RESULTS_COLUMNS)
    frame["percentage"] = frame["percentage"].astype("Float64")
    for column in ("n", "base"):
        frame[column] = frame[column].astype("Int64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def question_results(survey: Survey, question_id: str) -> pd.DataFrame:
    """The published answers to one question (rows of :func:`survey_results_frame`)."""
    frame = survey_results_frame([survey])
    return frame[frame["question_id"] == question_id].reset_index(drop=True)


def comparison_frame(pairs: Sequence[tuple[Survey, SurveyQuestion]]) -> pd.DataFrame:
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
        small = is_small_base(question.base)
        for answer in question.answers:
            rows.append(
                {
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
                    "source": answer.source.citation,
                }
            )
    frame = pd.DataFrame(rows, columns=_COMPARISON_COLUMNS)
    frame["percentage"] = frame["percentage"].astype("Float64")
    frame["sample_size"] = frame["sample_size"].astype("Int64")
    return frame


def perception_rows(surveys: Sequence[Survey], option_key: str) -> pd.DataFrame:
    """Every published figure for one answer (e.g. ``drugs``) across surveys and questions.

    Returns
    -------
    pandas.DataFrame
        Rows of :func:`survey_results_frame` for that ``option_key``, oldest survey first,
        with columns ``year``, ``survey_id``, ``question``, ``sample_description``, ``group``,
        ``option``, ``share`` (the figure in words: ``"80%"``, every figure to the same precision,
        or the source's words, with the group when it is not everyone), ``percentage``, ``reported_as``, ``source_doc``,
        ``source_section``.
    """
    frame = survey_results_frame(surveys)
    chosen = frame[frame["option_key"] == option_key].copy()
    decimals = percent_decimals(chosen["percentage"])  # one precision for the table's figures
    chosen["share"] = [
        share_text(percentage, words, group, decimals)
        for percentage, words, group in zip(chosen["percentage"], chosen["reported_as"], chosen["group"])
    ]
    return chosen.sort_values(["year", "survey_id"], kind="stable")[_PERCEPTION_COLUMNS].reset_index(drop=True)


def overall_shares(responses: SurveyResponses, question: str) -> tuple[pd.DataFrame, list[str]]:
    """The weighted shares of all respondents for a question, answers in :func:`answer_order`.

    Returns
    -------
    (pandas.DataFrame, list of str)
        :func:`csp_data.survey.weighted_proportions` with no grouping, one row per answer in
        reading order; and that order.
    """
    overall = weighted_proportions(responses, question)
    answers = answer_order(overall["answer"])
    return overall.set_index("answer").loc[answers].reset_index(), answers


def grouped_shares(
    responses: SurveyResponses, question: str, by: str, answers: Sequence[str], names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The weighted shares for a question by group, each group's answers in the order of ``answers``.

    A first column ``group`` labels each group: its name from ``names`` (ward names by ward code)
    where there is one, else its value. Rows are sorted by that label, with the withheld groups
    together (:data:`~csp_data.survey.disclosure.WITHHELD_TOGETHER`), when there is such a row, last.
    Groups are withheld by :func:`csp_data.survey.weighted_proportions`.
    """
    names = names or {}
    grouped = weighted_proportions(responses, question, by=by)
    grouped.insert(0, "group", [names.get(v, v) for v in grouped[by]])
    rank = {answer: i for i, answer in enumerate(answers)}
    grouped = grouped.assign(_together=grouped[by] == WITHHELD_TOGETHER, _rank=grouped["answer"].map(rank))
    grouped = grouped.sort_values(["_together", "group", "_rank"], kind="stable")
    return grouped.drop(columns=["_together", "_rank"]).reset_index(drop=True)
