"""AppTest: the Seasonality page with the embedded year of data and with a two-year fixture store.

The two-year store is built from the shared raw files (January-April 2024 and January-December 2025;
May-December 2024 are missing, a real gap). Expected figures are counted from the raw CSV files here,
independently of the package.
"""

from __future__ import annotations

import csv
import math
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from helpers import open_folds, shown_tables

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "data" / "raw"
PAGE = "views/seasonality.py"


def raw_dir() -> Path:
    if not RAW.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the shared data at {RAW}")
        pytest.skip(f"shared data not found at {RAW}")
    return RAW


def run_page(series: str | None = None, folds_open: bool = True, **session) -> AppTest:
    """Run the app on the Seasonality page; widget values are set before the run. With ``folds_open``, every
    table behind a chart and the crime-type charts are opened, as a visitor's clicks would."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in session.items():
        at.session_state[key] = value
    if series is not None:
        at.session_state["seasonality_series"] = series
    at.run()
    at.switch_page(PAGE).run()
    return open_folds(at) if folds_open else at


def texts(elements) -> str:
    return "\n".join(e.value for e in elements)


def raw_medway_counts(*folders: Path) -> dict[tuple[date, str], int]:
    """(month, 'asb'|'crime') -> rows with a Medway LSOA name in the raw police.uk files."""
    counts: dict[tuple[date, str], int] = {}
    for folder in folders:
        for path in sorted(folder.glob("*-street.csv")):
            with open(path, newline="", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    if row["LSOA name"].rsplit(" ", 1)[0] != "Medway":
                        continue
                    key = (
                        date.fromisoformat(row["Month"] + "-01"),
                        "asb" if row["Crime type"] == "Anti-social behaviour" else "crime",
                    )
                    counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.fixture(scope="module")
def two_year_store(tmp_path_factory):
    """A store holding January-April 2024 and all of 2025, ingested from the raw files."""
    raw = raw_dir()
    from csp_data.config import load_area
    from csp_data.store import Store
    from csp_data.store.ingest import ingest

    folders = [raw / "police_uk_kent_2024_jan_apr", raw / "police_uk_kent_2025"]
    paths = [str(p) for folder in folders for p in sorted(folder.glob("*-street.csv"))]
    root = tmp_path_factory.mktemp("two-year-store")
    ingest(paths, load_area(None), Store(root))
    return root, raw_medway_counts(*folders)


# -- the embedded store: 27 months with two real gaps ---------------------------------------------


def test_embedded_history_with_gaps():
    at = run_page()
    assert not at.exception
    assert at.title[0].value == "Medway: seasonality and trends"
    info = texts(at.info)
    assert "No expected range is drawn" not in info  # 2022 and 2024 give 2025 an expected range
    warning = texts(at.warning)
    # The one change rule: January–April 2025 against the same months of 2024 (1,430 ASB incidents:
    # 296 + 329 + 362 + 443 in SOURCES.md), the rest left out and said so.
    assert "Jan 2025 to Apr 2025 (1,484) against Jan 2024 to Apr 2024 (1,430)" in warning
    captions = texts(at.caption)
    assert "Missing: Dec 2022 to Dec 2023, May 2024 to Dec 2024. These months are shown as gaps" in captions
    assert "2022/23 (partial: 8 of 12 months)" in captions and "2025/26 (partial: 9 of 12 months)" in captions
    assert "the latest, anti-social behaviour in the 12 months to Dec 2025, is 5,507." in captions
    series = at.selectbox(key="seasonality_series")
    # One order and one name on every page (issue 12): all crime, ASB, then the categories A-Z.
    assert series.options[:3] == ["All crime", "Anti-social behaviour (ASB)", "Bicycle theft"]
    assert len(series.options) == 2 + 13  # ASB, all crime and the 13 crime types of 2025
    charts = at.get("vega_lite_chart")
    # Overlay, expected range, heat map, trend, and one panel per crime type recorded in 2025 (13); the one
    # rolling total is given in words.
    assert len(charts) == 4 + 13
    assert len(at.get("download_button")) == 6


def test_one_year_tables_behind_the_charts():
    at = run_page()
    overlay = shown_tables(at)[0]
    assert overlay.headings[:3] == ["Financial year", "Month", "Incidents"]
    asb_2025 = overlay.value[overlay.value["financial_year"] == "2025/26"].set_index("month")["incidents"]
    assert asb_2025["2025-04-01"] == 503 and asb_2025["2025-07-01"] == 674
    assert pd.isna(asb_2025["2026-01-01"])  # Jan 2026 not loaded: an empty cell, never 0
    shown = overlay.text.set_index("Month").loc[["Apr 2025", "Jan 2026"], ["Incidents", "Month loaded"]]
    assert shown.to_dict("records") == [
        {"Incidents": "503", "Month loaded": "yes"},
        {"Incidents": "", "Month loaded": "no"},
    ]
    trend = shown_tables(at)[4].value
    assert trend["incidents"].tolist() == [247, 296, 438, 503, 541, 523, 674, 587, 428, 451, 439, 380]


def test_choosing_a_crime_type():
    at = run_page(series="crime:Shoplifting")
    assert not at.exception
    assert at.header[0].value == "Shoplifting: financial years overlaid"
    trend = shown_tables(at)[4].value
    assert int(trend["incidents"].sum()) == 2343  # SOURCES.md: Medway shoplifting in 2025


def test_all_crime_and_calendar_year():
    at = run_page(series="crime", period_kind="Calendar year")
    assert not at.exception
    assert "Trend in the chosen period (Jan 2025 to Dec 2025)" in texts(at.header)
    assert int(shown_tables(at)[4].value["incidents"].sum()) == 25082


# -- a two-year store with a gap -----------------------------------------------------------------


def test_two_years_draw_the_expected_range_and_keep_the_gap(two_year_store, monkeypatch):
    root, raw = two_year_store
    monkeypatch.setenv("CSP_STORE_DIR", str(root))
    at = run_page()
    assert not at.exception
    captions = texts(at.caption)
    assert "Months loaded: Jan 2024 to Apr 2024, Jan 2025 to Dec 2025. Missing: May 2024 to Dec 2024." in captions
    assert "shown as gaps, never as zeros" in captions
    assert (
        "2023/24 (partial: 3 of 12 months); 2024/25 (partial: 4 of 12 months); 2025/26 (partial: 9 of 12 months)"
        in captions
    )

    markdown = texts(at.markdown)
    assert "Expected range (95%, from the same month in 1 earlier year) shown for Jan 2025 to Apr 2025." in markdown
    assert "May 2025 to Dec 2025 have no earlier year loaded for the same month" in markdown
    expected = shown_tables(at)[1].value.set_index("month")
    with_range = expected[expected["expected"].notna()]
    assert [pd.Timestamp(m).date() for m in with_range.index] == [date(2025, m, 1) for m in (1, 2, 3, 4)]
    for month in (1, 2, 3, 4):
        row = with_range.iloc[month - 1]
        before = raw[(date(2024, month, 1), "asb")]
        now = raw[(date(2025, month, 1), "asb")]
        assert row["expected"] == before and row["incidents"] == now
        half_width = 1.959963984540054 * (before * 2) ** 0.5
        # The table gives the whole counts inside the range (its CSV also has the range's ends).
        assert (row["within_from"], row["within_to"]) == (
            math.ceil(before - half_width),
            math.floor(before + half_width),
        )
        assert row["position"] == (
            "above" if now > before + half_width else "below" if now < before - half_width else "within"
        )
    outside = with_range[with_range["position"] != "within"]
    assert f"{len(outside)} of 4 months fell outside it" in markdown

    # The gap: months not loaded are missing (never zero) in every table behind a chart.
    gap = expected.iloc[4:12]
    assert gap["incidents"].isna().all()
    heat = shown_tables(at)[2].value.set_index("year_label")  # month by year, pivoted
    assert heat.loc["2024 (partial: 4 of 12 months)", ["May", "Dec"]].isna().all()
    rolling = shown_tables(at)[3].value
    assert rolling["rolling_12"].notna().sum() == 1

    # Change over the latest 12 months compares only Jan-Apr, the months loaded in both years.
    now = sum(raw[(date(2025, m, 1), "asb")] for m in (1, 2, 3, 4))
    before = sum(raw[(date(2024, m, 1), "asb")] for m in (1, 2, 3, 4))
    warning = texts(at.warning)
    assert (
        f"Comparing only the 4 months loaded in both periods, Jan 2025 to Apr 2025 ({now:,}) against "
        f"Jan 2024 to Apr 2024 ({before:,}), anti-social behaviour rose by {round((now / before - 1) * 100)}%"
        in warning
    )
    assert "May 2024 to Dec 2024 of the previous one" in warning


def test_two_years_financial_year_with_partial_months(two_year_store, monkeypatch):
    root, raw = two_year_store
    monkeypatch.setenv("CSP_STORE_DIR", str(root))
    at = run_page(
        series="crime", period_kind="Financial year (April to March)", period_financial="Financial year 2024/25"
    )
    assert not at.exception
    now = sum(raw[(date(2025, m, 1), "crime")] for m in (1, 2, 3))
    before = sum(raw[(date(2024, m, 1), "crime")] for m in (1, 2, 3))
    warning = texts(at.warning)
    assert f"Jan 2025 to Mar 2025 ({now:,}) against Jan 2024 to Mar 2024 ({before:,}), crime" in warning
    trend = shown_tables(at)[4].value
    assert len(trend) == 12 and trend["incidents"].isna().sum() == 8  # May-Dec 2024 not loaded
    assert trend["incidents"].iloc[0] == raw[(date(2024, 4, 1), "crime")]


def test_empty_store_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CSP_STORE_DIR", str(tmp_path / "empty-store"))
    at = run_page()
    assert not at.exception
    assert "No police.uk months are loaded" in texts(at.info)


# -- charts, tables and caching -------------------------------------------------------------------


def test_every_chart_has_a_text_alternative_naming_what_it_shows():
    at = run_page(series="crime:Shoplifting")
    assert not at.exception
    alts = [chart.proto.alt for chart in at.get("vega_lite_chart")]
    assert alts[0].startswith(
        "Line chart of shoplifting recorded in each month of the financial year (April to March) in Medway, "
        "one line per financial year: 2021/22 (partial: 3 of 12 months), 2022/23 (partial: 8 of 12 months)"
    )
    assert alts[1].startswith("Line chart of shoplifting recorded each month in Medway, Jan 2022 to Dec 2025;")
    assert alts[2].startswith(
        "Grid of shoplifting recorded in Medway by month (rows) and year (columns: 2022 (partial: 11 of 12 months), "
        "2023 (not loaded), 2024 (partial: 4 of 12 months), 2025)"
    )
    assert alts[3] == (
        "Line chart of shoplifting recorded each month in Medway, Jan 2025 to Dec 2025, with the 3-month "
        "average as a thick black line."
    )
    panels = alts[4:]
    assert len(panels) == 13 and all(text.startswith("Line chart of ") for text in panels)
    # SOURCES.md: 2,343 shoplifting offences in Medway in 2025.
    assert (
        "Line chart of shoplifting recorded each month in Medway, Jan 2025 to Dec 2025, with its 3-month "
        "average; 2,343 in all." in panels
    )


def test_tables_have_readable_headings_and_number_formats():
    at = run_page()
    assert len(shown_tables(at)) == 6
    for table in shown_tables(at):
        for heading in table.headings:
            assert "_" not in heading and not heading[:1].islower(), heading
    expected = shown_tables(at)[1]
    assert expected.names == [
        "month",
        "incidents",
        "expected",
        "within_from",
        "within_to",
        "position",
        "baseline_months",
    ]
    # Counts whole with thousands separators (1,234), averages to one decimal place (1,234.5), months in words.
    row = expected.text.set_index("Month").loc["Jan 2025"]
    values = expected.value.set_index("month").loc["2025-01-01"]
    assert row["Incidents"] == f"{int(values['incidents']):,}"
    assert row["Expected (average of earlier years)"] == f"{values['expected']:,.1f}"
    heat = shown_tables(at)[2]
    assert heat.headings[:2] == ["Year", "Jan"] and heat.row_headings[0] == "2022 (partial: 11 of 12 months)"
    assert heat.text.loc[0, "Jan"] == "358" and heat.text.loc[0, "Dec"] == ""  # Dec 2022 not loaded


def test_a_warm_rerun_computes_no_figure_and_builds_no_chart(monkeypatch):
    import streamlit as st

    from csp_data.charts import seasonality as season_charts
    from csp_data.ui import seasonality as season_ui

    st.cache_data.clear()  # the caches are the process's: start empty, so the first run computes
    calls: list[str] = []

    def counted(module, name):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls.append(name)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    for name in ("fy_overlay_chart", "expected_range_chart", "heat_map_chart", "trend_chart", "crime_types_chart"):
        counted(season_charts, name)
    counted(season_ui, "build_seasonality")
    counted(season_ui, "small_multiples_table")
    try:
        at = run_page()
        assert not at.exception
        first = sorted(calls)
        assert first == sorted(
            [
                "build_seasonality",
                "small_multiples_table",
                "fy_overlay_chart",
                "expected_range_chart",
                "heat_map_chart",
                "trend_chart",
                "crime_types_chart",
            ]
        )
        at.run()
        assert not at.exception and at.title[0].value == "Medway: seasonality and trends"
        assert sorted(calls) == first  # nothing computed or built again
        assert len(at.get("vega_lite_chart")) == 4 + 13
    finally:
        st.cache_data.clear()  # leave no result of the wrapped functions behind


@pytest.fixture(scope="module")
def four_month_store(tmp_path_factory):
    """A store holding only January-April 2024: no earlier year, no 12 months in a row."""
    raw = raw_dir()
    from csp_data.config import load_area
    from csp_data.store import Store
    from csp_data.store.ingest import ingest

    paths = [str(p) for p in sorted((raw / "police_uk_kent_2024_jan_apr").glob("*-street.csv"))]
    root = tmp_path_factory.mktemp("four-month-store")
    ingest(paths, load_area(None), Store(root))
    return root


def test_short_history_says_so_in_sentences_without_empty_tables(four_month_store, monkeypatch):
    monkeypatch.setenv("CSP_STORE_DIR", str(four_month_store))
    at = run_page()
    assert not at.exception
    info = texts(at.info)
    assert "No expected range is drawn: it needs the same month in at least one earlier year" in info
    assert "No change is given for anti-social behaviour" in info
    assert "No rolling 12-month total can be given for anti-social behaviour" in texts(at.caption)
    # No table and no download for the rolling totals (there are none): overlay, expected range, month
    # by year, trend and crime types only.
    assert len(shown_tables(at)) == 5 and len(at.get("download_button")) == 5
    assert not any(e.label == "Table: rolling 12-month totals" for e in at.expander)
    assert len(at.get("vega_lite_chart")) == 4 + shown_tables(at)[4].value["crime_type"].nunique()


def test_tables_and_crime_type_charts_are_sent_only_when_opened():
    """A new visitor's page holds its seasonal charts and every CSV button, but no table and
    no crime-type chart until its fold is opened (each would cost the browser time to draw)."""
    closed = run_page(folds_open=False)
    assert not closed.exception
    assert len(shown_tables(closed)) == 0 and len(closed.get("vega_lite_chart")) == 4
    assert len(closed.get("download_button")) == 6  # every table's CSV, without opening it
    labels = [e.label for e in closed.expander]
    assert "Charts: a chart for each crime type (13)" in labels and "Table: month by year" in labels
    opened = open_folds(closed)
    assert not opened.exception
    assert len(shown_tables(opened)) == 6 and len(opened.get("vega_lite_chart")) == 4 + 13
    assert len(opened.get("download_button")) == 6
