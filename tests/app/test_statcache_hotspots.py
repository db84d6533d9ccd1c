"""AppTest: the Hotspots page's statistics survive a clear of Streamlit's caches. After a clear and a
rerun (and in a new session) the Gi* test, the repeat locations and the emerging-hotspot tests are not
computed again (calls counted), and the page shows the same figures; with the stored statistics
removed, they are computed again (so the counting can fail)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from csp_data.figures import emerging, hotspots
from csp_data.store.statcache import wait_for_writes
from helpers import ROOT, shown_tables

APP = str(ROOT / "app.py")
GILLINGHAM_SOUTH = "E05014455"  # a ward of the current (2023) wards
PAGE = "views/hotspots.py"


@pytest.fixture
def counted(monkeypatch, tmp_path):
    """A copy of the embedded store for the app, and the calls of the three expensive functions."""
    store = tmp_path / "store"
    # Without the statistics the app may already have kept beside the embedded store.
    shutil.copytree(
        ROOT / "data" / "medway" / "store", store, symlinks=True, ignore=shutil.ignore_patterns("statcache")
    )
    monkeypatch.setenv("CSP_STORE_DIR", str(store))
    calls = {"compute_hotspots": 0, "repeat_locations": 0, "emerging_hotspots": 0}
    for module, name in (
        (hotspots, "compute_hotspots"),
        (hotspots, "repeat_locations"),
        (emerging, "emerging_hotspots"),
    ):
        real = getattr(module, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)
    clear_streamlit_caches()
    yield store, calls
    clear_streamlit_caches()


def clear_streamlit_caches() -> None:
    """What a browser's clear_cache message does: every st.cache_data and st.cache_resource entry goes."""
    st.cache_data.clear()
    st.cache_resource.clear()


def figures(at: AppTest) -> tuple:
    metrics = tuple((m.label, m.value) for m in at.metric)
    shown = shown_tables(at)
    tables = tuple(len(table.value) for table in shown)
    return metrics, tables, shown[0].value["cell_id"].tolist()


def open_hotspots() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    return at


def test_a_cache_clear_costs_no_recomputation(counted):
    store, calls = counted
    at = open_hotspots()
    assert calls == {"compute_hotspots": 1, "repeat_locations": 1, "emerging_hotspots": 1}
    shown = figures(at)
    assert wait_for_writes(timeout=60)  # on disk: what follows reads the files, not the writer's copies
    assert (store / "statcache").is_dir()

    clear_streamlit_caches()
    at.run()
    assert not at.exception and not at.error
    assert calls == {"compute_hotspots": 1, "repeat_locations": 1, "emerging_hotspots": 1}
    assert figures(at) == shown

    clear_streamlit_caches()
    assert figures(open_hotspots()) == shown  # a new session after the clear
    assert calls == {"compute_hotspots": 1, "repeat_locations": 1, "emerging_hotspots": 1}

    shutil.rmtree(store / "statcache")
    clear_streamlit_caches()
    at.run()
    assert calls == {"compute_hotspots": 2, "repeat_locations": 2, "emerging_hotspots": 2}
    assert figures(at) == shown


def test_another_crime_type_is_its_own_entry(counted):
    store, calls = counted
    at = open_hotspots()
    at.selectbox(key="hotspots_filter").set_value("asb").run()
    assert not at.exception and not at.error
    assert calls["compute_hotspots"] == 2
    clear_streamlit_caches()
    at.run()
    assert calls["compute_hotspots"] == 2
    assert wait_for_writes(timeout=60)
    (version,) = (store / "statcache").iterdir()
    assert sorted(p.name.split("-")[0] for p in version.iterdir()) == [
        "emerging",
        "emerging",
        "hotspot_map",
        "hotspot_map",
        "hotspots",
        "hotspots",
        "repeat_locations",
        "repeat_locations",
        "top_streets",
        "top_streets",
    ]


