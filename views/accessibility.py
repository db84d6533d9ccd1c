"""Accessibility statement: the standard aimed at, how the dashboard was tested, its known limits and
how to ask for another format."""

import streamlit as st

from csp_data import ui
from csp_data.ui import accessibility

area = ui.current_area()
st.title("Accessibility statement")
accessibility.show_statement(area)
