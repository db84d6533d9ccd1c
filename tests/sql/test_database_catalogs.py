"""Every Database is a catalog of its own in the process's one DuckDB instance: two databases over two stores
never see each other's views or tables, and a database dropped or closed takes its catalog with it."""

from __future__ import annotations

import gc
from datetime import date

import pytest

from csp_data.config import load_area
from csp_data.store import Store, queries
from csp_data.store.ingest import ingest
from csp_data.store.queries import Database
from helpers import MEDWAY_AREA_FILE, csv_bytes, street_row


def _store(folder, points, month: str, types: list[str]) -> Store:
    raw = folder / "raw"
    raw.mkdir(parents=True)
    (raw / f"{month}-kent-street.csv").write_bytes(csv_bytes([street_row(month, t, *points) for t in types]))
    store = Store(folder / "store")
    ingest([raw], load_area(MEDWAY_AREA_FILE), store)
    return store


def _catalogs() -> set[str]:
    if queries._instance is None:  # no database opened yet in this process
        return set()
    rows = queries._instance.execute("SELECT database_name FROM duckdb_databases()").fetchall()
    return {name for (name,) in rows if name.startswith("store_")}


def _counts(db: Database) -> list[tuple]:
    first = last = db.loaded_months()[0]
    frame = db.query("monthly_type_counts", first=first, last=last)
    return list(frame[["crime_type", "incidents"]].itertuples(index=False, name=None))


def test_two_databases_keep_their_own_views_and_drop_their_catalogs(tmp_path, medway_points):
    area = load_area(MEDWAY_AREA_FILE)
    point = medway_points["Luton"]
    january = _store(tmp_path / "a", point, "2025-01", ["Burglary", "Burglary", "Drugs"])
    june = _store(tmp_path / "b", point, "2025-06", ["Robbery"])
    one, two = Database(area, january), Database(area, june)
    assert one._catalog != two._catalog
    assert one.loaded_months() == [date(2025, 1, 1)] and two.loaded_months() == [date(2025, 6, 1)]
    assert _counts(one) == [("Burglary", 2), ("Drugs", 1)]
    assert _counts(two) == [("Robbery", 1)]
    # Views bind within their own catalog, whichever database the instance's default is.
    assert len(queries._instance.execute(f"SELECT * FROM {two._catalog}.incidents").fetchall()) == 1

    dropped = one._catalog
    del one
    gc.collect()
    assert dropped not in _catalogs()
    assert _counts(two) == [("Robbery", 1)]  # the other database is untouched
    kept = two._catalog
    two.close()
    two.close()  # closing twice is harmless
    assert kept not in _catalogs()


def test_a_database_that_cannot_be_built_leaves_no_catalog(tmp_path, monkeypatch):
    area = load_area(MEDWAY_AREA_FILE)
    before = _catalogs()

    def broken(self):
        raise RuntimeError("view creation failed")

    monkeypatch.setattr(Database, "_create_views", broken)
    with pytest.raises(RuntimeError):
        Database(area, Store(tmp_path / "empty"))
    assert _catalogs() == before


def test_a_database_dropped_while_its_thread_holds_the_instance_lock_does_not_wait_for_itself(tmp_path):
    # A collection can run a database's finalizer inside code that holds the instance's lock (opening
    # another database): detaching its catalog must not deadlock on that lock.
    import threading

    area = load_area(MEDWAY_AREA_FILE)
    holder = {"db": Database(area, Store(tmp_path / "empty"))}
    name = holder["db"]._catalog

    def drop_while_locked():
        with queries._instance_lock:
            holder.clear()
            gc.collect()

    worker = threading.Thread(target=drop_while_locked, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "dropping a database while holding the instance's lock deadlocked"
    assert name not in _catalogs()
