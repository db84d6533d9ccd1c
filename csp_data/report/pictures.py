"""The pages' Altair charts as PNG pictures for the pack, drawn by vl-convert (offline: no browser, no network).

vl-convert starts a JavaScript engine on its first use in a process, which takes a few seconds;
:func:`warm_up` starts it in the background while the figures are being gathered.
"""

from __future__ import annotations

import json
import struct
import threading

import altair as alt

from csp_data.charts.vegalite import VegaSpec, inline
from csp_data.report.model import Image

#: The chart's drawn width (pixels, before scaling) that fills the text width of the page.
FULL_WIDTH_PX = 640
SCALE = 2  # pixels per chart pixel: sharp in print
_FONT = {"labelFontSize": 12, "titleFontSize": 12}
_warm_lock = threading.Lock()
_warm_thread: threading.Thread | None = None


def _tiny_conversion() -> None:
    import vl_convert as vlc

    spec = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}
    try:
        vlc.vegalite_to_svg(json.dumps(spec))
    except Exception:  # noqa: BLE001 - a failed warm-up shows again, with its message, on the real chart
        pass


def warm_up() -> None:
    """Start vl-convert's engine in a background thread (once per process); returns at once."""
    global _warm_thread
    with _warm_lock:
        if _warm_thread is None:
            _warm_thread = threading.Thread(target=_tiny_conversion, name="vl-convert-warm-up", daemon=True)
            _warm_thread.start()


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG from its header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG picture")
    return struct.unpack(">II", png[16:24])


def _printed(spec: VegaSpec) -> str:
    """A specification written as a dict (:mod:`csp_data.charts.vegalite`) as the pack draws it: its tables
    written into it, type a little larger, no frame around the plot."""
    spec = inline(spec)
    config = spec.get("config", {})
    config = config | {
        "axis": config.get("axis", {}) | _FONT,
        "legend": config.get("legend", {}) | _FONT,
        "view": config.get("view", {}) | {"strokeWidth": 0},
    }
    return json.dumps(spec | {"config": config})


def chart_picture(chart: alt.TopLevelMixin | VegaSpec, alt_text: str, caption: str) -> Image:
    """``chart`` (an Altair chart, or a specification written as a dict) drawn as a PNG picture, with type
    a little larger than on screen (it is printed smaller).

    The picture's share of the text width follows its drawn width, so that type is the same size in
    every chart of the pack.
    """
    import vl_convert as vlc

    if isinstance(chart, dict):
        text = _printed(chart)
    else:
        text = chart.configure_axis(**_FONT).configure_legend(**_FONT).configure_view(strokeWidth=0).to_json()
    png = vlc.vegalite_to_png(text, scale=SCALE)
    width, height = png_size(png)
    share = min(1.0, width / SCALE / FULL_WIDTH_PX)
    return Image(png=png, alt=alt_text, caption=caption, width=round(share, 3), pixels=(width, height))
