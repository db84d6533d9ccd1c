"""All Altair charts: one module per page or subject, each built from plain data."""

from csp_data.charts.colours import ASB_COLOUR, CRIME_COLOUR, KIND_COLOURS
from csp_data.charts.overview import crime_type_chart, monthly_trend_chart

__all__ = ["ASB_COLOUR", "CRIME_COLOUR", "KIND_COLOURS", "crime_type_chart", "monthly_trend_chart"]
