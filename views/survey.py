"""Residents' survey: the latest published results, earlier consultations where comparable, perception
beside recorded crime, and weighted results from a respondent-level file when one is configured."""

from pathlib import Path

import streamlit as st

from csp_data import survey as sv
from csp_data import ui
from csp_data.area_documents import load_area_documents
from csp_data.charts import priorities as priority_charts
from csp_data.figures import priorities as pr
from csp_data.store.geography import ward_boundaries

MULTIPLE_NOTE = "Respondents could choose more than one answer, so the shares add up to more than 100%."
BREAKDOWNS = {"No breakdown": None, "Ward": "ward_code", "Age band": "age_band", "Sex": "sex"}
# The perception compared with recorded crime: the survey answer and the police.uk category.
PERCEPTION_OPTION, PERCEPTION_CATEGORY = "drugs", "Drugs"


def file_stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size


@st.cache_data(max_entries=8, show_spinner=False)
def cached_surveys(paths: tuple[str, ...], stamps: tuple):
    return sv.load_surveys(list(paths))


@st.cache_data(max_entries=4, show_spinner=False)
def cached_responses(path: str, stamp: tuple[int, int]):
    return sv.read_survey_responses(path)


@st.cache_data(max_entries=4, show_spinner=False)
def ward_names(area_file: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for vintage in ui.get_area(area_file).wards:
        frame = ward_boundaries(vintage)
        names.update(dict(zip(frame["ward_code"], frame["ward_name"])))
    return names


def percent_text(answer) -> str:
    return f"{answer.percentage:g}%" if answer.percentage is not None else (answer.reported_as or "not published")


def results_table(results):
    return results[["option", "group", "percentage", "reported_as"]]


RESULT_COLUMNS = {
    "option": "Answer",
    "group": "Group",
    "percentage": st.column_config.NumberColumn("Share (%)", format="%g%%"),
    "reported_as": "Reported in words",
}

area = ui.current_area()
period = st.session_state.get("period")
stem = ui.slug(area.short_name)
st.title(f"{area.short_name}: residents' survey")

try:
    documents = load_area_documents(area)
    surveys = (
        cached_surveys(
            tuple(str(p) for p in documents.survey_files), tuple(file_stamp(p) for p in documents.survey_files)
        )
        if documents.survey_files
        else ()
    )
except Exception as error:  # noqa: BLE001
    ui.show_error(
        error, "Check the [survey] table of the area file and the survey files it names, then reload the page."
    )
    st.stop()

if not surveys:
    st.info(
        "This area file names no survey results. Add a `[survey]` table with `files = [...]` to it "
        "(the format is described in data/medway/survey/README.md)."
    )
else:
    latest = surveys[-1]
    samples = "; ".join(
        f"{s.description.rstrip('.')}"
        + (f", {s.fieldwork[0].lower()}{s.fieldwork[1:]}" if s.fieldwork else "")
        + (f", about {s.sample_size:,} taking part" if s.sample_size else ", sample size not published")
        for s in latest.samples
    )
    st.markdown(f"**{latest.title}**: the results as published by the partnership.")
    st.caption(
        f"Who was asked: {samples}. Source: {latest.source.doc}, {latest.source.section}. {sv.published_caveat(latest)}"
    )

    single = [q for q in latest.questions if q.answer_type == "single_choice" and len(q.answers) <= 2]
    several = [q for q in latest.questions if q not in single]

    if single:
        st.header("Feeling safe, and knowing how to report", anchor="headline-figures")
        for column, question in zip(st.columns(len(single)), single):
            with column:
                st.markdown(f"**{question.text}**")
                for answer in question.answers:
                    st.metric(answer.option, percent_text(answer))
        headline = sv.survey_results_frame([latest])
        headline = headline[headline["question_id"].isin([q.id for q in single])]
        with st.expander("Table: these figures"):
            st.dataframe(
                headline[["question", "option", "percentage"]],
                hide_index=True,
                width="stretch",
                column_config={"question": "Question", **RESULT_COLUMNS},
            )
        ui.download_table(headline, f"{stem}-survey-{latest.year}-headline.csv")

    for index in range(0, len(several), 2):
        for column, question in zip(st.columns(2), several[index : index + 2]):
            with column:
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
                    alt=f"{question.text} Bars: "
                    + "; ".join(f"{a.option} {percent_text(a)}" for a in question.answers),
                )
                with st.expander("Table"):
                    st.dataframe(results_table(results), hide_index=True, width="stretch", column_config=RESULT_COLUMNS)
                ui.download_table(results, f"{stem}-survey-{latest.year}-{question.id}.csv")

    comparable = sv.comparable_questions(surveys)
    colours = sv.year_colours(s.year for s in surveys)
    if comparable:
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
            ui.download_table(comparison, f"{stem}-survey-compare-{key}.csv")

    perception = sv.perception_rows(surveys, PERCEPTION_OPTION)
    if len(perception):
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
                column_config={
                    "year": st.column_config.NumberColumn("Year", format="%d"),
                    "share": "Share",
                    "question": st.column_config.TextColumn("Question", width="large"),
                    "sample_description": st.column_config.TextColumn("Who was asked", width="large"),
                },
            )
            ui.download_table(perception, f"{stem}-survey-perception-{PERCEPTION_OPTION}.csv")
        with right:
            st.subheader("Drug offences recorded by police")
            if period is None:
                st.info("No police.uk months are loaded. Load some with `python -m csp_data ingest PATH`.")
            else:
                try:
                    figures = pr.indicator_figures(
                        ui.run_query,
                        pr.series_for_category(PERCEPTION_CATEGORY),
                        period,
                        ui.loaded_months(),
                        ui.area_population(area),
                    )
                except Exception as error:  # noqa: BLE001
                    ui.show_error(error, "Try another period; if this persists, check the store.")
                    figures = None
                if figures is not None:
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
                    ui.download_table(table, f"{stem}-drug-offences-{period.first:%Y-%m}-{period.last:%Y-%m}.csv")
        st.caption(
            f"The {latest.year} survey and the recorded data may cover different months: the police.uk data "
            "is for the period chosen in the sidebar. Some problems residents name (such as fly-tipping or "
            "careless driving) are not police.uk crime categories, so open police data cannot follow them."
        )

