"""What the Hotspots page keeps with the store: each choice's Gi* statistics, repeat locations, rising
squares, map and area-wide top streets (:mod:`csp_data.store.statcache`), computed the first time they are
asked for (by a visitor, or by the warm-up a replica runs at start, :func:`store_every_choice`) and read
after that by every process, whatever happens to Streamlit's caches."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pandas as pd

from csp_data import change, words
from csp_data.charts import colours
from csp_data.config import Area
from csp_data.figures import emerging, gistar, hotspots, streets
from csp_data.maps import DeckJson, deck_json, ward_shapes
from csp_data.maps import deck as maps_deck
from csp_data.maps import hotspots as hotspot_maps
from csp_data.maps import wards as maps_wards
from csp_data.periods import Period, available_periods
from csp_data.series import Counted, MatchedMonths, RunQuery, counted_choices, matched_months
from csp_data.store import queries as store_queries
from csp_data.store.geography import ward_boundaries
from csp_data.store.queries import Database, load_queries
from csp_data.store.statcache import StatCache, code_fingerprint, entry_digest, store_statcache, wait_for_writes
from csp_data.ui.context import current_store


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


#: The most rows of one kind's snap-point counts kept in memory for every month (about 140 bytes a row:
#: Medway's 27 months of crime are 41,000 rows, 5.5 MB); a store with more asks DuckDB for each period.
MAX_POINTS_KEPT = 1_000_000
_POINTS: OrderedDict[tuple, pd.DataFrame | None] = OrderedDict()
_POINTS_LOCK = threading.Lock()


def period_points(
    area: Area, store_version: str, query: RunQuery, first: date, last: date, kind: str, crime_type: str | None
) -> pd.DataFrame:
    """The ``hotspot_points`` rows of ``first`` to ``last``, as the query gives them (the same rows, in the same
    order): taken from every month's rows of ``kind``, queried once per store version and kept in memory, so
    that a period or crime type asked for the first time costs a filter (2 ms) instead of a query (30 ms)."""
    key = (str(current_store(area).root), str(area.area_file), store_version, kind)
    with _POINTS_LOCK:
        every = _POINTS.get(key, False)
    if every is False:  # the rows kept by every force bound the points: a store too big is never read whole
        if int(query("coverage_ledger")["rows_kept"].sum()) <= MAX_POINTS_KEPT:
            every = query("hotspot_points", first=date(1900, 1, 1), last=date(9999, 12, 1), kind=kind, crime_type=None)
        else:
            every = None
        with _POINTS_LOCK:
            _POINTS[key] = every
            while len(_POINTS) > 4:  # two kinds of two store versions (the one read and the one before)
                _POINTS.popitem(last=False)
    chosen = None
    if every is not None:
        chosen = (every["month"] >= pd.Timestamp(first)) & (every["month"] <= pd.Timestamp(last))
        if crime_type is not None:
            chosen &= every["crime_type"] == crime_type
    if chosen is None or not chosen.any():  # too big to keep, or none: as the query gives it (its empty columns)
        return query("hotspot_points", first=first, last=last, kind=kind, crime_type=crime_type)
    return every[chosen].reset_index(drop=True)


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
        points = period_points(area, store_version, query, months[0], months[-1], kind, crime_type)
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
            points.append(period_points(area, store_version, query, first, last, kind, crime_type))
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


def streets_of(
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
    return _statistics(area, store_version).get(
        "top_streets",
        _streets_key(area, first, last, kind, crime_type, matched),
        lambda: streets_of(query, area, first, last, kind, crime_type, None, matched),
        pd.DataFrame,
        modules=_STREETS_CODE,
    )


_STREETS_CODE = (streets, change)
#: One thread for the area's top streets asked for ahead (:func:`start_area_streets`), and the choices it has
#: been given in this process (each once: a store whose statistics cannot be kept would otherwise be asked
#: again on every rerun).
_AHEAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hotspots-streets")
_STARTED: OrderedDict[str, None] = OrderedDict()


def _new_ahead_thread() -> None:
    global _AHEAD, _POINTS_LOCK
    _AHEAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hotspots-streets")
    _POINTS_LOCK = threading.Lock()
    _STARTED.clear()


os.register_at_fork(after_in_child=_new_ahead_thread)  # a forked child has none of its parent's threads


def _streets_key(
    area: Area, first: date, last: date, kind: str, crime_type: str | None, matched: MatchedMonths
) -> dict:
    return {
        **_choice_key(area, first, last, kind, crime_type),
        "vintage": area.current_wards.vintage,
        "basis": matched.basis,
        "compared": matched.current_months,
        "previous": matched.previous_months,
        "sql": load_queries()["top_streets"].sql,
    }


def start_area_streets(
    area: Area,
    store_version: str,
    query: RunQuery,
    first: date,
    last: date,
    kind: str,
    crime_type: str | None,
    matched: MatchedMonths,
) -> bool:
    """Start computing :func:`stored_area_streets` in a thread of its own when they are not kept yet, so that
    their query runs while the page computes the hotspots (DuckDB works outside Python's lock, on the other
    core); the page's own call then reads them, or waits for them if they are still being computed. ``query``
    must be safe to call from any thread (a :class:`Database`'s). Returns whether it was started."""
    key = _streets_key(area, first, last, kind, crime_type, matched)
    started = entry_digest("top_streets", {**key, "store": str(current_store(area).root), "version": store_version})
    with _POINTS_LOCK:
        if started in _STARTED:
            return False
        _STARTED[started] = None
        while len(_STARTED) > 256:
            _STARTED.popitem(last=False)
    if _statistics(area, store_version).has("top_streets", key, _STREETS_CODE):
        return False
    _AHEAD.submit(stored_area_streets, area, store_version, query, first, last, kind, crime_type, matched)
    return True


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
