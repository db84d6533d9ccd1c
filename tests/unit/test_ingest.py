"""Ingest: reading police.uk files, dropping rows by reason, ward assignment, idempotence, atomicity."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from csp_data.errors import InputFileError
from csp_data.store import Store
from csp_data.store import versions as store_module
from csp_data.store.ingest import ingest
from helpers import HEADER, ROOT, csv_bytes, street_row

SEA = (0.95, 51.60)  # in the Thames estuary: inside no ward polygon


def january_rows(points):
    gs, luton = points["Gillingham South"], points["Luton"]
    return [
        street_row("2025-01", "Violence and sexual offences", *gs, crime_id="a1"),
        street_row("2025-01", "Violence and sexual offences", *gs, crime_id="a2"),
        street_row("2025-01", "Burglary", *gs, crime_id="a3"),
        street_row("2025-01", "Anti-social behaviour", *gs),
        street_row("2025-01", "Shoplifting", *luton, crime_id="a4"),
        street_row("2025-01", "Anti-social behaviour", *luton),
        street_row("2025-01", "Drugs", 0.52, 51.27, "Maidstone 014D", crime_id="a5"),  # outside the area
        street_row("2025-01", "Other crime", None, None, "", crime_id="a6"),  # no location
        street_row("2025-01", "Public order", *SEA, crime_id="a7"),  # in Medway's LSOA, in no ward
        street_row("2025-01", "", *gs, crime_id="a8"),  # malformed: no crime type
    ]


@pytest.fixture
def monthly_folder(tmp_path, medway_points):
    folder = tmp_path / "download"
    (folder / "2025-01").mkdir(parents=True)
    (folder / "2025-02").mkdir()
    (folder / "2025-01" / "2025-01-kent-street.csv").write_bytes(csv_bytes(january_rows(medway_points)))
    (folder / "2025-01" / "2025-01-kent-outcomes.csv").write_text("not a street file\n")
    (folder / "2025-02" / "2025-02-kent-street.csv").write_bytes(
        csv_bytes([street_row("2025-02", "Robbery", *medway_points["All Saints"], crime_id="b1")])
    )
    return folder


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a hash of its bytes (the lock file aside)."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def store_rows(store: Store, sql: str = "SELECT * FROM t ORDER BY crime_id") -> list[dict]:
    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{store.incidents_glob}', union_by_name=true)")
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def test_folder_is_read_and_rows_dropped_by_reason(monthly_folder, medway_area, tmp_path):
    store = Store(tmp_path / "store")
    reports = ingest([monthly_folder], medway_area, store)
    assert [(r.month, r.force) for r in reports] == [("2025-01", "Kent Police"), ("2025-02", "Kent Police")]
    january = reports[0]
    assert (january.rows_read, january.rows_kept) == (10, 7)
    assert (january.no_location, january.outside_area, january.malformed, january.in_no_ward) == (1, 1, 1, 1)
    assert (reports[1].rows_read, reports[1].rows_kept) == (1, 1)


def test_store_columns_and_ward_assignment(monthly_folder, medway_area, tmp_path):
    store = Store(tmp_path / "store")
    ingest([monthly_folder], medway_area, store)
    rows = store_rows(store, "SELECT * FROM t WHERE kind = 'crime' ORDER BY crime_id")
    by_id = {r["crime_id"]: r for r in rows}
    assert set(by_id) == {"a1", "a2", "a3", "a4", "a7", "b1"}
    assert by_id["a1"]["ward_name"] == "Gillingham South" and by_id["a1"]["ward_code"] == "E05014455"
    assert by_id["a4"]["ward_name"] == "Luton"
    assert by_id["b1"]["ward_name"] == "All Saints"
    # The point in the estuary is kept and counted, with null ward columns for every vintage.
    assert by_id["a7"]["ward_code"] is None and by_id["a7"]["ward_code_2022"] is None
    # The earlier wards are assigned too: Gillingham South existed before 2023 as well.
    assert by_id["a1"]["ward_name_2022"] == "Gillingham South"
    assert str(by_id["a1"]["month"]).startswith("2025-01-01")
    columns = set(rows[0])
    for required in (
        "month",
        "kind",
        "crime_type",
        "crime_id",
        "longitude",
        "latitude",
        "location",
        "lsoa_code",
        "ward_code",
        "ward_name",
        "ward_code_2022",
        "ward_name_2022",
        "outcome",
    ):
        assert required in columns
    asb = store_rows(store, "SELECT kind, crime_id, outcome FROM t WHERE crime_type = 'Anti-social behaviour'")
    assert asb == [{"kind": "asb", "crime_id": None, "outcome": None}] * 2


def test_month_column_is_a_date(monthly_folder, medway_area, tmp_path):
    store = Store(tmp_path / "store")
    ingest([monthly_folder], medway_area, store)
    con = duckdb.connect()
    kind = con.execute(f"SELECT typeof(month) FROM read_parquet('{store.incidents_glob}') LIMIT 1").fetchone()[0]
    assert kind == "DATE"


def test_loading_a_month_again_replaces_it(monthly_folder, medway_area, tmp_path, medway_points):
    store = Store(tmp_path / "store")
    ingest([monthly_folder], medway_area, store)
    ingest([monthly_folder], medway_area, store)
    assert len(store_rows(store)) == 8  # not 16
    # A corrected January with one row replaces all of January and leaves February alone.
    fixed = tmp_path / "2025-01-kent-street.csv"
    fixed.write_bytes(csv_bytes([street_row("2025-01", "Robbery", *medway_points["Luton"], crime_id="c1")]))
    ingest([fixed], medway_area, store)
    ids = [r["crime_id"] for r in store_rows(store)]
    assert ids == ["b1", "c1"]
    ledger = store.read_ledger().to_pylist()
    assert [(r["month"].isoformat(), r["rows_read"]) for r in ledger] == [("2025-01-01", 1), ("2025-02-01", 1)]


def test_incidents_glob_names_the_version_so_a_load_cannot_change_a_query_under_it(
    monthly_folder, medway_area, tmp_path, medway_points
):
    """DuckDB follows a symbolic link afresh for every file it lists and opens, so a glob through
    ``current`` that overlaps a load has left out a month (no error). The glob the store gives names the
    version's own folder: a query started with it reads that version whole while later loads land."""
    store = Store(tmp_path / "store")
    ingest([monthly_folder], medway_area, store)
    before = store.incidents_glob
    assert "/current/" not in before and f"/versions/{store.current_version()}/" in before
    fixed = tmp_path / "2025-01-kent-street.csv"
    fixed.write_bytes(csv_bytes([street_row("2025-01", "Robbery", *medway_points["Luton"], crime_id="c1")]))
    ingest([fixed], medway_area, store)
    con = duckdb.connect()
    old = con.execute(f"SELECT crime_id FROM read_parquet('{before}') ORDER BY 1").fetchall()
    new = con.execute(f"SELECT crime_id FROM read_parquet('{store.incidents_glob}') ORDER BY 1").fetchall()
    # January: five crimes kept (a5, a6, a8 dropped) and two ASB rows without an id; February: b1
    assert len(old) == 8 and [r[0] for r in old if r[0]] == ["a1", "a2", "a3", "a4", "a7", "b1"]
    assert [r[0] for r in new] == ["b1", "c1"]


