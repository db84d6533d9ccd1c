"""Streamlit helpers shared by the pages: the only module of the package that imports Streamlit.

Caching follows Streamlit's guidance: the DuckDB database is a cached resource (one per store
version), query results are cached data keyed by the query name, its parameters and the store
version, and every cache is bounded.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pandas as pd
import streamlit as st

from csp_data.config import Area, load_area
from csp_data.errors import CspDataError
from csp_data.periods import Period, available_periods, describe_coverage, describe_gaps, latest_12_months
from csp_data.series import Counted, counted_choices
from csp_data.store import Store
from csp_data.store.geography import ward_population
from csp_data.store.queries import Database

PERIOD_KIND_LABELS = {
    "latest12": "Latest 12 months",
    "financial": "Financial year (April to March)",
    "calendar": "Calendar year",
}


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


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_query(area_file: str, store_dir: str, store_version: str, name: str, params: tuple) -> pd.DataFrame:
    return _database(area_file, store_dir, store_version).query(name, **dict(params))


def run_query(name: str, **params) -> pd.DataFrame:
    """Run a named query through the bounded cache; the result is a copy the caller may change."""
    area = current_area()
    store = current_store(area)
    return _cached_query(
        str(area.area_file), str(store.root), store.version(), name, tuple(sorted(params.items()))
    ).copy()


def loaded_months() -> list[date]:
    frame = run_query("loaded_months")
    return [pd.Timestamp(m).date() for m in frame["month"]]


@st.cache_data(max_entries=4, show_spinner=False)
def _area_population(area_file: str) -> int | None:
    frame = ward_population(get_area(area_file))
    return int(frame["population"].sum()) if len(frame) else None


def area_population(area: Area) -> int | None:
    return _area_population(str(area.area_file))


def sidebar_period(months: list[date]) -> Period | None:
    """The shared period control. Its choice is kept in the session, so it follows the user across pages."""
    st.sidebar.header("Period")
    choices = available_periods(months)
    if not months:
        st.sidebar.warning("No months are loaded yet.")
        return None
    label = st.sidebar.radio("Show", list(PERIOD_KIND_LABELS.values()), key="period_kind")
    kind = next(k for k, v in PERIOD_KIND_LABELS.items() if v == label)
    options = choices[kind]
    if len(options) == 1:
        period = options[0]
    else:
        labels = [p.label for p in options]
        chosen = st.sidebar.selectbox("Which", labels, key=f"period_{kind}")
        period = options[labels.index(chosen)]
    st.sidebar.caption(describe_coverage(period, months))
    st.sidebar.caption(describe_gaps(months))
    return period


def forces_note(area: Area) -> str:
    """The sentence saying which force's incidents the totals count (and how many others are left out)."""
    from csp_data.store.forces import describe_forces

    others = run_query("other_force_counts")
    return describe_forces(area.territorial_forces, int(others["incidents"].sum()), others["force"].nunique())


def download_table(frame: pd.DataFrame, file_name: str, label: str = "Download this table (CSV)") -> None:
    st.download_button(
        label,
        frame.to_csv(index=False).encode("utf-8"),
        file_name=file_name,
        mime="text/csv",
        key=f"download_{file_name}",
    )


log = logging.getLogger("csp_dashboard")

UNEXPECTED = (
    "Something went wrong while preparing this part of the page. The problem has been logged for the "
    "site's maintainers; try reloading the page, or choose another period."
)


def error_text(error: BaseException) -> str:
    """What the user reads: the package's own messages as they stand; anything else a generic
    sentence, with the traceback logged (never shown: it can hold server paths and internals)."""
    if isinstance(error, CspDataError):
        return _without_paths(str(error))
    log.error("unexpected error while rendering a page", exc_info=error)
    return UNEXPECTED


_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[^\s/:,'\"()]+/)+([^\s/:,'\"()]+)")


def _without_paths(text: str) -> str:
    """The message with every absolute server path cut to its last part (a file name says enough)."""
    return _ABSOLUTE_PATH.sub(r"\1", text)


def show_error(error: BaseException, what_to_do: str = "") -> None:
    """A user-facing error: what went wrong and what to do, never a traceback."""
    text = error_text(error)
    if what_to_do and isinstance(error, CspDataError):
        text = f"{text}\n\n{what_to_do}"
    st.error(text)


@contextmanager
def guard(what_to_do: str = "", *, stop: bool = True) -> Iterator[None]:
    """The one error path of the pages: any failure inside becomes a message (and a log entry).

    With ``stop`` (the default) the page stops there; otherwise the rest of the page goes on, for a
    section that can fail on its own. Streamlit's own stop and rerun signals pass through.
    """
    try:
        yield
    except Exception as error:  # noqa: BLE001 - the one place where every failure becomes a message
        show_error(error, what_to_do)
        if stop:
            st.stop()


from csp_data.words import slug  # noqa: E402,F401 - pages name their downloads with ui.slug

STORE_HELP = "Check the store with `python -m csp_data status`, then reload the page."


def loaded_period() -> tuple[list[date], Period]:
    """The loaded months and the sidebar's period; stops the page with a message when none are loaded."""
    with guard(STORE_HELP):
        months = loaded_months()
    if not months:
        st.info("No police.uk months are loaded. Load some with `python -m csp_data ingest PATH`.")
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
