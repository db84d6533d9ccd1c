"""Staff: the change log, every change made on the staff pages (who, when, what, the file and its SHA-256)."""

import streamlit as st

from csp_data import ui
from csp_data.ui import auth
from csp_data.ui import staff as staff_ui

st.title("Change log")
auth.require("audit")
area = ui.current_area()
st.caption(
    "Every change made on the staff pages, newest first. The log is only ever added to; each entry holds "
    "the fingerprint of the one before, so an entry changed or removed afterwards is reported here."
)
with ui.guard("The change log could not be read; tell the site's maintainers."):
    staff_ui.show_change_log(ui.current_store(area), ui.slug(area.short_name))
