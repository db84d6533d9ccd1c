"""Browser test: Benchmarking's group map (a Vega-Lite chart) draws every authority of the group in its
position's colour, keeps to its own box, and tells a CSP's figures on hover."""

from __future__ import annotations

import pytest
from browser import wait_until_idle

from csp_data.charts.colours import POSITION_COLOURS

pytestmark = pytest.mark.browser

MAP = "[data-testid='stVegaLiteChart'][aria-label^='Map of England and Wales']"


def test_the_group_map_draws_the_group_and_tells_a_csps_figures_on_hover(server_url, chromium):
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server_url + "/benchmarking")
    wait_until_idle(page)
    chart = page.locator(MAP)
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = chart.bounding_box()
    # One shape per authority of Medway's group (14 CSPs, 15 authorities), filled by its position.
    shapes = chart.locator("g.layer_1_marks path")
    assert shapes.count() == 15
    fills = {shapes.nth(i).get_attribute("fill").lower() for i in range(15)}
    assert fills <= {colour.lower() for colour in POSITION_COLOURS.values()} and len(fills) >= 2
    # Nothing drawn runs past the chart's box by more than a line's width (uncut, England and Wales ran
    # hundreds of pixels over the heading and the caption).
    for layer in ("layer_0_marks", "layer_1_marks", "layer_2_marks"):
        for shape in chart.locator(f"g.{layer} path").all():
            b = shape.bounding_box()
            assert box["y"] - 4 <= b["y"] and b["y"] + b["height"] <= box["y"] + box["height"] + 4, (layer, b, box)
    # Hover over the first point of the map that is one of the group's shapes: its tooltip.
    spot = page.evaluate(
        """([x0, y0, w, h]) => {
             for (let fy = 0.02; fy < 1; fy += 0.02)
               for (let fx = 0.02; fx < 1; fx += 0.02) {
                 const x = x0 + w * fx, y = y0 + h * fy;
                 const e = document.elementFromPoint(x, y);
                 if (e && e.closest('.layer_1_marks')) return [x, y];
               }
             return null;
           }""",
        [box["x"], box["y"], box["width"], box["height"]],
    )
    assert spot is not None
    page.mouse.move(*spot)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    text = tooltip.inner_text()
    assert "per 1,000 (group average 93.3)" in text and " of 14 in the group" in text
    assert "Local authority" in text and "Against the average" in text
    page.close()
