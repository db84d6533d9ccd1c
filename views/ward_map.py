"""Ward map: where crime and ASB concentrate, and a profile of any ward."""

import streamlit as st

from csp_data import maps, ui
from csp_data.charts import wards as ward_charts
from csp_data.figures import ward_classes, ward_profile
from csp_data.figures import wards as wardmap
from csp_data.maps.legend import legend_html
from csp_data.series import choice_for_key
from csp_data.words import ordinal

area = ui.current_area()
st.title(f"{area.short_name} ward map")
loaded, period = ui.loaded_period()

filters = ui.period_incident_filters(period)

vintages = {w.vintage: w for w in area.wards}
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
        index=list(vintages).index(area.current_wards.vintage),
        key="ward_map_vintage",
    )
incident_filter = choice_for_key(filter_key, filters)
vintage = vintages[vintage_id]

with ui.guard("Try another period, crime type or set of wards; if this persists, check the area file."):
    table = wardmap.build_ward_table(ui.run_query, area, vintage_id, period, incident_filter, loaded)
    measure, measure_note = wardmap.effective_measure(table, requested_measure)
    classes = ward_classes.classify_wards(table, measure)
    shapes = maps.ward_shapes(vintage)

st.caption(
    f"{period.label}: {table.coverage_text} {incident_filter.label}, {vintage.label}. "
    "Source: data.police.uk street-level crime and ASB (Open Government Licence)."
    + ("" if table.rate_note in measure_note else f" {table.rate_note}")
)
if measure_note:
    st.info(measure_note)

# The ward profile is chosen with this box or by clicking the map; a click writes the box's value.
ward_names = dict(zip(table.frame["ward_code"], table.frame["ward_name"]))
ward_box_key = f"ward_map_ward_{vintage_id}"
map_key = f"ward_map_chart_{vintage_id}"


def _take_map_click() -> None:
    code = maps.selected_ward_code(st.session_state.get(map_key))
    if code in ward_names:
        st.session_state[ward_box_key] = code


selected_ward = st.selectbox(
    "Ward profile: choose a ward (or click one on the map)",
    sorted(ward_names, key=ward_names.get),
    format_func=ward_names.get,
    index=None,
    placeholder="Choose a ward",
    key=ward_box_key,
)

basemap = st.toggle(
    "Street basemap (loaded from CARTO, needs internet)",
    value=False,
    key="ward_map_basemap",
    help="The wards are drawn without it; it only adds streets for context.",
)
deck = maps.build_ward_map(
    shapes, classes.ward_colours, ward_classes.tooltip_fields(table), selected_ward=selected_ward, basemap=basemap
)
map_column, legend_column = st.columns([4, 1])
with map_column:
    st.pydeck_chart(
        deck,
        height=maps.MAP_HEIGHT,
        on_select=_take_map_click,
        selection_mode="single-object",
        key=map_key,
        alt=(
            f"Map of the {table.ward_count} {vintage.label.lower()} in {area.short_name}, shaded by "
            f"{classes.title.lower()}. The table below gives the same figures."
        ),
    )
with legend_column:
    swatches = [(e.colour, e.label, f"{e.wards} ward{'s' if e.wards != 1 else ''}") for e in classes.entries]
    st.markdown(legend_html(classes.title, swatches), unsafe_allow_html=True)
    st.caption(classes.method.rstrip(".") + ". Hover over a ward for its figures; click it for its profile.")
if table.in_no_ward:
    st.caption(
        f"{table.in_no_ward:,} of the {table.area_total:,} incidents {'has' if table.in_no_ward == 1 else 'have'} "
        "a map point in no ward polygon "
        f"(e.g. just off the generalised coastline): such incidents count towards {area.short_name}'s total but no ward."
    )

st.subheader(f"Top {wardmap.TOP_N} wards' share")
shares = []
with ui.guard("Try another period.", stop=False):
    shares = wardmap.top_wards_share(ui.run_query, period, vintage_id)
share_columns = st.columns(max(len(shares), 1))
for column, share in zip(share_columns, shares):
    with column:
        title = "Crime" if share.kind == "crime" else "ASB"
        st.metric(
            f"{title}: top {len(share.wards)} wards' share",
            "–" if share.share is None else f"{share.share:.0%}",
        )
        st.caption(share.sentence)

