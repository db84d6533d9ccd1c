"""Community Safety Dashboard: data, statistics and charts for a Community Safety Partnership.

The package imports no Streamlit outside :mod:`csp_data.ui`, so everything here can be used from
the command line (``python -m csp_data``) and tested without a browser. The names below are the
curated API (imported when first used, so that ``import csp_data`` stays quick)::

    area = csp_data.load_area()                      # Medway's area file, or $CSP_AREA_FILE
    store = csp_data.Store(area.store_dir)
    csp_data.ingest(["2026-01-kent-street.csv"], area, store)
    db = csp_data.Database(area, store)              # the named SQL queries over the store
    db.query("crime_type_counts", first=..., last=...)
"""

import importlib

__version__ = "0.1.0"
__all__ = ["load_area", "Area", "Store", "ingest", "Database", "CspDataError", "build_overview", "build_ward_table"]

_API = {
    "load_area": "csp_data.config",
    "Area": "csp_data.config",
    "Store": "csp_data.store",
    "ingest": "csp_data.store.ingest",
    "Database": "csp_data.store.queries",
    "CspDataError": "csp_data.errors",
    "build_overview": "csp_data.figures.overview",
    "build_ward_table": "csp_data.figures.wards",
}


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'csp_data' has no attribute {name!r}")
