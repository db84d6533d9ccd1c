"""Staff: update KPI values and targets and the plan text, checked against the plan file's rules."""

import streamlit as st

from csp_data import ui
from csp_data.area_documents import load_area_documents
from csp_data.ui import auth
from csp_data.ui import staff as staff_ui

st.title("Update plans and KPIs")
actor = auth.require("plans")
area = ui.current_area()
with ui.guard("Check the [plans] table of the area file and the plan file it names, then reload the page."):
    documents = load_area_documents(area, survey=False)
if documents.plans_file is None:
    st.info("This area file names no plan file, so there is nothing to update. Add a [plans] table to it.")
    st.stop()

staff_ui.show_last_change()
st.caption(f"Changes are written to {documents.plans_file.name} and shown on Priorities and progress at once.")
with ui.guard("Correct the plan file by hand (python -m csp_data.plans checks it), then reload the page."):
    staff_ui.plans_editor(documents.plans_file, ui.current_store(area), actor)
