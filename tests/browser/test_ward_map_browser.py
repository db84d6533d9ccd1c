"""The Ward map in headless Chromium against the real server: a drawn map, a working click, no errors."""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import CHROMIUM_ARGS, ROOT, chromium_path, streamlit_server, wait_until_idle  # noqa: E402

pytestmark = pytest.mark.browser

SCREENSHOT = ROOT / "build" / "screenshots" / "ward_map.png"
CLICK_WARD = "Hoo St Werburgh & High Halstow"  # a large ward, easy to hit


@pytest.fixture(scope="module")
def ward_map_server():
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser(request):
    # Playwright allows one sync session per process: share the folder's session browser when there
    # is one (tests/browser/conftest.py), else start our own.
    try:
        yield request.getfixturevalue("chromium")
        return
    except pytest.FixtureLookupError:
        pass
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        pytest.fail("Chromium not found: install Debian's chromium package (make test does this)")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def pixel_of(longitude: float, latitude: float, view, width: float, height: float) -> tuple[float, float]:
    """Where deck.gl's Web Mercator view puts a point, in CSS pixels from the canvas's top left."""
    scale = 512 * 2**view.zoom

    def world(lon: float, lat: float) -> tuple[float, float]:
        x = (lon + 180) / 360 * scale
        y = (math.pi - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))) / (2 * math.pi) * scale
        return x, y

    x, y = world(longitude, latitude)
    cx, cy = world(view.longitude, view.latitude)
    return width / 2 + x - cx, height / 2 + y - cy


def test_ward_map_draws_and_a_click_opens_the_profile(ward_map_server, browser):
    from PIL import Image

    from csp_data import maps
    from csp_data.charts.colours import hex_to_rgb
    from csp_data.config import load_area
    from csp_data.figures.ward_classes import sequential_colours
    from csp_data.store.geography import ward_boundaries

    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    page.goto(ward_map_server)
    wait_until_idle(page)
    # Through the sidebar, as a user goes (a direct URL makes the front end probe for its server
    # under the page path, which logs 404s that are not the app's).
    page.click("[data-testid='stSidebarNav'] a:has-text('Ward map')")
    wait_until_idle(page)
    page.wait_for_selector("h1:has-text('ward map')")
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for(state="visible", timeout=30000)
    page.wait_for_timeout(1500)  # let deck.gl finish its first frames

    assert not page.query_selector_all("[data-testid='stException']")
    image = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")).astype(int)
    grey = image.mean(axis=2)
    assert grey.var() > 500, f"the map canvas looks blank (pixel variance {grey.var():.0f})"
    # The wards are drawn in the legend's colours: at least four of the five classes are visible.
    class_colours = [hex_to_rgb(c) for c in sequential_colours(5)]
    found = sum(bool((np.abs(image - np.array(colour)).sum(axis=2) <= 12).sum() > 200) for colour in class_colours)
    assert found >= 4, f"only {found} of the 5 class colours are on the map"

    # Click a ward and its profile opens.
    area = load_area()
    wards = ward_boundaries(area.current_wards)
    target = wards[wards["ward_name"] == CLICK_WARD].geometry.iloc[0].representative_point()
    view = maps.fit_view(maps.ward_shapes(area.current_wards).bounds)
    box = canvas.bounding_box()
    x, y = pixel_of(target.x, target.y, view, box["width"], box["height"])
    assert 0 < x < box["width"] and 0 < y < box["height"]
    heading = page.locator("h3", has_text=CLICK_WARD)
    for _attempt in range(3):  # deck.gl may still be settling on a loaded machine: hover, check, click
        page.mouse.move(box["x"] + x - 3, box["y"] + y)
        page.mouse.move(box["x"] + x, box["y"] + y)
        # The tooltip names the ward, with its count, rate and rank.
        tooltip = page.locator(".deck-tooltip", has_text=CLICK_WARD)
        tooltip.wait_for(state="visible", timeout=15000)
        assert "per 1,000 residents" in tooltip.inner_text() and "Rank" in tooltip.inner_text()
        page.mouse.click(box["x"] + x, box["y"] + y)
        try:
            heading.wait_for(state="visible", timeout=20000)
            break
        except Exception:  # noqa: BLE001 - retried, then reported below
            wait_until_idle(page)
    heading.wait_for(state="visible", timeout=5000)
    wait_until_idle(page)
    ward_box = page.locator("[data-testid='stSelectbox']").nth(1)
    assert CLICK_WARD in ward_box.inner_text() + " ".join(
        ward_box.locator("input").evaluate_all("els => els.map(e => e.value)")
    )
    assert page.locator("[data-testid='stMetricValue']").count() >= 6

    assert not page.query_selector_all("[data-testid='stException']")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert not problems, "\n".join(problems)
    context.close()


def test_on_a_phone_the_chosen_wards_profile_is_one_link_away(ward_map_server, browser):
    """On a phone the profile starts some 4,500 px below the ward box (after the map and a table of every
    ward): a link under the box goes to it."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(f"{ward_map_server}/ward_map?ward=E05014449")  # All Saints
        wait_until_idle(page)
        heading = page.get_by_role("heading", name="Ward profile")
        assert heading.bounding_box()["y"] > 2 * 844  # far below the first screen
        link = page.get_by_role("link", name="Go to the profile of All Saints")
        link.click()
        page.wait_for_timeout(1500)
        box = heading.bounding_box()
        assert 0 <= box["y"] < 844 / 2, box
        assert page.get_by_role("heading", name="All Saints").bounding_box()["y"] < 844
    finally:
        page.close()