def test_every_crime_type_kept_at_start_is_read_not_computed(counted, monkeypatch):
    """What deploy/warm.py does when a replica starts: every choice of the box for the default period is
    computed once and kept, its map and the area's top streets too; a visitor then changes the crime type
    through all of them with nothing computed or queried again (even with Streamlit's caches empty), until
    a ward is chosen for the top streets."""
    from csp_data.config import load_area
    from csp_data.figures import streets
    from csp_data.maps import hotspots as hotspot_maps
    from csp_data.ui.hotspots_kept import store_every_choice

    store, calls = counted
    real_deck, decks = hotspot_maps.hotspot_deck, []
    monkeypatch.setattr(hotspot_maps, "hotspot_deck", lambda *a, **k: decks.append(1) or real_deck(*a, **k))
    real_streets, wards = streets.top_streets, []
    monkeypatch.setattr(streets, "top_streets", lambda *a, **k: wards.append(k["ward_code"]) or real_streets(*a, **k))
    area = load_area(None)
    assert store_every_choice(area, seconds=0) == (0, 15)  # out of time before the first: nothing done
    assert calls == {"compute_hotspots": 0, "repeat_locations": 0, "emerging_hotspots": 0}
    assert store_every_choice(area) == (15, 15)  # all crime, ASB and the 13 crime types of 2025
    assert calls == {"compute_hotspots": 15, "repeat_locations": 15, "emerging_hotspots": 15}
    assert len(decks) == 15 and wards == [None] * 15
    assert store_every_choice(area) == (15, 15)  # kept: read, not computed
    assert calls["compute_hotspots"] == 15 and len(decks) == 15 and len(wards) == 15
    at = open_hotspots()
    options = at.selectbox(key="hotspots_filter").options
    assert len(options) == 15
    for index in range(1, len(options)):
        at.selectbox(key="hotspots_filter").select_index(index).run()
        assert not at.exception and not at.error
    assert calls == {"compute_hotspots": 15, "repeat_locations": 15, "emerging_hotspots": 15}
    assert len(decks) == 15 and len(wards) == 15
    shown = top_streets_shown(at)  # read from the store's statistics
    assert len(shown) == 10
    at.selectbox(key="hotspots_ward").set_value(GILLINGHAM_SOUTH).run()  # a ward's top streets are queried
    assert not at.exception and not at.error
    assert wards[15:] == [GILLINGHAM_SOUTH]
    assert not top_streets_shown(at).equals(shown)


def top_streets_shown(at: AppTest):
    """The figures of the page's top-streets table (the one whose share column names a ward or the area)."""
    (table,) = [t for t in shown_tables(at) if "share" in t.names]
    return table.value


def test_kept_periods_default_first_then_every_year_latest_ending_first_each_once():
    """Worked by hand for the embedded data's months: Jan-Nov 2022, Jan-Apr 2024 and 2025."""
    from datetime import date

    from csp_data.periods import month_range
    from csp_data.ui.hotspots_kept import kept_periods

    loaded = [
        *month_range(date(2022, 1, 1), date(2022, 11, 1)),
        *month_range(date(2024, 1, 1), date(2024, 4, 1)),
        *month_range(date(2025, 1, 1), date(2025, 12, 1)),
    ]
    expected = [
        ("Latest 12 months", date(2025, 1, 1), date(2025, 12, 1)),  # and calendar year 2025, the same months
        ("Financial year 2025/26", date(2025, 4, 1), date(2026, 3, 1)),
        ("Financial year 2024/25", date(2024, 4, 1), date(2025, 3, 1)),
        ("Calendar year 2024", date(2024, 1, 1), date(2024, 12, 1)),
        ("Financial year 2023/24", date(2023, 4, 1), date(2024, 3, 1)),
        ("Financial year 2022/23", date(2022, 4, 1), date(2023, 3, 1)),
        ("Calendar year 2022", date(2022, 1, 1), date(2022, 12, 1)),
        ("Financial year 2021/22", date(2021, 4, 1), date(2022, 3, 1)),
    ]
    assert [(p.label, p.first, p.last) for p in kept_periods(loaded)] == expected
    assert [p.label for p in kept_periods(list(reversed(loaded)))] == [e[0] for e in expected]
    # One month loaded, March 2025: the latest 12 months are April 2024 to March 2025, which is financial
    # year 2024/25 (kept once, as the default); calendar year 2025 is other months.
    assert [(p.label, p.first, p.last) for p in kept_periods([date(2025, 3, 1)])] == [
        ("Latest 12 months", date(2024, 4, 1), date(2025, 3, 1)),
        ("Calendar year 2025", date(2025, 1, 1), date(2025, 12, 1)),
    ]