st.header("Respondent-level results", anchor="respondents")
if documents.responses_file is None:
    st.info(sv.respondent_data_text(surveys))
    st.stop()

try:
    responses = cached_responses(str(documents.responses_file), file_stamp(documents.responses_file))
except Exception as error:  # noqa: BLE001
    ui.show_error(error, "Correct the respondent-level file named in the area file's [survey] table, then reload.")
    st.stop()

if "generated" in documents.responses_file.name.lower():
    st.warning(
        f"{documents.responses_file.name} is generated test data, made up by a program: it is not "
        f"{area.short_name}'s survey and says nothing about what residents think."
    )
weights_text = "weighted by the file's weights" if responses.weighted else "unweighted (the file has no weights)"
st.caption(
    f"{len(responses.respondents):,} respondents in {documents.responses_file.name}, {weights_text}. "
    "Each share is the sum of the weights of those giving the answer over the sum of the weights of "
    "everyone in the group who answered. The 95% interval is a Wilson interval using the effective "
    "sample size (Kish: (Σw)² / Σw²), which is smaller than the number of respondents when weights vary. "
    f"Any group in which fewer than {sv.MIN_GROUP_SIZE} people answered is withheld (suppressed) in every "
    "table and chart. Blank answers are left out."
)

question_texts = {q.id: q.text for s in surveys for q in s.questions}


def question_title(question_id: str) -> str:
    return question_texts.get(question_id) or question_id.replace("_", " ").capitalize()


question_column, breakdown_column = st.columns(2)
question = question_column.selectbox("Question", responses.questions, key="survey_question", format_func=question_title)
breakdown = breakdown_column.selectbox("Break down by", list(BREAKDOWNS), key="survey_breakdown")

overall = sv.weighted_proportions(responses, question)
answers = sv.answer_order(overall["answer"])
PROPORTION_COLUMNS = {
    "group": "Group",
    "answer": "Answer",
    "n": st.column_config.NumberColumn("Respondents giving it", format="localized"),
    "group_n": st.column_config.NumberColumn("Respondents answering", format="localized"),
    "weighted_proportion": st.column_config.NumberColumn("Weighted share", format="percent"),
    "ci_lower": st.column_config.NumberColumn("95% from", format="percent"),
    "ci_upper": st.column_config.NumberColumn("95% to", format="percent"),
    "n_effective": st.column_config.NumberColumn("Effective sample size", format="%.1f"),
    "suppressed": st.column_config.CheckboxColumn("Suppressed (fewer than 10)"),
}
overall = overall.set_index("answer").loc[answers].reset_index()
title = question_title(question)
st.subheader(f"{title} (all respondents)")
if overall["suppressed"].all():
    st.info(f"Fewer than {sv.MIN_GROUP_SIZE} respondents answered this question, so its figures are withheld.")
else:
    chart = sv.weighted_chart(overall, "answer", answers)
    st.altair_chart(
        chart,
        width="stretch",
        height=priority_charts.display_height(chart, 60),
        alt=f"{title}: weighted share giving each answer, with 95% intervals. "
        + "; ".join(f"{a} {p:.0%}" for a, p in zip(overall["answer"], overall["weighted_proportion"].astype(float))),
    )
st.dataframe(overall, hide_index=True, width="stretch", column_config=PROPORTION_COLUMNS)
ui.download_table(overall, f"{stem}-responses-{question}-overall.csv")

column = BREAKDOWNS[breakdown]
if column is not None:
    grouped = sv.weighted_proportions(responses, question, by=column)
    names = ward_names(str(area.area_file)) if column == "ward_code" else {}
    grouped.insert(0, "group", [names.get(v, v) for v in grouped[column]])
    rank = {answer: i for i, answer in enumerate(answers)}
    grouped = grouped.assign(_rank=grouped["answer"].map(rank)).sort_values(["group", "_rank"], kind="stable")
    grouped = grouped.drop(columns="_rank").reset_index(drop=True)
    st.subheader(f"{title} (by {breakdown.lower()})")
    withheld = sorted(set(grouped.loc[grouped["suppressed"], "group"]))
    if withheld:
        st.markdown(
            f"Withheld because fewer than {sv.MIN_GROUP_SIZE} respondents in the group answered: "
            + ", ".join(withheld)
            + "."
        )
    chosen = st.selectbox("Answer to chart", answers, key="survey_answer")
    shown = grouped[(grouped["answer"] == chosen)]
    if (~shown["suppressed"]).any():
        chart = sv.weighted_chart(shown, "group", sorted(shown.loc[~shown["suppressed"], "group"]))
        st.altair_chart(
            chart,
            width="stretch",
            height=priority_charts.display_height(chart, 60),
            alt=f"{title}: weighted share answering '{chosen}' by {breakdown.lower()}, with 95% intervals; "
            "withheld groups are not drawn.",
        )
    st.dataframe(grouped, hide_index=True, width="stretch", column_config={column: None, **PROPORTION_COLUMNS})
    ui.download_table(grouped, f"{stem}-responses-{question}-by-{column}.csv")
