"""The Hotspots page's caches and sections: the figures come from :mod:`csp_data.figures.hotspots` and
:mod:`csp_data.figures.emerging`, the map from :mod:`csp_data.maps.hotspots`; here they are put on the page."""

from __future__ import annotations

import time
from datetime import date
from html import escape

import pandas as pd
import streamlit as st

from csp_data import change, words
from csp_data.charts import colours
from csp_data.config import Area
from csp_data.figures import emerging, gistar, hotspots, streets
from csp_data.figures.gistar import CELL_SIZE_M, PERMUTATIONS
from csp_data.maps import MAP_HEIGHT, DeckJson, deck_json, ward_shapes
from csp_data.maps import deck as maps_deck
from csp_data.maps import hotspots as hotspot_maps
from csp_data.maps import wards as maps_wards
from csp_data.periods import Period, available_periods, describe_months
from csp_data.series import Counted, MatchedMonths, RunQuery, counted_choices, matched_months
from csp_data.store import queries as store_queries
from csp_data.store.geography import ward_boundaries
from csp_data.store.queries import Database, load_queries
from csp_data.store.statcache import StatCache, code_fingerprint, store_statcache, wait_for_writes
from csp_data.ui.context import FAST_HASH, FIGURES_PER_CACHE, current_area, current_store, run_query
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
    "false-discovery correction. The slope is the Theil–Sen estimate: how many more incidents a month each year."
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


def _statistics(area: Area, store_version: str) -> StatCache:
    """The statistics kept with the store version, so that clearing Streamlit's caches costs only queries."""
    return store_statcache(current_store(area).root, store_version)


