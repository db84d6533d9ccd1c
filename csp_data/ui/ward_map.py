"""The Ward map page's sections: the figures come from :mod:`csp_data.figures.wards`,
:mod:`csp_data.figures.ward_classes` and :mod:`csp_data.figures.ward_profile`, the map from
:mod:`csp_data.maps.wards` and the charts from :mod:`csp_data.charts.wards`; here they are put on the page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from csp_data.charts import wards as ward_charts
from csp_data.config import Area, WardVintage
from csp_data.figures import ward_classes, wards
from csp_data.figures.ward_classes import MapClasses
from csp_data.figures.ward_profile import WardProfile, build_ward_profile
from csp_data.figures.wards import TopShare, WardTable, format_rate
from csp_data.maps.deck import DeckJson, deck_json
from csp_data.maps.legend import legend_html
from csp_data.maps.wards import MAP_HEIGHT, build_ward_map, selected_ward_code, ward_shapes
from csp_data.markdown import markdown_link_text, markdown_text
from csp_data.periods import Period, named_coverage
from csp_data.series import Counted
from csp_data.ui.charts import show_chart
from csp_data.ui.context import FAST_HASH, FIGURES_PER_CACHE, current_area, run_query
from csp_data.ui.downloads import download_table
from csp_data.ui.tables import show_table
from csp_data.words import ordinal, percent, slug

SOURCE = "Source: data.police.uk street-level crime and ASB (Open Government Licence)."
NO_WARD_CHOSEN = "Choose a ward above, or click one on the map, to see its trend, mix of crime types and top streets."


# -- caches -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WardChoice:
    """What the page's figures depend on, and so the key of each of its caches."""

    area_file: str
    store_version: str
    vintage_id: str
    period: Period
    counted: Counted
    loaded: tuple
    requested_measure: str


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE)
def ward_figures(choice: WardChoice) -> tuple[WardTable, str, str, MapClasses]:
    """The ward table, the measure shown (and why it differs from the one asked for, if it does) and
    the map's classes."""
    area = current_area()
    table = wards.build_ward_table(
        run_query, area, choice.vintage_id, choice.period, choice.counted, list(choice.loaded)
    )
    measure, measure_note = wards.effective_measure(table, choice.requested_measure)
    return table, measure, measure_note, ward_classes.classify_wards(table, measure)


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE)
def ward_map(choice: WardChoice, selected_ward: str | None, basemap: bool) -> DeckJson:
    """The map of :func:`ward_figures`, written once, with ``selected_ward`` outlined."""
    table, _, _, classes = ward_figures(choice)
    vintage = next(v for v in current_area().wards if v.vintage == choice.vintage_id)
    deck = build_ward_map(
        ward_shapes(vintage),
        classes.ward_colours,
        ward_classes.tooltip_fields(table),
        selected_ward=selected_ward,
        basemap=basemap,
    )
    return deck_json(deck)


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE)
def top_shares(choice: WardChoice) -> list[TopShare]:
    """:func:`csp_data.figures.wards.top_wards_share` of the period and ward set."""
    return wards.top_wards_share(run_query, choice.period, choice.vintage_id)


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE)
def ward_profile_of(choice: WardChoice, ward_code: str) -> WardProfile:
    """:func:`csp_data.figures.ward_profile.build_ward_profile` of ``ward_code``."""
    return build_ward_profile(run_query, ward_figures(choice)[0], ward_code)


# -- sections -----------------------------------------------------------------------------------


def show_coverage(table: WardTable, period: Period, vintage: WardVintage, measure_note: str) -> None:
    """The caption under the title (period, coverage, source, rates) and why the measure changed, if it did."""
    st.caption(
        f"{named_coverage(period, table.coverage_text)} {table.incident_filter.label}, {vintage.label}. {SOURCE}"
        + ("" if table.rate_note in measure_note else f" {table.rate_note}")
    )
    if measure_note:
        st.info(measure_note)


def map_click_handler(map_key: str, ward_box_key: str, ward_codes: Mapping[str, str]) -> Callable[[], None]:
    """The map's ``on_select``: a click on a ward writes its code into the ward box (the profile's choice)."""

    def take_map_click() -> None:
        code = selected_ward_code(st.session_state.get(map_key))
        if code in ward_codes:
            st.session_state[ward_box_key] = code

    return take_map_click


#: The Ward profile heading's anchor, which the link under the ward box goes to.
PROFILE_ANCHOR = "ward-profile"


def show_profile_link(ward_name: str) -> None:
    """A link from the ward box to the chosen ward's profile, below the map and the tables."""
    st.markdown(
        f"[Go to the profile of {markdown_link_text(ward_name)}](#{PROFILE_ANCHOR}), below the map and the tables."
    )


def show_map(
    deck: DeckJson,
    table: WardTable,
    classes: MapClasses,
    *,
    key: str,
    on_select: Callable[[], None],
) -> None:
    """The ward map with its legend beside it, and how many incidents fall in no ward."""
    area_name, vintage = table.area_name, table.vintage
    map_column, legend_column = st.columns([4, 1])
    with map_column:
        st.pydeck_chart(
            deck,
            height=MAP_HEIGHT,
            on_select=on_select,
            selection_mode="single-object",
            key=key,
            alt=(
                f"Map of the {table.ward_count} wards of {area_name} ({vintage.label}), shaded by "
                f"{classes.title.lower()}. The table below gives the same figures."
            ),
        )
    with legend_column:
        swatches = [(e.colour, e.label, f"{e.wards} ward{'s' if e.wards != 1 else ''}") for e in classes.entries]
        st.html(legend_html(classes.title, swatches))
        st.caption(classes.method.rstrip(".") + ". Hover over a ward for its figures; click it for its profile.")
    if table.in_no_ward:
        st.caption(
            f"{table.in_no_ward:,} of the {table.area_total:,} incidents {'has' if table.in_no_ward == 1 else 'have'} "
            "a map point in no ward polygon "
            f"(e.g. just off the generalised coastline): such incidents count towards {area_name}'s total but no ward."
        )


