"""Entry point: page config, navigation and the shared sidebar (area and period)."""

import streamlit as st

import csp_data.ui.hardening  # noqa: F401  (refuses browsers' clear_cache and load_git_info messages)
from csp_data import ui
from csp_data.ui import auth, theme
from csp_data.ui.links import keep_page_parameters, share_link
from csp_data.ui.report import scrutiny_pack_sidebar

st.set_page_config(page_title="Community Safety Dashboard", page_icon="static/icon.png", layout="wide")
theme.apply_theme()  # captions, focus rings and borders to WCAG 2.2 AA; the chart theme

with ui.guard("Check the area file (CSP_AREA_FILE) and its store, then reload the page."):
    area = ui.current_area()
    months = ui.loaded_months()

theme.show_site_name(area)  # not a heading: each page's own title is its one h1
st.session_state["period"] = ui.sidebar_period(months)
if area.territorial_forces:  # every page counts these force(s) only; the Data and methods page says more
    st.sidebar.caption(f"Counts: incidents recorded by {' and '.join(area.territorial_forces)}.")
scrutiny_pack_sidebar(area, st.session_state["period"])
share_link()  # the link to this view, kept up to date by the page (last in the sidebar)

pages = [
    st.Page("views/overview.py", title="Overview", icon=":material/insights:", default=True),
    st.Page("views/ward_map.py", title="Ward map", icon=":material/map:"),
    st.Page("views/hotspots.py", title="Hotspots", icon=":material/local_fire_department:"),
    st.Page("views/seasonality.py", title="Seasonality and trends", icon=":material/calendar_month:"),
    st.Page("views/priorities.py", title="Priorities and progress", icon=":material/flag:"),
    st.Page("views/survey.py", title="Residents’ survey", icon=":material/forum:"),
    st.Page("views/benchmarking.py", title="Benchmarking", icon=":material/leaderboard:"),
    st.Page("views/data_sources.py", title="Data and methods", icon=":material/description:"),
    st.Page("views/glossary.py", title="Glossary", icon=":material/menu_book:"),
    st.Page("views/accessibility.py", title="Accessibility", icon=":material/accessibility:"),
]
with ui.guard():
    # Staff pages only in partnership mode (docs/modes.md). Every link always shown: with the staff pages
    # there are 14, and Streamlit would otherwise hide those after the tenth behind "View more".
    page = st.navigation(auth.navigation_pages(pages), expanded=True)
    st.set_page_config(page_title=theme.document_title(page.title, area))  # "Ward map – Medway Community Safety"
    keep_page_parameters(page.url_path)  # the address holds only this page's settings: it is the view's link
    page.run()