def test_other_force_same_month_is_kept_apart(monthly_folder, medway_area, tmp_path, medway_points):
    store = Store(tmp_path / "store")
    ingest([monthly_folder], medway_area, store)
    btp = tmp_path / "2025-01-btp-street.csv"
    btp.write_bytes(
        csv_bytes(
            [
                street_row(
                    "2025-01", "Other theft", *medway_points["Luton"], crime_id="t1", force="British Transport Police"
                )
            ]
        )
    )
    ingest([btp], medway_area, store)
    assert len(store_rows(store)) == 9


def test_zip_archive_layout(monthly_folder, medway_area, tmp_path):
    archive = tmp_path / "police.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in monthly_folder.rglob("*.csv"):
            zf.write(path, str(path.relative_to(monthly_folder)))
    store = Store(tmp_path / "store")
    reports = ingest([archive], medway_area, store)
    assert sum(r.rows_kept for r in reports) == 8


def test_same_month_twice_in_one_load_is_an_error(monthly_folder, medway_area, tmp_path):
    store = Store(tmp_path / "store")
    with pytest.raises(InputFileError, match="2025-01 for Kent Police is also in"):
        ingest([monthly_folder, monthly_folder / "2025-01" / "2025-01-kent-street.csv"], medway_area, store)
    assert tree_digest(store.root) == {}


