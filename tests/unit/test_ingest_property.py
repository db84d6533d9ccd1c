"""Property-based test of ingest on malformed input (hypothesis): never a traceback, never a torn store.

A valid street file is mutated at random (bytes inserted or removed, fields replaced by hostile text,
line endings changed, months and coordinates altered, the file cut short) and loaded into a store that
already holds data. For every case, either the load is refused with a ``CspDataError`` and the store is
byte-identical to before, or it lands and the ledger agrees exactly with what the data files hold.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csp_data.config import load_area
from csp_data.errors import CspDataError
from csp_data.store import Store
from csp_data.store.ingest import ingest
from helpers import csv_bytes, street_row

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("CSP_PROPERTY_EXAMPLES", "1000"))
HOSTILE_TEXT = st.lists(
    st.sampled_from(list("0123456789-.,\"' \t\r\nabcKENT_é١٢\x00\x1f\x7f\ufeff\u202e") + ["Kent Police", "2025-03"]),
    max_size=8,
).map("".join)


def digest(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            out[str(path.relative_to(root))] = "link:" + str(path.readlink())
        elif path.is_file() and path.name != ".lock":
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@st.composite
def mutated_files(draw, base_rows):
    rows = [list(r) for r in base_rows]
    for _ in range(draw(st.integers(0, 3))):
        row, column = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, 11))
        rows[row][column] = draw(HOSTILE_TEXT)
    data = bytearray(csv_bytes(rows))
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["insert", "delete", "flip", "endings", "truncate"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=6))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 20))]
        elif action == "flip" and data:
            data[position] = draw(st.integers(0, 255))
        elif action == "endings":
            data = bytearray(bytes(data).replace(b"\n", draw(st.sampled_from([b"\r", b"\r\n", b"\n\n"]))))
        else:
            data = data[:position]
    name = draw(st.sampled_from(["2025-03-kent-street.csv", "upload.csv", "2025-04-kent-street.csv"]))
    return name, bytes(data)


def ledger_matches_data(store: Store) -> None:
    with store.snapshot() as snap:
        ledger = {(r["month"].strftime("%Y-%m"), r["force_slug"]): r["rows_kept"] for r in snap.ledger.to_pylist()}
        files = {(f.month, f.force_slug): f.rows for f in snap.files}
        data = {}
        if snap.incidents_glob:
            data = {
                (m, s): n
                for m, s, n in duckdb.connect()
                .sql(
                    f"SELECT strftime(month, '%Y-%m'), force_slug, count(*) FROM read_parquet('{snap.incidents_glob}', "
                    "hive_partitioning = true) GROUP BY ALL"
                )
                .fetchall()
            }
    assert {k: v for k, v in ledger.items() if v} == data == files


@pytest.fixture(scope="module")
def base(tmp_path_factory, medway_points):
    points = list(medway_points.values())
    rows = [
        street_row("2025-03", t, *points[i % len(points)], crime_id=f"id{i}")
        for i, t in enumerate(["Robbery", "Burglary", "Anti-social behaviour", "Drugs"])
    ]
    rows.append(street_row("2025-03", "Robbery", 0.75, 51.33, "Swale 002B"))
    root = tmp_path_factory.mktemp("property")
    store = Store(root / "store")
    seed = root / "2025-02-kent-street.csv"
    seed.write_bytes(csv_bytes([[*r[:1], "2025-02", *r[2:]] for r in rows]))
    area = load_area(None)
    ingest([seed], area, store)
    return rows, store, area, root


def test_malformed_input_never_tracebacks_nor_tears_the_store(base):
    rows, store, area, root = base
    counter = {"refused": 0, "loaded": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated_files(rows))
    def check(case):
        name, data = case
        path = root / "in" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        before = digest(store.root)
        try:
            ingest([path], area, store)
        except CspDataError as error:
            assert str(error).startswith(str(path)), str(error)
            assert "\n" not in str(error)  # the command line prints it as one line
            assert digest(store.root) == before
            counter["refused"] += 1
        else:
            counter["loaded"] += 1
        finally:
            path.unlink()
        ledger_matches_data(store)

    check()
    # Both outcomes are exercised, not only refusals.
    assert counter["refused"] > EXAMPLES // 10 and counter["loaded"] > EXAMPLES // 20, counter
