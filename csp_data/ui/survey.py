"""The Residents' survey page's sections: the published results, comparisons with earlier consultations,
perception beside recorded crime, and weighted results from a respondent-level file; with the caches
that read the survey files.

The page script reads the area, the period and its own widgets, calls these in order and nothing
else; the figures and words come from :mod:`csp_data.survey`. Everything drawn is built once and looked
up on a rerun: the published sections (words, tables, chart specifications) per set of survey files
(:func:`published_sections`), the drug offences per store version and period, and each weighted chart
per table it draws.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data import survey as sv
from csp_data import tables
from csp_data.area_documents import file_stamp
from csp_data.charts import priorities as priority_charts
from csp_data.config import Area
from csp_data.figures import priorities as pr
from csp_data.glossary import terms_used
from csp_data.markdown import markdown_text
from csp_data.periods import Period
from csp_data.plans.wording import source_words, terms_note
from csp_data.store.geography import ward_boundaries
from csp_data.survey.store import read_stored_responses, stored_responses_file
from csp_data.ui.charts import VegaSpec, chart_spec, show_chart
from csp_data.ui.context import (
    FAST_HASH,
    FIGURES_PER_CACHE,
    area_population,
    current_store,
    get_area,
    loaded_months,
    no_months_message,
    run_query,
)
from csp_data.ui.downloads import download_table
from csp_data.ui.errors import guard
from csp_data.ui.tables import show_table, table_html

# Hints under a message when a survey file cannot be read; how to set one up is in the README, not here.
SURVEY_HINT = "The survey results could not be read; please tell the site's maintainers."
RESPONSES_HINT = "The respondents' answers could not be read; please tell the site's maintainers."
NO_SURVEYS = "No residents' survey results are published on this site for this area yet."
MULTIPLE_NOTE = "Respondents could choose more than one answer, so the shares add up to more than 100%."
ALL_WITHHELD = (
    f"Every group in this breakdown had fewer than {sv.MIN_GROUP_SIZE} respondents answering, so all of them "
    "are withheld."
)
NO_FIGURES = "No percentages were published for this question: the table gives its answers in the partnership's words."
BREAKDOWNS = {"No breakdown": None, "Ward": "ward_code", "Age band": "age_band", "Sex": "sex"}
# The perception compared with recorded crime: the survey answer and the police.uk category.
PERCEPTION_OPTION, PERCEPTION_CATEGORY = "drugs", "Drugs"

RESULT_LABELS = {
    "question": "Question",
    "option": "Answer",
    "group": "Group",
    "percentage": "Share (%)",
    "reported_as": "Reported in words",
}
PERCEPTION_LABELS = {
    "year": "Year",
    "share": "Share (as published)",
    "question": "Question",
    "sample_description": "Who was asked",
}
PROPORTION_LABELS = {
    "group": "Group",
    "answer": "Answer",
    "n": "Respondents giving it",
    "group_n": "Respondents answering",
    "weighted_proportion": "Weighted share",
    "ci_lower": "95% interval from",
    "ci_upper": "95% interval to",
    "n_effective": "Effective sample size",
    "suppressed": "Withheld",
    "withheld_because": "Why withheld",
}
#: Shares as percentages to one decimal place throughout the table (and its CSV), as on every page.
PROPORTION_KINDS = {
    "n": tables.COUNT,
    "group_n": tables.COUNT,
    "weighted_proportion": tables.PERCENT,
    "ci_lower": tables.PERCENT,
    "ci_upper": tables.PERCENT,
    "n_effective": tables.RATE,
    "suppressed": tables.YES_NO,
}


@st.cache_data(hash_funcs=FAST_HASH, max_entries=8, show_spinner=False)
def _cached_surveys(paths: tuple[str, ...], stamps: tuple):
    return sv.load_surveys(list(paths))


def read_surveys(paths: Sequence[Path]) -> Sequence[sv.Survey]:
    """The published surveys the area file names, oldest first, read again when a file changes."""
    if not paths:
        return ()
    return _cached_surveys(tuple(str(p) for p in paths), tuple(file_stamp(p) for p in paths))


@st.cache_data(hash_funcs=FAST_HASH, max_entries=4, show_spinner=False)
def _cached_responses(path: str, stamp: tuple[int, int]):
    return sv.read_survey_responses(path)


@st.cache_data(hash_funcs=FAST_HASH, max_entries=2, show_spinner=False)
def _stored_responses(path: str) -> sv.SurveyResponses:
    # The stored file's name changes with every load, so the path is the whole key.
    return read_stored_responses(path, run_query)


def stored_responses(area: Area) -> sv.SurveyResponses | None:
    """The respondent-level file loaded on the staff pages, read from the store with DuckDB; None when none is."""
    path = stored_responses_file(current_store(area).root)
    return None if path is None else _stored_responses(str(path))


def respondent_responses(area: Area, configured: Path | None) -> sv.SurveyResponses | None:
    """The respondents the page shows: the file loaded into the store on the staff pages when there is one
    (the newest), else the file the area file names, else None."""
    stored = stored_responses(area)
    if stored is not None:
        return stored
    return None if configured is None else _cached_responses(str(configured), file_stamp(configured))


@st.cache_data(hash_funcs=FAST_HASH, max_entries=4, show_spinner=False)
def _ward_names(area_file: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for vintage in get_area(area_file).wards:
        frame = ward_boundaries(vintage)
        names.update(dict(zip(frame["ward_code"], frame["ward_name"])))
    return names


def ward_names(area: Area) -> dict[str, str]:
    """Ward names by code, over every ward vintage of the area."""
    return _ward_names(str(area.area_file))


@dataclass(frozen=True)
class QuestionSection:
    """One published question: its results, the note under its heading and its chart."""

    id: str
    text: str
    note: str
    results: pd.DataFrame
    kinds: dict[str, str]  # how the table shows its percentages (:func:`percent_kinds`)
    chart: VegaSpec | None  # None when no figure of the question was published
    height: int | None
    alt: str


@dataclass(frozen=True)
class ComparisonSection:
    """A question asked the same way in more than one survey: how each was asked, a chart and a table."""

    key: str
    title: str
    sentences: list[str]
    comparison: pd.DataFrame
    wide: pd.DataFrame  # as the page shows it: an answer a row, a column a year, headed in words
    chart: VegaSpec | None
    height: int | None
    alt: str


@dataclass(frozen=True)
class PublishedSections:
    """Everything the page shows of the published surveys, built once per set of survey files."""

    title: str
    year: int
    caption: str
    headline: list[tuple[str, list[tuple[str, str]]]]  # question, then (answer, figure) pairs
    headline_table: pd.DataFrame
    headline_kinds: dict[str, str]
    questions: list[QuestionSection]
    comparisons: list[ComparisonSection]
    perception: pd.DataFrame  # to download; ``perception_shown`` as the page shows it, headed in words
    perception_shown: pd.DataFrame
    latest_year: int


def percent_kinds(results: pd.DataFrame) -> dict[str, str]:
    """Published percentages (already in percent) shown as published, all to one precision in a table:
    whole when every figure is whole ("80"), else to one decimal place ("57.0", "51.5")."""
    return {"percentage": tables.RATE if sv.percent_decimals(results["percentage"]) else tables.COUNT}


def _question(latest: sv.Survey, question: sv.SurveyQuestion) -> QuestionSection:
    notes = [question.notes or "", MULTIPLE_NOTE if question.answer_type == "multiple_choice" else ""]
    results = sv.question_results(latest, question.id)
    chart = sv.published_chart(results) if results["percentage"].notna().any() else None
    return QuestionSection(
        question.id,
        question.text,
        " ".join(n for n in notes if n),
        results,
        percent_kinds(results),
        None if chart is None else chart_spec(chart),
        None if chart is None else priority_charts.display_height(chart, 60),
        sv.published_chart_alt(question.text, latest.title, results),
    )


def _comparison(key: str, pairs, colours) -> ComparisonSection:
    question = pairs[-1][1]
    years = ", ".join(str(s.year) for s, _ in pairs)
    comparison = sv.comparison_frame(pairs)
    chart = sv.comparison_chart(comparison, colours) if comparison["percentage"].notna().any() else None
    return ComparisonSection(
        key,
        f"{question.text} ({years})",
        sv.method_differences(pairs),
        comparison,
        sv.comparison_wide(comparison).rename(columns={"answer": "Answer"}),
        None if chart is None else chart_spec(chart),
        None if chart is None else priority_charts.display_height(chart, 140),
        sv.comparison_chart_alt(question.text, comparison),
    )


# Kept for the process, keyed on the files' paths and stamps: the sections depend on the survey files
# alone (not on the store), are read-only, and copying them on every rerun (st.cache_data) cost 130 ms.
@functools.lru_cache(maxsize=8)
def _published(paths: tuple[str, ...], stamps: tuple) -> PublishedSections:
    surveys = _cached_surveys(paths, stamps)
    latest = surveys[-1]
    single, several = sv.headline_questions(latest)
    headline = sv.survey_results_frame([latest])
    headline = headline[headline["question_id"].isin([q.id for q in single])]
    colours = sv.year_colours(s.year for s in surveys)
    perception = sv.perception_rows(surveys, PERCEPTION_OPTION)
    return PublishedSections(
        title=latest.title,
        year=latest.year,
        caption=markdown_text(  # every part but ours is from the survey file: shown as written
            f"Who was asked: {sv.samples_text(latest)}. Source: {source_words(latest.source)}. "
            f"{sv.published_caveat(latest)}"
        ),
        headline=[(q.text, [(a.option, sv.answer_text(a)) for a in q.answers]) for q in single],
        headline_table=headline,
        headline_kinds=percent_kinds(headline),
        questions=[_question(latest, q) for q in several],
        comparisons=[_comparison(key, pairs, colours) for key, pairs in sv.comparable_questions(surveys).items()],
        perception=perception,
        perception_shown=perception[list(PERCEPTION_LABELS)].astype({"year": str}).rename(columns=PERCEPTION_LABELS),
        latest_year=latest.year,
    )


def published_sections(paths: Sequence[Path]) -> PublishedSections | None:
    """The published surveys' sections (read again when a file changes), or None when there are none."""
    if not paths:
        return None
    return _published(tuple(str(p) for p in paths), tuple(file_stamp(p) for p in paths))