# ---- bad input: one clear error naming the file (and line), store untouched ----


def bad_files(medway_points):
    good = csv_bytes(january_rows(medway_points))
    gs = medway_points["Gillingham South"]
    renamed = csv_bytes(january_rows(medway_points), [h if h != "Crime type" else "Type" for h in HEADER])
    return {
        "missing column": (
            csv_bytes([r[:11] for r in january_rows(medway_points)], HEADER[:11]),
            "missing column(s) 'Context'",
            1,
        ),
        "renamed column": (renamed, "missing column(s) 'Crime type'", 1),
        "non-CSV": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8", 1),
        "binary-looking text": (b"%PDF-1.4\n1 0 obj\n", "not a police.uk street-level CSV", 1),
        "non-UTF-8": (good + b"2025-01,x\n" + b"On or near Caf\xe9\n", "not UTF-8", 13),
        "truncated last line": (
            good + b"abc,2025-01,Kent Police,Kent Police,0.55",
            "the last line is truncated (5 of 12 fields)",
            12,
        ),
        "short middle line": (
            good.replace(b"\n", b"\nshort,line\n", 2).replace(b"\nshort,line\n", b"\n", 1),
            "has 2 fields where the header has 12",
            3,
        ),
        "latitude out of range": (
            csv_bytes([street_row("2025-01", "Robbery", gs[0], 951.2)]),
            "latitude 951.2 is out of range",
            2,
        ),
        "longitude not a number": (
            csv_bytes([street_row("2025-01", "Robbery", "east", gs[1])]),
            "longitude 'east' is not a number",
            2,
        ),
        "unparseable month": (
            csv_bytes([street_row("2025-01", "Robbery", *gs), street_row("Jan 2025", "Robbery", *gs)]),
            "month 'Jan 2025' is not a YYYY-MM month",
            3,
        ),
        "month 13": (csv_bytes([street_row("2025-13", "Robbery", *gs)]), "month '2025-13' is not a YYYY-MM month", 2),
        "empty file": (b"", "the file is empty", None),
        "header only": (csv_bytes([]), "the file has a header but no rows", None),
    }


@pytest.mark.parametrize("case", list(bad_files({"Gillingham South": (0.55, 51.38), "Luton": (0.54, 51.37)})))
def test_bad_input_leaves_store_untouched(case, monthly_folder, medway_area, medway_points, tmp_path):
    data, message, line = bad_files(medway_points)[case]
    store = Store(tmp_path / "store")
    ingest([monthly_folder], medway_area, store)
    before = tree_digest(store.root)
    bad = tmp_path / "bad" / "upload.csv"
    bad.parent.mkdir()
    bad.write_bytes(data)
    with pytest.raises(InputFileError) as caught:
        ingest([monthly_folder / "2025-02", bad], medway_area, store)
    error = caught.value
    assert error.path == str(bad)
    assert message in error.problem
    assert error.line == line
    assert str(error).startswith(str(bad) + (f", line {line}: " if line else ": "))
    assert tree_digest(store.root) == before


def test_file_named_for_another_month(medway_area, medway_points, tmp_path):
    path = tmp_path / "2025-03-kent-street.csv"
    path.write_bytes(csv_bytes([street_row("2025-04", "Robbery", *medway_points["Luton"])]))
    with pytest.raises(InputFileError, match="row is for month 2025-04 but the file is named for 2025-03"):
        ingest([path], medway_area, Store(tmp_path / "store"))


