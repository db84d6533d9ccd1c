"""The Residents' survey page's sections: the published results, comparisons with earlier consultations,
perception beside recorded crime, and weighted results from a respondent-level file; with the caches
that read the survey files.

The page script reads the area, the period and its own widgets, calls these in order and nothing
else; the figures and words come from :mod:`csp_data.survey`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data import survey as sv
from csp_data.charts import priorities as priority_charts
from csp_data.config import Area
from csp_data.figures import priorities as pr
from csp_data.periods import Period
from csp_data.store.geography import ward_boundaries
from csp_data.survey.store import read_stored_responses, stored_responses_file
from csp_data.ui.context import area_population, current_area, current_store, get_area, loaded_months, run_query
from csp_data.ui.downloads import download_table
from csp_data.ui.errors import guard
from csp_data.ui.priorities import NO_MONTHS, file_stamp

SURVEY_HINT = "Check the [survey] table of the area file and the survey files it names, then reload the page."
RESPONSES_HINT = "Correct the respondent-level file named in the area file's [survey] table, then reload."
NO_SURVEYS = (
    "This area file names no survey results. Add a `[survey]` table with `files = [...]` to it "
    "(the format is described in data/medway/survey/README.md)."
)
MULTIPLE_NOTE = "Respondents could choose more than one answer, so the shares add up to more than 100%."
BREAKDOWNS = {"No breakdown": None, "Ward": "ward_code", "Age band": "age_band", "Sex": "sex"}
# The perception compared with recorded crime: the survey answer and the police.uk category.
PERCEPTION_OPTION, PERCEPTION_CATEGORY = "drugs", "Drugs"

RESULT_COLUMNS = {
    "option": "Answer",
    "group": "Group",
    "percentage": st.column_config.NumberColumn("Share (%)", format="%g%%"),
    "reported_as": "Reported in words",
}
PERCEPTION_COLUMNS = {
    "year": st.column_config.NumberColumn("Year", format="%d"),
    "share": "Share",
    "question": st.column_config.TextColumn("Question", width="large"),
    "sample_description": st.column_config.TextColumn("Who was asked", width="large"),
}
PROPORTION_COLUMNS = {
    "group": "Group",
    "answer": "Answer",
    "n": st.column_config.NumberColumn("Respondents giving it", format="localized"),
    "group_n": st.column_config.NumberColumn("Respondents answering", format="localized"),
    "weighted_proportion": st.column_config.NumberColumn("Weighted share", format="percent"),
    "ci_lower": st.column_config.NumberColumn("95% from", format="percent"),
    "ci_upper": st.column_config.NumberColumn("95% to", format="percent"),
    "n_effective": st.column_config.NumberColumn("Effective sample size", format="%.1f"),
    "suppressed": st.column_config.CheckboxColumn("Withheld"),
    "withheld_because": "Why withheld",
}


@st.cache_data(max_entries=8, show_spinner=False)
def _cached_surveys(paths: tuple[str, ...], stamps: tuple):
    return sv.load_surveys(list(paths))


def read_surveys(paths: Sequence[Path]) -> Sequence[sv.Survey]:
    """The published surveys the area file names, oldest first, read again when a file changes."""
    if not paths:
        return ()
    return _cached_surveys(tuple(str(p) for p in paths), tuple(file_stamp(p) for p in paths))


@st.cache_data(max_entries=4, show_spinner=False)
def _cached_responses(path: str, stamp: tuple[int, int]):
    return sv.read_survey_responses(path)


@st.cache_data(max_entries=2, show_spinner=False)
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


def read_responses(path: Path) -> sv.SurveyResponses:
    """The respondent-level file (read again when it changes), or the one loaded into the store in its place."""
    return respondent_responses(current_area(), path)


@st.cache_data(max_entries=4, show_spinner=False)
def _ward_names(area_file: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for vintage in get_area(area_file).wards:
        frame = ward_boundaries(vintage)
        names.update(dict(zip(frame["ward_code"], frame["ward_name"])))
    return names


def ward_names(area: Area) -> dict[str, str]:
    """Ward names by code, over every ward vintage of the area."""
    return _ward_names(str(area.area_file))


def show_latest(latest: sv.Survey, stem: str) -> None:
    """The latest survey as published: who was asked, the headline figures, then a chart per question."""
    st.markdown(f"**{latest.title}**: the results as published by the partnership.")
    st.caption(
        f"Who was asked: {sv.samples_text(latest)}. Source: {latest.source.doc}, {latest.source.section}. "
        f"{sv.published_caveat(latest)}"
    )
    single, several = sv.headline_questions(latest)
    if single:
        show_headline(latest, single, stem)
    for index in range(0, len(several), 2):
        for column, question in zip(st.columns(2), several[index : index + 2]):
            with column:
                show_question(latest, question, stem)


def show_headline(latest: sv.Survey, questions: Sequence[sv.SurveyQuestion], stem: str) -> None:
    st.header("Feeling safe, and knowing how to report", anchor="headline-figures")
    for column, question in zip(st.columns(len(questions)), questions):
        with column:
            st.markdown(f"**{question.text}**")
            for answer in question.answers:
                st.metric(answer.option, sv.answer_text(answer))
    headline = sv.survey_results_frame([latest])
    headline = headline[headline["question_id"].isin([q.id for q in questions])]
    with st.expander("Table: these figures"):
        st.dataframe(
            headline[["question", "option", "percentage"]],
            hide_index=True,
            width="stretch",
            column_config={"question": "Question", **RESULT_COLUMNS},
        )
    download_table(headline, f"{stem}-survey-{latest.year}-headline.csv")


def show_question(latest: sv.Survey, question: sv.SurveyQuestion, stem: str) -> None:
    st.subheader(question.text)
    results = sv.question_results(latest, question.id)
    notes = [question.notes or ""]
    if question.answer_type == "multiple_choice":
        notes.append(MULTIPLE_NOTE)
    st.caption(" ".join(n for n in notes if n))
    chart = sv.published_chart(results)
    st.altair_chart(
        chart,
        width="stretch",
        height=priority_charts.display_height(chart, 60),
        alt=f"{question.text} Bars: " + "; ".join(f"{a.option} {sv.answer_text(a)}" for a in question.answers),
    )
    with st.expander("Table"):
        st.dataframe(
            results[["option", "group", "percentage", "reported_as"]],
            hide_index=True,
            width="stretch",
            column_config=RESULT_COLUMNS,
        )
    download_table(results, f"{stem}-survey-{latest.year}-{question.id}.csv")


def show_comparisons(surveys: Sequence[sv.Survey], stem: str) -> None:
    """Questions asked the same way in more than one survey, side by side, with how each was asked."""
    comparable = sv.comparable_questions(surveys)
    if not comparable:
        return
    colours = sv.year_colours(s.year for s in surveys)
    st.header("Compared with earlier consultations", anchor="compared")
    st.markdown(
        "Figures are set side by side only where the same question was asked with the same answers. "
        "The consultations were run in different ways, so the differences below are in method as well "
        "as in opinion; read them with care."
    )
    for key, pairs in comparable.items():
        question = pairs[-1][1]
        years = ", ".join(str(s.year) for s, _ in pairs)
        st.subheader(f"{question.text} ({years})")
        comparison = sv.comparison_frame(pairs)
        st.markdown("\n".join(f"- {sentence}" for sentence in sv.method_differences(pairs)))
        if comparison["percentage"].notna().any():
            chart = sv.comparison_chart(comparison, colours)
            st.altair_chart(
                chart,
                width="stretch",
                height=priority_charts.display_height(chart, 140),
                alt=f"{question.text}: published shares by answer, one bar per survey year ({years}).",
            )
        st.dataframe(
            sv.comparison_wide(comparison),
            hide_index=True,
            width="stretch",
            column_config={"answer": st.column_config.TextColumn("Answer", width="large")},
        )
        download_table(comparison, f"{stem}-survey-compare-{key}.csv")


def show_perception(surveys: Sequence[sv.Survey], area: Area, period: Period | None, stem: str) -> None:
    """What residents say about drugs in every survey, beside the drug offences police recorded."""
    perception = sv.perception_rows(surveys, PERCEPTION_OPTION)
    if not len(perception):
        return
    st.header("Perception beside recorded crime", anchor="perception")
    st.markdown(
        "What residents say about drug use or dealing, set beside the drug offences police recorded. "
        "The two measure different things: the survey asks what people see as a problem or a priority; "
        "recorded drug offences count what police found, which follows enforcement as much as drug use."
    )
    left, right = st.columns(2)
    with left:
        st.subheader("Residents naming drug use or dealing")
        st.dataframe(
            perception[["year", "share", "question", "sample_description"]],
            hide_index=True,
            width="stretch",
            column_config=PERCEPTION_COLUMNS,
        )
        download_table(perception, f"{stem}-survey-perception-{PERCEPTION_OPTION}.csv")
    with right:
        st.subheader("Drug offences recorded by police")
        if period is None:
            st.info(NO_MONTHS)
        else:
            show_drug_offences(area, period, stem)
    st.caption(
        f"The {surveys[-1].year} survey and the recorded data may cover different months: the police.uk data "
        "is for the period chosen in the sidebar. Some problems residents name (such as fly-tipping or "
        "careless driving) are not police.uk crime categories, so open police data cannot follow them."
    )


def show_drug_offences(area: Area, period: Period, stem: str) -> None:
    figures = None
    with guard("Try another period; if this persists, check the store.", stop=False):
        series = pr.series_for_category(PERCEPTION_CATEGORY)
        figures = pr.indicator_figures(run_query, series, period, loaded_months(), area_population(area))
    if figures is None:
        return
    st.metric(f"Drug offences recorded, {period.span_label}", f"{figures.count:,}")
    st.caption(f"{figures.coverage_text} {figures.change_text}")
    chart = priority_charts.indicator_chart(figures)
    st.altair_chart(
        chart,
        width="stretch",
        height=priority_charts.display_height(chart),
        alt=f"Drug offences recorded each month, {period.span_label}.",
    )
    missing = pr.describe_missing(figures)
    if missing:
        st.caption(missing)
    table = pr.indicator_table([figures])
    with st.expander("Table: drug offences by month"):
        st.dataframe(table, hide_index=True, width="stretch")
    download_table(table, f"{stem}-drug-offences-{period.first:%Y-%m}-{period.last:%Y-%m}.csv")


def show_respondent_file(area: Area, responses: sv.SurveyResponses, path: Path | None = None) -> None:
    """Whether the file is made-up test data (by its name: ``responses.path``, a file loaded on the staff pages
    by its uploaded name), and how its figures are weighted, bounded and withheld."""
    path = Path(responses.path.name)
    if "generated" in path.name.lower():
        st.warning(
            "The respondent file loaded here is generated test data, made up by a program: it is not "
            f"{area.short_name}'s survey and says nothing about what residents think."
        )
    st.caption(sv.respondent_method_text(len(responses.respondents), responses.weighted))


def show_overall(overall: pd.DataFrame, answers: Sequence[str], title: str, file_name: str) -> None:
    """Every respondent's weighted shares for the question: a chart (unless withheld) and the table."""
    st.subheader(f"{title} (all respondents)")
    if overall["suppressed"].all():
        st.info(f"Fewer than {sv.MIN_GROUP_SIZE} respondents answered this question, so its figures are withheld.")
    else:
        chart = sv.weighted_chart(overall, "answer", answers)
        shares = zip(overall["answer"], overall["weighted_proportion"].astype(float))
        st.altair_chart(
            chart,
            width="stretch",
            height=priority_charts.display_height(chart, 60),
            alt=f"{title}: weighted share giving each answer, with 95% intervals. "
            + "; ".join(f"{a} {p:.0%}" for a, p in shares),
        )
    # The only reason the all-respondents row can be withheld is the message above.
    columns = {**PROPORTION_COLUMNS, "withheld_because": None}
    st.dataframe(overall, hide_index=True, width="stretch", column_config=columns)
    download_table(overall, file_name)


def show_breakdown_heading(grouped: pd.DataFrame, title: str, breakdown: str) -> None:
    """The heading of a breakdown and the groups withheld from it, named with the reason."""
    st.subheader(f"{title} (by {breakdown.lower()})")
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
    added together is, last), and the table."""
    shown = grouped[grouped["answer"] == chosen]
    if (~shown["suppressed"]).any():
        chart = sv.weighted_chart(shown, "group", list(shown.loc[~shown["suppressed"], "group"]))
        st.altair_chart(
            chart,
            width="stretch",
            height=priority_charts.display_height(chart, 60),
            alt=f"{title}: weighted share answering '{chosen}' by {breakdown.lower()}, with 95% intervals; "
            "withheld groups are not drawn.",
        )
    st.dataframe(grouped, hide_index=True, width="stretch", column_config={column: None, **PROPORTION_COLUMNS})
    download_table(grouped, file_name)
