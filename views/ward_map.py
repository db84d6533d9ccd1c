"""Ward map: where crime and ASB concentrate, and a profile of any ward."""

import streamlit as st

from csp_data import ui
from csp_data.figures import ward_classes
from csp_data.figures import wards as wardmap
from csp_data.series import choice_for_key
from csp_data.ui import links
from csp_data.ui import ward_map as ward_ui

area = ui.current_area()
st.title(f"{area.short_name} ward map")
loaded, period = ui.loaded_period()

filters = ui.period_incident_filters(period)

vintages = {w.vintage: w for w in area.wards}
links.restore_choice(links.COUNTED, "ward_map_filter", [f.key for f in filters], links.WHAT_COUNTED)
links.restore_choice(links.MEASURE, "ward_map_measure", wardmap.MEASURES, "a measure of this map")
links.restore_choice(links.WARDS, "ward_map_vintage", list(vintages), "a set of wards of this area")
controls = st.columns([3, 3, 3])
with controls[0]:
    filter_key = st.selectbox(
        "Crime type or ASB",
        [f.key for f in filters],
        format_func=lambda key: choice_for_key(key, filters).label,
        key="ward_map_filter",
        help="ASB is not crime: it is always counted separately.",
    )
with controls[1]:
    requested_measure = st.radio(
        "Measure", wardmap.MEASURES, format_func=wardmap.MEASURE_LABELS.get, key="ward_map_measure"
    )
with controls[2]:
    vintage_id = st.radio(
        "Wards",
        list(vintages),
        format_func=lambda v: vintages[v].label,
        **links.default_index("ward_map_vintage", list(vintages), list(vintages).index(area.current_wards.vintage)),
        key="ward_map_vintage",
    )
links.publish(links.COUNTED, filter_key, default="crime")
links.publish(links.MEASURE, requested_measure, default=wardmap.MEASURES[0])
links.publish(links.WARDS, vintage_id, default=area.current_wards.vintage)
incident_filter = choice_for_key(filter_key, filters)
vintage = vintages[vintage_id]

choice = ward_ui.WardChoice(
    str(area.area_file),
    ui.current_store(area).version(),
    vintage_id,
    period,
    incident_filter,
    tuple(loaded),
    requested_measure,
)
with ui.guard(
    "Try another period, crime type or set of wards; if this keeps happening, please tell the site's maintainers."
):
    table, measure, measure_note, classes = ward_ui.ward_figures(choice)

ward_ui.show_coverage(table, period, vintage, measure_note)

# The ward profile is chosen with this box or by clicking the map; a click writes the box's value.
ward_names = dict(zip(table.frame["ward_code"], table.frame["ward_name"]))
ward_box_key = f"ward_map_ward_{vintage_id}"
map_key = f"ward_map_chart_{vintage_id}"
links.restore_choice(links.WARD, ward_box_key, list(ward_names), "one of the wards on this map")
selected_ward = st.selectbox(
    "Ward profile: choose a ward (or click one on the map)",
    sorted(ward_names, key=ward_names.get),
    format_func=ward_names.get,
    index=None,
    placeholder="Choose a ward",
    key=ward_box_key,
)
links.publish(links.WARD, selected_ward)
if selected_ward is not None:  # the profile is at the foot of the page, far below on a phone
    ward_ui.show_profile_link(ward_names[selected_ward])

basemap = st.toggle(
    "Street basemap (loaded from CARTO, needs internet)",
    value=False,
    key="ward_map_basemap",
    help="The wards are drawn without it; it only adds streets for context.",
)
ward_ui.show_map(
    ward_ui.ward_map(choice, selected_ward, basemap),
    table,
    classes,
    key=map_key,
    on_select=ward_ui.map_click_handler(map_key, ward_box_key, ward_names),
)

st.header(f"Top {wardmap.TOP_N} wards' share")
shares = []
with ui.guard("Try another period.", stop=False):
    shares = ward_ui.top_shares(choice)
ward_ui.show_top_shares(shares)

st.header("Every ward")
ward_ui.show_every_ward(ward_classes.ward_display_table(table, classes), area, ward_ui.ward_table_file_name(table))

st.header("Ward profile", anchor=ward_ui.PROFILE_ANCHOR)
if selected_ward is None:
    st.info(ward_ui.NO_WARD_CHOSEN)
    st.stop()

with ui.guard("Choose another ward."):
    profile = ward_ui.ward_profile_of(choice, selected_ward)
ward_ui.show_profile(profile, table)
