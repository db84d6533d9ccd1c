"""All pydeck maps: one module per page or subject, each built from plain data."""

from csp_data.maps.wards import (
    LAYER_ID,
    MAP_HEIGHT,
    SELECTED_LAYER_ID,
    TOOLTIP_STYLE,
    CompactDeck,
    build_ward_map,
    fit_view,
    selected_ward_code,
    ward_shapes,
)

__all__ = [
    "LAYER_ID",
    "MAP_HEIGHT",
    "SELECTED_LAYER_ID",
    "TOOLTIP_STYLE",
    "CompactDeck",
    "build_ward_map",
    "fit_view",
    "selected_ward_code",
    "ward_shapes",
]
