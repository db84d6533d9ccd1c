"""The months a page can show come from the store's ledger, for the area's territorial force(s) only."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from csp_data.store.layout import LEDGER_SCHEMA
from csp_data.store.versions import Snapshot

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def _ledger(rows: list[tuple[date, str]]) -> pa.Table:
    columns = {name: [None] * len(rows) for name in LEDGER_SCHEMA.names}
    columns["month"] = [m for m, _ in rows]
    columns["force_slug"] = [k for _, k in rows]
    columns["force"] = [k.title() for _, k in rows]
    return pa.table(columns, schema=LEDGER_SCHEMA)


def test_months_of_the_territorial_force_only_sorted_and_once_each():
    # March is loaded for the neighbouring force only; February twice (two files of Kent's).
    ledger = _ledger([(FEB, "kent"), (MAR, "essex"), (JAN, "kent"), (FEB, "kent"), (JAN, "essex")])
    snapshot = Snapshot("v1", None, (), ledger)
    assert snapshot.loaded_months(("kent",)) == [JAN, FEB]
    assert snapshot.loaded_months(("essex",)) == [JAN, MAR]
    assert snapshot.loaded_months(("kent", "essex")) == [JAN, FEB, MAR]
    # An area without territorial forces counts every force, as its totals do.
    assert snapshot.loaded_months(()) == [JAN, FEB, MAR]
    assert snapshot.loaded_months(("city-of-london",)) == []


def test_an_empty_store_has_no_months(tmp_path):
    from csp_data.store import Store

    assert Store(tmp_path / "store").loaded_months(("kent",)) == []
    assert Snapshot("empty", None, (), LEDGER_SCHEMA.empty_table()).loaded_months(()) == []
