"""The Overview page's sections: the headline figures, the crime picture in context and why three figures."""

from __future__ import annotations

import copy
import functools
from datetime import date

import streamlit as st

from csp_data import benchmarks as bm
from csp_data import charts
from csp_data.config import Area
from csp_data.figures.context import CrimePicture, Peers, crime_picture, peer_position
from csp_data.figures.overview import KindSummary, Overview
from csp_data.periods import Period
from csp_data.tables import TEXT
from csp_data.ui.charts import VegaSpec, finished
from csp_data.ui.context import FAST_HASH, FIGURES_PER_CACHE, benchmark_table, current_store, get_area, run_query
from csp_data.ui.tables import table_html


@functools.lru_cache(maxsize=4)
def _peers_of(area_file: str, area_mtime_ns: int, store_dir: str, table: str, table_mtime_ns: int) -> Peers | None:
    return peer_position(get_area(area_file), store_dir, read_table=benchmark_table)


def _peers(area_file: str, store_dir: str) -> Peers | None:
    """The area's position among similar areas, worked out once for each version of the ONS table it is read
    from, as that table is read once (:func:`csp_data.ui.context.benchmark_table`): loading police.uk months
    changes neither, so the first visit after a load does not work it out again. A copy each call."""
    area = get_area(area_file)
    try:
        table = bm.find_benchmark_table(store_dir, area.area_file.parent)
        key = (area_file, area.area_file.stat().st_mtime_ns, store_dir, str(table), table.stat().st_mtime_ns)
    except OSError:  # no table (or it went meanwhile): peer_position says so
        return peer_position(area, store_dir, read_table=benchmark_table)
    found = _peers_of(*key)
    return None if found is None else copy.copy(found)


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner="Putting the crime picture together…")
def _picture(
    area_file: str, store_version: str, period: Period, loaded: tuple[date, ...], population: int | None
) -> CrimePicture:
    """Computed once per (store version, period); the arguments are the cache key."""
    area = get_area(area_file)
    store = current_store(area)
    peers = _peers(area_file, str(store.root))
    return crime_picture(run_query, area, period, list(loaded), population, peers)


def picture(area: Area, period: Period, loaded: list[date], population: int | None) -> CrimePicture:
    return _picture(str(area.area_file), current_store(area).version(), period, tuple(loaded), population)


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner=False)
def _charts(
    area_file: str, store_version: str, period: Period, loaded: tuple[date, ...], population: int | None
) -> tuple[tuple[VegaSpec, str], tuple[VegaSpec, str]]:
    overview = _picture(area_file, store_version, period, loaded, population).overview
    return (
        (finished(charts.monthly_trend_chart(overview.monthly)), monthly_chart_alt(overview, period)),
        (finished(charts.crime_type_chart(overview.crime_types)), crime_type_chart_alt(overview)),
    )


def overview_charts(
    area: Area, period: Period, loaded: list[date], population: int | None
) -> tuple[tuple[VegaSpec, str], tuple[VegaSpec, str]]:
    """The monthly chart and the crime-type chart, each a specification and its text alternative."""
    return _charts(str(area.area_file), current_store(area).version(), period, tuple(loaded), population)


def monthly_chart_alt(overview: Overview, period: Period) -> str:
    """The monthly chart's text alternative: what it draws, and the months it leaves out."""
    return (
        f"Line chart of crimes and ASB incidents recorded each month in {overview.area_name}, "
        f"{period.span_label}; months that are not loaded are shaded and have no line."
    )


def crime_type_chart_alt(overview: Overview) -> str:
    """The crime-type chart's text alternative: what it draws and its largest bars."""
    crime = overview.crime_types[overview.crime_types["kind"] == "crime"].nlargest(3, "incidents")
    largest = "; ".join(f"{row.crime_type} {int(row.incidents):,}" for row in crime.itertuples())
    return (
        f"Bar chart of crimes by type, largest first. Largest: {largest}."
        if largest
        else "Bar chart of crimes by type."
    )


def show_kind(summary: KindSummary, title: str, noun: str, rate_label: str) -> None:
    """Count, rate and monthly average; a partial period says so on each figure."""
    st.header(title)
    columns = st.columns(3)
    columns[0].metric(f"{noun} recorded", f"{summary.count:,}{summary.partial_words}")
    if summary.rate_per_1000 is not None:
        columns[1].metric(rate_label, f"{summary.rate_per_1000:.1f}{summary.partial_words}")
    if summary.monthly_average is not None:
        columns[2].metric(
            f"{noun} a month (average)",
            f"{summary.monthly_average:,.0f}",
            help="The count divided by the months loaded: compare this, not the total, when a period is partial.",
        )


def show_context(picture: CrimePicture) -> None:
    st.header("The crime picture in context")
    labels = {"aspect": "Aspect", "finding": "What the data show", "figure": "Key figure"}
    st.html(table_html(picture.table, labels=labels, kinds=dict.fromkeys(labels, TEXT), name="The crime picture"))
    with st.expander("Why are there different crime rates?"):
        st.markdown(picture.three_figures_note)
        labels = {"source": "Source", "figure": "Figure", "period": "Period", "counts": "What it counts"}
        kinds = dict.fromkeys(labels, TEXT)
        st.html(table_html(picture.three_figures, labels=labels, kinds=kinds, name="Three crime rates"))
