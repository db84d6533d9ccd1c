"""The Hotspots page's caches and sections: the figures come from :mod:`csp_data.figures.hotspots` and
:mod:`csp_data.figures.emerging`, the map from :mod:`csp_data.maps.hotspots`; here they are put on the page."""

from __future__ import annotations

from datetime import date
from html import escape

import pandas as pd
import streamlit as st

from csp_data import change
from csp_data.config import Area
from csp_data.figures import emerging, hotspots
from csp_data.figures.gistar import CELL_SIZE_M, PERMUTATIONS
from csp_data.maps import MAP_HEIGHT, DeckJson
from csp_data.maps import hotspots as hotspot_maps
from csp_data.periods import Period, describe_coverage, describe_months, named_coverage
from csp_data.series import Counted, MatchedMonths
from csp_data.ui import links
from csp_data.ui.context import FAST_HASH, FIGURES_PER_CACHE, current_area, database, run_query
from csp_data.ui.hotspots_kept import (
    start_area_streets,
    stored_area_streets,
    stored_deck,
    stored_emerging,
    stored_hotspots,
    streets_of,
    trend_months_of,
)
from csp_data.ui.tables import show_table
from csp_data.words import slug as slug_of

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
    "false-discovery correction. The slope is the Theil–Sen estimate: how many more incidents a month each year. "
    "Months not loaded are left out, not counted as none, so across a gap of a year or more a step up between "
    "the years (or police.uk moving its snap points) reads as a rise: compare the first and latest 12 months."
)
HOT_SQUARES_NOTE = (
    "A square is named by its column and row on the British National Grid (its south-west corner's easting "
    "and northing in metres, divided by {size}). The Gi* score is how far the square and its eight neighbours "
    "together stand above what chance would give, in standard deviations: the higher, the stronger the cluster. "
    "A hot square can hold few incidents, or none, when its neighbours are busy; the repeat locations below "
    "list the busiest single places."
)
NO_HOT_SQUARES = (
    "No square is a significant hotspot for this choice after the false-discovery-rate correction: "
    "the incidents are not clustered across neighbouring squares more than chance would give. They can "
    "still be concentrated at single places; see the repeat locations below."
)
STREETS_NOTE = (
    "All snap points with the same name in the same ward are counted together; names such as “Parking Area” "
    "or “Shopping Area” are police.uk place types, not street names. Points police.uk gives no name (“On or near” "
    "alone) are not one street, so they are left out of the list; shares are of every incident."
)


# -- caches -------------------------------------------------------------------------------------


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner="Looking for rising squares…")
def emerging_result(
    area_file: str, store_version: str, months: tuple, kind: str, crime_type: str | None, hot_cell_ids: tuple
):
    """Computed once per (store, months, type) and kept with the store version; the arguments are the key."""
    return stored_emerging(current_area(), store_version, run_query, months, kind, crime_type, hot_cell_ids)


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner="Finding hotspots…")
def hotspot_result(area_file: str, store_version: str, first, last, kind: str, crime_type: str | None):
    """Computed once per (store, period, type) and kept with the store version; the arguments are the key."""
    return stored_hotspots(current_area(), store_version, run_query, first, last, kind, crime_type)


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE)
def top_streets(
    area_file: str,
    store_version: str,
    first,
    last,
    kind: str,
    crime_type: str | None,
    ward_code: str | None,
    matched: MatchedMonths,
) -> pd.DataFrame:
    """:func:`csp_data.figures.streets.top_streets` of the current wards (the area's kept with the
    statistics); the arguments are the key."""
    area = current_area()
    if ward_code is None:
        return stored_area_streets(area, store_version, run_query, first, last, kind, crime_type, matched)
    return streets_of(run_query, area, first, last, kind, crime_type, ward_code, matched)


def start_top_streets(
    area: Area, store_version: str, period: Period, incident_filter: Counted, matched: MatchedMonths
) -> None:
    """Have the area's top streets computed beside the hotspots (:func:`start_area_streets`) when the table
    is to show the whole area and they are not kept yet."""
    # A ward chosen, or about to be from a link (restored later in the run), shows that ward's streets instead.
    if st.session_state.get("hotspots_ward") is None and not st.query_params.get(links.WARD):
        start_area_streets(
            area,
            store_version,
            database(area).query,
            period.first,
            period.last,
            incident_filter.kind,
            incident_filter.crime_type,
            matched,
        )


def emerging_trend(
    area: Area,
    store_version: str,
    loaded: list[date],
    period: Period,
    incident_filter: Counted,
    result: hotspots.HotspotResult,
) -> tuple[tuple[date, ...], str | None, emerging.EmergingResult | None]:
    """The months tested, why no trend can be given (or None) and the rising squares (or None).
    Emerging hotspots use every loaded month up to the end of the chosen period."""
    trend_months = trend_months_of(loaded, period)
    trend_note = emerging.emerging_note(trend_months)
    if trend_note:
        return trend_months, trend_note, None
    trend = emerging_result(
        str(area.area_file),
        store_version,
        trend_months,
        incident_filter.kind,
        incident_filter.crime_type,
        tuple(result.hot_cells["cell_id"]),
    )
    return trend_months, trend_note, trend


# -- sections -----------------------------------------------------------------------------------


