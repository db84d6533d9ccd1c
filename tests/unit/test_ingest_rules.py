"""Ingest's input rules and the findings of issue 11, each as a regression test.

Every refused input gives one ``InputFileError`` naming the file (and line) and leaves the store
byte-identical; every accepted one keeps the ledger equal to what the data files hold.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from csp_data.errors import AreaFileError, CspDataError, InputFileError
from csp_data.store import Store, StoreError
from csp_data.store.forces import force_key, normalise_force_name
from csp_data.store.health import check_store, remove_months, repair_store
from csp_data.store.ingest import EmptyLoadError, ingest
from csp_data.store.queries import Database
from helpers import HEADER, ROOT, csv_bytes, street_row


def tree_digest(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    } | {str(p.relative_to(root)): "link:" + str(p.readlink()) for p in root.rglob("*") if p.is_symlink()}


def data_counts(store: Store) -> dict[tuple[str, str], int]:
    """Rows per (month, force) read from the data files through the analysts' glob."""
    if store.version() == "empty":
        return {}
    rows = (
        duckdb.connect()
        .sql(
            f"SELECT strftime(month, '%Y-%m'), force, count(*) FROM read_parquet('{store.incidents_glob}') GROUP BY ALL"
        )
        .fetchall()
    )
    return {(m, f): n for m, f, n in rows}


def ledger_counts(store: Store) -> dict[tuple[str, str], int]:
    return {
        (r["month"].strftime("%Y-%m"), r["force"]): r["rows_kept"]
        for r in store.read_ledger().to_pylist()
        if r["rows_kept"]
    }


@pytest.fixture
def loaded(tmp_path, medway_area, medway_points):
    """A store holding January and February 2025 (Kent Police)."""
    folder = tmp_path / "first"
    folder.mkdir()
    luton = medway_points["Luton"]
    for month, n in (("2025-01", 4), ("2025-02", 3)):
        rows = [street_row(month, "Robbery", *luton, crime_id=f"{month}-{i}") for i in range(n)]
        (folder / f"{month}-kent-street.csv").write_bytes(csv_bytes(rows))
    store = Store(tmp_path / "store")
    ingest([folder], medway_area, store)
    return store


def refused(store: Store, area, path: Path, data: bytes, problem: str, line: int | None, **kwargs) -> InputFileError:
    before = tree_digest(store.root)
    path.write_bytes(data)
    with pytest.raises(InputFileError) as caught:
        ingest([path], area, store, **kwargs)
    assert problem in caught.value.problem, caught.value.problem
    assert caught.value.line == line
    assert tree_digest(store.root) == before
    return caught.value


# ---- forces (findings 4 and 5) ----


def test_the_forces_sentence_says_where_the_other_forces_are_shown():
    from csp_data.store.forces import describe_forces

    elsewhere = describe_forces(("Kent Police",), 48, 5)
    assert elsewhere == (
        "Counts are of incidents recorded by Kent Police, the area's territorial police, as in ONS figures. 48 more "
        "reported in the area by 5 other forces (such as British Transport Police at railway stations) are shown "
        "separately on the Data and methods page."
    )
    # On the Data and methods page itself it sent the reader to the page they were on.
    assert describe_forces(("Kent Police",), 48, 5, "below").endswith("are shown separately below.")
    assert describe_forces((), 48, 5) == "Counts include every force that reported incidents in the area."


def test_force_keys_fold_spellings_and_never_collide():
    same = ["Kent Police", "KENT POLICE", "Kent-Police", "Kent  Police", " kent_police ", "Ｋｅｎｔ Police"]
    assert {force_key(n) for n in same} == {"kent-police"}
    different = [".", "..", "Polícia Kent", "Policía Kent", "Policia Kent", "Kent Police 2", "Kent Polic"]
    keys = [force_key(n) for n in different]
    assert len(set(keys)) == len(keys)
    assert all(k.replace("-", "").isalnum() and k.isascii() for k in keys)
    with pytest.raises(ValueError, match="control character 0x00"):
        normalise_force_name("Kent\x00Police")
    with pytest.raises(ValueError, match="control character 0x1F"):
        normalise_force_name("Kent\x1fPolice")


def test_spellings_of_one_force_in_one_file_are_one_partition(loaded, medway_area, medway_points, tmp_path):
    luton = medway_points["Luton"]
    spellings = ["Kent Police", "KENT POLICE", "Kent-Police", "Kent  Police", "Kent Police"]
    rows = [street_row("2025-01", "Robbery", *luton, crime_id=f"s{i}", force=f) for i, f in enumerate(spellings)]
    path = tmp_path / "2025-01-kent-street.csv"
    path.write_bytes(csv_bytes(rows))
    reports = ingest([path], medway_area, loaded)
    assert [(r.force, r.rows_kept) for r in reports] == [("Kent Police", 5)]
    assert data_counts(loaded) == {("2025-01", "Kent Police"): 5, ("2025-02", "Kent Police"): 3}
    assert ledger_counts(loaded) == data_counts(loaded)


def test_a_month_spelt_otherwise_takes_the_spelling_the_store_holds(loaded, medway_area, medway_points, tmp_path):
    """The store holds 'Kent Police'; a later file writes 'KENT POLICE' (and a new force 'btp' then 'BTP'):
    one spelling per force, so a query on force = 'Kent Police' counts every month."""
    luton = medway_points["Luton"]
    rows = [street_row("2025-03", "Robbery", *luton, crime_id=f"u{i}", force="KENT POLICE") for i in range(4)]
    rows.append(street_row("2025-03", "Robbery", *luton, crime_id="b1", force="british transport police"))
    (tmp_path / "2025-03-kent-street.csv").write_bytes(csv_bytes(rows))
    april = [street_row("2025-04", "Robbery", *luton, crime_id="k4")]
    april.append(street_row("2025-04", "Robbery", *luton, crime_id="b2", force="British Transport Police"))
    (tmp_path / "2025-04-kent-street.csv").write_bytes(csv_bytes(april))
    reports = ingest([tmp_path / "2025-03-kent-street.csv", tmp_path / "2025-04-kent-street.csv"], medway_area, loaded)
    assert sorted((r.month, r.force) for r in reports) == [
        ("2025-03", "Kent Police"),
        ("2025-03", "british transport police"),
        ("2025-04", "Kent Police"),
        ("2025-04", "british transport police"),
    ]
    assert data_counts(loaded) == {
        ("2025-01", "Kent Police"): 4,
        ("2025-02", "Kent Police"): 3,
        ("2025-03", "Kent Police"): 4,
        ("2025-03", "british transport police"): 1,
        ("2025-04", "Kent Police"): 1,
        ("2025-04", "british transport police"): 1,
    }
    assert ledger_counts(loaded) == data_counts(loaded)


def test_distinct_odd_force_names_keep_their_own_rows(loaded, medway_area, medway_points, tmp_path):
    luton = medway_points["Luton"]
    names = [".", "..", "Polícia Kent", "Policía Kent"]
    rows = [
        street_row("2025-03", "Robbery", *luton, crime_id=f"o{i}{j}", force=f)
        for i, f in enumerate(names)
        for j in range(i + 1)
    ]
    rows.append(street_row("2025-03", "Robbery", *luton, crime_id="k"))
    path = tmp_path / "2025-03-kent-street.csv"
    path.write_bytes(csv_bytes(rows))
    ingest([path], medway_area, loaded)
    counts = data_counts(loaded)
    assert {f: n for (m, f), n in counts.items() if m == "2025-03"} == {
        ".": 1,
        "..": 2,
        "Polícia Kent": 3,
        "Policía Kent": 4,
        "Kent Police": 1,
    }
    assert ledger_counts(loaded) == counts