def show_latest(sections: PublishedSections, stem: str) -> None:
    """The latest survey as published: who was asked, the headline figures, then a chart per question."""
    st.markdown(f"**{markdown_text(sections.title)}**: the results as published by the partnership.")
    st.caption(sections.caption)
    if sections.headline:
        show_headline(sections, stem)
    for index in range(0, len(sections.questions), 2):
        for column, question in zip(st.columns(2), sections.questions[index : index + 2]):
            with column:
                show_question(question, sections.year, stem)
    # Terms a resident may not know ("a concern under Prevent"), explained as the Priorities page explains its own.
    asked = [text for text, _ in sections.headline] + [question.text for question in sections.questions]
    if note := terms_note(terms_used("\n".join(asked)), "Terms used in this survey"):
        st.caption(note)


def show_headline(sections: PublishedSections, stem: str) -> None:
    st.header("Feeling safe, and knowing how to report", anchor="headline-figures")
    for column, (text, answers) in zip(st.columns(len(sections.headline)), sections.headline):
        with column:
            st.markdown(f"**{markdown_text(text)}**")
            for option, figure in answers:
                st.metric(markdown_text(option), figure)
    show_table(
        sections.headline_table[["question", "option", "percentage"]],
        f"{stem}-survey-{sections.year}-headline.csv",
        labels=RESULT_LABELS,
        kinds=sections.headline_kinds,
        expander="Table: these figures",
    )


