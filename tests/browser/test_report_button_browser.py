"""The scrutiny pack's sidebar button in Chromium: prepare the pack, download it, and it is the PDF the
command line makes for the same period (the same figures)."""

from __future__ import annotations

import subprocess

import pytest
from browser import wait_until_idle

pytestmark = pytest.mark.browser


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_prepare_and_download_the_pack(server_url, chromium, tmp_path):
    context = chromium.new_context(viewport={"width": 1400, "height": 1200}, accept_downloads=True)
    page = context.new_page()
    page.goto(server_url)
    wait_until_idle(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("button", name="Prepare the scrutiny pack").click()
    download_button = sidebar.get_by_role("button", name="Download the scrutiny pack (PDF)")
    download_button.wait_for(timeout=120_000)
    with page.expect_download(timeout=60_000) as info:
        download_button.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name.endswith(".pdf") and saved.read_bytes().startswith(b"%PDF")
    text = pdf_text(saved)
    # The page's own headline figures for the same period (the latest 12 months: 2025) are in it.
    from csp_data.config import load_area
    from csp_data.figures.overview import build_overview
    from csp_data.periods import latest_12_months
    from csp_data.store import Store
    from csp_data.store.queries import Database

    area = load_area()
    database = Database(area, Store(area.store_dir))
    try:
        loaded = database.loaded_months()
        overview = build_overview(database.query, area, latest_12_months(loaded), loaded, None)
    finally:
        database.close()
    assert f"{overview.crime.count:,}" in text and f"{overview.asb.count:,}" in text
    context.close()
