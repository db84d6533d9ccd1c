"""The only Streamlit code of the package: page context and caches (context), the shared sidebar
(sidebar), the one error guard (errors) and downloads (downloads). Pages import ``ui`` and call these."""

from csp_data.ui.charts import chart_spec, show_chart
from csp_data.ui.context import (
    NO_MONTHS,
    STORE_HELP,
    area_population,
    current_area,
    current_store,
    database,
    forces_note,
    get_area,
    loaded_months,
    loaded_period,
    no_months_message,
    period_incident_filters,
    run_query,
)
from csp_data.ui.downloads import download_table
from csp_data.ui.errors import UNEXPECTED, error_text, guard, show_error
from csp_data.ui.sidebar import PERIOD_KIND_LABELS, SIDEBAR_HINT, sidebar_period
from csp_data.ui.tables import show_table
from csp_data.words import slug

__all__ = [
    "PERIOD_KIND_LABELS",
    "SIDEBAR_HINT",
    "NO_MONTHS",
    "STORE_HELP",
    "UNEXPECTED",
    "area_population",
    "chart_spec",
    "current_area",
    "current_store",
    "database",
    "download_table",
    "error_text",
    "forces_note",
    "get_area",
    "guard",
    "loaded_months",
    "loaded_period",
    "no_months_message",
    "period_incident_filters",
    "run_query",
    "show_chart",
    "show_error",
    "show_table",
    "sidebar_period",
    "slug",
]