def test_every_other_year_kept_at_start_is_read_not_computed(counted, monkeypatch):
    """The warm-up's second part: the other years' choices (here one financial year, to keep the test
    short) are computed once at a lower priority and kept; a councillor who chooses that year and then
    every crime type in turn makes nothing be computed, while the default period is left to the first part."""
    from csp_data.config import load_area
    from csp_data.ui import hotspots_kept as hotspot_ui

    store, calls = counted
    real = hotspot_ui.kept_periods
    monkeypatch.setattr(hotspot_ui, "kept_periods", lambda loaded: [p for p in real(loaded) if p.label in LABELS_KEPT])
    area = load_area(None)
    with pytest.raises(ValueError, match="periods should be"):
        hotspot_ui.store_every_choice(area, periods="every")
    # Apr-Nov 2022: all crime, ASB and the 13 crime types recorded then (independently: the distinct
    # types in the store's files for those months).
    choices = 2 + FY_2022_23_TYPES
    assert hotspot_ui.store_every_choice(area, seconds=0, periods="others") == (0, choices)
    assert calls["compute_hotspots"] == 0
    assert hotspot_ui.store_every_choice(area, periods="others") == (choices, choices)
    # No rising-squares test: the 11 months loaded up to March 2023 are too few for it.
    assert calls == {"compute_hotspots": choices, "repeat_locations": choices, "emerging_hotspots": 0}
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["period_kind"] = "Financial year (April to March)"
    at.session_state["period_financial"] = "Financial year 2022/23"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    options = at.selectbox(key="hotspots_filter").options
    assert len(options) == choices
    for index in range(1, len(options)):
        at.selectbox(key="hotspots_filter").select_index(index).run()
        assert not at.exception and not at.error
    assert calls == {"compute_hotspots": choices, "repeat_locations": choices, "emerging_hotspots": 0}
    at.sidebar.radio(key="period_kind").set_value("Latest 12 months").run()  # not kept by this part
    assert not at.exception and not at.error
    assert calls == {"compute_hotspots": choices + 1, "repeat_locations": choices + 1, "emerging_hotspots": 1}


LABELS_KEPT = ("Latest 12 months", "Financial year 2022/23")
FY_2022_23_TYPES = 13


def test_a_period_ending_in_the_same_month_reads_the_kept_rising_squares_with_its_own_hot_marks(counted):
    """The rising-squares test runs on every loaded month up to the period's end, so a custom period
    ending in the latest month (July to December 2025) reads the test kept for the latest 12 months:
    computed once. Its "Hotspot now" marks are its own: exactly the rising squares among its hot squares.
    A period ending in another month (to September 2025) is a test of its own."""
    from datetime import date

    store, calls = counted
    at = open_hotspots()
    assert calls["emerging_hotspots"] == 1

    def marks(at: AppTest) -> tuple[set, set, set]:
        """The shown hot squares' ids, the rising squares' ids and those of them marked hot now."""
        hot, *_, rising = [t.value for t in shown_tables(at) if "cell_id" in t.value]
        return set(hot["cell_id"]), set(rising["cell_id"]), set(rising.loc[rising["currently_hot"], "cell_id"])

    hot_year, rising_year, marked_year = marks(at)
    at.sidebar.radio(key="period_kind").set_value("Custom months").run()
    at.sidebar.selectbox(key="period_custom_first").set_value(date(2025, 7, 1)).run()
    assert not at.exception and not at.error
    assert calls == {"compute_hotspots": 2, "repeat_locations": 2, "emerging_hotspots": 1}
    hot_half, rising_half, marked_half = marks(at)
    assert rising_half == rising_year  # the same test
    assert marked_year == rising_year & hot_year and marked_half == rising_half & hot_half
    assert marked_half != marked_year  # here 4 rising squares are hot in July-December, none over the year

    at.sidebar.selectbox(key="period_custom_last").set_value(date(2025, 9, 1)).run()
    assert not at.exception and not at.error
    assert calls["emerging_hotspots"] == 2