def test_zip_without_street_files(medway_area, tmp_path):
    archive = tmp_path / "outcomes.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("2025-01/2025-01-kent-outcomes.csv", "a,b\n")
    with pytest.raises(InputFileError, match="the zip holds no police.uk street files"):
        ingest([archive], medway_area, Store(tmp_path / "store"))


def test_corrupt_zip_and_missing_path(medway_area, tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputFileError, match="not a readable zip archive"):
        ingest([archive], medway_area, Store(tmp_path / "store"))
    with pytest.raises(InputFileError, match="no such file or folder"):
        ingest([tmp_path / "nowhere"], medway_area, Store(tmp_path / "store"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError, match="holds no police.uk street files"):
        ingest([tmp_path / "empty"], medway_area, Store(tmp_path / "store"))


# ---- atomicity: see test_store_crash.py, which kills and interrupts real processes at every step ----


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_failure_while_building_leaves_the_store_as_it_was(
    fail_at, monthly_folder, medway_area, medway_points, tmp_path, monkeypatch
):
    """A full disk at any write of the new version: the error reaches the caller, the store is unchanged."""
    store = Store(tmp_path / "store")
    ingest([monthly_folder], medway_area, store)
    before = tree_digest(store.root)
    replacement = tmp_path / "new"
    replacement.mkdir()
    for month in ("2025-01", "2025-02", "2025-03"):
        (replacement / f"{month}-kent-street.csv").write_bytes(
            csv_bytes([street_row(month, "Robbery", *medway_points["Luton"], crime_id="n" + month)])
        )
    real_fsync = os.fsync
    calls = {"n": 0}

    def failing_fsync(descriptor):
        calls["n"] += 1
        if calls["n"] == fail_at:
            raise OSError(28, "No space left on device")
        return real_fsync(descriptor)

    monkeypatch.setattr(store_module.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        ingest([replacement], medway_area, store)
    monkeypatch.setattr(store_module.os, "fsync", real_fsync)
    assert tree_digest(store.root) == before
    assert [r["crime_id"] for r in store_rows(store) if r["crime_id"]][:2] == ["a1", "a2"]


# ---- the command line ----


def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "csp_data", *args], cwd=cwd, capture_output=True, text=True)


def test_cli_ingest_prints_per_month_counts(monthly_folder, tmp_path):
    result = run_cli("ingest", "--store", str(tmp_path / "store"), "--quiet", str(monthly_folder))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "month",
        "force",
        "read",
        "kept",
        "no",
        "location",
        "outside",
        "area",
        "malformed",
        "in",
        "no",
        "ward",
    ]
    assert lines[1].split() == ["2025-01", "Kent", "Police", "10", "7", "1", "1", "1", "1"]
    assert lines[3].split() == ["total", "11", "8", "1", "1", "1", "1"]
    status = run_cli("status", "--store", str(tmp_path / "store"))
    assert "Months loaded: Jan 2025 to Feb 2025." in status.stdout


def test_cli_bad_file_is_one_line_without_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Crime ID,Month\n1,2025-01\n")
    result = run_cli("ingest", "--store", str(tmp_path / "store"), "--quiet", str(bad))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {bad}, line 1: not a police.uk street-level CSV")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "store" / "incidents").exists()


def test_cli_bad_area_file(tmp_path):
    area = tmp_path / "area.toml"
    area.write_text("[area]\nname = 'X'\n")
    result = run_cli("status", "--area", str(area))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {area}: missing field 'area.short_name'"