def _area_key(area: Area) -> dict:
    """What the statistics depend on besides the store and their own code: the area file, its current wards'
    boundaries, and how the incidents are read (the query, and the macros it uses, such as place_name)."""
    files = (area.area_file, area.current_wards.boundary_file)
    return {
        "area": [(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files],
        "sql": load_queries()["hotspot_points"].sql,
        "reader": code_fingerprint((store_queries,)),
    }


def _choice_key(area: Area, first: date, last: date, kind: str, crime_type: str | None) -> dict:
    """What a period's and type's statistics and map depend on besides the store."""
    return {**_area_key(area), "first": first, "last": last, "kind": kind, "crime_type": crime_type}


def stored_emerging(
    area: Area,
    store_version: str,
    query: RunQuery,
    months: tuple,
    kind: str,
    crime_type: str | None,
    hot_cell_ids: tuple,
) -> emerging.EmergingResult:
    """The rising squares over ``months``, read from the statistics kept with the store version, or
    computed (with ``query``, the app's cached one or a :class:`Database`'s) and kept there, with the
    squares among ``hot_cell_ids`` marked. The test is kept without the marks, so every period ending in
    the same month (a custom period ending in the latest month, say) reads the one the warm-up kept."""
    key = {**_area_key(area), "months": months, "kind": kind, "crime_type": crime_type}

    def compute() -> emerging.EmergingResult:
        points = query("hotspot_points", first=months[0], last=months[-1], kind=kind, crime_type=crime_type)
        return emerging.emerging_hotspots(points, months)

    kept = _statistics(area, store_version).get(
        "emerging", key, compute, emerging.EmergingResult, modules=(emerging, gistar, hotspots)
    )
    return emerging.with_currently_hot(kept, hot_cell_ids)


def stored_hotspots(
    area: Area, store_version: str, query: RunQuery, first: date, last: date, kind: str, crime_type: str | None
) -> tuple[hotspots.HotspotResult, pd.DataFrame]:
    """The Gi* result and the repeat locations of one period and type, read from the statistics kept with
    the store version, or computed from the incidents (a query, made only then) and kept there."""
    points: list[pd.DataFrame] = []

    def incidents() -> pd.DataFrame:
        if not points:
            points.append(query("hotspot_points", first=first, last=last, kind=kind, crime_type=crime_type))
        return points[0]

    statistics = _statistics(area, store_version)
    key = _choice_key(area, first, last, kind, crime_type)
    result = statistics.get(
        "hotspots",
        key,
        lambda: hotspots.compute_hotspots(
            incidents(), hotspots.area_outline(ward_boundaries(area.current_wards).geometry)
        ),
        hotspots.HotspotResult,
        modules=(hotspots, gistar),
    )
    repeats = statistics.get(
        "repeat_locations",
        key,
        lambda: hotspots.repeat_locations(incidents(), limit=None),
        pd.DataFrame,
        modules=(hotspots,),
    )
    return result, repeats


def _streets(
    query: RunQuery,
    area: Area,
    first: date,
    last: date,
    kind: str,
    crime_type: str | None,
    ward_code: str | None,
    matched: MatchedMonths,
) -> pd.DataFrame:
    """:func:`csp_data.figures.streets.top_streets` of the area's current wards, as the page shows it."""
    return streets.top_streets(
        query,
        first=first,
        last=last,
        kind=kind,
        crime_type=crime_type,
        vintage=area.current_wards.vintage,
        ward_code=ward_code,
        matched=matched,
    ).drop(columns="ward_code")


def stored_area_streets(
    area: Area,
    store_version: str,
    query: RunQuery,
    first: date,
    last: date,
    kind: str,
    crime_type: str | None,
    matched: MatchedMonths,
) -> pd.DataFrame:
    """The area's top streets (the table as it opens, every ward) of one period and type, kept with the
    statistics so that changing the crime type needs no query once the warm-up has stored them."""
    key = {
        **_choice_key(area, first, last, kind, crime_type),
        "vintage": area.current_wards.vintage,
        "basis": matched.basis,
        "compared": matched.current_months,
        "previous": matched.previous_months,
        "sql": load_queries()["top_streets"].sql,
    }
    return _statistics(area, store_version).get(
        "top_streets",
        key,
        lambda: _streets(query, area, first, last, kind, crime_type, None, matched),
        pd.DataFrame,
        modules=(streets, change),
    )


def stored_deck(
    area: Area,
    store_version: str,
    choice: tuple,
    result: hotspots.HotspotResult,
    repeats: pd.DataFrame,
    trend: emerging.EmergingResult | None,
) -> DeckJson:
    """The map of ``result``, ``repeats`` and ``trend`` written as JSON (about 45 ms for all crime), kept
    with the statistics; ``choice`` is (first, last, kind, crime_type, trend_months), what they are of."""
    first, last, kind, crime_type, trend_months = choice
    return _statistics(area, store_version).get(
        "hotspot_map",
        {**_choice_key(area, first, last, kind, crime_type), "trend_months": trend_months},
        lambda: deck_json(hotspot_maps.hotspot_deck(result, repeats, trend, ward_shapes(area.current_wards))),
        DeckJson,
        modules=(hotspot_maps, maps_deck, maps_wards, colours, words, hotspots, gistar, emerging),
    )


def trend_months_of(loaded: list[date], period: Period) -> tuple[date, ...]:
    """The months the rising-squares test uses for ``period``: every loaded month up to its end. One rule
    for the page and the warm-up, so that the statistics the warm-up keeps are the ones the page asks for."""
    return tuple(sorted(m for m in loaded if m <= period.last))


def kept_periods(loaded: list[date]) -> list[Period]:
    """The periods whose Hotspots statistics are kept when a replica starts: the default (the latest 12
    months) first, then every financial and calendar year the sidebar offers, the latest ending first
    (a year that is the same months as one before it, such as a calendar year equal to the latest 12
    months, only once)."""
    offered = available_periods(loaded)
    years = sorted([*offered["financial"], *offered["calendar"]], key=lambda p: (p.last, p.first), reverse=True)
    periods: dict[tuple[date, date], Period] = {}
    for period in [*offered["latest12"], *years]:
        periods.setdefault((period.first, period.last), period)
    return list(periods.values())


def store_every_choice(area: Area, seconds: float = 60.0, periods: str = "default") -> tuple[int, int]:
    """Compute and keep the statistics, map and area-wide top streets of every choice of the page's "Crime
    type or ASB" box, for the default period (``periods="default"``: the latest 12 months) or for every
    other period of :func:`kept_periods` (``"others"``), period by period in that order and each in the
    box's order, stopping after ``seconds`` (a national-sized store takes seconds a choice). Run when a
    replica starts (``deploy/warm.py``), so that a visitor changing the crime type finds them stored
    (about 0.13 s on the server instead of 0.5-1 s); values already kept are only read. Returns (choices
    done, choices in the boxes of those periods)."""
    if periods not in ("default", "others"):
        raise ValueError(f"periods should be 'default' or 'others', not {periods!r}")
    started = time.monotonic()
    store = current_store(area)
    database = Database(area, store)
    try:
        version = database.snapshot.version  # the version the queries read, whatever loads land meanwhile
        loaded = database.loaded_months()
        if not loaded:
            return 0, 0
        chosen = kept_periods(loaded)
        chosen = chosen[:1] if periods == "default" else chosen[1:]
        boxes = [
            (
                period,
                counted_choices(
                    database.query("crime_type_counts", first=period.first, last=period.last)["crime_type"]
                ),
            )
            for period in chosen
        ]
        total, done = sum(len(choices) for _, choices in boxes), 0
        for period, choices in boxes:
            trend_months = trend_months_of(loaded, period)
            matched = matched_months(period, loaded)
            for choice in choices:
                if time.monotonic() - started > seconds:
                    return done, total
                _store_choice(area, version, database, period, choice, trend_months, matched)
                done += 1
        return done, total
    finally:
        database.close()
        wait_for_writes()  # kept means on disk, for the other replicas and processes to read


def _store_choice(
    area: Area,
    version: str,
    database: Database,
    period: Period,
    choice: Counted,
    trend_months: tuple,
    matched: MatchedMonths,
) -> None:
    """Keep one choice's statistics, map and area-wide top streets (read when kept already)."""
    result, repeats = stored_hotspots(
        area, version, database.query, period.first, period.last, choice.kind, choice.crime_type
    )
    trend = None
    if not emerging.emerging_note(trend_months):
        hot = tuple(result.hot_cells["cell_id"])
        trend = stored_emerging(area, version, database.query, trend_months, choice.kind, choice.crime_type, hot)
    key = (period.first, period.last, choice.kind, choice.crime_type, trend_months)
    stored_deck(area, version, key, result, repeats, trend)
    stored_area_streets(
        area, version, database.query, period.first, period.last, choice.kind, choice.crime_type, matched
    )


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
    return _streets(run_query, area, first, last, kind, crime_type, ward_code, matched)


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


def show_summary(area: Area, period: Period, incident_filter: Counted, result: hotspots.HotspotResult) -> None:
    """What is counted, the snap-point note, what a hotspot means and the numbers of squares."""
    st.caption(
        f"{period.label}: {result.total_incidents:,} incidents of {incident_filter.noun} with a map point, "
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


def show_repeat_locations(repeats: pd.DataFrame, slug: str, noun: str, period_label: str, area_name: str) -> None:
    """The 50 busiest snap points, flagging those that may be a place incidents are snapped to."""
    st.header("Repeat locations")
    st.caption(
        f"The snap points with the most incidents of {noun} in {period_label.lower()}: the "
        "“repeat business” list for tasking. ⚑ marks a point holding at least "
        f"{hotspots.FLAG_SHARE:.0%} of {area_name}'s incidents: often a police station, hospital or "
        "shopping centre to which incidents are snapped, so check it before tasking."
    )
    top_repeats = repeats.head(50).assign(flagged=lambda f: f["flagged"].map({True: "⚑", False: ""}))
    show_table(
        top_repeats,
        f"repeat-locations-{slug}.csv",
        labels={"share_of_area": f"Share of {area_name}'s"},
        hidden=["longitude", "latitude"],
        empty=f"No incidents of {noun} with a map point in {period_label.lower()}.",
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