def show_question(question: QuestionSection, year: int, stem: str) -> None:
    st.subheader(markdown_text(question.text))
    if question.note:
        st.caption(markdown_text(question.note))
    if question.chart is None:
        st.markdown(NO_FIGURES)
    else:
        show_chart(question.chart, question.alt, height=question.height)
    show_table(
        question.results[["option", "group", "percentage", "reported_as"]],
        f"{stem}-survey-{year}-{question.id}.csv",
        labels=RESULT_LABELS,
        kinds=question.kinds,
        expander=f"Table: {markdown_text(question.text)}",
        name=f"Table: {question.text}",
    )


def show_comparisons(sections: PublishedSections, stem: str) -> None:
    """Questions asked the same way in more than one survey, side by side, with how each was asked."""
    if not sections.comparisons:
        return
    st.header("Compared with earlier consultations", anchor="compared")
    st.markdown(
        "Figures are set side by side only where the same question was asked. Where an answer was worded "
        "differently from one year to another, the notes under the question say so. The consultations were "
        "run in different ways and asked different people (each one's method is given with it), "
        "so the differences below are in method and wording as well as in opinion: they are not a measure of "
        "change, and no test of chance can be made. Read them with care."
    )
    for section in sections.comparisons:
        st.subheader(markdown_text(section.title))
        st.markdown("\n".join(f"- {sentence}" for sentence in section.sentences))
        if section.chart is not None:
            show_chart(section.chart, section.alt, height=section.height)
        st.html(table_html(section.wide, kinds=dict.fromkeys(section.wide.columns, tables.TEXT), name=section.title))
        download_table(section.comparison, f"{stem}-survey-compare-{section.key}.csv", labels=RESULT_LABELS)