@pytest.mark.parametrize("bad,shown", [("Kent\x00Police", "0x00"), ("Kent\x1fPolice", "0x1F")])
def test_control_bytes_in_reported_by_are_refused(bad, shown, loaded, medway_area, medway_points, tmp_path):
    luton = medway_points["Luton"]
    rows = [street_row("2025-03", "Robbery", *luton), street_row("2025-03", "Robbery", *luton, force=bad)]
    refused(
        loaded,
        medway_area,
        tmp_path / "2025-03-kent-street.csv",
        csv_bytes(rows),
        f"'Reported by' holds the control character {shown}",
        3,
    )


def test_blank_reported_by_is_refused(loaded, medway_area, medway_points, tmp_path):
    rows = [street_row("2025-03", "Robbery", *medway_points["Luton"], force="  ")]
    refused(loaded, medway_area, tmp_path / "x.csv", csv_bytes(rows), "'Reported by' is empty", 2)


# ---- months (finding 6 and the range) ----


def test_a_stray_row_of_another_month_is_refused_with_its_line(loaded, medway_area, medway_points, tmp_path):
    luton = medway_points["Luton"]
    rows = [street_row("2025-03", "Robbery", *luton) for _ in range(5)] + [street_row("2025-01", "Robbery", *luton)]
    refused(
        loaded,
        medway_area,
        tmp_path / "2025-03-kent-street.csv",
        csv_bytes(rows),
        "row is for month 2025-01 but the file is named for 2025-03",
        7,
    )
    # Without a month in the file's name, the first row's month is the file's.
    refused(
        loaded,
        medway_area,
        tmp_path / "upload.csv",
        csv_bytes(rows),
        "row is for month 2025-01 but the file's first row is for 2025-03",
        7,
    )
    assert data_counts(loaded)[("2025-01", "Kent Police")] == 4


@pytest.mark.parametrize(
    "month,problem",
    [
        ("0000-01", "is before December 2010"),
        ("0001-01", "is before December 2010"),
        ("2010-11", "is before December 2010"),
        ("2099-01", "is in the future"),
        ("٢٠٢٥-٠١", "is not a YYYY-MM month"),
        ("2025-1", "is not a YYYY-MM month"),
    ],
)
def test_months_out_of_range_or_not_ascii_are_refused(month, problem, loaded, medway_area, medway_points, tmp_path):
    rows = [street_row(month, "Robbery", *medway_points["Luton"])]
    refused(loaded, medway_area, tmp_path / "upload.csv", csv_bytes(rows), problem, 2)


def test_the_current_month_and_december_2010_are_accepted(tmp_path, medway_area, medway_points):
    store = Store(tmp_path / "store")
    this_month = date.today().strftime("%Y-%m")
    for month in ("2010-12", this_month):
        path = tmp_path / f"{month}.csv"
        path.write_bytes(csv_bytes([street_row(month, "Robbery", *medway_points["Luton"])]))
        ingest([path], medway_area, store)
    assert sorted(m for m, _ in data_counts(store)) == ["2010-12", this_month]


# ---- values and layout that used to give tracebacks ----


@pytest.mark.parametrize("value", ["1_0", "١", "0x1", "nan", "inf", "--1", "1.2.3", "1e"])
def test_coordinates_must_be_plain_decimals(value, loaded, medway_area, medway_points, tmp_path):
    rows = [street_row("2025-03", "Robbery", *medway_points["Luton"]), street_row("2025-03", "Robbery", value, 51.4)]
    refused(loaded, medway_area, tmp_path / "upload.csv", csv_bytes(rows), f"longitude {value!r} is not a number", 3)


def test_cr_only_line_endings_load_correctly(tmp_path, medway_area, medway_points):
    rows = [street_row("2025-03", "Robbery", *medway_points["Luton"], crime_id=f"c{i}") for i in range(3)]
    path = tmp_path / "2025-03-kent-street.csv"
    path.write_bytes(csv_bytes(rows).replace(b"\n", b"\r"))
    store = Store(tmp_path / "store")
    reports = ingest([path], medway_area, store)
    assert [(r.rows_read, r.rows_kept) for r in reports] == [(3, 3)]
    # ...and a problem in such a file is still placed on its line.
    bad = csv_bytes(rows + [street_row("2025-03", "Robbery", "east", 51.4)]).replace(b"\n", b"\r")
    refused(store, medway_area, tmp_path / "bad.csv", bad, "longitude 'east' is not a number", 5)


def test_an_enormous_header_is_refused(loaded, medway_area, tmp_path):
    data = ("Crime ID," + "x" * 140_000 + "\n").encode()
    refused(loaded, medway_area, tmp_path / "upload.csv", data, "the first line is over 65,536 bytes", 1)


def test_an_enormous_field_is_refused_with_its_line(loaded, medway_area, medway_points, tmp_path):
    rows = [street_row("2025-03", "Robbery", *medway_points["Luton"])]
    row = street_row("2025-03", "Robbery", *medway_points["Luton"])
    row[6] = "On or near " + "y" * 200_000
    path = tmp_path / "2025-03-kent-street.csv"
    path.write_bytes(csv_bytes(rows + [row]))
    reports = ingest([path], medway_area, loaded)  # long text is not wrong in itself: it loads
    assert reports[0].rows_kept == 2


def test_0x1f_in_crime_type_is_refused(loaded, medway_area, medway_points, tmp_path):
    rows = [street_row("2025-03", "Rob\x1fbery", *medway_points["Luton"])]
    refused(
        loaded,
        medway_area,
        tmp_path / "upload.csv",
        csv_bytes(rows),
        "'Crime type' holds the control character 0x1F",
        2,
    )


def test_blank_lines_do_not_shift_line_numbers(loaded, medway_area, medway_points, tmp_path):
    good = csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"])])
    data = good + b"\n\n" + csv_bytes([street_row("2025-03", "Robbery", 999, 51.4)])[len(",".join(HEADER)) + 1 :]
    refused(loaded, medway_area, tmp_path / "upload.csv", data, "longitude 999 is out of range", 5)


# ---- empty loads ----


def test_header_only_is_refused_unless_allowed(loaded, medway_area, tmp_path):
    path = tmp_path / "2025-03-kent-street.csv"
    refused(loaded, medway_area, path, csv_bytes([]), "the file has a header but no rows", None)
    assert ingest([path], medway_area, loaded, allow_empty=True) == []


def test_a_month_with_no_rows_in_the_area_is_refused_unless_allowed(loaded, medway_area, tmp_path):
    rows = [street_row("2025-03", "Robbery", 0.75, 51.33, "Swale 002B") for _ in range(7)]
    error = refused(
        loaded,
        medway_area,
        tmp_path / "2025-03-kent-street.csv",
        csv_bytes(rows),
        "none of its 7 rows lie in the area",
        None,
    )
    assert "--allow-empty" in error.problem and isinstance(error, EmptyLoadError)
    reports = ingest([tmp_path / "2025-03-kent-street.csv"], medway_area, loaded, allow_empty=True)
    assert [(r.month, r.rows_kept, r.recorded) for r in reports] == [("2025-03", 0, True)]
    assert "2025-03" in {r["month"].strftime("%Y-%m") for r in loaded.read_ledger().to_pylist()}


