"""Colours every chart shares (Okabe–Ito, safe for colour-blind readers): crime blue, ASB vermillion.

Every colour that carries data is at least 3:1 against the white page (WCAG 2.2 1.4.11, non-text
contrast). Okabe–Ito's orange (#E69F00, 2.2:1), sky blue (#56B4E9, 2.3:1) and yellow are too pale on
white, so they are left out. Pale fills behind the data (months not loaded, the expected range, the
school holidays) are backgrounds for the lines and labels drawn over them, not data themselves.
"""

CRIME_COLOUR = "#0072B2"
ASB_COLOUR = "#D55E00"
KIND_COLOURS = {"Crime": CRIME_COLOUR, "ASB": ASB_COLOUR}
#: Series told apart by colour alone (financial years, the default palette): Okabe–Ito without its
#: three pale colours, with a dark grey and Paul Tol's indigo in their place. Each is 3:1 or more on
#: white, and any two stay apart under simulated protanopia, deuteranopia and tritanopia.
CATEGORY_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#595959", "#332288", "#000000")
#: The area itself where it stands among others (its own CSP, a ward's area average): black.
AREA_COLOUR = "#000000"
#: Others shown as context behind the area (other CSPs; "not significantly different"): 4.5:1 grey.
CONTEXT_COLOUR = "#767676"
#: Months not loaded: a light grey band behind the lines (a gap, never a zero). Dashed lines mean a
#: partial year on every chart, and nothing else.
NOT_LOADED_COLOUR = "#E5E5E5"
#: Where a CSP stands against its group's average, in the benchmarking chart and map alike.
POSITION_COLOURS = {
    "above average": "#D55E00",
    "not significantly different": CONTEXT_COLOUR,
    "below average": "#0072B2",
    "no rate": "#FFFFFF",
}


def hex_to_rgb(colour: str) -> list[int]:
    """'#21918c' -> [33, 145, 140] (pydeck wants colours as RGB lists)."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"colour should be '#rrggbb', got {colour!r}")
    return [int(value[i : i + 2], 16) for i in (0, 2, 4)]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.2's contrast ratio of two '#rrggbb' colours, from 1 (the same) to 21 (black on white)."""

    def luminance(colour: str) -> float:
        channels = [c / 255 for c in hex_to_rgb(colour)]
        red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


#: Vega's continuous "blues" scheme (vega-scale's palette, interpolated in RGB between these stops): the
#: heat map's cells, from the lowest count to the highest.
BLUES_SCHEME = (
    "#cfe1f2",
    "#bed8ec",
    "#a8cee5",
    "#8fc1de",
    "#74b2d7",
    "#5ba3cf",
    "#4592c6",
    "#3181bd",
    "#206fb2",
    "#125ca4",
    "#0a4a90",
)


def scheme_colour(stops: tuple[str, ...], t: float) -> str:
    """The colour at ``t`` (0 to 1) of a scheme interpolated in RGB between ``stops``, as Vega draws it."""
    x = min(max(t, 0.0), 1.0) * (len(stops) - 1)
    i = min(int(x), len(stops) - 2)
    low, high = hex_to_rgb(stops[i]), hex_to_rgb(stops[i + 1])
    return "#" + "".join(f"{round(a + (b - a) * (x - i)):02x}" for a, b in zip(low, high))


def white_text_from(stops: tuple[str, ...], steps: int = 1000) -> float:
    """Where along a dark-going scheme white text starts to have more contrast than black: a label is white
    above it and black below, so it always gets the better of the two (for Vega's blues, at least 4.58:1)."""
    return next(
        (
            k / steps
            for k in range(steps + 1)
            if contrast_ratio("#ffffff", scheme_colour(stops, k / steps))
            >= contrast_ratio("#000000", scheme_colour(stops, k / steps))
        ),
        1.0,
    )


#: Years (calendar, survey or financial): six colours at 3:1 or more on white, none of them crime's
#: blue or ASB's vermillion, so a line for a year is never read as a kind.
YEAR_COLOURS = ("#332288", "#882255", "#009E73", "#CC79A7", "#595959", "#000000")


def year_colour(year: int) -> str:
    """The one colour of a year on every chart: a calendar or survey year, or a financial year by the
    year it starts in (2024/25 -> 2024). Fixed by the year itself, not by its place in a chart, so
    2024/25 is the same colour on the Seasonality and Survey pages whatever other years they show."""
    return YEAR_COLOURS[year % len(YEAR_COLOURS)]
