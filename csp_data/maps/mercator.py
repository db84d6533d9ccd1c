"""The Web Mercator projection's one formula the maps need: how far north a latitude is drawn."""

from __future__ import annotations

import math

__all__ = ["mercator_y"]


def mercator_y(latitude: float) -> float:
    """The projected height of ``latitude`` (degrees), in radians of longitude: ``ln(tan(π/4 + φ/2))``."""
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))