def show_perception(sections: PublishedSections, area: Area, period: Period | None, stem: str) -> None:
    """What residents say about drugs in every survey, beside the drug offences police recorded."""
    perception = sections.perception
    if not len(perception):
        return
    st.header("Perception beside recorded crime", anchor="perception")
    st.markdown(
        "What residents say about drug use or dealing, set beside the drug offences police recorded. "
        "The two measure different things: the survey asks what people see as a problem or a priority; "
        "recorded drug offences count what police found, which follows enforcement as much as drug use."
    )
    st.subheader("Residents naming drug use or dealing")
    # "share" is the published figure as written ("21%", "nearly a quarter"), not a number.
    shown = sections.perception_shown
    st.html(
        table_html(shown, kinds=dict.fromkeys(shown.columns, tables.TEXT), name="Residents naming drug use or dealing")
    )
    download_table(
        perception[list(PERCEPTION_LABELS)],
        f"{stem}-survey-perception-{PERCEPTION_OPTION}.csv",
        labels=PERCEPTION_LABELS,
        kinds={"share": tables.TEXT},
    )
    st.subheader("Drug offences recorded by police")
    if period is None:
        st.info(no_months_message())
    else:
        show_drug_offences(area, period, stem)
    st.caption(
        f"The {sections.latest_year} survey and the recorded data may cover different months: the police.uk data "
        "is for the period chosen in the sidebar. Some problems residents name (such as fly-tipping or "
        "careless driving) are not police.uk crime categories, so open police data cannot follow them."
    )


@dataclass(frozen=True)
class DrugOffences:
    figures: pr.IndicatorFigures
    chart: VegaSpec
    alt: str
    table: pd.DataFrame


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner=False)
def _drug_offences(
    area_file: str, store_version: str, period: Period, loaded: tuple, population: int | None
) -> DrugOffences:
    series = pr.series_for_category(PERCEPTION_CATEGORY)
    figures = pr.indicator_figures(run_query, series, period, list(loaded), population)
    chart = priority_charts.indicator_chart(figures)
    alt = priority_charts.indicator_chart_alt(figures, get_area(area_file).short_name)
    return DrugOffences(figures, chart_spec(chart), alt, pr.indicator_table([figures]))


