"""Seasonality and trends: financial years overlaid, month x year, rolling 12 months, expected range."""

import streamlit as st

from csp_data import ui
from csp_data.periods import named_coverage
from csp_data.ui import links
from csp_data.ui import seasonality as season_ui

area = ui.current_area()
st.title(f"{area.short_name}: seasonality and trends")
_, period = ui.loaded_period()

with ui.guard("Try another period; if this persists, reload the page."):
    labels = season_ui.series_labels(area, period)
links.restore_choice(links.COUNTED, "seasonality_series", list(labels), links.WHAT_COUNTED)
series_key = st.selectbox(
    "Series",
    list(labels),
    format_func=labels.get,
    key="seasonality_series",
    # ASB by default: the seasonal pattern partners plan for (summer, Halloween, Bonfire Night)
    **links.default_index("seasonality_series", list(labels), list(labels).index("asb")),
    help="ASB is shown separately from crime and is never added to it.",
)
links.publish(links.COUNTED, series_key, default="asb")
with ui.guard("Choose another series or period."):
    page = season_ui.seasonality_page(area, period, series_key)

view = page.view
st.markdown(
    f"The rise and fall of {view.choice.noun} in {area.short_name} through the year, and how it is changing. "
    "The seasonal charts use every month loaded; the trend and the change use the period chosen in the sidebar "
    f"({named_coverage(period, period.span_label)})."
)
st.caption(f"{view.coverage_text} Source: data.police.uk street-level crime and ASB (Open Government Licence).")

stem = f"{ui.slug(area.short_name)}-{ui.slug(view.choice.key)}"
season_ui.show_overlay(page, stem)
season_ui.show_expected(page, stem)
season_ui.show_heat_map(page, stem)
season_ui.show_rolling(page, stem)
season_ui.show_trend(page, stem)

with ui.guard("Try another period.", stop=False):
    season_ui.show_crime_types(season_ui.crime_type_panels(area, period), area.short_name, period)