def show_summary(
    area: Area, period: Period, loaded: list[date], incident_filter: Counted, result: hotspots.HotspotResult
) -> None:
    """What is counted (the months, and whether all are loaded), the snap-point note, what a hotspot means and
    the numbers of squares."""
    st.caption(
        f"{named_coverage(period, describe_coverage(period, loaded))} {result.total_incidents:,} incidents of "
        f"{incident_filter.noun} with a map point, "
        f"{area.current_wards.label}. Source: data.police.uk street-level crime and ASB (Open Government Licence)."
    )
    st.info(SNAP_POINT_NOTE)
    st.markdown(EXPLANATION.format(size=CELL_SIZE_M, area=escape(area.short_name), draws=PERMUTATIONS))
    hot_total = sum(result.class_counts[c] for c in ("hot99", "hot95", "hot90"))
    cold_total = sum(result.class_counts[c] for c in ("cold99", "cold95", "cold90"))
    figures = st.columns(3)
    figures[0].metric("Hotspot squares", f"{hot_total:,}")
    figures[1].metric("Cold spot squares", f"{cold_total:,}")
    figures[2].metric("Squares tested", f"{len(result.grid):,}")


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE)
def hotspot_map(
    area_file: str, store_version: str, first, last, kind: str, crime_type: str | None, trend_months: tuple
) -> tuple[DeckJson, str]:
    """The map, written once, and its legend: the hotspots of ``first`` to ``last`` and the rising
    squares over ``trend_months`` (see :func:`emerging_trend`); the arguments are the key."""
    area = current_area()
    result, repeats = hotspot_result(area_file, store_version, first, last, kind, crime_type)
    trend = None
    if not emerging.emerging_note(trend_months):
        trend = emerging_result(
            area_file, store_version, trend_months, kind, crime_type, tuple(result.hot_cells["cell_id"])
        )
    deck = stored_deck(area, store_version, (first, last, kind, crime_type, trend_months), result, repeats, trend)
    return deck, hotspot_maps.hotspot_legend_html(result, trend)


def show_map(deck: DeckJson, legend: str, area_name: str) -> None:
    """The map (from :func:`hotspot_map`) with its legend beside it."""
    map_column, legend_column = st.columns([4, 1])
    with map_column:
        st.pydeck_chart(
            deck,
            height=MAP_HEIGHT,
            key="hotspots_map",
            alt=(
                f"Map of {area_name} in {CELL_SIZE_M} m squares coloured by Gi* hotspot class, with ward "
                "outlines. The tables below give the hot squares and the busiest places."
            ),
        )
    with legend_column:
        st.html(legend)
        st.caption(
            "Squares with no incidents and no significant class are not drawn. Zoom far in to see the snap points."
        )


def show_hot_cells(result: hotspots.HotspotResult, slug: str) -> None:
    st.header("Hot squares")
    if result.hot_cells.empty:
        st.info(NO_HOT_SQUARES)
        return
    show_table(result.hot_cells, f"hot-squares-{slug}.csv", labels={"ward_name": "Ward (most incidents)"})
    st.caption(HOT_SQUARES_NOTE.format(size=CELL_SIZE_M))


def show_repeat_locations(repeats: pd.DataFrame, slug: str, noun: str, period_in_sentence: str, area_name: str) -> None:
    """The 50 busiest snap points, flagging those that may be a place incidents are snapped to."""
    st.header("Repeat locations")
    st.caption(
        f"The snap points with the most incidents of {noun} in {period_in_sentence}: the "
        "“repeat business” list for tasking. ⚑ marks a point holding at least "
        f"{hotspots.FLAG_SHARE:.0%} of {area_name}'s incidents (and at least {hotspots.FLAG_MIN_INCIDENTS}): often a "
        "police station, hospital or "
        "shopping centre to which incidents are snapped, so check it before tasking."
    )
    top_repeats = repeats.head(50).assign(flagged=lambda f: f["flagged"].map({True: "⚑", False: ""}))
    show_table(
        top_repeats,
        f"repeat-locations-{slug}.csv",
        labels={"share_of_area": f"Share of {area_name}'s"},
        hidden=["longitude", "latitude"],
        empty=f"No incidents of {noun} with a map point in {period_in_sentence}.",
    )


def streets_change_note(matched: MatchedMonths) -> str:
    """What the top streets' change compares, by the one change rule; empty when it is the whole periods."""
    if matched.basis == "none":
        return f"No change is given: {matched.why_none}."
    if matched.complete:
        return ""
    return (
        f"The change compares only the months loaded in both periods: {describe_months(matched.current_months)} "
        f"against {describe_months(matched.previous_months)}."
    )


def show_top_streets(streets: pd.DataFrame, chosen_ward: str, matched: MatchedMonths, slug: str) -> None:
    """The table of :func:`top_streets` for ``chosen_ward`` (a ward's name, or the area's)."""
    show_table(
        streets,
        f"top-streets-{slug_of(chosen_ward)}-{slug}.csv",
        labels={"share": f"Share of {chosen_ward}'s"},
        empty=f"No incidents with a police.uk location in {chosen_ward} in this period.",
    )
    change_note = streets_change_note(matched)
    chance = change.chance_note(len(streets), "streets") if matched.basis != "none" else ""
    if not streets.empty:
        st.caption(" ".join(part for part in (STREETS_NOTE, change_note, chance) if part))


def show_emerging(
    trend: emerging.EmergingResult | None, trend_note: str | None, trend_months: tuple, noun: str, slug: str
) -> None:
    """The squares whose monthly counts are rising, or why they cannot be shown."""
    st.header("Emerging hotspots")
    if trend is None:
        st.info(trend_note)
        return
    st.caption(EMERGING_NOTE.format(months=trend.months, last=f"{trend_months[-1]:%b %Y}", tested=trend.tested))
    if trend.cells.empty:
        st.info(
            f"No square's monthly count of {noun} is rising significantly after the false-discovery-rate correction."
        )
        return
    show_table(
        trend.cells,
        f"emerging-squares-{slug}.csv",
        labels={"ward_name": "Ward (most incidents)"},
        hidden=["kendall_tau", "p_value"],
    )
