"""Named SQL queries over the store, run by DuckDB.

Each query lives in ``sql/<name>.sql`` with a header::

    -- name: crime_type_counts
    -- purpose: Incidents by police.uk category for a period.
    -- params: $first, $last

A query is called with exactly its declared parameters, always bound by DuckDB, never formatted
into the SQL text; anything else fails at once with :class:`~csp_data.errors.QueryError`.

One :class:`Database` (one DuckDB connection) serves a process; each query runs on its own cursor,
since a DuckDB connection must not be shared between threads.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from csp_data.config import Area
from csp_data.errors import QueryError
from csp_data.store.districts import read_for_other_districts
from csp_data.store.geography import ward_boundaries, ward_population
from csp_data.store.versions import REPAIR_HINT, Store, StoreError

SQL_DIR = Path(__file__).resolve().parent / "sql"
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_STRING_LITERAL = re.compile(r"'(?:[^']|'')*'")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    purpose: str
    params: frozenset[str]
    sql: str


def _parse_sql_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = dict(re.findall(r"^--\s*(name|purpose|params):\s*(.*)$", text, flags=re.MULTILINE))
    name = header.get("name", "").strip()
    if name != path.stem:
        raise QueryError(f"{path}: header '-- name:' should be {path.stem!r}, found {name!r}")
    declared = frozenset(_PARAM.findall(header.get("params", "")))
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    # A '$' inside a string literal ('costs $5') is text, not a parameter.
    used = frozenset(_PARAM.findall(_STRING_LITERAL.sub("''", body)))
    if used != declared:
        raise QueryError(
            f"{path}: parameters used {sorted(used)} differ from those declared in '-- params:' {sorted(declared)}"
        )
    return NamedQuery(name, header.get("purpose", "").strip(), declared, text)


@lru_cache(maxsize=1)
def load_queries(sql_dir: Path = SQL_DIR) -> dict[str, NamedQuery]:
    """Every query in ``sql_dir``, by name."""
    return {q.name: q for q in (_parse_sql_file(p) for p in sorted(sql_dir.glob("*.sql")))}


# Identifiers and keys that view definitions hold as text (DuckDB binds no parameters there).
_FORCE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VINTAGE = re.compile(r"^[0-9a-z_]{1,20}$")
_TABLE = re.compile(r"^[a-z_]+$")
_CATALOG = re.compile(r"^store_[0-9]+$")


def _checked(value: str, pattern: re.Pattern) -> str:
    """``value`` when it matches ``pattern``; otherwise a QueryError (never text spliced into SQL)."""
    if not pattern.match(value):
        raise QueryError(f"{value!r} cannot stand in a view definition (expected {pattern.pattern})")
    return value


def _sql_string(value: str) -> str:
    """A SQL string literal; used only for file paths from the area file in view definitions."""
    return "'" + value.replace("'", "''") + "'"


# -- the process's DuckDB instance ----------------------------------------------------------------
# Opening a DuckDB instance takes 20-35 ms here (it sets up every built-in function); attaching an empty
# in-memory catalog to one already open takes 0.3 ms. So each Database gets a catalog of its own in one
# instance per process: its views and tables bind within that catalog, whatever another database holds.
_instance: duckdb.DuckDBPyConnection | None = None
_instance_pid: int | None = None
# Re-entrant: a database dropped while this thread holds the lock (its finalizer run by a collection
# inside the locked code) detaches its catalog instead of waiting for itself.
_instance_lock = threading.RLock()
_catalog_numbers = itertools.count()


def _new_catalog() -> tuple[duckdb.DuckDBPyConnection, str]:
    """A connection whose default is a new, empty in-memory catalog of the process's DuckDB instance, and the
    catalog's name (a forked process opens an instance of its own)."""
    global _instance, _instance_pid
    with _instance_lock:
        if _instance is None or _instance_pid != os.getpid():
            _instance, _instance_pid = duckdb.connect(database=":memory:"), os.getpid()
        name = _checked(f"store_{next(_catalog_numbers)}", _CATALOG)  # it stands in SQL text below
        _instance.execute(f"ATTACH ':memory:' AS {name}")
        connection = _instance.cursor()
    connection.execute(f"USE {name}")
    return connection, name


