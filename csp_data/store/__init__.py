"""The incidents store: reading police.uk files, loading them, the versioned parquet store and its queries.

Modules: ``policeuk`` (reading and checking street-level files), ``ingest`` (loading them into the
store), ``versions`` (the store itself: immutable versions switched by one rename), ``builder`` (a new
version being built), ``layout`` (its files and locks), ``health`` (status, repair, remove), ``forces``
(force names and keys), ``districts`` (districts' former names), ``geography`` (wards and population),
``statcache`` (statistics kept with a version), ``queries`` (the named SQL in ``sql/`` over DuckDB views
of the store).

The names below are the store's public API. ``ingest`` and ``Database`` pull in geopandas and DuckDB,
so they are imported when first used, which keeps ``python -m csp_data status`` quick to start.
"""

from csp_data.store.builder import VersionBuilder
from csp_data.store.versions import (
    LEDGER_SCHEMA,
    REPAIR_HINT,
    Snapshot,
    Store,
    StoreError,
    StoreFile,
)

__all__ = [
    "LEDGER_SCHEMA",
    "REPAIR_HINT",
    "Snapshot",
    "Store",
    "StoreError",
    "StoreFile",
    "VersionBuilder",
    "Database",
    "ingest",
    "MonthReport",
    "check_store",
    "repair_store",
    "remove_months",
]

_LAZY = {
    "Database": "csp_data.store.queries",
    "ingest": "csp_data.store.ingest",
    "MonthReport": "csp_data.store.ingest",
    "check_store": "csp_data.store.health",
    "repair_store": "csp_data.store.health",
    "remove_months": "csp_data.store.health",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'csp_data.store' has no attribute {name!r}")
