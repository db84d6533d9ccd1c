"""The staff pages' changes (csp_data.changes), called as the pages call them: uploads of good, bad and
hostile police.uk files through the same ingest (the same cases and messages as ingest's own tests),
removal, and survey files kept in the store; each change logged once, refusals change nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import zipfile

import pytest
from test_ingest import bad_files, january_rows, tree_digest
from test_ingest_rules import _set_encrypted, _set_method, _zip_with

from csp_data import changes
from csp_data.audit import Actor, audit_log_path, read_changes
from csp_data.changes import UploadError, load_police_data, load_survey_file, remove_police_data, safe_file_name
from csp_data.store import Database, Store
from csp_data.survey import read_survey_responses, weighted_proportions
from csp_data.survey.store import KEEP_SECONDS, read_stored_responses, stored_responses_file
from helpers import ROOT, csv_bytes, street_row

ANN = Actor(email="ann@example.org", name="Ann", subject="ann-1")
GENERATED = ROOT / "tests" / "fixtures" / "survey" / "GENERATED_TEST_DATA_survey_responses.csv"


@pytest.fixture
def store(tmp_path, medway_area, medway_points):
    """A store holding January 2025, loaded through the staff change (so its log has one entry)."""
    store = Store(tmp_path / "store")
    load_police_data(csv_bytes(january_rows(medway_points)), "2025-01-kent-street.csv", medway_area, store, ANN)
    return store


def log_lines(store: Store) -> list[bytes]:
    return audit_log_path(store.root).read_bytes().splitlines()


def test_a_good_csv_is_loaded_and_logged_once(store, medway_area, medway_points):
    data = csv_bytes([street_row("2025-02", "Robbery", *medway_points["Luton"], crime_id=f"r{i}") for i in range(3)])
    before = audit_log_path(store.root).read_bytes()
    outcome = load_police_data(data, "2025-02-kent-street.csv", medway_area, store, ANN)
    assert [(r.month, r.rows_read, r.rows_kept) for r in outcome.result] == [("2025-02", 3, 3)]
    ledger = {(r["month"].isoformat(), r["rows_kept"]) for r in store.read_ledger().to_pylist()}
    assert ledger == {("2025-01-01", 7), ("2025-02-01", 3)}
    after = audit_log_path(store.root).read_bytes()
    assert after.startswith(before) and after[len(before) :].count(b"\n") == 1
    entry = read_changes(store.root).entries[-1]
    assert entry["action"] == "load police data" and entry["who"]["email"] == "ann@example.org"
    assert entry["file_name"] == "2025-02-kent-street.csv"
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert entry["rows"] == 3 and entry["details"]["months"] == ["2025-02"]
    assert entry["details"]["store_version"] == store.version()


def test_the_archive_zip_as_downloaded_is_loaded(store, medway_area, medway_points):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for month in ("2025-03", "2025-04"):
            rows = [street_row(month, "Burglary", *medway_points["Luton"], crime_id=f"{month}-{i}") for i in range(2)]
            archive.writestr(f"{month}/{month}-kent-street.csv", csv_bytes(rows))
            archive.writestr(f"{month}/{month}-kent-outcomes.csv", "not a street file\n")
    outcome = load_police_data(buffer.getvalue(), "police-data.zip", medway_area, store, ANN)
    assert [(r.month, r.rows_kept) for r in outcome.result] == [("2025-03", 2), ("2025-04", 2)]
    assert read_changes(store.root).entries[-1]["details"]["months"] == ["2025-03", "2025-04"]


@pytest.mark.parametrize("case", list(bad_files({"Gillingham South": (0.55, 51.38), "Luton": (0.54, 51.37)})))
def test_a_bad_file_is_refused_with_ingests_message_and_nothing_changes(case, store, medway_area, medway_points):
    data, message, line = bad_files(medway_points)[case]
    before = tree_digest(store.root)
    with pytest.raises(UploadError) as caught:
        load_police_data(data, "upload.csv", medway_area, store, ANN)
    text = str(caught.value)
    # ingest's own message, naming the file as uploaded (never the temporary folder it was saved in)
    assert text.startswith("upload.csv" + (f", line {line}: " if line else ": ")) and message in text
    assert "/tmp" not in text and "csp-upload" not in text
    assert tree_digest(store.root) == before  # the store and the change log are exactly as they were


@pytest.mark.parametrize(
    "patch, problem",
    [
        (_set_encrypted, "the zip member is encrypted"),
        (lambda raw: _set_method(raw, 9), "compression method 9"),
        (lambda raw: _set_method(raw, 99), "compression method 99"),
    ],
)
def test_zip_members_that_cannot_be_read_are_refused(patch, problem, store, medway_area, medway_points, tmp_path):
    data = _zip_with(
        tmp_path, csv_bytes([street_row("2025-03", "Robbery", *medway_points["Luton"])]), patch
    ).read_bytes()
    before = tree_digest(store.root)
    with pytest.raises(UploadError, match=problem) as caught:
        load_police_data(data, "archive.zip", medway_area, store, ANN)
    assert str(caught.value).startswith("archive.zip:2025-03/2025-03-kent-street.csv: ")
    assert tree_digest(store.root) == before


def test_a_zip_bomb_is_refused_unread(store, medway_area):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2025-03/2025-03-kent-street.csv", b"0" * (40 << 20))  # 40 MB of zeros, about 40 KB packed
    before = tree_digest(store.root)
    with pytest.raises(UploadError, match="refused unread"):
        load_police_data(buffer.getvalue(), "bomb.zip", medway_area, store, ANN)
    assert tree_digest(store.root) == before


@pytest.mark.parametrize(
    "sent, saved",
    [
        ("2025-02-kent-street.csv", "2025-02-kent-street.csv"),
        ("../../etc/2025-02-kent-street.csv", "2025-02-kent-street.csv"),
        ("C:\\Users\\ann\\Downloads\\2025-02-kent-street.csv", "2025-02-kent-street.csv"),
        ("/etc/passwd.csv", "passwd.csv"),
        ("..csv", "upload.csv"),
        (".csv", "upload.csv"),
        ("a\x00b\nc.CSV", "a-b-c.csv"),
        ("données été.zip", "donn-es-t.zip"),
        ("$(rm -rf ~);.csv", "rm--rf.csv"),
        ("x" * 500 + ".zip", "x" * 100 + ".zip"),
    ],
)
def test_hostile_file_names_are_saved_under_a_safe_name(sent, saved):
    assert safe_file_name(sent, changes.POLICE_SUFFIXES) == saved


@pytest.mark.parametrize("sent", ["passwd", "street.csv.exe", "archive.tar.gz", "x.csv\x00.png", ""])
def test_names_of_other_kinds_are_refused(sent):
    with pytest.raises(UploadError, match=r"is not a \.csv or \.zip file"):
        safe_file_name(sent, changes.POLICE_SUFFIXES)


def test_a_hostile_name_never_writes_outside_the_temporary_folder(store, medway_area, medway_points, tmp_path):
    target = tmp_path / "store" / "escaped.csv"
    data = csv_bytes([street_row("2025-02", "Robbery", *medway_points["Luton"])])
    load_police_data(data, f"../../../../../..{target}", medway_area, store, ANN)
    assert not target.exists()
    assert read_changes(store.root).entries[-1]["file_name"] == "escaped.csv"


def test_an_upload_over_the_limit_is_refused_before_it_is_read(store, medway_area, medway_points, monkeypatch):
    monkeypatch.setattr(changes, "POLICE_UPLOAD_LIMIT_MB", 1)
    big = csv_bytes([street_row("2025-02", "Robbery", *medway_points["Luton"])]) + b"x" * (1 << 20)
    before = tree_digest(store.root)
    with pytest.raises(UploadError, match=r"2025-02-kent-street.csv is 1.0 MB; files up to 1 MB can be loaded"):
        load_police_data(big, "2025-02-kent-street.csv", medway_area, store, ANN)
    assert tree_digest(store.root) == before


def test_removing_a_mistaken_load_is_logged(store, medway_area, medway_points):
    data = csv_bytes([street_row("2025-02", "Robbery", *medway_points["Luton"], crime_id=f"r{i}") for i in range(3)])
    load_police_data(data, "2025-02-kent-street.csv", medway_area, store, ANN)
    outcome = remove_police_data(store, ["2025-02"], None, ANN)
    assert [r["month"].isoformat() for r in outcome.result] == ["2025-02-01"]
    assert [r["month"].isoformat() for r in store.read_ledger().to_pylist()] == ["2025-01-01"]
    entry = read_changes(store.root).entries[-1]
    assert (entry["action"], entry["rows"], entry["details"]["months"]) == ("remove police data", 3, ["2025-02"])
    assert len(log_lines(store)) == 3


def test_removing_a_month_not_loaded_changes_nothing(store):
    before = tree_digest(store.root)
    with pytest.raises(Exception, match="2024-07 is not loaded"):
        remove_police_data(store, ["2024-07"], None, ANN)
    assert tree_digest(store.root) == before


# ---- survey files ----


def test_a_survey_file_is_kept_as_parquet_and_read_back_with_duckdb(store, medway_area):
    data = GENERATED.read_bytes()
    outcome = load_survey_file(data, "responses-2025.csv", store, ANN)
    path = stored_responses_file(store.root)
    assert path == outcome.result.path and path.parent == store.root / "survey"
    database = Database(medway_area, store)
    try:
        stored = read_stored_responses(path, database.query)
        rows = database.query("survey_responses", path=str(path))
    finally:
        database.close()
    original = read_survey_responses(GENERATED)
    assert stored.respondents == original.respondents and stored.questions == original.questions
    assert stored.weighted and stored.path.name == "responses-2025.csv"
    # the weights are in the store, exactly as in the file
    with open(GENERATED, encoding="utf-8") as handle:
        reader = csv.DictReader(line for line in handle if not line.startswith("#"))
        weights = {row["respondent_id"]: float(row["weight"]) for row in reader}
    assert dict(zip(rows["respondent_id"], rows["weight"])) == weights
    for question in original.questions:
        assert weighted_proportions(stored, question, "sex").equals(weighted_proportions(original, question, "sex"))
    entry = read_changes(store.root).entries[-1]
    assert (entry["action"], entry["rows"], entry["sha256"]) == (
        "load survey responses",
        400,
        hashlib.sha256(data).hexdigest(),
    )


def test_a_second_survey_file_replaces_the_first(store, medway_area):
    load_survey_file(GENERATED.read_bytes(), "first.csv", store, ANN)
    first = stored_responses_file(store.root)
    lines = GENERATED.read_text(encoding="utf-8").splitlines(keepends=True)
    load_survey_file("".join(lines[:13]).encode("utf-8"), "second.csv", store, ANN)
    second = stored_responses_file(store.root)
    assert second != first and first.exists()  # kept a while for readers that opened it
    database = Database(medway_area, store)
    try:
        assert len(read_stored_responses(second, database.query).respondents) == 11
    finally:
        database.close()

    # Once KEEP_SECONDS have passed since the switch, the replaced file (respondent-level data) is removed at the
    # next look-up of the file in use: no further load is needed.
    link = second.parent / "current.parquet"
    switched = link.lstat().st_mtime
    os.utime(link, (switched - KEEP_SECONDS + 5, switched - KEEP_SECONDS + 5), follow_symlinks=False)
    assert stored_responses_file(store.root) == second and first.exists()  # not yet
    old = switched - KEEP_SECONDS - 5
    os.utime(link, (old, old), follow_symlinks=False)
    # A load in progress (its file written, the link not yet switched) is never touched: it is new.
    writing = second.parent / "responses-0123456789abcdef.parquet"
    writing.write_bytes(second.read_bytes())
    temporary = second.parent / ".current-0123"
    os.symlink(writing.name, temporary)
    assert stored_responses_file(store.root) == second and first.exists()  # the first is as new as the link's age
    os.utime(first, (old, old))
    assert stored_responses_file(store.root) == second
    assert not first.exists() and second.exists() and writing.exists() and temporary.is_symlink()
    assert sorted(p.name for p in second.parent.iterdir()) == sorted(
        ["current.parquet", second.name, writing.name, temporary.name]
    )


@pytest.mark.parametrize(
    "data, message",
    [
        (b"respondent_id,ward_code\nA,E05014449\n", "line 1, column 'age_band': required column is missing"),
        (b"respondent_id,ward_code,age_band,sex,weight,q_safe\nA,E05014449,25-34,male,-1,yes\n", "weight must be"),
        (b"respondent_id,ward_code,age_band,sex,q_safe\nA,X1,25-34,male,yes\n", "'X1' is not a GSS ward code"),
        (b"\xff\xfe\x00", "not UTF-8 text"),
        (b"", "file has no header row"),
    ],
)
def test_a_bad_survey_file_is_refused_with_the_readers_message(store, data, message):
    before = tree_digest(store.root)
    with pytest.raises(UploadError, match=message) as caught:
        load_survey_file(data, "../answers.csv", store, ANN)
    assert str(caught.value).startswith("answers.csv") and "csp-upload" not in str(caught.value)
    assert tree_digest(store.root) == before
    assert stored_responses_file(store.root) is None
