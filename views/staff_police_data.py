"""Staff: load new police.uk months by upload (the same ingest as the command line) and remove a mistaken load."""

import streamlit as st

from csp_data import ui
from csp_data.ui import auth
from csp_data.ui import staff as staff_ui

st.title("Load or remove police data")
actor = auth.require("police_data")
area = ui.current_area()
store = ui.current_store(area)

staff_ui.show_last_change()
staff_ui.police_upload_form(area, store, actor)
with ui.guard(ui.STORE_HELP):
    ledger = staff_ui.show_loaded_months()
staff_ui.police_remove_form(store, actor, ledger)