def show_drug_offences(area: Area, period: Period, stem: str) -> None:
    drugs = None
    with guard("Try another period; if this keeps happening, please tell the site's maintainers.", stop=False):
        version = current_store(area).version()
        drugs = _drug_offences(str(area.area_file), version, period, tuple(loaded_months()), area_population(area))
    if drugs is None:
        return
    figures = drugs.figures
    st.metric(f"Drug offences recorded, {period.span_label}", f"{figures.count:,}")
    st.caption(f"{figures.coverage_text} {figures.change_text}")
    show_chart(drugs.chart, drugs.alt, height=priority_charts.PLOT_HEIGHT + priority_charts.AXIS_SPACE)
    missing = pr.describe_missing(figures)
    if missing:
        st.caption(missing)
    show_table(
        drugs.table,
        f"{stem}-drug-offences-{period.first:%Y-%m}-{period.last:%Y-%m}.csv",
        expander="Table: drug offences by month",
    )


def show_respondent_file(area: Area, responses: sv.SurveyResponses, path: Path | None = None) -> None:
    """Whether the file is made-up test data (by its name: ``responses.path``, a file loaded on the staff pages
    by its uploaded name); what a weighted share and a 95% interval are; and, folded, how the figures are
    weighted, bounded and withheld."""
    path = Path(responses.path.name)
    if "generated" in path.name.lower():
        st.warning(
            "The respondent file loaded here is generated test data, made up by a program: it is not "
            f"{area.short_name}'s survey and says nothing about what residents think."
        )
    st.markdown(sv.WEIGHTED_TERMS)
    with st.expander("How these figures are worked out"):
        st.caption(sv.respondent_method_text(len(responses.respondents), responses.weighted))


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner=False)
def _weighted_chart(
    proportions: pd.DataFrame, category: str, order: tuple[str, ...], title: str, answer: str, by: str
) -> tuple[VegaSpec, str, int | None]:
    """A weighted chart's specification, text alternative and height (:func:`show_chart`'s arguments),
    built once per table shown."""
    chart = sv.weighted_chart(proportions, category, list(order))
    alt = sv.weighted_chart_alt(title, proportions, category, answer, by)
    return chart_spec(chart), alt, priority_charts.display_height(chart, 60)


def show_overall(overall: pd.DataFrame, answers: Sequence[str], title: str, file_name: str) -> None:
    """Every respondent's weighted shares for the question: a chart and the table, or, when they are
    withheld, the sentence saying so (no table of blanks)."""
    st.subheader(f"{markdown_text(title)} (all respondents)")
    if overall["suppressed"].all():
        st.info(f"Fewer than {sv.MIN_GROUP_SIZE} respondents answered this question, so its figures are withheld.")
        return
    show_chart(*_weighted_chart(overall, "answer", tuple(answers), title, "", ""))
    # The only reason the all-respondents row can be withheld is the message above: not a column of the grid.
    grid = [c for c in overall.columns if c != "withheld_because"]
    show_table(overall, file_name, labels=PROPORTION_LABELS, kinds=PROPORTION_KINDS, columns=grid)


def show_breakdown_heading(grouped: pd.DataFrame, title: str, breakdown: str) -> None:
    """The heading of a breakdown and the groups withheld from it, named with the reason."""
    st.subheader(f"{markdown_text(title)} (by {breakdown.lower()})")
    reasons = grouped.drop_duplicates("group").set_index("group")["withheld_because"].fillna("")
    withheld = sv.withheld_text(
        sorted(reasons.index[reasons == sv.TOO_FEW]),
        protecting=sorted(reasons.index[reasons == sv.PROTECTING]),
        together=sv.WITHHELD_TOGETHER in reasons.index,
    )
    if withheld:
        st.markdown(withheld)


def show_breakdown(grouped: pd.DataFrame, column: str, chosen: str, title: str, breakdown: str, file_name: str) -> None:
    """One answer's weighted share in each group shown (withheld groups are not drawn; the row of them
    added together is, last), and the table. (When every group is withheld, the page says so in their place.)"""
    shown = grouped[grouped["answer"] == chosen]
    if (~shown["suppressed"]).any():
        order = tuple(shown.loc[~shown["suppressed"], "group"])
        show_chart(*_weighted_chart(shown, "group", order, title, chosen, breakdown.lower()))
    grid = [c for c in grouped.columns if c != column]  # the group's code is in the CSV, its name on the page
    show_table(grouped, file_name, labels=PROPORTION_LABELS, kinds=PROPORTION_KINDS, columns=grid)
