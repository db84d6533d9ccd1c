"""Hotspots: a 250 m grid with Getis-Ord Gi* hotspots, repeat locations and top streets."""

from html import escape

import pandas as pd
import pydeck as pdk
import streamlit as st

from csp_data import maps, ui
from csp_data.charts.colours import hex_to_rgb
from csp_data.figures import emerging, hotspots
from csp_data.maps.legend import legend_html
from csp_data.series import choice_for_key, matched_months, month_runs
from csp_data.store.geography import ward_boundaries

SNAP_POINT_NOTE = (
    "police.uk places every incident on an anonymised snap point: the centre of a nearby street or a "
    "landmark such as a car park, shopping area or petrol station, chosen so that no address can be identified. "
    "A point is therefore a nearby street segment, not an address, and some points gather incidents from "
    "around them."
)
EXPLANATION = (
    "**What a hotspot means here.** The area is cut into {size} m squares and the incidents in each are "
    "counted. A square is a *hotspot* when it and its eight neighbours together hold more incidents than "
    "chance would give: the Getis-Ord Gi* statistic, tested by reshuffling — the square's neighbours are "
    "replaced {draws:,} times by squares drawn at random from across {area}, and a hotspot is a square whose "
    "real neighbours are busier than almost all of those draws. A *cold spot* is the reverse. Because thousands "
    "of squares are tested at once, the p-values are corrected for false discoveries (Benjamini–Hochberg), and a "
    "square is shown as a hotspot at 90%, 95% or 99% confidence only after that correction. A hotspot says "
    "where incidents cluster across neighbouring streets, not why; a single busy place with quiet streets "
    "around it (a supermarket for shoplifting, say) is not a cluster, but it leads the repeat locations below."
)
EMERGING_NOTE = (
    "Each square's monthly counts over all {months} loaded months to {last} are tested for a steady rise "
    "(Mann–Kendall), for squares averaging at least one incident a month ({tested:,} squares), with the same "
    "false-discovery correction. The slope is the Theil–Sen estimate: how many more incidents a month each year."
)


@st.cache_data(max_entries=32, show_spinner="Looking for rising squares…")
def _emerging_result(
    area_file: str, store_version: str, months: tuple, kind: str, crime_type: str | None, hot_cell_ids: tuple
):
    """Computed once per (store, months, type); the arguments are the cache key."""
    points = ui.run_query("hotspot_points", first=months[0], last=months[-1], kind=kind, crime_type=crime_type)
    return emerging.emerging_hotspots(points, months, hot_cell_ids)


@st.cache_data(max_entries=32, show_spinner="Finding hotspots…")
def _hotspot_result(area_file: str, store_version: str, first, last, kind: str, crime_type: str | None):
    """Computed once per (store, period, type); the arguments are the cache key."""
    area = ui.current_area()
    points = ui.run_query("hotspot_points", first=first, last=last, kind=kind, crime_type=crime_type)
    outline = hotspots.area_outline(ward_boundaries(area.current_wards).geometry)
    return points, hotspots.compute_hotspots(points, outline), hotspots.repeat_locations(points, limit=None)


RISING_HEX = "#542788"  # ColorBrewer PuOr's darkest purple: apart from the red-blue hotspot classes
RISING_RGB = hex_to_rgb(RISING_HEX)

area = ui.current_area()
st.title(f"{area.short_name} hotspots")
loaded, period = ui.loaded_period()

filters = ui.period_incident_filters(period)

filter_key = st.selectbox(
    "Crime type or ASB",
    [f.key for f in filters],
    format_func=lambda key: choice_for_key(key, filters).label,
    key="hotspots_filter",
    help="ASB is not crime: it is always counted separately.",
)
incident_filter = choice_for_key(filter_key, filters)