def test_asb_however_it_is_written_is_asb_and_never_crime(medway_area, medway_points, tmp_path):
    gs = medway_points["Gillingham South"]
    spellings = ["Anti-Social Behaviour", "anti-social behaviour ", "Antisocial behaviour", "ANTI SOCIAL BEHAVIOUR"]
    rows = [street_row("2025-01", name, *gs, crime_id="") for name in spellings]
    rows.append(street_row("2025-01", "Anti-social behaviour", *gs, crime_id=""))
    rows.append(street_row("2025-01", "Burglary", *gs, crime_id="c1"))
    folder = tmp_path / "download" / "2025-01"
    folder.mkdir(parents=True)
    (folder / "2025-01-kent-street.csv").write_bytes(csv_bytes(rows))
    store = Store(tmp_path / "store")
    ingest([folder.parent], medway_area, store)
    kinds = store_rows(store, "SELECT kind, crime_type, count(*) AS n FROM t GROUP BY ALL ORDER BY kind")
    assert kinds == [
        {"kind": "asb", "crime_type": "Anti-social behaviour", "n": 5},
        {"kind": "crime", "crime_type": "Burglary", "n": 1},
    ]


def test_a_line_of_many_blocks_is_split_once(monkeypatch):
    import io
    import re as re_module

    from csp_data.store import policeuk

    splits = []
    split = re_module.split
    monkeypatch.setattr(policeuk.re, "split", lambda *args: splits.append(len(args[1])) or split(*args))
    long_line = b"x," + b"A" * (40 << 20)  # 40 blocks of 1 MiB without a line end
    lines = list(policeuk._raw_lines(io.BytesIO(b"a,b\r\n" + long_line + b"\r\nc,d\rlast")))
    assert lines == [b"a,b", long_line, b"c,d", b"last"]
    # Split when a block holds a line end, not once a block with the whole line so far (40 x 20 MiB on average).
    assert len(splits) <= 3 and sum(splits) < 2 * len(long_line)


def test_a_folder_and_its_zip_load_the_same_files(medway_area, medway_points, tmp_path):
    # A download unpacked or zipped on a Mac: resource-fork copies beside the files, names in another case.
    gs = medway_points["Gillingham South"]
    folder = tmp_path / "download"
    files = {
        "2025-01/2025-01-kent-street.csv": csv_bytes([street_row("2025-01", "Burglary", *gs, crime_id="j1")]),
        "2025-02/2025-02-Kent-street.CSV": csv_bytes([street_row("2025-02", "Robbery", *gs, crime_id="f1")]),
        "2025-01/._2025-01-kent-street.csv": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X",
        "__MACOSX/2025-01/2025-01-kent-street.csv": b"\x00\x05\x16\x07 not a CSV",
        "2025-01/2025-01-kent-outcomes.csv": b"not a street file\n",
    }
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, data in files.items():
            zipped.writestr(name, data)
    for source in (folder, archive):
        store = Store(tmp_path / f"store-{source.name}")
        reports = ingest([source], medway_area, store)
        assert [(r.month, r.rows_kept) for r in reports] == [("2025-01", 1), ("2025-02", 1)]
        assert [r["crime_id"] for r in store_rows(store)] == ["f1", "j1"]


