"""What every pydeck map of the package shares: compact JSON, one tooltip style, a view that fits the
outlines, GeoJSON outline layers and the deck around them.

No basemap is drawn by default, so a map needs no internet: ``map_provider=None`` with pydeck's
default ``map_style`` leaves Streamlit's frontend with no basemap to fetch. (Passing
``map_style=None`` would instead make Streamlit pick a CARTO basemap from the theme.) A CARTO
street basemap can be asked for; offline it simply fails to load and the outlines are still drawn.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from csp_data.maps.mercator import mercator_y

__all__ = [
    "DEFAULT_HEIGHT",
    "TOOLTIP_STYLE",
    "CompactDeck",
    "DeckJson",
    "compact_deck",
    "deck_json",
    "fit_view",
    "geojson_layer",
]

DEFAULT_HEIGHT = 520
TOOLTIP_STYLE = {
    "backgroundColor": "#ffffff",
    "color": "#1a1a1a",
    "fontSize": "13px",
    "border": "1px solid #444",
    "padding": "6px 8px",
}


class CompactDeck(pdk.Deck):
    """A ``pydeck.Deck`` whose JSON has no indentation.

    ``st.pydeck_chart`` sends ``deck.to_json()`` to the browser on every rerun; pydeck indents it,
    which for ward outlines makes the spec about five times larger than the same JSON written compactly.
    """

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


@dataclass(frozen=True)
class DeckJson:
    """A deck already written as JSON, which ``st.pydeck_chart`` takes in place of the deck.

    Building a deck and writing its JSON took 100-200 ms a rerun for the Hotspots map; a page's cached
    function can keep this small object instead and hand it to ``st.pydeck_chart`` on each rerun.
    ``st.pydeck_chart`` reads only ``to_json()`` and the tooltip (``_tooltip``) of what it is given.
    """

    json: str
    _tooltip: dict | None = None

    def to_json(self) -> str:
        return self.json


def deck_json(deck: pdk.Deck) -> DeckJson:
    """``deck`` written once (compactly when it is a :class:`CompactDeck`), with its tooltip."""
    return DeckJson(deck.to_json(), getattr(deck, "_tooltip", None))


#: The map width a view is fitted to: a phone's (390 px less the page's margins), so that the whole area
#: is on screen at first on every device (WCAG 1.4.10 reflow); on a desktop it then fills less of the map.
FIT_WIDTH_PX = 340


def fit_view(
    bounds: tuple[float, float, float, float],
    width_px: int = FIT_WIDTH_PX,
    height_px: int = DEFAULT_HEIGHT,
    padding: float = 0.9,
) -> pdk.ViewState:
    """A view centred on ``bounds`` at the largest zoom that shows them whole in ``width_px × height_px``.

    Web Mercator: the world is ``512 * 2**zoom`` pixels wide in deck.gl.
    """
    west, south, east, north = bounds
    if not (west < east and south < north):
        raise ValueError(
            f"bounds should be (west, south, east, north) with west < east and south < north, got {bounds!r}"
        )

    x_fraction = (east - west) / 360.0
    y_fraction = (mercator_y(north) - mercator_y(south)) / (2 * math.pi)
    zoom = min(math.log2(width_px * padding / (512 * x_fraction)), math.log2(height_px * padding / (512 * y_fraction)))
    centre_y = (mercator_y(north) + mercator_y(south)) / 2
    latitude = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return pdk.ViewState(
        longitude=(west + east) / 2,
        latitude=latitude,
        zoom=round(zoom, 2),
        min_zoom=max(zoom - 2, 0),
        max_zoom=16,
        pitch=0,
        bearing=0,
    )


def geojson_layer(
    layer_id: str,
    features: Iterable[dict],
    *,
    line_colour: Sequence[int],
    line_width: float = 1,
    fill: str | Sequence[int] | None = None,
    highlight: Sequence[int] | None = None,
) -> pdk.Layer:
    """A ``GeoJsonLayer`` of outlines.

    Parameters
    ----------
    layer_id : str
        The layer's id (what ``st.pydeck_chart`` reports a selection under).
    features : iterable of dict
        GeoJSON features, drawn as one ``FeatureCollection``.
    line_colour : sequence of int
        RGBA of the outlines, ``line_width`` pixels wide at least.
    fill : str or sequence of int, optional
        An RGBA fill, or an accessor such as ``"properties.fill"``; without it the outlines are unfilled.
    highlight : sequence of int, optional
        RGBA drawn over the feature under the pointer; with it the layer is pickable (tooltips, clicks).
    """
    options: dict = {"filled": fill is not None}
    if fill is not None:
        options["get_fill_color"] = fill
    if highlight is not None:
        options.update(auto_highlight=True, highlight_color=list(highlight))
    return pdk.Layer(
        "GeoJsonLayer",
        id=layer_id,
        data={"type": "FeatureCollection", "features": list(features)},
        pickable=highlight is not None,
        stroked=True,
        get_line_color=list(line_colour),
        line_width_min_pixels=line_width,
        **options,
    )


def compact_deck(
    layers: Sequence[pdk.Layer], view: pdk.ViewState, tooltip_html: str, *, basemap: bool = False
) -> CompactDeck:
    """The deck of a map: its layers, the initial view, an HTML tooltip in :data:`TOOLTIP_STYLE`, and no
    basemap unless ``basemap`` asks for CARTO's light streets (which need internet)."""
    options = {"map_provider": "carto", "map_style": pdk.map_styles.LIGHT} if basemap else {"map_provider": None}
    return CompactDeck(
        layers=list(layers),
        initial_view_state=view,
        tooltip={"html": tooltip_html, "style": TOOLTIP_STYLE},
        **options,
    )