def test_a_folder_with_no_row_in_the_area_is_named_as_a_folder(tmp_path, medway_area):
    # A folder of every force's files named its first file (Avon and Somerset's) with the whole folder's rows.
    folder = tmp_path / "2025-03"
    folder.mkdir()
    for force, n in (("avon-and-somerset", 4), ("kent", 7)):
        rows = [street_row("2025-03", "Robbery", 0.75, 51.33, "Swale 002B", force=force.title()) for _ in range(n)]
        (folder / f"2025-03-{force}-street.csv").write_bytes(csv_bytes(rows))
    with pytest.raises(EmptyLoadError) as excinfo:
        ingest([folder], medway_area, Store(tmp_path / "store"))
    message = str(excinfo.value)
    assert message.startswith("2 files for 2025-03 (2025-03-avon-and-somerset-street.csv and others): ")
    assert "none of their 11 rows lie in the area" in message


def test_a_loaded_month_is_not_replaced_by_a_file_that_keeps_none_of_its_rows(tmp_path, medway_area, medway_points):
    """The territorial force's own file keeping no row (a misspelt district, another area's file) is refused
    even when its month is loaded: it replaced the month's rows with none, and the pages then called the
    month loaded with 0 incidents. A British Transport Police file alone for the month still loads."""
    store = Store(tmp_path / "store")
    kent = tmp_path / "2025-03-kent-street.csv"
    kent.write_bytes(csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"]) for _ in range(3)]))
    ingest([kent], medway_area, store)
    version, ledger = store.version(), store.read_ledger().to_pylist()
    swale = tmp_path / "in" / "2025-03-kent-street.csv"
    swale.parent.mkdir()
    swale.write_bytes(csv_bytes([street_row("2025-03", "Robbery", 0.75, 51.33, "Swale 002B") for _ in range(7)]))
    with pytest.raises(
        EmptyLoadError,
        match="none of its 7 rows reported by Kent Police lie in the area, but 2025-03 is loaded for Kent Police with 3 rows",
    ):
        ingest([swale], medway_area, store)
    assert store.version() == version and store.read_ledger().to_pylist() == ledger
    btp = tmp_path / "2025-03-btp-street.csv"
    btp.write_bytes(
        csv_bytes([street_row("2025-03", "Robbery", 0.75, 51.33, "Swale 002B", force="British Transport Police")])
    )
    assert [(r.force, r.recorded) for r in ingest([btp], medway_area, store)] == [("British Transport Police", False)]
    assert store.read_ledger().to_pylist() == ledger


def _two_district_area(tmp_path, districts: str, every_force: bool = False):
    from csp_data.config import load_area

    text = (ROOT / "data" / "medway" / "area.toml").read_text().replace('lsoa_districts = ["Medway"]', districts)
    if every_force:
        text = text.replace('territorial_forces = ["Kent Police"]', "")
    text = text.replace('file = "boundaries/', f'file = "{ROOT}/data/medway/boundaries/').replace(
        'file = "population/', f'file = "{ROOT}/data/medway/population/'
    )
    area_file = tmp_path / "two.toml"
    area_file.write_text(text)
    return load_area(area_file)


def test_a_district_of_the_area_with_no_row_in_the_load_gets_a_note(tmp_path, medway_points):
    """A combined partnership with one district misspelt ("Swael" for Swale) kept only the other's rows and said
    nothing: the load goes ahead (a district listed for older months' names is missing by right) with a note
    naming it. Case and spaces around the name are forgiven ("swale ")."""
    medway_row = street_row("2025-03", "Robbery", *medway_points["Luton"])
    swale_row = street_row("2025-03", "Robbery", 0.75, 51.33, "Swale 002B")
    path = tmp_path / "2025-03-kent-street.csv"
    path.write_bytes(csv_bytes([medway_row, swale_row, swale_row]))
    misspelt = _two_district_area(tmp_path, 'lsoa_districts = ["Medway", "Swael"]')
    notes: list[str] = []
    assert [r.rows_kept for r in ingest([path], misspelt, Store(tmp_path / "store"), notes=notes)] == [1]
    assert notes == [
        "Note: no row of this load lies in 'Swael' of the area file's [match] lsoa_districts, while 'Medway' has "
        'rows. Check its spelling against the files\' LSOA names ("<district> 001A", as the police.uk files spell '
        'it: "The Vale of Glamorgan 001A", say), unless it is listed for older months\' names.'
    ]
    forgiven = _two_district_area(tmp_path, 'lsoa_districts = ["MEDWAY", " swale "]')
    assert [r.rows_kept for r in ingest([path], forgiven, Store(tmp_path / "store1"))] == [3]
    both = _two_district_area(tmp_path, 'lsoa_districts = ["Medway", "Swale"]')
    notes.clear()
    assert [r.rows_kept for r in ingest([path], both, Store(tmp_path / "store2"), notes=notes)] == [3]
    # No district note; Swale's two rows lie in none of Medway's wards (the area file names only those), which
    # is over a tenth of the rows kept: that is said.
    assert notes == [
        "Note: 2 of the 3 rows kept lie in no ward of wards_2023.geojson (the area file's current [[wards]]), so "
        "the ward figures will not add up to the area's. Check that the file holds this area's wards, in longitude "
        "and latitude or with its coordinate system set; each row's ward is kept with it, so load these months "
        "again after correcting it."
    ]
    # British Transport Police's file alone: its stations need not be in every district, so no note.
    btp = tmp_path / "btp" / "2025-03-btp-street.csv"
    btp.parent.mkdir()
    btp.write_bytes(
        csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"], force="British Transport Police")])
    )
    notes.clear()
    ingest([btp], both, Store(tmp_path / "store2"), notes=notes)
    assert notes == []


def test_a_territorial_force_with_no_file_in_a_month_of_the_load_gets_a_note(tmp_path, medway_points):
    """Two territorial forces, one misspelt ("Gwent Constabulary" for Gwent Police) or its file not given: the load
    and status went ahead as if the months were whole, and the pack said the counts were both forces'."""
    from csp_data.config import load_area

    area = _two_district_area(tmp_path, 'lsoa_districts = ["Medway"]')
    area_text = area.area_file.read_text().replace(
        'territorial_forces = ["Kent Police"]', 'territorial_forces = ["Kent Police", "Essex Police"]'
    )
    area.area_file.write_text(area_text)
    area = load_area(area.area_file)
    folder = tmp_path / "load"
    folder.mkdir()
    for month in ("2025-03", "2025-04"):
        (folder / f"{month}-kent-street.csv").write_bytes(
            csv_bytes([street_row(month, "Robbery", *medway_points["Luton"])])
        )
    (folder / "2025-03-btp-street.csv").write_bytes(
        csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"], force="British Transport Police")])
    )
    notes: list[str] = []
    store = Store(tmp_path / "store")
    ingest([folder], area, store, notes=notes)
    assert notes == [
        "Note: no file of Essex Police, one of the area file's [match] territorial_forces, is in this load for "
        "2025-03, 2025-04, so those months' totals leave it out. Check its name as police.uk spells it in the files' "
        '"Reported by" column (this load\'s other forces with rows in the area: British Transport Police), and give '
        "its file for each month."
    ]
    # Its file for March given in a later load: no note for March then, nor for a month it already has.
    essex = tmp_path / "essex"
    essex.mkdir()
    (essex / "2025-03-essex-street.csv").write_bytes(
        csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"], force="Essex Police")])
    )
    notes.clear()
    ingest([essex], area, store, notes=notes)
    assert notes == []
    notes.clear()
    ingest([folder / "2025-03-kent-street.csv"], area, store, notes=notes)
    assert notes == []
    notes.clear()
    ingest([folder / "2025-04-kent-street.csv"], area, store, notes=notes)
    assert [n[:60] for n in notes] == ["Note: no file of Essex Police, one of the area file's [match"]


def test_a_forces_loaded_month_is_not_replaced_by_none_beside_another_forces_rows(tmp_path, medway_points):
    """With every force counted (no territorial_forces), the month-level check let a Kent file keeping no row
    through when a British Transport Police file kept one the same month: Kent's rows were replaced by none.
    Each force's month is checked on its own."""
    medway_area = _two_district_area(tmp_path, 'lsoa_districts = ["Medway"]', every_force=True)
    assert not medway_area.territorial_force_keys
    store = Store(tmp_path / "store")
    kent = tmp_path / "a" / "2025-03-kent-street.csv"
    kent.parent.mkdir()
    kent.write_bytes(csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"]) for _ in range(5)]))
    ingest([kent], medway_area, store)
    ledger = store.read_ledger().to_pylist()
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "2025-03-kent-street.csv").write_bytes(
        csv_bytes([street_row("2025-03", "Robbery", 0.75, 51.33, "Swale 002B")])
    )
    (folder / "2025-03-btp-street.csv").write_bytes(
        csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"], force="British Transport Police")])
    )
    with pytest.raises(EmptyLoadError, match="2025-03 is loaded for Kent Police with 5 rows"):
        ingest([folder], medway_area, store)
    assert store.read_ledger().to_pylist() == ledger


def test_another_areas_files_are_refused(tmp_path, medway_points):
    """Kent files into a Thurrock store: no month keeps a row, so nothing is recorded."""
    from csp_data.config import load_area

    text = (
        (ROOT / "data" / "medway" / "area.toml")
        .read_text()
        .replace('lsoa_districts = ["Medway"]', 'lsoa_districts = ["Thurrock"]')
    )
    text = text.replace('file = "boundaries/', f'file = "{ROOT}/data/medway/boundaries/').replace(
        'file = "population/', f'file = "{ROOT}/data/medway/population/'
    )
    area_file = tmp_path / "thurrock.toml"
    area_file.write_text(text)
    thurrock = load_area(area_file)
    store = Store(tmp_path / "store")
    folder = tmp_path / "kent"
    folder.mkdir()
    for month in ("2025-01", "2025-02"):
        (folder / f"{month}-kent-street.csv").write_bytes(
            csv_bytes([street_row(month, "Robbery", *medway_points["Luton"])])
        )
    with pytest.raises(EmptyLoadError, match="none of its 1 rows lie in the area"):
        ingest([folder], thurrock, store)
    assert store.version() == "empty"


def test_other_forces_files_without_rows_in_the_area_are_skipped(tmp_path, medway_area, medway_points):
    luton = medway_points["Luton"]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "2025-03-kent-street.csv").write_bytes(csv_bytes([street_row("2025-03", "Robbery", *luton)]))
    (tmp_path / "in" / "2025-03-essex-street.csv").write_bytes(
        csv_bytes([street_row("2025-03", "Robbery", 0.5, 51.7, "Chelmsford 001A", force="Essex Police")])
    )
    store = Store(tmp_path / "store")
    reports = ingest([tmp_path / "in"], medway_area, store)
    assert [(r.force, r.recorded) for r in reports] == [("Essex Police", False), ("Kent Police", True)]
    assert [r["force"] for r in store.read_ledger().to_pylist()] == ["Kent Police"]

    # Later, the Essex file alone: the month is loaded for Kent, so it is skipped, and as nothing is recorded
    # no new version is made (the app's caches are keyed on the version).
    version, ledger = store.version(), store.read_ledger().to_pylist()
    again = ingest([tmp_path / "in" / "2025-03-essex-street.csv"], medway_area, store)
    assert [(r.force, r.recorded) for r in again] == [("Essex Police", False)]
    assert store.version() == version and store.read_ledger().to_pylist() == ledger
    assert len(list((store.root / "versions").iterdir())) == 1


