"""The public site (the default mode) in Chromium: no address, however written, reaches a staff page."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from browser import wait_until_idle
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from csp_data.ui.auth import STAFF_PAGES

pytestmark = pytest.mark.browser

STAFF_PATHS = [script.removeprefix("views/").removesuffix(".py") for script, *_ in STAFF_PAGES]
HOSTILE = [
    *(f"/{path}" for path in STAFF_PATHS),
    "/staff",
    "/upload",
    "/STAFF_POLICE_DATA",
    "/staff_police_data/extra",
    "/%2e%2e/staff_police_data",
    "/%2Fstaff_police_data",
    "/staff%5Fpolice%5Fdata",
    "/ward_map/%2e%2e/staff_changes",
    "/?page=staff_police_data",
    "/staff_police_data?page=staff_police_data&embed=true",
    "/views/staff_police_data.py",
]
STAFF_TITLES = [title for _, title, *_ in STAFF_PAGES]


@pytest.mark.parametrize("path", HOSTILE)
def test_no_address_reaches_a_staff_page(server_url, chromium, path):
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server_url + path)
    try:
        page.wait_for_selector("[data-testid='stSidebarNav'] a", timeout=30000)
        wait_until_idle(page)
        assert "Staff" not in page.inner_text("[data-testid='stSidebarNav']")
    except PlaywrightTimeout:
        pass  # some nested or encoded paths give Streamlit's blank page: no app at all, so no staff page either
    text = page.inner_text("body")
    assert not any(title in text for title in STAFF_TITLES), f"{path}: a staff page or link is shown"
    assert "Sign in" not in text
    assert page.query_selector("[data-testid='stFileUploader']") is None
    assert page.query_selector("[data-testid='stException']") is None
    page.close()


@pytest.mark.parametrize("path", ["/views/staff_police_data.py", "/app/static/../../views/staff_changes.py"])
def test_page_scripts_are_never_served_as_files(server_url, path):
    try:
        with urllib.request.urlopen(server_url + path, timeout=30) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        body = error.read()
    assert b"auth.require" not in body and b"import streamlit" not in body