def test_months_loaded_with_other_ward_sets_are_named_not_mixed(monthly_folder, medway_area, tmp_path):
    import dataclasses

    from csp_data.errors import AreaFileError
    from csp_data.store.queries import Database
    from csp_data.store.versions import StoreError

    store = Store(tmp_path / "store")
    ingest([monthly_folder / "2025-01"], medway_area, store)
    before = tree_digest(store.root)
    # The area file's earlier ward set taken out after January was loaded (or another added, or made current).
    changed = [
        dataclasses.replace(medway_area, wards=medway_area.wards[:1]),
        dataclasses.replace(
            medway_area, wards=(medway_area.wards[0], dataclasses.replace(medway_area.wards[1], vintage="x2019"))
        ),
    ]
    for area in changed:
        with pytest.raises(
            AreaFileError, match=r"area\.toml: the store's months were loaded with other ward sets"
        ) as caught:
            ingest([monthly_folder / "2025-02"], area, store)
        assert "ward_code_2022" in str(caught.value) and "give [store] path a new folder" in str(caught.value)
        assert tree_digest(store.root) == before  # nothing written
        with pytest.raises(StoreError, match=r"^The store's months were loaded with other ward sets"):
            Database(area, store)
    # `status` says so too, from an area file without the earlier ward set.
    text = medway_area.area_file.read_text(encoding="utf-8")
    start = text.index('[[wards]]\nvintage = "2022"')
    edited = medway_area.area_file.parent / f".test-area-{tmp_path.name}.toml"
    try:
        edited.write_text(text[:start] + text[text.index("[population]") :], encoding="utf-8")
        status = run_cli("status", "--area", str(edited), "--store", str(store.root))
        assert (
            status.returncode == 1 and "problem: the store's months were loaded with other ward sets" in status.stdout
        )
        report = json.loads(run_cli("status", "--json", "--area", str(edited), "--store", str(store.root)).stdout)
        assert report["ok"] is False and "ward_code_2022" in report["problems"][0]
    finally:
        edited.unlink(missing_ok=True)
    # With the ward sets it was loaded with, the store loads and reads as before.
    ingest([monthly_folder / "2025-02"], medway_area, store)
    assert len(store_rows(store)) == 8
    Database(medway_area, store).close()


def test_a_month_with_rows_only_from_other_forces_is_refused(medway_area, medway_points, tmp_path):
    import dataclasses

    luton = medway_points["Luton"]
    folder = tmp_path / "download" / "2025-01"
    folder.mkdir(parents=True)
    # Kent's file for the month holds no row in Medway (a wrong or cut file); BTP's holds one.
    (folder / "2025-01-kent-street.csv").write_bytes(
        csv_bytes([street_row("2025-01", "Drugs", 0.52, 51.27, "Maidstone 014D", crime_id="m1")])
    )
    (folder / "2025-01-btp-street.csv").write_bytes(
        csv_bytes([street_row("2025-01", "Other theft", *luton, crime_id="t1", force="British Transport Police")])
    )
    store = Store(tmp_path / "store")
    with pytest.raises(InputFileError, match="the area's rows in 2025-01 are all from British Transport Police"):
        ingest([folder], medway_area, store)
    assert store.read_ledger().num_rows == 0
    # A misspelt territorial force: Kent's rows are in the area, but none is from "Kent Polic".
    (folder / "2025-01-kent-street.csv").write_bytes(csv_bytes([street_row("2025-01", "Drugs", *luton, crime_id="k1")]))
    misspelt = dataclasses.replace(medway_area, territorial_forces=("Kent Polic",))
    with pytest.raises(InputFileError, match="are all from British Transport Police, Kent Police, not from the force"):
        ingest([folder], misspelt, store)
    # A store loaded before the misspelling: `status` names it.
    ingest([folder], medway_area, store)
    text = medway_area.area_file.read_text(encoding="utf-8").replace('["Kent Police"]', '["Kent Polic"]')
    edited = medway_area.area_file.parent / f".test-area-{tmp_path.name}.toml"
    try:
        edited.write_text(text, encoding="utf-8")
        status = run_cli("status", "--area", str(edited), "--store", str(store.root))
        assert status.returncode == 1
        assert "no loaded month is from the area's territorial force(s) (Kent Polic)" in status.stdout
        assert "the store holds British Transport Police, Kent Police" in status.stdout
        # ... and so does the pack, which had said no months were loaded at all.
        report = run_cli(
            "report", "--area", str(edited), "--store", str(store.root), "--out", str(tmp_path / "pack.pdf")
        )
        assert report.returncode == 2 and report.stderr.startswith(
            "error: there is nothing to report: no loaded month is from the area's territorial force(s) (Kent Polic)"
        )
        assert not (tmp_path / "pack.pdf").exists()
    finally:
        edited.unlink(missing_ok=True)
    # Every force counted (no territorial forces): the month loads.
    every = dataclasses.replace(medway_area, territorial_forces=())
    assert [(r.force, r.rows_kept) for r in ingest([folder], every, store)] == [
        ("British Transport Police", 1),
        ("Kent Police", 1),
    ]
