"""All pydeck maps: one module per page or subject, each built from plain data; what they share (the
compact deck, the tooltip style, the fitted view and the outline layers) is in ``deck``."""

from csp_data.maps.deck import TOOLTIP_STYLE, CompactDeck, DeckJson, compact_deck, deck_json, fit_view, geojson_layer
from csp_data.maps.wards import (
    LAYER_ID,
    MAP_HEIGHT,
    SELECTED_LAYER_ID,
    build_ward_map,
    selected_ward_code,
    ward_shapes,
)

__all__ = [
    "LAYER_ID",
    "MAP_HEIGHT",
    "SELECTED_LAYER_ID",
    "TOOLTIP_STYLE",
    "CompactDeck",
    "DeckJson",
    "build_ward_map",
    "compact_deck",
    "deck_json",
    "fit_view",
    "geojson_layer",
    "selected_ward_code",
    "ward_shapes",
]