st.subheader("Every ward")
display = ward_classes.ward_display_table(table, classes)
st.dataframe(
    display,
    hide_index=True,
    width="stretch",
    height=35 * (len(display) + 1) + 3,
    column_config={
        "rank": st.column_config.NumberColumn("Rank (count)"),
        "ward": "Ward",
        "ward_code": "Code",
        "incidents": st.column_config.NumberColumn("Incidents", format="localized"),
        "share_of_area_percent": st.column_config.NumberColumn(f"Share of {area.short_name}", format="%.1f%%"),
        "population": st.column_config.NumberColumn(
            f"Population ({area.population.year if area.population else ''})", format="localized"
        ),
        "rate_per_1000": st.column_config.NumberColumn("Per 1,000 residents", format="%.1f"),
        "rate_rank": st.column_config.NumberColumn("Rank (rate)"),
        "previous_incidents": st.column_config.NumberColumn("Previous period", format="localized"),
        "change_percent": st.column_config.NumberColumn("Change %", format="%.1f"),
        "change": "Change in words",
        "map_class": "Map class",
    },
)
st.caption("Select a column heading to sort. The same figures as the map, one row per ward.")
ui.download_table(
    display,
    f"{ui.slug(area.short_name)}-wards-{vintage_id}-{ui.slug(incident_filter.label)}-{period.first:%Y-%m}-{period.last:%Y-%m}.csv",
)

st.header("Ward profile")
if selected_ward is None:
    st.info("Choose a ward above, or click one on the map, to see its trend, mix of crime types and top streets.")
    st.stop()

with ui.guard("Choose another ward."):
    profile = ward_profile.build_ward_profile(ui.run_query, table, selected_ward)

figures = profile.figures
st.subheader(profile.ward_name)
metric_columns = st.columns(4)
metric_columns[0].metric(f"{incident_filter.label}", f"{int(figures['incidents']):,}")
metric_columns[1].metric(
    "Rank by count", f"{'joint ' if figures['tied'] else ''}{ordinal(int(figures['rank']))} of {table.ward_count}"
)
metric_columns[2].metric(
    f"Share of {area.short_name}", "–" if figures["share"] != figures["share"] else f"{figures['share']:.1%}"
)
if table.has_rates:
    metric_columns[3].metric(
        "Per 1,000 residents",
        wardmap.format_rate(figures["rate_per_1000"]),
        help=f"{area.short_name} as a whole: {wardmap.format_rate(table.area_rate)} per 1,000 residents",
    )
else:
    metric_columns[3].metric("Per 1,000 residents", "not available", help=table.rate_note)
st.markdown("\n".join(f"- {sentence}" for sentence in profile.sentences))

slug = f"{ui.slug(profile.ward_name)}-{ui.slug(incident_filter.label)}-{period.first:%Y-%m}-{period.last:%Y-%m}"
trend_column, mix_column = st.columns(2)
with trend_column:
    st.markdown(f"**{incident_filter.label} by month**")
    st.altair_chart(ward_charts.ward_trend_chart(profile, area.short_name, incident_filter.noun), width="stretch")
    with st.expander("Table: by month"):
        st.dataframe(profile.monthly, hide_index=True, width="stretch")
    ui.download_table(profile.monthly, f"{slug}-monthly.csv")
with mix_column:
    st.markdown(f"**Mix of crime types against {area.short_name}**")
    st.altair_chart(ward_charts.ward_mix_chart(profile, area.short_name), width="stretch")
    st.caption(
        f"ASB is not crime and is not in this mix: {profile.ward_name} had {profile.asb_incidents:,} ASB incidents"
        + (
            f", {profile.asb_share_of_area:.1%} of {area.short_name}'s."
            if profile.asb_share_of_area is not None
            else "."
        )
    )
    with st.expander("Table: mix of crime types"):
        st.dataframe(
            profile.mix,
            hide_index=True,
            width="stretch",
            column_config={
                "crime_type": "Crime type",
                "ward_incidents": st.column_config.NumberColumn("Ward", format="localized"),
                "area_incidents": st.column_config.NumberColumn(area.short_name, format="localized"),
                "ward_share": st.column_config.NumberColumn("Ward share", format="percent"),
                "area_share": st.column_config.NumberColumn(f"{area.short_name} share", format="percent"),
                "difference_points": st.column_config.NumberColumn("Difference (points)", format="%.1f"),
            },
        )
    ui.download_table(
        profile.mix, f"{ui.slug(profile.ward_name)}-crime-mix-{period.first:%Y-%m}-{period.last:%Y-%m}.csv"
    )

st.markdown(f"**Top locations for {incident_filter.noun}**")
st.dataframe(
    profile.top_streets,
    hide_index=True,
    width="stretch",
    column_config={
        "rank": "Rank",
        "location": "police.uk location",
        "incidents": st.column_config.NumberColumn("Incidents", format="localized"),
        "share_of_ward": st.column_config.NumberColumn("Share of the ward's", format="percent"),
    },
)
ui.download_table(profile.top_streets, f"{slug}-top-locations.csv")
for note in profile.notes:
    st.caption(note)
