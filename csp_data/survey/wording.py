"""Survey results in plain English: figures as words, who was asked and how, and what is not published.

Everything here reads sensibly for any partnership. What is particular to one area (what it
publishes of its surveys, and why) comes from its own survey files: the ``notes`` and
``respondent_data`` fields of each survey (see ``data/medway/survey/README.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from csp_data.markdown import markdown_text
from csp_data.survey.disclosure import MIN_GROUP_SIZE, WITHHELD_TOGETHER
from csp_data.survey.published import ALL_RESPONDENTS, Survey, SurveyAnswer, SurveyQuestion
from csp_data.words import percent

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NOT_PUBLISHED",
    "WEIGHTED_TERMS",
    "answer_text",
    "comparison_wide",
    "method_differences",
    "percent_decimals",
    "published_caveat",
    "question_title",
    "respondent_data_text",
    "respondent_method_text",
    "samples_text",
    "share_text",
    "withheld_text",
]

#: The words for an answer a survey did not publish.
NOT_PUBLISHED = "not published"
#: The terms of a respondent-level table, one plain sentence each, for where they appear.
WEIGHTED_TERMS = (
    "A weighted share counts each respondent by their survey weight, so that groups of residents who answered "
    "less often than others still count as much as they make up of the population. The 95% interval is the "
    "range the share for all residents most probably lies in: the narrower it is, the surer the figure. The "
    "effective sample size is how many equally counted respondents would give figures as precise as these."
)


def _is_missing(value) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def percent_decimals(percentages: Iterable) -> int:
    """The decimals to show every published percentage of a table or chart with: 0 when all are whole
    (as published: ``"57%"``), else 1 (``"57.0%"`` beside ``"51.5%"``), so a table has one precision."""
    return int(any(not _is_missing(p) and float(p) != round(float(p)) for p in percentages))


def share_text(
    percentage: float | None, reported_as: str | None, group: str = ALL_RESPONDENTS, decimals: int | None = None
) -> str:
    """A published figure in words: ``"80%"``, the source's own words, or ``"withheld"``.

    The group is added in brackets when it is not everyone: ``"24% (aged 16-24)"``. ``decimals`` gives
    the figure the precision of the table it is in (:func:`percent_decimals`); by default, as published.
    """
    if not _is_missing(percentage):
        text = f"{percentage:g}%" if decimals is None else percent(float(percentage) / 100, decimals)
    elif not _is_missing(reported_as):
        text = str(reported_as)
    else:
        text = f"withheld (fewer than {MIN_GROUP_SIZE} answered)"
    if group == ALL_RESPONDENTS:
        return text
    # Only a capital starting a sentence is lowered: "respondents living in Medway", but "BME respondents".
    return f"{text} ({group if group[1:2].isupper() else group[:1].lower() + group[1:]})"


def answer_text(answer: SurveyAnswer) -> str:
    """A published answer's figure: ``"69%"``, the source's words, or ``"not published"``."""
    return share_text(answer.percentage, answer.reported_as or NOT_PUBLISHED)


def samples_text(survey: Survey) -> str:
    """Who was asked, one clause per sample: what the sample was, when, and how many took part."""
    return "; ".join(
        f"{s.description.rstrip('.')}"
        + (f", {s.fieldwork[0].lower()}{s.fieldwork[1:]}" if s.fieldwork else "")
        + (f", about {s.sample_size:,} taking part" if s.sample_size else ", sample size not published")
        for s in survey.samples
    )


def comparison_wide(comparison: pd.DataFrame) -> pd.DataFrame:
    """A comparison as a table to read: one row per answer, one column per year.

    Only figures for all respondents are set side by side; a cell holds ``"69%"`` (every figure of
    the table to the same precision, :func:`percent_decimals`), the source's words when it gave no
    figure, or ``"not published"``. Each answer is labelled with its latest wording; answers come
    in the order of the latest survey that gave them.

    Parameters
    ----------
    comparison : pandas.DataFrame
        From :func:`csp_data.survey.comparison_frame`.
    """
    import pandas as pd

    everyone = comparison[comparison["group"] == ALL_RESPONDENTS]
    years = sorted({int(y) for y in everyone["year"]})
    decimals = percent_decimals(everyone["percentage"])
    # Plain Python over the few rows: a pandas filter per answer and year cost ~400 ms a page.
    rows = zip(
        everyone["year"], everyone["option_key"], everyone["option"], everyone["percentage"], everyone["reported_as"]
    )
    latest: dict[str, tuple[int, str]] = {}  # the latest year and wording of each answer, in the table's order
    cells: dict[tuple[str, int], str] = {}
    for year, key, option, percentage, words in sorted(rows, key=lambda row: -int(row[0])):
        latest.setdefault(key, (int(year), option))
        if (key, int(year)) not in cells:
            cells[key, int(year)] = (
                share_text(percentage, None, decimals=decimals)
                if not _is_missing(percentage)
                else f"no figure ({words})"
            )
    table = [
        {"answer": option, **{str(y): cells.get((key, y), NOT_PUBLISHED) for y in years}}
        for key, (_, option) in latest.items()
    ]
    return pd.DataFrame(table, columns=["answer", *[str(y) for y in years]])


def method_differences(pairs: Sequence[tuple[Survey, SurveyQuestion]]) -> list[str]:
    """One sentence per survey saying who was asked and how, for a comparable question.

    A last sentence names any answer worded differently from one year to another.
    """
    sentences = []
    for survey, question in pairs:
        sample = survey.sample(question.sample)
        # Markdown for the page: the survey file's own text is escaped to show as written.
        parts = [f"**{survey.year}** ({markdown_text(survey.title)}): {markdown_text(sample.description.rstrip('.'))}"]
        parts.append(f"method: {markdown_text(sample.mode)}" if sample.mode else "method not published")
        if sample.fieldwork:
            parts.append(f"fieldwork: {markdown_text(sample.fieldwork)}")
        parts.append(f"about {sample.sample_size:,} taking part" if sample.sample_size else "sample size not published")
        sentence = "; ".join(parts) + "."
        if sample.notes:
            sentence += f" {markdown_text(sample.notes.rstrip('.'))}."
        if question.notes:
            sentence += f" {markdown_text(question.notes.rstrip('.'))}."
        sentences.append(sentence)
    wordings: dict[str, dict[int, str]] = {}
    for survey, question in pairs:
        for answer in question.answers:
            wordings.setdefault(answer.option_key, {})[survey.year] = answer.option
    for by_year in wordings.values():
        if len(set(by_year.values())) > 1:
            sentences.append(
                "The answer was worded differently: "
                + "; ".join(f'{year} "{markdown_text(option)}"' for year, option in sorted(by_year.items()))
                + "."
            )
    return sentences


def published_caveat(survey: Survey) -> str:
    """What the published results of a survey leave out, and so why they carry no intervals.

    Built from the file: its ``notes`` (the partnership's publication, in the file's words),
    then what none of its samples states (sample size, method), then the reason no
    confidence interval is given.

    Examples
    --------
    ``"Only the top answers of most questions were published. No sample size or method was
    published with these results. Published percentages carry no confidence intervals (the range a
    figure for all residents most probably lies in): working one out needs the answers of each
    respondent."``
    """
    sentences = [survey.notes.rstrip(".") + "."] if survey.notes else []
    unstated = []
    if not any(sample.sample_size for sample in survey.samples):
        unstated.append("sample size")
    if not any(sample.mode for sample in survey.samples):
        unstated.append("method")
    if unstated:
        sentences.append(f"No {' or '.join(unstated)} was published with these results.")
    sentences.append(
        "Published percentages carry no confidence intervals (the range a figure for all residents most probably "
        "lies in): working one out needs the answers of each respondent."
    )
    return " ".join(sentences)


def respondent_data_text(surveys: Sequence[Survey], min_group_size: int = MIN_GROUP_SIZE) -> str:
    """What to say when the area file names no respondent-level survey file.

    The first sentence is the area's own, from the latest survey file that states what is
    published of individual answers (its ``respondent_data`` field); without one, it says
    only that no such file is named. The rest says what naming one would show.

    Parameters
    ----------
    surveys : sequence of Survey
        The area's published surveys, oldest first.
    min_group_size : int, optional
        The suppression threshold, for the sentence about small groups.
    """
    stated = next((s.respondent_data for s in reversed(surveys) if s.respondent_data), None)
    opening = stated.rstrip(".") + "." if stated else "No respondent-level survey answers are loaded for this area."
    # How a partnership loads such a file is in the README and data/medway/survey/README.md, not on the page.
    return (
        f"{opening} Where a partnership loads its survey's answers (one row per respondent), this section "
        "shows weighted shares (each respondent counted by their survey weight, so that the figures stand for "
        "all residents) with the range each most probably lies in (a 95% confidence interval), and withholds "
        f"every group of fewer than {min_group_size} respondents, with as many of the next smallest groups as "
        "it takes for none of them to be worked out from the figures shown."
    )


def question_title(surveys: Sequence[Survey], question_id: str) -> str:
    """A respondent-level question by its published wording, else its id in words (``"Feel safe day"``)."""
    texts = {q.id: q.text for s in surveys for q in s.questions}
    return texts.get(question_id) or question_id.replace("_", " ").capitalize()


def respondent_method_text(respondents: int, weighted: bool, min_group_size: int = MIN_GROUP_SIZE) -> str:
    """How the respondent-level figures are made: the respondents, their weights, the interval and suppression."""
    weights = "weighted by the survey's own weights" if weighted else "unweighted (the survey has no weights)"
    return (
        f"{respondents:,} respondents, {weights}. "
        "Each share is the sum of the weights of those giving the answer over the sum of the weights of "
        "everyone in the group who answered. The 95% interval is a Wilson interval using the effective "
        "sample size (Kish: (Σw)² / Σw²), which is smaller than the number of respondents when weights vary. "
        f"Any group in which fewer than {min_group_size} people answered is withheld (suppressed) in every "
        "table and chart. In a breakdown, the next smallest groups are withheld with it, as many as it takes "
        "for no withheld group's answers to be worked out by taking the groups shown away from the figures "
        "for all respondents; the withheld groups are shown added together as one row. Blank answers are left out."
    )


def withheld_text(
    groups: Sequence[str],
    min_group_size: int = MIN_GROUP_SIZE,
    protecting: Sequence[str] = (),
    together: bool = False,
) -> str:
    """Which groups are withheld and why, in plain words; ``""`` when none is.

    Parameters
    ----------
    groups : sequence of str
        Groups withheld because fewer than ``min_group_size`` of them answered.
    min_group_size : int, optional
        The threshold, for the sentence.
    protecting : sequence of str, optional
        Groups withheld with them, so that theirs cannot be worked out by subtraction.
    together : bool, optional
        Whether the table has the row of withheld groups added together.
    """
    if not groups and not protecting:
        return ""
    sentences = []
    if groups:
        sentences.append(
            f"Withheld because fewer than {min_group_size} respondents in the group answered: "
            + ", ".join(groups)
            + "."
        )
    if protecting:
        sentences.append(
            "Also withheld: " + ", ".join(protecting) + ". Otherwise the answers of the smaller groups could be "
            "worked out by taking the groups shown away from the figures for all respondents."
        )
    if together:
        sentences.append(
            f'The withheld groups are added together in the row "{WITHHELD_TOGETHER}", '
            "which mixes several groups and so shows no single group's answers."
        )
    return " ".join(sentences)
