"""Browser test: the Hotspots map shows individual snap points only when zoomed far in."""

from __future__ import annotations

import io
import math
from datetime import date

import numpy as np
from browser import wait_until_idle
from PIL import Image

from csp_data import maps
from csp_data.config import load_area
from csp_data.figures import hotspots
from csp_data.store import Store
from csp_data.store.queries import Database


def near_black_pixels(png: bytes) -> int:
    """Pixels darker than anything but the snap points (ward outlines are grey 40; cells are lighter)."""
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int((rgb.max(axis=2) < 20).sum())


def busiest_snap_point() -> tuple[float, float]:
    area = load_area(None)
    db = Database(area, Store(area.store_dir))
    try:
        points = db.query(
            "hotspot_points", first=date(2025, 1, 1), last=date(2025, 12, 1), kind="crime", crime_type=None
        )
    finally:
        db.close()
    top = hotspots.repeat_locations(points, limit=1).iloc[0]
    return float(top["longitude"]), float(top["latitude"])


def test_snap_points_appear_only_when_zoomed_in(server_url, chromium):
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server_url)
    wait_until_idle(page)
    page.get_by_role("link", name="Hotspots").click()
    wait_until_idle(page)
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.scroll_into_view_if_needed()
    page.wait_for_timeout(2500)  # WebGL draws after the script run
    assert near_black_pixels(canvas.screenshot()) <= 3  # the whole area: points are far below a pixel

    # Zoom in with the mouse wheel over the busiest snap point, placed by the view the page starts from.
    view = maps.fit_view(maps.ward_shapes(load_area(None).current_wards).bounds)
    lon, lat = busiest_snap_point()
    box = canvas.bounding_box()
    scale = 512 * 2**view.zoom  # Web Mercator: the world is 512 * 2**zoom pixels across

    def mercator_y(latitude: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) / (2 * math.pi)

    x = box["width"] / 2 + (lon - view.longitude) / 360 * scale
    y = box["height"] / 2 + (mercator_y(view.latitude) - mercator_y(lat)) * scale
    page.mouse.move(box["x"] + x, box["y"] + y)
    for _ in range(12):
        page.mouse.wheel(0, -120)
        page.wait_for_timeout(200)
    page.wait_for_timeout(1500)
    assert near_black_pixels(canvas.screenshot()) >= 50  # zoomed far in: the points are drawn
    page.close()