def test_the_area_top_streets_are_queried_once_beside_the_hotspots_and_are_what_the_page_shows(counted, monkeypatch):
    """A choice not kept yet: the area's top streets are computed in their own thread while the page computes
    the hotspots, once; the page shows them (the same rows as computed directly), and a rerun starts nothing."""
    import threading

    from csp_data.config import load_area
    from csp_data.figures import streets
    from csp_data.periods import available_periods
    from csp_data.series import matched_months
    from csp_data.store import Store
    from csp_data.store.queries import Database
    from csp_data.ui import hotspots_kept

    store, _ = counted
    real_streets, threads = streets.top_streets, []

    def counting(*args, **kwargs):
        threads.append((threading.current_thread().name, kwargs["ward_code"]))
        return real_streets(*args, **kwargs)

    monkeypatch.setattr(streets, "top_streets", counting)
    real_start, started = hotspots_kept.start_area_streets, []
    monkeypatch.setattr("csp_data.ui.hotspots.start_area_streets", lambda *a, **k: started.append(real_start(*a, **k)))
    at = open_hotspots()
    assert started == [True]
    assert len(threads) == 1 and threads[0][0].startswith("hotspots-streets") and threads[0][1] is None
    shown = top_streets_shown(at)
    at.run()
    assert started == [True, False] and len(threads) == 1  # kept: nothing started or queried again

    area = load_area(None)
    database = Database(area, Store(store))
    try:
        loaded = database.loaded_months()
        (period,) = available_periods(loaded)["latest12"]
        direct = hotspots_kept.streets_of(
            database.query, area, period.first, period.last, "crime", None, None, matched_months(period, loaded)
        )
    finally:
        database.close()
    assert shown["incidents"].tolist() == direct["incidents"].tolist()
    assert shown["location"].tolist() == direct["location"].tolist()


@pytest.mark.parametrize(
    ("first", "last", "kind", "crime_type"),
    [
        ((2025, 7), (2025, 12), "crime", None),
        ((2025, 7), (2025, 12), "crime", "Burglary"),
        ((2022, 1), (2025, 12), "asb", None),
        ((2024, 2), (2024, 3), "crime", "Bicycle theft"),
        ((2023, 1), (2023, 6), "crime", None),  # no month loaded
    ],
)
def test_a_periods_points_from_memory_are_the_querys_rows(counted, monkeypatch, first, last, kind, crime_type):
    """A period's snap points are filtered from every month's, queried once a store version: the same rows in
    the same order as the period's own query, which is asked only when the store is too big to keep."""
    from datetime import date

    from csp_data.config import load_area
    from csp_data.store import Store
    from csp_data.store.queries import Database
    from csp_data.ui import hotspots_kept

    store, _ = counted
    area = load_area(None)
    database = Database(area, Store(store))
    asked = []
    hotspots_kept._POINTS.clear()

    def query(name, **params):
        asked.append((name, params.get("first")))
        return database.query(name, **params)

    try:
        version = database.snapshot.version
        first, last = date(*first, 1), date(*last, 1)
        direct = database.query("hotspot_points", first=first, last=last, kind=kind, crime_type=crime_type)
        kept = hotspots_kept.period_points(area, version, query, first, last, kind, crime_type)
        pd.testing.assert_frame_equal(kept, direct)
        hotspots_kept.period_points(area, version, query, first, last, kind, crime_type)
        once = ["coverage_ledger", "hotspot_points"]  # every month's, once (and a period with none: its own)
        assert [name for name, _ in asked] == once + (["hotspot_points"] * 2 if direct.empty else [])
        monkeypatch.setattr(hotspots_kept, "MAX_POINTS_KEPT", 10)
        asked.clear()
        pd.testing.assert_frame_equal(
            hotspots_kept.period_points(area, version + "-small", query, first, last, kind, crime_type), direct
        )
        assert asked == [("coverage_ledger", None), ("hotspot_points", first)]  # too big to keep: the period's own
    finally:
        database.close()


def test_a_store_that_cannot_keep_statistics_does_not_query_the_streets_ahead_on_every_rerun(counted, monkeypatch):
    """With the statistics folder unwritable, the area's top streets were queried ahead again on every rerun of
    the page (nothing is ever kept, so it never looked done): once per choice in a process, now."""
    from csp_data.figures import streets
    from csp_data.ui import hotspots_kept

    store, _ = counted
    (store / "statcache").write_text("not a folder")  # as a read-only store: nothing can be kept
    hotspots_kept._STARTED.clear()
    real, calls = streets.top_streets, []
    monkeypatch.setattr(streets, "top_streets", lambda *a, **k: calls.append(k["ward_code"]) or real(*a, **k))
    at = open_hotspots()
    opened = len(calls)
    assert 1 <= opened <= 2  # ahead, and the page's own if the one ahead could not be kept in time
    for _ in range(3):
        at.run()
        assert not at.exception and not at.error
    assert len(calls) == opened