def _drop_catalog(connection: duckdb.DuckDBPyConnection, name: str, pid: int) -> None:
    """Close a database's connection and detach its catalog (freeing its tables' memory)."""
    connection.close()
    with _instance_lock:
        if _instance is not None and _instance_pid == pid == os.getpid():
            _instance.execute(f"DETACH DATABASE IF EXISTS {name}")


@contextmanager
def _damaged_files_as_store_errors() -> Iterator[None]:
    """DuckDB's errors for a missing or damaged parquet file, as the store's own message (no paths)."""
    try:
        yield
    except (duckdb.IOException, duckdb.InvalidInputException):
        raise StoreError(f"a data file of the store cannot be read. {REPAIR_HINT}") from None


class Database:
    """The DuckDB views over one area's store that every query reads.

    Views: ``incidents`` (the store, the area's territorial force(s) only), ``incidents_all_forces``,
    ``incident_wards`` (incidents with one row per ward vintage:
    ``vintage, ward_code, ward_name``), ``wards`` (every ward of every vintage), ``ward_population``,
    and ``ledger`` (the coverage ledger).
    """

    def __init__(self, area: Area, store: Store, sql_dir: Path = SQL_DIR):
        self.area = area
        self.store = store
        self.queries = load_queries(sql_dir)
        self._connection, self._catalog = _new_catalog()
        # Detached when this database is closed or dropped (no query can run on it then).
        self._release = weakref.finalize(self, _drop_catalog, self._connection, self._catalog, os.getpid())
        self._lock = threading.Lock()
        try:
            self._create_views()
        except BaseException:
            self.close()
            raise

    def _create_views(self) -> None:
        from csp_data.store.ingest import incident_schema, ward_sets_changed

        con = self._connection
        # The period filter, written once: the month range, and the same range on the folder name
        # (period=YYYY-MM), which lets DuckDB skip whole files without opening them.
        con.execute(
            "CREATE MACRO in_period(month, period, first, last) AS "
            "month BETWEEN first AND last AND period BETWEEN strftime(first, '%Y-%m') AND strftime(last, '%Y-%m')"
        )
        # A snap point's name as the pages show it: police.uk names some points "On or near " and nothing more
        # (2,553 of Medway's incidents in 2022), which are not one street however many there are.
        con.execute("CREATE MACRO unnamed_place(location) AS coalesce(trim(location) IN ('On or near', ''), true)")
        # police.uk capitalises the letter after an apostrophe ("On or near St George'S Road"): written 's.
        con.execute(
            "CREATE MACRO place_name(location) AS "
            "CASE WHEN unnamed_place(location) THEN 'On or near (no name given)' "
            "ELSE regexp_replace(location, '(\\w)''S\\b', '\\1''s', 'g') END"
        )
        # The snapshot is held while this database lives, so the version's files stay on disk even
        # after a newer load lands; the app's cache key changes with the version, so it then opens
        # a new database over the new version.
        self.snapshot = self.store.snapshot()
        # The view reads the version's files by a glob, which would skip a missing file without a word: its
        # month would read as none (a gap shown as zeros). A stat of each file costs ~10 us.
        if missing := [f for f in self.snapshot.files if not (self.snapshot.folder / f.path).is_file()]:
            others = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
            raise StoreError(
                f"the store's file for {missing[0].month} ({missing[0].force}){others} is missing. {REPAIR_HINT}"
            )
        if self.snapshot.files and (other := read_for_other_districts(self.store.root, self.area.lsoa_districts)):
            raise StoreError(other)
        glob = self.snapshot.incidents_glob
        if glob:
            # The folder names (period=YYYY-MM/force_slug=...) become columns, and a filter on
            # ``period`` skips whole files without opening them: queries filter on it as well as on
            # ``month``, which keeps a national store with thousands of files fast. The glob is inside
            # one version's folder, whose files never change.
            with _damaged_files_as_store_errors():  # creating the view reads a file's schema
                con.execute(
                    "CREATE VIEW incidents_all_forces AS SELECT * FROM read_parquet("
                    f"{_sql_string(glob)}, hive_partitioning = true, "
                    "hive_types = {'period': VARCHAR, 'force_slug': VARCHAR})"
                )
            columns = [row[0] for row in con.execute("DESCRIBE incidents_all_forces").fetchall()]
            if problem := ward_sets_changed(self.area, columns):
                raise StoreError(problem[0].upper() + problem[1:] + ".")
        else:
            empty = incident_schema(self.area).empty_table()
            empty = empty.append_column("period", pa.array([], pa.string()))
            self._create_table("incidents_all_forces", empty.append_column("force_slug", pa.array([], pa.string())))
        self._create_table("ledger_all_forces", self.snapshot.ledger)
        # Totals count the area's territorial force(s) only, as ONS CSP figures do. View definitions
        # cannot take parameters, so the keys stand in the text, each checked against the key pattern.
        keys = [_checked(k, _FORCE_KEY) for k in self.area.territorial_force_keys]
        territorial = f"force_slug IN ({', '.join(_sql_string(k) for k in keys)})" if keys else "true"
        con.execute(f"CREATE VIEW incidents AS SELECT * FROM incidents_all_forces WHERE {territorial}")
        con.execute(f"CREATE VIEW ledger AS SELECT * FROM ledger_all_forces WHERE {territorial}")
        con.execute(
            f"CREATE VIEW incidents_other_forces AS SELECT * FROM incidents_all_forces WHERE NOT ({territorial})"
        )
        wards = pd.concat(
            [ward_boundaries(v)[["ward_code", "ward_name"]].assign(vintage=v.vintage) for v in self.area.wards],
            ignore_index=True,
        )
        self._create_table("wards", wards[["vintage", "ward_code", "ward_name"]])
        population = ward_population(self.area)
        population.insert(0, "vintage", self.area.population.vintage if self.area.population else None)
        self._create_table("ward_population", population)

        # Ward columns come from the area file, whose vintage ids are checked against a strict pattern.
        # Names come from the wards table, where two wards of one name have labels that tell them apart.
        selects = [
            f"SELECT i.period, i.month, i.kind, i.crime_type, i.location, i.longitude, i.latitude, "
            f"'{v.vintage}' AS vintage, i.{v.code_column} AS ward_code, coalesce(w.ward_name, i.{v.name_column}) "
            f"AS ward_name FROM incidents AS i LEFT JOIN wards AS w ON w.vintage = '{v.vintage}' "
            f"AND w.ward_code = i.{v.code_column}"
            for v in self.area.wards
        ]
        current = _checked(self.area.current_wards.vintage, _VINTAGE)
        con.execute(f"CREATE VIEW current_wards AS SELECT ward_code, ward_name FROM wards WHERE vintage = '{current}'")
        con.execute("CREATE VIEW incident_wards AS " + " UNION ALL ".join(selects))

    def loaded_months(self) -> list[date]:
        """The months loaded for the area's territorial force(s) (:meth:`csp_data.store.Snapshot.loaded_months`
        of the version this database reads), oldest first."""
        return self.snapshot.loaded_months(self.area.territorial_force_keys)

    def _create_table(self, name: str, data) -> None:
        """Copy an in-memory frame into a table, so that every cursor sees it."""
        self._connection.register("_frame", data)
        self._connection.execute(f"CREATE TABLE {_checked(name, _TABLE)} AS SELECT * FROM _frame")
        self._connection.unregister("_frame")

    def query(self, name: str, **params) -> pd.DataFrame:
        """Run the named query with its parameters bound; return the rows as a DataFrame.

        Raises
        ------
        QueryError
            For an unknown name or parameters that differ from the declared ones.
        """
        query = self.queries.get(name)
        if query is None:
            raise QueryError(f"no query named {name!r}; known: {', '.join(sorted(self.queries))}")
        given = frozenset(params)
        if given != query.params:
            missing, extra = sorted(query.params - given), sorted(given - query.params)
            raise QueryError(f"query {name!r}: missing parameters {missing}, unexpected {extra}")
        with self._lock:
            cursor = self._connection.cursor()
        try:
            cursor.execute(f"USE {self._catalog}")  # a new cursor starts in the instance's own catalog
            with _damaged_files_as_store_errors():
                return cursor.execute(query.sql, params).df()
        finally:
            cursor.close()

    def close(self) -> None:
        self._release()
        snapshot = getattr(self, "snapshot", None)
        if snapshot is not None:
            snapshot.close()