def test_the_command_line_says_nothing_was_loaded(tmp_path, medway_area, medway_points, capsys):
    from csp_data.cli import main

    (tmp_path / "2025-03-kent-street.csv").write_bytes(
        csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"])])
    )
    essex = tmp_path / "2025-03-essex-street.csv"
    essex.write_bytes(csv_bytes([street_row("2025-03", "Robbery", 0.5, 51.7, "Chelmsford 001A", force="Essex Police")]))
    area = ["--area", str(medway_area.area_file), "--store", str(tmp_path / "store")]
    assert main(["ingest", *area, "--quiet", str(tmp_path / "2025-03-kent-street.csv")]) == 0
    capsys.readouterr()
    assert main(["ingest", *area, "--quiet", str(essex)]) == 0
    out = capsys.readouterr().out
    assert "Skipped 1 file(s) of 1 other force(s) with no rows in Medway (1 rows read, none in the area)." in out
    assert out.rstrip().endswith(f"Nothing was loaded: the store {tmp_path / 'store'} is as it was.")


# ---- zip members ----


def _zip_with(tmp_path: Path, data: bytes, patch=None) -> Path:
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("2025-03/2025-03-kent-street.csv", data)
    if patch:
        raw = bytearray(path.read_bytes())
        patch(raw)
        path.write_bytes(bytes(raw))
    return path


def _set_method(raw: bytearray, method: int) -> None:
    struct.pack_into("<H", raw, 8, method)  # local header
    central = raw.find(b"PK\x01\x02")
    struct.pack_into("<H", raw, central + 10, method)


def _set_encrypted(raw: bytearray) -> None:
    struct.pack_into("<H", raw, 6, struct.unpack_from("<H", raw, 6)[0] | 1)
    central = raw.find(b"PK\x01\x02")
    struct.pack_into("<H", raw, central + 8, struct.unpack_from("<H", raw, central + 8)[0] | 1)


@pytest.mark.parametrize(
    "patch,problem",
    [
        (_set_encrypted, "the zip member is encrypted"),
        (lambda raw: _set_method(raw, 9), "compression method 9"),  # Deflate64
        (lambda raw: _set_method(raw, 99), "compression method 99"),  # AES
    ],
)
def test_zip_members_that_cannot_be_read_are_refused(patch, problem, loaded, medway_area, medway_points, tmp_path):
    data = csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"])])
    path = _zip_with(tmp_path, data, patch)
    before = tree_digest(loaded.root)
    with pytest.raises(InputFileError, match=problem) as caught:
        ingest([path], medway_area, loaded)
    assert caught.value.path == f"{path}:2025-03/2025-03-kent-street.csv"
    assert tree_digest(loaded.root) == before


def test_a_damaged_zip_member_is_refused(loaded, medway_area, medway_points, tmp_path):
    data = csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"])] * 50)
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2025-03/2025-03-kent-street.csv", data)
    raw = bytearray(path.read_bytes())
    raw[60:70] = b"\xff" * 10  # inside the compressed bytes
    path.write_bytes(bytes(raw))
    with pytest.raises(InputFileError, match="cannot read from the zip|not UTF-8|cannot be parsed"):
        ingest([path], medway_area, loaded)