def show_top_shares(shares: list[TopShare]) -> None:
    """A metric per kind (crime, ASB): the top wards' share of its incidents, with its sentence."""
    for column, share in zip(st.columns(max(len(shares), 1)), shares):
        with column:
            title = "Crime" if share.kind == "crime" else "ASB"
            st.metric(
                f"{title}: top {len(share.wards)} wards' share",
                "–" if share.share is None else percent(share.share, 0),
            )
            st.caption(markdown_text(share.sentence))


def show_every_ward(display: pd.DataFrame, area: Area, file_name: str) -> None:
    """The table of every ward (the map's figures, one row per ward) and its download."""
    show_table(
        display,
        labels={
            "rank": "Rank (count)",
            "ward": "Ward",
            "ward_code": "Code",
            "share_of_area_percent": f"Share of {area.short_name} (%)",
            "population": f"Population ({area.population.year if area.population else ''})",
            "change": "Change in words",
        },
    )
    st.caption("The same figures as the map, one row per ward. The CSV holds them to sort and filter.")
    download_table(display, file_name, labels={"ward": "Ward", "ward_code": "Code"})


def show_profile_figures(profile: WardProfile, table: WardTable) -> None:
    """The ward's name, four headline figures and its summary sentences."""
    figures, area_name = profile.figures, table.area_name
    st.subheader(markdown_text(profile.ward_name))
    metric_columns = st.columns(4)
    metric_columns[0].metric(f"{table.incident_filter.label}", f"{int(figures['incidents']):,}")
    metric_columns[1].metric(
        "Rank by count", f"{'joint ' if figures['tied'] else ''}{ordinal(int(figures['rank']))} of {table.ward_count}"
    )
    metric_columns[2].metric(
        f"Share of {area_name}", "–" if figures["share"] != figures["share"] else f"{figures['share']:.1%}"
    )
    if table.has_rates:
        metric_columns[3].metric(
            "Per 1,000 residents",
            format_rate(figures["rate_per_1000"]),
            help=f"{area_name} as a whole: {format_rate(table.area_rate)} per 1,000 residents",
        )
    else:
        metric_columns[3].metric("Per 1,000 residents", "not available", help=table.rate_note)
    st.markdown("\n".join(f"- {markdown_text(sentence)}" for sentence in profile.sentences))


def _show_trend(profile: WardProfile, table: WardTable, file_stub: str) -> None:
    incident_filter = table.incident_filter
    st.markdown(f"#### {markdown_text(incident_filter.label)} by month")
    show_chart(
        ward_charts.ward_trend_chart(profile, table.area_name, incident_filter.noun),
        f"Line chart of {incident_filter.noun} recorded each month in {profile.ward_name}, {table.period.span_label}; "
        "months that are not loaded are gaps.",
    )
    show_table(profile.monthly, f"{file_stub}-monthly.csv", expander="Table: by month")


def _show_mix(profile: WardProfile, table: WardTable) -> None:
    area_name, period = table.area_name, table.period
    st.markdown(f"#### Mix of crime types against {markdown_text(area_name)}")
    show_chart(
        ward_charts.ward_mix_chart(profile, area_name),
        f"Bar chart of each crime type's share of crime in {profile.ward_name} beside its share across {area_name}.",
    )
    st.caption(
        f"ASB is not crime and is not in this mix: {markdown_text(profile.ward_name)} had {profile.asb_incidents:,} ASB incidents"
        + (f", {profile.asb_share_of_area:.1%} of {area_name}'s." if profile.asb_share_of_area is not None else ".")
    )
    show_table(
        profile.mix,
        f"{slug(profile.ward_name)}-crime-mix-{period.first:%Y-%m}-{period.last:%Y-%m}.csv",
        labels={
            "ward_incidents": "Ward",
            "area_incidents": area_name,
            "ward_share": "Ward share",
            "area_share": f"{area_name} share",
            "difference_points": "Difference (points)",
        },
        expander="Table: mix of crime types",
    )


def _show_top_locations(profile: WardProfile, table: WardTable, file_stub: str) -> None:
    st.markdown(f"#### Top locations for {markdown_text(table.incident_filter.noun)}")
    show_table(
        profile.top_streets,
        f"{file_stub}-top-locations.csv",
        empty=f"No {table.incident_filter.noun} in {markdown_text(profile.ward_name)} had a police.uk location in this period.",
    )
    for note in profile.notes:
        st.caption(markdown_text(note))


def show_profile(profile: WardProfile, table: WardTable) -> None:
    """One ward in detail: its figures, its trend beside its mix of crime types, then its top locations."""
    period = table.period
    file_stub = (
        f"{slug(profile.ward_name)}-{slug(table.incident_filter.label)}-{period.first:%Y-%m}-{period.last:%Y-%m}"
    )
    show_profile_figures(profile, table)
    trend_column, mix_column = st.columns(2)
    with trend_column:
        _show_trend(profile, table, file_stub)
    with mix_column:
        _show_mix(profile, table)
    _show_top_locations(profile, table, file_stub)


def ward_table_file_name(table: WardTable) -> str:
    """The download name of the every-ward table: area, ward vintage, choice and period."""
    period = table.period
    return (
        f"{slug(table.area_name)}-wards-{table.vintage.vintage}-{slug(table.incident_filter.label)}-"
        f"{period.first:%Y-%m}-{period.last:%Y-%m}.csv"
    )