with ui.guard("Try another period or crime type; if this persists, check the store and the area file."):
    store_version = ui.current_store(area).version()
    points, result, repeats = _hotspot_result(
        str(area.area_file), store_version, period.first, period.last, incident_filter.kind, incident_filter.crime_type
    )
    # The one change rule: the months loaded in both this period and the previous one.
    matched = matched_months(period, loaded)
    change_note = (
        f"No change is given: {matched.why_none}."
        if matched.basis == "none"
        else ""
        if matched.complete
        else "The change compares only the months loaded in both periods."
    )
    previous_points = (
        None
        if matched.basis == "none"
        else pd.concat(
            [
                ui.run_query(
                    "hotspot_points",
                    first=first,
                    last=last,
                    kind=incident_filter.kind,
                    crime_type=incident_filter.crime_type,
                )
                for first, last in month_runs(matched.previous_months)
            ],
            ignore_index=True,
        )
    )
    shapes = maps.ward_shapes(area.current_wards)
    # Emerging hotspots use every loaded month up to the end of the chosen period.
    trend_months = tuple(sorted(m for m in loaded if m <= period.last))
    trend_note = emerging.emerging_note(trend_months)
    trend = (
        None
        if trend_note
        else _emerging_result(
            str(area.area_file),
            store_version,
            trend_months,
            incident_filter.kind,
            incident_filter.crime_type,
            tuple(result.hot_cells["cell_id"]),
        )
    )

st.caption(
    f"{period.label}: {result.total_incidents:,} incidents of {incident_filter.noun} with a map point, "
    f"{area.current_wards.label}. Source: data.police.uk street-level crime and ASB (Open Government Licence)."
)
st.info(SNAP_POINT_NOTE)
st.markdown(EXPLANATION.format(size=hotspots.CELL_SIZE_M, area=escape(area.short_name), draws=hotspots.PERMUTATIONS))

hot_total = sum(result.class_counts[c] for c in ("hot99", "hot95", "hot90"))
cold_total = sum(result.class_counts[c] for c in ("cold99", "cold95", "cold90"))
figures = st.columns(3)
figures[0].metric("Hotspot cells", f"{hot_total:,}")
figures[1].metric("Cold spot cells", f"{cold_total:,}")
figures[2].metric("Cells tested", f"{len(result.grid):,}")

# Only cells with incidents or a significant class are drawn: empty, unremarkable cells add nothing.
grid = result.grid
drawn = grid[(grid["incidents"] > 0) | (grid["hotspot_class"] != "none")].reset_index(drop=True)
# GeoJSON features throughout: the same layer type as the Ward map, which deck.gl draws reliably.
cells = [
    {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [polygon + [polygon[0]]]},
        "properties": {
            "fill": hex_to_rgb(hotspots.CLASS_COLOURS[cls]) + [220 if cls != "none" else 120],
            "title": f"{int(n):,} incident{'s' if n != 1 else ''}",
            "detail": f"{label}<br/>{escape(ward) if isinstance(ward, str) else ''}",
        },
    }
    for polygon, cls, label, n, ward in zip(
        hotspots.cell_polygons(drawn),
        drawn["hotspot_class"],
        drawn["hotspot_label"],
        drawn["incidents"],
        drawn["ward_name"],
    )
]
snap_points = [
    {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(float(lon), 5), round(float(lat), 5)]},
        "properties": {
            "title": escape(str(loc)),
            "detail": f"{int(n):,} incident{'s' if n != 1 else ''} in {int(m)} month{'s' if m != 1 else ''}",
        },
    }
    for loc, lon, lat, n, m in zip(
        repeats["location"], repeats["longitude"], repeats["latitude"], repeats["incidents"], repeats["months_present"]
    )
]
rising = grid[grid["cell_id"].isin(trend.cells["cell_id"])] if trend is not None else grid.head(0)
rising_cells = [
    {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [polygon + [polygon[0]]]},
        "properties": {"title": "Rising (emerging hotspot)", "detail": f"{int(n):,} incidents in the chosen period"},
    }
    for polygon, n in zip(hotspots.cell_polygons(rising), rising["incidents"])
]
ward_outlines = [{**f, "properties": {"title": f["properties"]["ward_name"], "detail": ""}} for f in shapes.features]
layers = [
    pdk.Layer(
        "GeoJsonLayer",
        id="hotspot-cells",
        data={"type": "FeatureCollection", "features": cells},
        get_fill_color="properties.fill",
        get_line_color=[160, 160, 160, 120],
        line_width_min_pixels=0.5,
        stroked=True,
        filled=True,
        pickable=True,
        auto_highlight=True,
    ),
    pdk.Layer(
        "GeoJsonLayer",
        id="ward-outlines",
        data={"type": "FeatureCollection", "features": ward_outlines},
        filled=False,
        stroked=True,
        get_line_color=[40, 40, 40, 255],
        line_width_min_pixels=1.5,
        pickable=False,
    ),
    pdk.Layer(
        "GeoJsonLayer",
        id="emerging-cells",
        data={"type": "FeatureCollection", "features": rising_cells},
        filled=False,
        stroked=True,
        get_line_color=list(RISING_RGB) + [255],
        line_width_min_pixels=3,
        pickable=True,
    ),
    # Individual snap points only when zoomed far in: the radius is 3 m on the ground (metres are the
    # GeoJsonLayer default), a tenth of a pixel at the whole-area view (about 30 m a pixel) and 4 pixels at
    # the closest zoom (under 1 m a pixel). A browser test checks both ends. (Passing
    # point_radius_units="meters" explicitly left the canvas blank.)
    pdk.Layer(
        "GeoJsonLayer",
        id="snap-points",
        data={"type": "FeatureCollection", "features": snap_points},
        get_point_radius=3,
        get_fill_color=[0, 0, 0, 255],
        stroked=False,
        filled=True,
        pickable=True,
    ),
]
deck = maps.CompactDeck(
    layers=layers,
    initial_view_state=maps.fit_view(shapes.bounds),
    tooltip={"html": "<b>{title}</b><br/>{detail}", "style": maps.TOOLTIP_STYLE},
    map_provider=None,
)
map_column, legend_column = st.columns([4, 1])
with map_column:
    st.pydeck_chart(
        deck,
        height=maps.MAP_HEIGHT,
        key="hotspots_map",
        alt=(
            f"Map of {area.short_name} in {hotspots.CELL_SIZE_M} m squares coloured by Gi* hotspot class, with ward "
            "outlines. The tables below give the hot squares and the busiest places."
        ),
    )