def test_a_copy_of_a_street_file_in_a_folder_or_zip_is_refused_not_skipped(
    loaded, medway_area, medway_points, tmp_path
):
    # A browser's second download ("... (1).csv") was skipped unmentioned, so the older, shorter file loaded.
    short = csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"])])
    whole = csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"])] * 3)
    folder = tmp_path / "download" / "2025-03"
    folder.mkdir(parents=True)
    (folder / "2025-03-kent-street.csv").write_bytes(short)
    (folder / "2025-03-kent-street (1).csv").write_bytes(whole)
    (folder / "2025-03-kent-outcomes.csv").write_bytes(b"Crime ID,Month\n")  # a download's other files: skipped
    before = tree_digest(loaded.root)
    with pytest.raises(InputFileError, match="looks like a police.uk street file, but its name is not") as caught:
        ingest([folder.parent], medway_area, loaded)
    assert caught.value.path == str(folder / "2025-03-kent-street (1).csv")
    archive_path = tmp_path / "download.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("2025-03/2025-03-kent-street.csv", short)
        archive.writestr("2025-03/2025-03-kent-street (1).csv", whole)
    with pytest.raises(InputFileError, match="rename it, or remove it if it is a copy") as caught:
        ingest([archive_path], medway_area, loaded)
    assert caught.value.path == f"{archive_path}:2025-03/2025-03-kent-street (1).csv"
    assert tree_digest(loaded.root) == before
    (folder / "2025-03-kent-street (1).csv").unlink()
    assert [r.rows_kept for r in ingest([folder.parent], medway_area, loaded)] == [1]


def test_a_zip_member_whose_compressed_data_cannot_be_decompressed_is_refused(loaded, medway_area, tmp_path):
    # zlib's own error ("invalid distance code") got past the zip's error handling: "an unexpected problem".
    rng = random.Random(0)
    rows = [
        street_row(
            "2025-03", "Robbery", 0.5 + rng.random() / 10, 51.4 + rng.random() / 10, crime_id=f"{rng.getrandbits(64):x}"
        )
        for _ in range(20_000)
    ]
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2025-03/2025-03-kent-street.csv", csv_bytes(rows))
    raw = bytearray(path.read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 5000] = bytes(rng.getrandbits(8) for _ in range(5000))
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as archive, pytest.raises(zlib.error):
        archive.read("2025-03/2025-03-kent-street.csv")  # what the damage is
    before = tree_digest(loaded.root)
    with pytest.raises(InputFileError, match="cannot read from the zip .*decompressing data") as caught:
        ingest([path], medway_area, loaded)
    assert caught.value.path == f"{path}:2025-03/2025-03-kent-street.csv"
    assert tree_digest(loaded.root) == before


# ---- the store: damage, status, repair, remove, the earlier layout ----


def test_damaged_ledger_and_manifest_give_clear_errors_and_repair_fixes_them(loaded, medway_area, tmp_path):
    version = loaded.current_version()
    folder = loaded.root / "versions" / version
    counts = data_counts(loaded)
    (folder / "ledger.parquet").write_bytes(b"not parquet")
    with pytest.raises(StoreError, match="ledger for version .* is damaged.*csp_data repair"):
        loaded.read_ledger()
    assert str(loaded.root) not in str(check_store(loaded).problems)
    actions = repair_store(loaded)
    assert any("rebuilt the damaged ledger" in a for a in actions)
    assert ledger_counts(loaded) == counts
    folder = loaded.root / "versions" / loaded.current_version()
    (folder / "manifest.json").write_text("{broken")
    with pytest.raises(StoreError, match="list of files .* is damaged"):
        Database(medway_area, loaded)
    actions = repair_store(loaded)
    assert any("rebuilt the damaged list of files" in a for a in actions)
    assert data_counts(loaded) == counts


def test_repair_going_back_a_version_says_a_removal_since_is_undone_too(loaded, medway_area):
    # Going back past a `remove` brought the removed rows back, and the hint spoke only of loads.
    remove_months(loaded, ["2025-02"])
    assert ledger_counts(loaded) == {("2025-01", "Kent Police"): 4}
    shutil.rmtree(loaded.root / "versions" / loaded.current_version())
    actions = repair_store(loaded)
    assert any(
        "went back to" in a and "remove again any month removed since; `status` lists what it holds" in a
        for a in actions
    ), actions
    assert ledger_counts(loaded) == {("2025-01", "Kent Police"): 4, ("2025-02", "Kent Police"): 3}


def test_a_missing_data_file_is_an_error_for_readers_not_a_month_of_none(loaded, medway_area):
    """A version's file deleted (a partial copy, say): the view's glob skipped it, and the pack and pages said
    "all 12 months loaded" with the month at 0. Readers now refuse, naming the month; repair drops it."""
    snap = loaded.snapshot()
    january = next(f for f in snap.files if f.month == "2025-01")
    (snap.folder / january.path).unlink()
    snap.close()
    with pytest.raises(StoreError, match=r"the store's file for 2025-01 \(Kent Police\) is missing.*csp_data repair"):
        Database(medway_area, loaded)
    assert [d.month for d in check_store(loaded).damaged] == ["2025-01"]
    repair_store(loaded)
    assert ledger_counts(loaded) == data_counts(loaded) == {("2025-02", "Kent Police"): 3}
    Database(medway_area, loaded).close()


def test_a_store_whose_current_link_is_gone_is_neither_empty_nor_overwritten(loaded, medway_area, tmp_path):
    """`current` deleted (a copy or backup that dropped links): the store read as empty, repair found nothing,
    and the next two loads started a new history and then deleted the old version with every month in it."""
    counts = data_counts(loaded)
    (loaded.root / "current").unlink()
    with pytest.raises(StoreError, match="has no 'current' link, though it holds 1 version"):
        loaded.snapshot()
    assert check_store(loaded).problems and not check_store(loaded).ok
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "2025-03-kent-street.csv").write_bytes(csv_bytes([street_row("2025-03", "Robbery", 0.55, 51.38)]))
    with pytest.raises(StoreError, match="has no 'current' link"):
        ingest([folder], medway_area, loaded)
    assert len(loaded.unlinked_versions()) == 1  # nothing written, nothing removed
    actions = repair_store(loaded)
    assert any("went back to" in a for a in actions), actions
    assert data_counts(loaded) == counts


def test_repair_mends_a_current_that_is_a_folder_and_keeps_the_folder(loaded):
    """`cp -rL` makes `current` a folder: status and ingest said to run repair, and repair failed with
    "Is a directory", leaving a stray link each time."""
    counts = data_counts(loaded)
    current = loaded.root / "current"
    target = current.resolve()
    current.unlink()
    shutil.copytree(target, current)
    assert check_store(loaded).problems
    actions = repair_store(loaded)
    assert any("kept as current.moved-aside-" in a for a in actions), actions
    assert current.is_symlink() and data_counts(loaded) == counts and check_store(loaded).ok
    assert [p.name for p in loaded.root.glob(".current-*")] == []
    assert len(list(loaded.root.glob("current.moved-aside-*"))) == 1


def test_status_finds_a_damaged_file_and_repair_drops_only_it(loaded, medway_area):
    snap = loaded.snapshot()
    january = next(f for f in snap.files if f.month == "2025-01")
    path = snap.folder / january.path
    snap.close()
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[:-20])  # a truncated file (footer gone)
    health = check_store(loaded)
    assert [d.month for d in health.damaged] == ["2025-01"]
    assert (
        json.loads(run_cli("status", "--json", "--store", str(loaded.root)).stdout)["damaged"][0]["month"] == "2025-01"
    )
    repair_store(loaded)
    assert data_counts(loaded) == {("2025-02", "Kent Police"): 3}
    assert ledger_counts(loaded) == {("2025-02", "Kent Police"): 3}
    assert check_store(loaded).ok


