"""All Altair charts: one module per page or subject, each built from plain data."""

# The accessible chart theme is enabled when the theme module is imported: here, so that every chart
# (on a page, or in the pack made from the command line) is drawn with it.
import csp_data.charts.theme  # noqa: F401
from csp_data.charts.colours import ASB_COLOUR, CRIME_COLOUR, KIND_COLOURS
from csp_data.charts.overview import crime_type_chart, monthly_trend_chart

__all__ = ["ASB_COLOUR", "CRIME_COLOUR", "KIND_COLOURS", "crime_type_chart", "monthly_trend_chart"]
