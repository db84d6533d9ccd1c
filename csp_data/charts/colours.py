"""Colours every chart shares (Okabe–Ito, safe for colour-blind readers): crime blue, ASB vermillion."""

CRIME_COLOUR = "#0072B2"
ASB_COLOUR = "#D55E00"
KIND_COLOURS = {"Crime": CRIME_COLOUR, "ASB": ASB_COLOUR}
#: Months not loaded: a light grey band behind the lines (a gap, never a zero). Dashed lines mean a
#: partial year on every chart, and nothing else.
NOT_LOADED_COLOUR = "#E5E5E5"
#: Where a CSP stands against its group's average, in the benchmarking chart and map alike.
POSITION_COLOURS = {
    "above average": "#D55E00",
    "not significantly different": "#BBBBBB",
    "below average": "#0072B2",
    "no rate": "#FFFFFF",
}


def hex_to_rgb(colour: str) -> list[int]:
    """'#21918c' -> [33, 145, 140] (pydeck wants colours as RGB lists)."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"colour should be '#rrggbb', got {colour!r}")
    return [int(value[i : i + 2], 16) for i in (0, 2, 4)]
