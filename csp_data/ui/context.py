"""The area, its store and the DuckDB database a page reads, with Streamlit's bounded caches keyed by the
store's version (every committed load changes it, so new data is never hidden)."""

from __future__ import annotations

import functools
import os
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data.config import Area, load_area
from csp_data.periods import Period, latest_12_months
from csp_data.series import Counted, counted_choices
from csp_data.store import Store, StoreError
from csp_data.store.forces import territorial_force_missing
from csp_data.store.geography import ward_population
from csp_data.store.queries import Database
from csp_data.ui.errors import guard

#: ``hash_funcs`` for every ``st.cache_data`` of the app. Streamlit has no quick path for a ``datetime.date``
#: and tries a dozen type checks and a pickle for each (about 0.07 ms; 2 ms for the loaded months), on every
#: rerun, for every cached call. Its ISO text is as exact and far quicker (Streamlit puts the type's name
#: before whatever a hash function returns, so a date never equals its text). Datetimes keep Streamlit's path.
FAST_HASH = {date: date.isoformat}


@st.cache_resource(max_entries=4)
def get_area(area_file: str | None = None) -> Area:
    return load_area(area_file)


def current_area() -> Area:
    return get_area(os.environ.get("CSP_AREA_FILE"))


def current_store(area: Area) -> Store:
    return Store(os.environ.get("CSP_STORE_DIR") or area.store_dir)


@st.cache_resource(max_entries=2)
def _database(area_file: str, store_dir: str, store_version: str) -> Database:
    return Database(get_area(area_file), Store(store_dir))


def database(area: Area) -> Database:
    """The DuckDB database over the area's store, rebuilt when a load changes the store."""
    store = current_store(area)
    return _database(str(area.area_file), str(store.root), store.version())


@st.cache_data(hash_funcs=FAST_HASH, max_entries=512, show_spinner=False)
def _cached_query(area_file: str, store_dir: str, store_version: str, name: str, params: tuple) -> pd.DataFrame:
    return _database(area_file, store_dir, store_version).query(name, **dict(params))


def run_query(name: str, **params) -> pd.DataFrame:
    """Run a named query through the bounded cache; the result is a copy the caller may change."""
    area = current_area()
    store = current_store(area)
    return _cached_query(
        str(area.area_file), str(store.root), store.version(), name, tuple(sorted(params.items()))
    ).copy()


@st.cache_data(max_entries=4, show_spinner=False)
def _loaded_months(area_file: str, store_dir: str, store_version: str) -> tuple[date, ...]:
    return tuple(Store(store_dir).loaded_months(get_area(area_file).territorial_force_keys))


def loaded_months() -> list[date]:
    """The months loaded for the area, read from the store's ledger: a page that shows no police.uk figure
    (Benchmarking) never opens the DuckDB database."""
    area = current_area()
    store = current_store(area)
    return list(_loaded_months(str(area.area_file), str(store.root), store.version()))


@st.cache_data(hash_funcs=FAST_HASH, max_entries=4, show_spinner=False)
def _area_population(area_file: str) -> int | None:
    frame = ward_population(get_area(area_file))
    return int(frame["population"].sum()) if len(frame) else None


def area_population(area: Area) -> int | None:
    return _area_population(str(area.area_file))


@functools.lru_cache(maxsize=4)
def _benchmark_table(path: str, mtime_ns: int) -> pd.DataFrame:
    from csp_data.benchmarks import read_benchmark_table

    return read_benchmark_table(path)


def benchmark_table(path: str | Path, mtime_ns: int | None = None) -> pd.DataFrame:
    """The ONS benchmark table at ``path`` (:func:`csp_data.benchmarks.find_benchmark_table`), read once for
    each version of the file (``mtime_ns``, else the file's own) and shared by the pages that use it (the
    Overview, Priorities and Benchmarking): a frame that its callers must not change. A load of police.uk
    months leaves it as it is."""
    if mtime_ns is None:
        try:
            mtime_ns = Path(path).stat().st_mtime_ns
        except OSError:  # no such file: the reader says so (a call that raises is not cached)
            mtime_ns = -1
    return _benchmark_table(str(path), mtime_ns)


def forces_note(area: Area, where: str = "on the Data and methods page") -> str:
    """The sentence saying which force's incidents the totals count (and how many others are left out, and
    ``where`` they are shown)."""
    from csp_data.store.forces import describe_forces

    others = run_query("other_force_counts")
    return describe_forces(area.territorial_forces, int(others["incidents"].sum()), others["force"].nunique(), where)


#: How many choices (period, crime type, ward…) each page's figure cache keeps. A busy public site sees
#: many combinations; with 32 the caches evicted figures that visitors asked for again a minute later
#: (bench/load.py), and an entry is small (figures and chart specifications, tens of kB).
FIGURES_PER_CACHE = 256

#: The hint under a message about the data store: what a visitor can do (maintainers find the detail logged).
STORE_HELP = "Try reloading the page; if this keeps happening, please tell the site's maintainers."
#: What a page says before any police.uk month is loaded.
NO_MONTHS = "No police.uk months are loaded yet, so there are no figures to show."


def no_months_message() -> str:
    """What a page says when the area has no month: :data:`NO_MONTHS`, or, when the store holds months of
    other forces only, that the area file's territorial_forces should be checked (as ``status`` says)."""
    area = current_area()
    store = current_store(area)
    try:
        ledger = store.read_ledger().to_pylist()
    except StoreError:
        return NO_MONTHS
    missing = territorial_force_missing(area.territorial_forces, area.territorial_force_keys, ledger)
    if missing is None:
        return NO_MONTHS
    return (
        f"No months of {area.short_name}'s own police force are loaded, so there are no figures to show. "
        f"For the site's maintainers: {missing}."
    )


def loaded_period() -> tuple[list[date], Period]:
    """The loaded months and the sidebar's period; stops the page with a message when none are loaded."""
    with guard(STORE_HELP):
        months = loaded_months()
    if not months:
        st.info(no_months_message())
        st.stop()
    # The sidebar in app.py sets the period; should a page run without it, use the latest 12 months.
    return months, st.session_state.get("period") or latest_12_months(months)


def period_incident_filters(period: Period) -> list[Counted]:
    """The choices of ASB, all crime and each crime type recorded in ``period`` (the query is cached and
    shared by the pages); stops the page with a
    message when the store cannot be read."""
    with guard(STORE_HELP):
        held_types = run_query("crime_type_counts", first=period.first, last=period.last)
        return counted_choices(held_types["crime_type"])
