"""Hotspots: a 250 m grid with Getis-Ord Gi* hotspots, repeat locations and top streets."""

import streamlit as st

from csp_data import maps, ui
from csp_data.series import choice_for_key, matched_months
from csp_data.ui import hotspots as hotspot_ui
from csp_data.ui import links

area = ui.current_area()
st.title(f"{area.short_name} hotspots")
loaded, period = ui.loaded_period()

filters = ui.period_incident_filters(period)

links.restore_choice(links.COUNTED, "hotspots_filter", [f.key for f in filters], links.WHAT_COUNTED)
filter_key = st.selectbox(
    "Crime type or ASB",
    [f.key for f in filters],
    format_func=lambda key: choice_for_key(key, filters).label,
    key="hotspots_filter",
    help="ASB is not crime: it is always counted separately.",
)
links.publish(links.COUNTED, filter_key, default="crime")
incident_filter = choice_for_key(filter_key, filters)

with ui.guard("Try another period or crime type; if this keeps happening, please tell the site's maintainers."):
    store_version = ui.current_store(area).version()
    # The one change rule: the months loaded in both this period and the previous one.
    matched = matched_months(period, loaded)
    hotspot_ui.start_top_streets(area, store_version, period, incident_filter, matched)
    result, repeats = hotspot_ui.hotspot_result(
        str(area.area_file), store_version, period.first, period.last, incident_filter.kind, incident_filter.crime_type
    )
    shapes = maps.ward_shapes(area.current_wards)
    trend_months, trend_note, trend = hotspot_ui.emerging_trend(
        area, store_version, loaded, period, incident_filter, result
    )

hotspot_ui.show_summary(area, period, loaded, incident_filter, result)
hotspot_ui.show_map(
    *hotspot_ui.hotspot_map(
        str(area.area_file),
        store_version,
        period.first,
        period.last,
        incident_filter.kind,
        incident_filter.crime_type,
        trend_months,
    ),
    area.short_name,
)

slug = f"{ui.slug(incident_filter.label)}-{period.first:%Y-%m}-{period.last:%Y-%m}"
hotspot_ui.show_hot_cells(result, slug)
hotspot_ui.show_repeat_locations(repeats, slug, incident_filter.noun, period.in_sentence, area.short_name)

st.header("Top streets")
names_by_code = {f["properties"]["ward_code"]: f["properties"]["ward_name"] for f in shapes.features}
links.restore_choice(links.WARD, "hotspots_ward", list(names_by_code), "one of the area's wards")
ward_code = st.selectbox(
    "Area or ward",
    [None, *sorted(names_by_code, key=names_by_code.get)],
    format_func=lambda code: names_by_code.get(code, area.short_name),
    key="hotspots_ward",
)
links.publish(links.WARD, ward_code)
with ui.guard("Choose another ward."):
    streets = hotspot_ui.top_streets(
        str(area.area_file),
        store_version,
        period.first,
        period.last,
        incident_filter.kind,
        incident_filter.crime_type,
        ward_code,
        matched,
    )
hotspot_ui.show_top_streets(streets, names_by_code.get(ward_code, area.short_name), matched, slug)

hotspot_ui.show_emerging(trend, trend_note, trend_months, incident_filter.noun, slug)