with legend_column:
    swatches = [
        (hotspots.CLASS_COLOURS[c], hotspots.CLASS_LABELS[c], f"{result.class_counts[c]:,}")
        for c in hotspots.CLASS_ORDER
    ]
    marks = [] if trend is None else [(RISING_HEX, "Rising: emerging hotspot", f"{len(trend.cells):,}")]
    title = f"Gi* class ({hotspots.CELL_SIZE_M} m squares)"
    st.markdown(legend_html(title, swatches, marks), unsafe_allow_html=True)
    st.caption("Squares with no incidents and no significant class are not drawn. Zoom far in to see the snap points.")

slug = f"{ui.slug(incident_filter.label)}-{period.first:%Y-%m}-{period.last:%Y-%m}"
st.subheader("Hot squares")
if result.hot_cells.empty:
    st.info(
        "No square is a significant hotspot for this choice after the false-discovery-rate correction: "
        "the incidents are not clustered across neighbouring squares more than chance would give. They can "
        "still be concentrated at single places; see the repeat locations below."
    )
else:
    st.dataframe(
        result.hot_cells,
        hide_index=True,
        width="stretch",
        column_config={
            "cell_id": st.column_config.TextColumn(
                "Square", help="Column_row of the 250 m British National Grid square"
            ),
            "hotspot_label": "Class",
            "incidents": st.column_config.NumberColumn("Incidents", format="localized"),
            "z_score": st.column_config.NumberColumn("Gi* z-score", format="%.2f"),
            "p_adjusted": st.column_config.NumberColumn("Corrected p-value", format="%.2e"),
            "ward_name": "Ward (most incidents)",
            "main_streets": "Main places (incidents)",
        },
    )
    ui.download_table(result.hot_cells, f"hot-squares-{slug}.csv")