@pytest.mark.parametrize("column", ["location", "crime_id", "longitude"])
def test_status_finds_damage_in_any_column_and_repair_drops_the_file(loaded, medway_area, column):
    """A column the counts do not need (a street name the Hotspots page reads) damaged in the middle."""
    snap = loaded.snapshot()
    january = next(f for f in snap.files if f.month == "2025-01")
    path = snap.folder / january.path
    snap.close()
    chunk = next(
        c
        for c in (
            pq.ParquetFile(path).metadata.row_group(0).column(i)
            for i in range(pq.ParquetFile(path).metadata.num_columns)
        )
        if c.path_in_schema == column
    )
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    data = bytearray(path.read_bytes())
    data[start : start + chunk.total_compressed_size] = b"\xff" * chunk.total_compressed_size
    path.chmod(0o644)
    path.write_bytes(bytes(data))
    pq.read_table(path, columns=["month", "force", "kind"])  # what the counts read is whole
    assert [d.month for d in check_store(loaded).damaged] == ["2025-01"]
    assert any("dropped the damaged file for 2025-01" in a for a in repair_store(loaded))
    assert data_counts(loaded) == {("2025-02", "Kent Police"): 3} and check_store(loaded).ok


def test_repair_says_it_removed_an_interrupted_load(loaded):
    counts = data_counts(loaded)
    unfinished = loaded.root / "versions" / ".build-1234-abcd"
    (unfinished / "incidents").mkdir(parents=True)
    (unfinished / "incidents" / "part.parquet").write_bytes(b"half written")
    actions = repair_store(loaded)
    assert actions == ["removed 1 unfinished load(s) left by an interrupted run (the store was not using them)"]
    assert not unfinished.exists() and data_counts(loaded) == counts
    assert repair_store(loaded) == []  # and then nothing is left to repair


def test_status_json_counts_from_the_data_files(loaded):
    # Make the ledger disagree: status --json must still report what the files hold.
    result = run_cli("status", "--json", "--store", str(loaded.root))
    report = json.loads(result.stdout)
    assert report["months"] == ["2025-01", "2025-02"] and report["forces"] == ["Kent Police"]
    assert [(p["month"], p["rows"], p["crime"], p["asb"]) for p in report["partitions"]] == [
        ("2025-01", 4, 4, 0),
        ("2025-02", 3, 3, 0),
    ]
    assert report["rows"] == 7 and report["ok"] is True


def test_remove_takes_out_a_mistaken_month(loaded):
    before = loaded.version()
    removed = remove_months(loaded, ["2025-02"])
    assert [r["rows_kept"] for r in removed] == [3]
    assert data_counts(loaded) == {("2025-01", "Kent Police"): 4}
    assert loaded.version() != before
    with pytest.raises(CspDataError, match="2025-05 is not loaded"):
        remove_months(loaded, ["2025-05"])
    result = run_cli("remove", "--month", "2025-13", "--store", str(loaded.root))
    assert result.returncode == 2 and "not a YYYY-MM month" in result.stderr


def test_a_store_in_the_earlier_layout_is_read_and_then_migrated(tmp_path, medway_area, medway_points, loaded):
    """The layout before versions: incidents/period=*/force_slug=*/incidents.parquet and ledger.parquet."""
    legacy = tmp_path / "legacy"
    snap = loaded.snapshot()
    for item in snap.files:
        target = legacy / "incidents" / f"period={item.month}" / "force_slug=kent-police" / "incidents.parquet"
        target.parent.mkdir(parents=True)
        target.write_bytes((snap.folder / item.path).read_bytes())
    old_ledger = snap.ledger.drop_columns(["force_slug"])
    pq.write_table(old_ledger, legacy / "ledger.parquet")
    snap.close()
    store = Store(legacy)
    assert store.version().startswith("legacy")
    assert data_counts(store) == data_counts(loaded)
    db = Database(medway_area, store)
    assert [m.strftime("%Y-%m") for m in db.loaded_months()] == ["2025-01", "2025-02"]
    db.close()
    path = tmp_path / "2025-03-kent-street.csv"
    path.write_bytes(csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"])]))
    ingest([path], medway_area, store)
    assert store.current_version().startswith("v000002")
    assert not (legacy / "incidents").exists() and not (legacy / "ledger.parquet").exists()
    assert data_counts(store) == {**data_counts(loaded), ("2025-03", "Kent Police"): 1}


def test_version_changes_with_every_commit(loaded, medway_area, medway_points, tmp_path):
    """Finding 8: the app's cache key is the version, which every load, removal and repair changes."""
    seen = {loaded.version()}
    path = tmp_path / "2025-01-kent-street.csv"
    path.write_bytes(csv_bytes([street_row("2025-01", "Robbery", *medway_points["Luton"])]))
    for _ in range(3):
        ingest([path], medway_area, loaded)  # the same bytes again: still a new version
        seen.add(loaded.version())
    remove_months(loaded, ["2025-02"])
    seen.add(loaded.version())
    assert len(seen) == 5


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "csp_data", *args], cwd=ROOT, capture_output=True, text=True)


