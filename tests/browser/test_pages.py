"""Every page in headless Chromium against the real server: no exception, no console error, a screenshot."""

from __future__ import annotations

import io

import pytest
from browser import SCREENSHOTS, wait_until_idle
from PIL import Image

pytestmark = pytest.mark.browser


def nav_links(page) -> list[tuple[str, str]]:
    links = page.query_selector_all("[data-testid='stSidebarNav'] a")
    # The text of a link holds its icon's ligature name first, then the title.
    return [(link.inner_text().strip().splitlines()[-1].strip(), link.get_attribute("href")) for link in links]


def test_every_page_loads_cleanly(server_url, chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 2600})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text} ({m.location.get('url')})") if m.type == "error" else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.goto(server_url)
    wait_until_idle(page)
    links = nav_links(page)
    titles = [title for title, _ in links]
    assert "Overview" in titles and "Data and methods" in titles
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for index, (title, _) in enumerate(links):
        # Navigate as a user does, through the sidebar (a direct URL makes Streamlit's front end probe
        # for its server under the page path first, which logs 404s that are not the app's).
        page.locator("[data-testid='stSidebarNav'] a").nth(index).click()
        wait_until_idle(page)
        name = title.lower().replace(" ", "_")
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        exceptions = page.query_selector_all("[data-testid='stException']")
        assert not exceptions, f"{title}: {exceptions[0].inner_text()[:500]}"
        assert page.query_selector("h1"), f"{title}: no heading"
        for canvas in page.query_selector_all("[data-testid='stDeckGlJsonChart'] canvas"):
            page.wait_for_timeout(1500)  # WebGL maps draw after the script run
            colours = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is None or len(colours) > 20, f"{title}: a map canvas is blank ({len(colours)} colours)"
    assert not problems, "\n".join(problems)
    context.close()


def test_overview_shows_the_2025_figures(server_url, chromium):
    page = chromium.new_page(viewport={"width": 1400, "height": 2000})
    page.goto(server_url)
    wait_until_idle(page)
    metrics = [m.inner_text() for m in page.query_selector_all("[data-testid='stMetricValue']")]
    assert metrics[:2] == ["25,082", "88.7"]
    assert "5,507" in metrics
    assert page.query_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
    page.close()


def test_a_deep_link_runs_the_whole_app(server_url, chromium):
    """A shared link straight to a page gets the app's sidebar, period and titled navigation.

    Page scripts live in views/, not pages/: with a pages/ folder, Streamlit 1.67 answers a first
    request for /ward_map on a fresh server by running the page script alone, without app.py.
    """
    page = chromium.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(server_url + "/ward_map")
    wait_until_idle(page)
    titles = [title for title, _ in nav_links(page)]
    assert titles[0] == "Overview" and "Ward map" in titles
    assert page.query_selector("[data-testid='stSidebar'] h2:has-text('Period')")
    assert page.query_selector("h1").inner_text().startswith("Medway")
    page.close()
