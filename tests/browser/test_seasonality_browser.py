"""The Seasonality page in headless Chromium: no exception, no console error, charts drawn, a screenshot.

Run against the embedded store (one calendar year) and against a two-year store built from the
shared raw files, where the expected range is drawn and May-December 2024 are a gap.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import streamlit_server, wait_until_idle  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "data" / "raw"
SCREENSHOTS = ROOT / "build" / "screenshots"
PAGE_TITLE = "Seasonality and trends"


def open_seasonality(browser, url: str):
    """Open the app, then the page through its sidebar link (a full load of /seasonality makes
    Streamlit's front end probe /seasonality/_stcore/*, which logs 404s that are not the app's)."""
    page = browser.new_page(viewport={"width": 1400, "height": 5200})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.goto(url)
    wait_until_idle(page)
    page.locator("[data-testid='stSidebarNav'] a", has_text=PAGE_TITLE).click()
    page.wait_for_selector("h1:has-text('seasonality and trends')", timeout=60000)
    wait_until_idle(page)
    return page, problems


def check_page(page, problems: list[str]) -> None:
    exceptions = page.query_selector_all("[data-testid='stException']")
    assert not exceptions, exceptions[0].inner_text()[:500]
    assert not problems, "\n".join(problems)
    charts = page.query_selector_all("[data-testid='stVegaLiteChart']")
    assert len(charts) >= 4  # overlay, expected range, month by year, trend (the crime types' are folded)
    # Every chart has drawn its marks (Vega renders to canvas or svg).
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stVegaLiteChart']\")]"
        ".every(c => c.querySelector('canvas, svg'))",
        timeout=30000,
    )


# `chromium` is the session's headless Chromium (tests/browser/conftest.py: Playwright's sync API
# launched with executable_path=chromium_path() and CHROMIUM_ARGS); one sync Playwright per process.


def test_seasonality_page_embedded_history(chromium):
    with streamlit_server() as url:
        page, problems = open_seasonality(chromium, url)
        check_page(page, problems)
        body = page.inner_text("body")
        # 27 months with two real gaps: an expected range is drawn, and the gaps are named.
        assert "More history is needed." not in body
        assert "Missing: Dec 2022 to Dec 2023, May 2024 to Dec 2024." in body
        assert "2022/23 (partial: 8 of 12 months)" in body and "2025/26 (partial: 9 of 12 months)" in body
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "seasonality.png"), full_page=True)
        page.close()


def test_seasonality_page_two_years_with_a_gap(chromium, tmp_path):
    if not RAW.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the shared data at {RAW}")
        pytest.skip(f"shared data not found at {RAW}")
    from csp_data.config import load_area
    from csp_data.store import Store
    from csp_data.store.ingest import ingest

    folders = [RAW / "police_uk_kent_2024_jan_apr", RAW / "police_uk_kent_2025"]
    ingest(
        [str(p) for f in folders for p in sorted(f.glob("*-street.csv"))], load_area(None), Store(tmp_path / "store")
    )
    with streamlit_server({"CSP_STORE_DIR": str(tmp_path / "store")}) as url:
        page, problems = open_seasonality(chromium, url)
        check_page(page, problems)
        body = page.inner_text("body")
        assert "Expected range (95%, from the same month in 1 earlier year) shown for Jan 2025 to Apr 2025." in body
        assert "Missing: May 2024 to Dec 2024." in body
        assert "Comparing only the 4 months loaded in both periods" in body
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "seasonality-two-years.png"), full_page=True)
        page.close()


def test_folds_draw_their_table_and_charts_when_opened(chromium):
    """The tables behind the charts and the crime-type charts are sent only when a visitor opens their fold:
    opened by keyboard (Enter on the fold's summary) the charts draw; clicked, the table appears."""
    with streamlit_server() as url:
        page, problems = open_seasonality(chromium, url)
        charts = "[data-testid='stVegaLiteChart']"
        before = len(page.query_selector_all(charts))
        assert not page.query_selector_all(".csp-table")
        summary = page.locator("[data-testid='stExpander'] summary", has_text="Charts: a chart for each crime type")
        summary.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(f'() => document.querySelectorAll("{charts}").length >= {before + 13}', timeout=30000)
        wait_until_idle(page)
        assert len(page.query_selector_all(charts)) == before + 13
        page.locator("[data-testid='stExpander'] summary", has_text="Table: month by year").click()
        page.wait_for_selector(".csp-table table", timeout=30000)
        wait_until_idle(page)
        check_page(page, problems)
        assert len(page.query_selector_all(".csp-table")) == 1
        # A table a screen reader can walk: the year heads each row, the months each column.
        assert page.locator(".csp-table tbody th[scope=row]").first.inner_text().startswith("2022")
        assert page.locator(".csp-table thead th[scope=col]").nth(1).inner_text() == "Jan"
        page.close()