st.subheader("Repeat locations")
st.caption(
    f"The snap points with the most incidents of {incident_filter.noun} in {period.label.lower()}: the "
    "“repeat business” list for tasking. ⚑ marks a point holding at least "
    f"{hotspots.FLAG_SHARE:.0%} of {area.short_name}'s incidents: often a police station, hospital or "
    "shopping centre to which incidents are snapped, so check it before tasking."
)
top_repeats = repeats.head(50).assign(flagged=lambda f: f["flagged"].map({True: "⚑", False: ""}))
st.dataframe(
    top_repeats.drop(columns=["longitude", "latitude"]),
    hide_index=True,
    width="stretch",
    column_config={
        "rank": "Rank",
        "location": "police.uk location",
        "ward_name": "Ward",
        "incidents": st.column_config.NumberColumn("Incidents", format="localized"),
        "months_present": st.column_config.NumberColumn("Months with any"),
        "first_month": st.column_config.DateColumn("First", format="MMM YYYY"),
        "last_month": st.column_config.DateColumn("Last", format="MMM YYYY"),
        "share_of_area": st.column_config.NumberColumn(f"Share of {area.short_name}", format="percent"),
        "type_mix": "Mix of types",
        "flagged": "Flag",
    },
)
ui.download_table(top_repeats, f"repeat-locations-{slug}.csv")

st.subheader("Top streets")
ward_names = sorted(shapes_name for shapes_name in {f["properties"]["ward_name"] for f in shapes.features})
chosen_ward = st.selectbox("Area or ward", [area.short_name] + ward_names, key="hotspots_ward")
with ui.guard("Choose another ward."):
    ward_filter = None if chosen_ward == area.short_name else chosen_ward
    streets = hotspots.top_streets(points, previous_points if matched.complete else None, ward_name=ward_filter)
    if previous_points is not None and not matched.complete:  # counts of the whole period; change of matched months
        compared = hotspots.top_streets(
            points[pd.to_datetime(points["month"]).dt.date.isin(set(matched.current_months))],
            previous_points,
            ward_name=ward_filter,
            limit=len(points),
        )
        streets = streets.merge(
            compared[["location", "ward_name", "previous_incidents", "change"]],
            on=["location", "ward_name"],
            how="left",
        )
st.dataframe(
    streets,
    hide_index=True,
    width="stretch",
    column_config={
        "rank": "Rank",
        "location": "police.uk location",
        "ward_name": "Ward",
        "incidents": st.column_config.NumberColumn("Incidents", format="localized"),
        "share": st.column_config.NumberColumn(f"Share of {chosen_ward}", format="percent"),
        "previous_incidents": st.column_config.NumberColumn("Previous period", format="localized"),
        "change": "Change",
    },
)
st.caption(
    "All snap points with the same name in the same ward are counted together; names such as “Parking Area” "
    "or “Shopping Area” are police.uk place types, not street names." + (f" {change_note}" if change_note else "")
)
ui.download_table(streets, f"top-streets-{ui.slug(chosen_ward)}-{slug}.csv")

st.subheader("Emerging hotspots")
if trend is None:
    st.info(trend_note)
else:
    st.caption(EMERGING_NOTE.format(months=trend.months, last=f"{trend_months[-1]:%b %Y}", tested=trend.tested))
    if trend.cells.empty:
        st.info(
            f"No square's monthly count of {incident_filter.noun} is rising significantly after the "
            "false-discovery-rate correction."
        )
    else:
        st.dataframe(
            trend.cells.drop(columns=["kendall_tau", "p_value"]),
            hide_index=True,
            width="stretch",
            column_config={
                "cell_id": st.column_config.TextColumn(
                    "Square", help="Column_row of the 250 m British National Grid square"
                ),
                "ward_name": "Ward (most incidents)",
                "main_streets": "Main places (incidents)",
                "confidence": "Rising, confidence",
                "months": st.column_config.NumberColumn("Months tested"),
                "first_year": st.column_config.NumberColumn("First 12 months", format="localized"),
                "last_year": st.column_config.NumberColumn("Latest 12 months", format="localized"),
                "slope_per_year": st.column_config.NumberColumn("More a month, per year", format="%.1f"),
                "p_adjusted": st.column_config.NumberColumn("Corrected p-value", format="%.2e"),
                "currently_hot": st.column_config.CheckboxColumn("Hotspot now"),
            },
        )
        ui.download_table(trend.cells, f"emerging-squares-{slug}.csv")
