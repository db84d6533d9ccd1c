"""Residents' survey: the latest published results, earlier consultations where comparable, perception
beside recorded crime, and weighted results from a respondent-level file when one is configured."""

from functools import partial

import streamlit as st

from csp_data import survey as sv
from csp_data import ui
from csp_data.area_documents import load_area_documents
from csp_data.ui import survey as survey_ui

area = ui.current_area()
period = st.session_state.get("period")
stem = ui.slug(area.short_name)
st.title(f"{area.short_name}: residents' survey")

with ui.guard(survey_ui.SURVEY_HINT):
    documents = load_area_documents(area, plans=False)
    surveys = survey_ui.read_surveys(documents.survey_files)
    sections = survey_ui.published_sections(documents.survey_files)

if sections is None:
    st.info(survey_ui.NO_SURVEYS)
else:
    survey_ui.show_latest(sections, stem)
    survey_ui.show_comparisons(sections, stem)
    survey_ui.show_perception(sections, area, period, stem)

st.header("Respondent-level results", anchor="respondents")
with ui.guard(survey_ui.RESPONSES_HINT):  # the file loaded on the staff pages, else the area file's
    responses = survey_ui.respondent_responses(area, documents.responses_file)
if responses is None:
    st.info(sv.respondent_data_text(surveys))
    st.stop()
survey_ui.show_respondent_file(area, responses, documents.responses_file)
question_title = partial(sv.question_title, surveys)

question_column, breakdown_column = st.columns(2)
question = question_column.selectbox("Question", responses.questions, key="survey_question", format_func=question_title)
breakdown = breakdown_column.selectbox("Break down by", list(survey_ui.BREAKDOWNS), key="survey_breakdown")

overall, answers = sv.overall_shares(responses, question)
title = question_title(question)
survey_ui.show_overall(overall, answers, title, f"{stem}-responses-{question}-overall.csv")

column = survey_ui.BREAKDOWNS[breakdown]
if column is not None:
    names = survey_ui.ward_names(area) if column == "ward_code" else {}
    grouped = sv.grouped_shares(responses, question, column, answers, names)
    survey_ui.show_breakdown_heading(grouped, title, breakdown)
    if grouped["suppressed"].all():
        st.info(survey_ui.ALL_WITHHELD)  # a sentence, not a table of blanks
        st.stop()
    chosen = st.selectbox("Answer to chart", answers, key="survey_answer")
    survey_ui.show_breakdown(grouped, column, chosen, title, breakdown, f"{stem}-responses-{question}-by-{column}.csv")
