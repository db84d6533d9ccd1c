"""Colours every chart shares (Okabe–Ito, safe for colour-blind readers): crime blue, ASB vermillion."""

CRIME_COLOUR = "#0072B2"
ASB_COLOUR = "#D55E00"
KIND_COLOURS = {"Crime": CRIME_COLOUR, "ASB": ASB_COLOUR}
