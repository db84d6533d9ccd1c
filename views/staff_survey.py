"""Staff: load a respondent-level survey file, checked by the survey reader and kept in the store."""

import streamlit as st

from csp_data import ui
from csp_data.ui import auth
from csp_data.ui import staff as staff_ui

st.title("Load survey responses")
actor = auth.require("survey")
area = ui.current_area()
store = ui.current_store(area)

staff_ui.show_last_change()
st.markdown(
    "Load the survey's respondent-level file: a CSV with one row per respondent (respondent_id, ward_code, "
    "age_band, sex, optionally weight, and a q_<question> column per question; the format is in "
    "data/medway/survey/README.md). It replaces the file loaded before. The Residents' survey page then "
    "shows its weighted results; the rows themselves are never shown or offered for download."
)
with ui.guard(ui.STORE_HELP):
    staff_ui.show_stored_survey(store)
staff_ui.survey_upload_form(store, actor)