def test_cli_reports_damage_without_traceback_or_server_path(loaded, medway_points, tmp_path):
    folder = loaded.root / "versions" / loaded.current_version()
    (folder / "ledger.parquet").write_bytes(b"junk")
    good = tmp_path / "2025-03-kent-street.csv"
    good.write_bytes(csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"])]))
    for command in (["status"], ["ingest", "--quiet", str(good)]):
        result = run_cli(*command, "--store", str(loaded.root))
        assert result.returncode in (1, 2)
        assert "Traceback" not in result.stderr
        assert "csp_data repair" in result.stdout + result.stderr


def test_status_after_a_rebuilt_ledger_shows_unknown_counts_as_unknown(loaded):
    """Repair rebuilds a lost ledger from the data files, which keep only the rows kept: status shows the
    rest as '?', not as zeros, and says why; and when the store is damaged it does not say to run status."""
    folder = loaded.root / "versions" / loaded.current_version()
    (folder / "ledger.parquet").write_bytes(b"junk")
    damaged = run_cli("status", "--store", str(loaded.root))
    # the hint names the store this status was asked of, so that running it as written repairs that store
    assert "problem:" in damaged.stdout
    assert f"Run `python -m csp_data repair --store {loaded.root}` to fix it." in damaged.stdout
    assert "csp_data status` to see" not in damaged.stdout
    run_cli("repair", "--store", str(loaded.root))
    result = run_cli("status", "--store", str(loaded.root))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    january = next(line for line in lines if line.startswith("2025-01"))
    assert january.split()[3:9] == ["?", "4", "?", "?", "?", "?"]  # month, "Kent Police", then the counts
    assert any(line.startswith("? not known: repair rebuilt the ledger from the data files") for line in lines)


def test_territorial_force_totals_and_other_forces_series(tmp_path, medway_area, medway_points):
    luton = medway_points["Luton"]
    path = tmp_path / "2025-03-kent-street.csv"
    rows = [street_row("2025-03", "Robbery", *luton, crime_id=f"k{i}") for i in range(3)]
    rows += [street_row("2025-03", "Other theft", *luton, crime_id="b1", force="British Transport Police")]
    path.write_bytes(csv_bytes(rows))
    store = Store(tmp_path / "store")
    ingest([path], medway_area, store)
    db = Database(medway_area, store)
    counts = db.query("crime_type_counts", first=date(2025, 3, 1), last=date(2025, 3, 1))
    assert counts["incidents"].sum() == 3
    others = db.query("other_force_counts")
    assert others.to_dict("records") == [
        {"month": "2025-03", "force": "British Transport Police", "kind": "crime", "incidents": 1}
    ]
    ledger = db.query("coverage_ledger")
    assert ledger["force"].tolist() == ["British Transport Police", "Kent Police"]
    assert ledger["source"].tolist() == ["2025-03-kent-street.csv"] * 2
    db.close()
    assert pa is not None


def test_leftovers_of_the_earlier_layout_are_cleaned(loaded, medway_area, medway_points, tmp_path):
    (loaded.root / ".staging-abc" / "incidents").mkdir(parents=True)
    (loaded.root / ".backup-abc").mkdir()
    (loaded.root / ".journal.json.tmp").write_text("{half")
    path = tmp_path / "2025-03-kent-street.csv"
    path.write_bytes(csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"])]))
    ingest([path], medway_area, loaded)
    assert sorted(p.name for p in loaded.root.iterdir()) == [".lock", "current", "districts.json", "versions"]


def test_an_interrupted_load_of_the_earlier_layout_is_named_and_repaired(tmp_path, loaded, medway_area):
    """The earlier layout's journal, damaged or not: `status` names the problem (no traceback) and `repair`
    puts back every file the journal had moved aside, deleting none."""
    legacy = tmp_path / "legacy"
    snap = loaded.snapshot()
    january = next(f for f in snap.files if f.month == "2025-01")
    kept = legacy / "incidents" / "period=2025-02" / "force_slug=kent-police" / "incidents.parquet"
    kept.parent.mkdir(parents=True)
    kept.write_bytes((snap.folder / next(f for f in snap.files if f.month == "2025-02").path).read_bytes())
    moved = legacy / ".backup-x" / "incidents" / "period=2025-01" / "force_slug=kent-police" / "incidents.parquet"
    moved.parent.mkdir(parents=True)
    moved.write_bytes((snap.folder / january.path).read_bytes())
    pq.write_table(snap.ledger.drop_columns(["force_slug"]), legacy / "ledger.parquet")
    snap.close()
    journal = {
        "staging": ".staging-x",
        "backup": ".backup-x",
        "moves": [{"path": "incidents/period=2025-01/force_slug=kent-police/incidents.parquet", "staged": True}],
    }
    (legacy / ".journal.json").write_text(json.dumps(journal))
    status = run_cli("status", "--store", str(legacy))
    assert status.returncode == 1 and "Traceback" not in status.stderr
    assert "a load by an earlier version of this tool was interrupted" in status.stdout
    actions = repair_store(Store(legacy))
    assert any("1 file(s) put back" in a for a in actions)
    assert data_counts(Store(legacy)) == {("2025-01", "Kent Police"): 4, ("2025-02", "Kent Police"): 3}
    # A journal that cannot be read is removed; nothing is deleted with it.
    (legacy / ".journal.json").write_text("{not json")
    assert any("unreadable journal" in a for a in repair_store(Store(legacy)))
    assert data_counts(Store(legacy)) == {("2025-01", "Kent Police"): 4, ("2025-02", "Kent Police"): 3}


def test_the_command_line_names_a_month_loaded_again_from_a_much_shorter_file(
    tmp_path, medway_area, medway_points, capsys
):
    """A download cut short at a line loads without an error: the command says the month shrank."""
    from csp_data.cli import main

    path = tmp_path / "2025-03-kent-street.csv"
    area = ["--area", str(medway_area.area_file), "--store", str(tmp_path / "store"), "--quiet"]
    rows = [street_row("2025-03", "Robbery", *medway_points["Luton"], crime_id=f"{n:064x}") for n in range(20)]
    path.write_bytes(csv_bytes(rows))
    assert main(["ingest", *area, str(path)]) == 0
    assert "Note:" not in capsys.readouterr().out
    path.write_bytes(csv_bytes(rows[:10]))
    assert main(["ingest", *area, str(path)]) == 0
    assert (
        capsys.readouterr()
        .out.rstrip()
        .endswith(
            "Note: 2025-03 (Kent Police): 10 rows read, against 20 when it was last loaded. Check that the file is "
            "whole (a download cut short loads without an error)."
        )
    )
    path.write_bytes(csv_bytes(rows[:19]))  # a few rows more: no note
    assert main(["ingest", *area, str(path)]) == 0
    assert "Note:" not in capsys.readouterr().out


def test_a_district_listed_by_its_name_today_finds_the_rows_of_the_districts_it_was_formed_from(tmp_path):
    """police.uk's 2011 LSOA names (files before 2023) keep the districts of 2011: Kent's 2022 files name
    Folkestone and Hythe's LSOAs "Shepway 001A", Suffolk's name West Suffolk's "Forest Heath" and "St
    Edmundsbury". Listed by today's name, such a district lost those months' rows (59% of Western Suffolk's
    January 2022) with only a note to check its spelling."""
    rows = [
        street_row("2022-01", "Robbery", 1.17, 51.08, "Shepway 001A"),
        street_row("2022-01", "Robbery", 1.17, 51.08, "Shepway 014C"),
        street_row("2022-01", "Robbery", 1.17, 51.08, "Folkestone and Hythe 002B"),
        street_row("2022-01", "Robbery", 1.3, 51.13, "Dover 001A"),
        street_row("2022-01", "Robbery", 1.17, 51.08, "Shepwayside 001A"),  # not a district's name
    ]
    path = tmp_path / "2022-01-kent-street.csv"
    path.write_bytes(csv_bytes(rows))
    area = _two_district_area(tmp_path, 'lsoa_districts = ["Folkestone and Hythe"]')
    notes: list[str] = []
    (report,) = ingest([path], area, Store(tmp_path / "store"), notes=notes)
    assert report.rows_kept == 3
    assert not [n for n in notes if "lsoa_districts" in n]
    both = _two_district_area(tmp_path, 'lsoa_districts = ["Folkestone and Hythe", "Dover"]')
    assert [r.rows_kept for r in ingest([path], both, Store(tmp_path / "store2"))] == [4]


def test_former_district_names_map_to_the_district_listed():
    from csp_data.store.districts import FORMER_NAMES, lsoa_district_names

    assert lsoa_district_names(("West Suffolk", "Babergh")) == {
        "forest heath": "West Suffolk",
        "st edmundsbury": "West Suffolk",
        "west suffolk": "West Suffolk",
        "babergh": "Babergh",
    }
    # Somerset took over Somerset West and Taunton, itself formed from Taunton Deane and West Somerset.
    assert set(lsoa_district_names(("somerset",))) == {
        "somerset",
        "mendip",
        "sedgemoor",
        "south somerset",
        "somerset west and taunton",
        "taunton deane",
        "west somerset",
    }
    # A former district listed too keeps its own name.
    assert lsoa_district_names(("West Suffolk", "Forest Heath"))["forest heath"] == "Forest Heath"
    # ONS's names where police.uk's LSOA names differ ("The Vale of Glamorgan 001A", "Bristol 001A"): the ONS name
    # had been refused, none of 348,212 rows lying in the area.
    assert lsoa_district_names(("Vale of Glamorgan", "Bristol, City of")) == {
        "the vale of glamorgan": "Vale of Glamorgan",
        "vale of glamorgan": "Vale of Glamorgan",
        "bristol": "Bristol, City of",
        "bristol, city of": "Bristol, City of",
    }
    # None is its own former name.
    for current, names in FORMER_NAMES.items():
        assert current not in names


@pytest.mark.parametrize("command", ["status", "repair", "ingest"])
def test_a_store_path_that_names_a_file_is_said_so(tmp_path, command):
    """[store] path naming a file: status said "'current' entry is not a link … run repair", and repair then
    failed with "File exists": a loop with no word of the real slip."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    folder = tmp_path / "load"
    folder.mkdir()
    (folder / "2025-03-kent-street.csv").write_bytes(csv_bytes([street_row("2025-03", "Robbery", 0.55, 51.38)]))
    args = [command, "--store", str(victim)] + ([str(folder)] if command == "ingest" else [])
    result = run_cli(*args)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert ("is a file, not a folder" in out) and "Traceback" not in out, out
    assert victim.read_text() == "keep me"


def test_a_month_whose_crimes_repeat_their_ids_gets_a_note(tmp_path, medway_area, medway_points):
    """A file holding its rows twice (two downloads joined) loaded with no word, each crime counted twice."""
    point = medway_points["Luton"]
    rows = [street_row("2025-03", "Robbery", *point, crime_id=f"{n:064x}") for n in range(40)]
    asb = [street_row("2025-03", "Anti-social behaviour", *point) for _ in range(40)]  # ASB has no ID: no repeat
    once, twice = tmp_path / "once", tmp_path / "twice"
    for folder, content in ((once, rows + asb), (twice, rows + rows + asb)):
        folder.mkdir()
        (folder / "2025-03-kent-street.csv").write_bytes(csv_bytes(content))
    notes: list[str] = []
    ingest([once], medway_area, Store(tmp_path / "a"), notes=notes)
    assert not [n for n in notes if "Crime ID" in n]
    (report,) = ingest([twice], medway_area, Store(tmp_path / "b"), notes=notes)
    assert report.rows_kept == 120 and report.repeated_ids == 40
    assert [n for n in notes if "Crime ID" in n] == [
        "Note: 40 of the crimes kept for 2025-03 (Kent Police) repeat another row's Crime ID, in "
        f"{twice / '2025-03-kent-street.csv'}. police.uk repeats only a few, so the file may hold rows twice "
        "(two downloads joined, say): check it, and load the month again from the file as downloaded if so."
    ]


def test_a_load_for_other_districts_into_a_store_is_refused(tmp_path, medway_points):
    """Another area file pointed at the store (or --store) put Swale's January beside Medway's other months, with
    only a ward note; status then showed 1,301 rows kept for Medway's January and no problem."""
    medway = _two_district_area(tmp_path, 'lsoa_districts = ["Medway"]')
    folder = tmp_path / "load"
    folder.mkdir()
    (folder / "2025-03-kent-street.csv").write_bytes(
        csv_bytes(
            [
                street_row("2025-03", "Robbery", *medway_points["Luton"]),
                street_row("2025-03", "Robbery", 0.75, 51.33, "Swale 002B"),
            ]
        )
    )
    store = Store(tmp_path / "store")
    ingest([folder], medway, store)
    before = tree_digest(store.root)
    (tmp_path / "s").mkdir()
    swale = _two_district_area(tmp_path / "s", 'lsoa_districts = ["Swale"]')
    with pytest.raises(
        AreaFileError, match="the store's months were loaded for the districts Medway, and the area file lists Swale"
    ):
        ingest([folder], swale, store)
    assert tree_digest(store.root) == before
    status = run_cli("status", "--area", str(swale.area_file), "--store", str(store.root))
    assert status.returncode == 1 and "loaded for the districts Medway" in status.stdout
    # The same districts however written, and any districts into an empty store, are taken.
    ingest([folder], _two_district_area(tmp_path / "s", 'lsoa_districts = [" medway "]'), store)
    ingest([folder], swale, Store(tmp_path / "other"))


def test_a_store_loaded_for_other_districts_is_not_read_as_this_areas(tmp_path, medway_points):
    """A copy of one area's folder, store included, with the area file changed to another district: the pages
    and the pack showed the first area's 2,942 crimes under the second's name, with no word of it."""
    medway = _two_district_area(tmp_path, 'lsoa_districts = ["Medway"]')
    folder = tmp_path / "load"
    folder.mkdir()
    (folder / "2025-03-kent-street.csv").write_bytes(
        csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"])])
    )
    store = Store(tmp_path / "store")
    ingest([folder], medway, store)
    (tmp_path / "s").mkdir()
    swale = _two_district_area(tmp_path / "s", 'lsoa_districts = ["Swale"]')
    with pytest.raises(
        StoreError,
        match="The store's months were loaded for the districts Medway, not for this area file's Swale: its figures "
        "are another area's",
    ):
        Database(swale, store)
    report = run_cli(
        "report",
        "--area",
        str(swale.area_file),
        "--store",
        str(store.root),
        "--period",
        "2025-03..2025-03",
        "--out",
        str(tmp_path / "pack.pdf"),
    )
    assert report.returncode == 2 and "loaded for the districts Medway, not for this area file's Swale" in report.stderr
    assert not (tmp_path / "pack.pdf").exists()
    # The same districts however written are read; so is a store with no months.
    same = _two_district_area(tmp_path / "s", 'lsoa_districts = [" medway "]')
    assert len(Database(same, store).query("monthly_type_counts", first=date(2025, 3, 1), last=date(2025, 3, 1)))
    # A store whose months were all removed keeps its record, and is read by any area: it holds no one's rows.
    emptied = Store(tmp_path / "emptied")
    ingest([folder], medway, emptied)
    remove_months(emptied, ["2025-03"])
    assert (emptied.root / "districts.json").exists() and Database(swale, emptied).loaded_months() == []
    # The same districts spelt another way (ONS's name, police.uk's, a former district beside its successor).
    from csp_data.store.districts import read_for_other_districts, remember_districts

    (tmp_path / "spelt").mkdir()
    remember_districts(tmp_path / "spelt", ["The Vale of Glamorgan"])
    assert read_for_other_districts(tmp_path / "spelt", ["Cardiff"]) is not None
    assert read_for_other_districts(tmp_path / "spelt", ["Vale of Glamorgan"]) is None
    remember_districts(tmp_path / "spelt", ["Folkestone and Hythe"])
    assert read_for_other_districts(tmp_path / "spelt", [" folkestone and hythe", "Shepway"]) is None
    assert read_for_other_districts(tmp_path / "spelt", ["Folkestone and Hythe", "Dover"]) is not None


def test_a_first_load_between_naming_its_version_and_linking_it_reads_as_empty_not_damaged(loaded):
    """Readers during a first load's last step (its version folder named, `current` not yet linked) were told
    the store was damaged and to run repair; while the load holds the writers' lock, it reads as not loaded."""
    import fcntl

    (loaded.root / "current").unlink()  # as a first load leaves it, just before the link
    with open(loaded.root / ".lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert Store(loaded.root).snapshot().version == "empty"
        fcntl.flock(held, fcntl.LOCK_UN)
    with pytest.raises(StoreError, match="has no 'current' link"):  # no load running: a lost link
        Store(loaded.root).snapshot()
