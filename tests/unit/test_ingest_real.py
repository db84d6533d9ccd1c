"""Ingest on real and large inputs: the 2022 Kent files (2011 LSOAs, CRLF), the national archive month with
its other forces, bounded memory for zip bombs and for files larger than memory-friendly sizes."""

from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import geopandas as gpd
import pytest
import shapely

from csp_data.config import load_area
from csp_data.store import Store
from csp_data.store.ingest import ingest
from csp_data.store.queries import Database
from helpers import HEADER, ROOT, shared_raw

pytestmark = pytest.mark.slow

GIB = 1 << 30


def medway_rows(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("*-street.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            rows += [r for r in csv.DictReader(handle) if r["LSOA name"].startswith("Medway ")]
    return rows


def test_2022_files_load_with_every_medway_row_warded_exactly(tmp_path):
    """2011 LSOA codes and CRLF line endings; wards checked against an independent point-in-polygon count."""
    folder = shared_raw() / "police_uk_kent_2022"
    store = Store(tmp_path / "store")
    reports = ingest([folder], load_area(None), store)
    raw = [r for r in medway_rows(folder) if r["Longitude"] and r["Crime type"]]
    assert len(reports) == 11 and sum(r.rows_kept for r in reports) == len(raw) == 32_735
    assert sum(r.rows_read for r in reports) == 185_969
    wards = gpd.read_file(ROOT / "data" / "medway" / "boundaries" / "wards_2023.geojson")
    expected: dict[str, int] = {}
    for row in raw:
        point = shapely.Point(float(row["Longitude"]), float(row["Latitude"]))
        hits = sorted(w.WD25CD for w in wards.itertuples() if w.geometry.covers(point))
        key = hits[0] if hits else None
        expected[key] = expected.get(key, 0) + 1
    got = dict(
        duckdb.connect()
        .sql(f"SELECT ward_code, count(*) FROM read_parquet('{store.incidents_glob}') GROUP BY 1")
        .fetchall()
    )
    assert got == expected
    months = (
        duckdb.connect()
        .sql(f"SELECT DISTINCT strftime(month, '%Y-%m') FROM read_parquet('{store.incidents_glob}') ORDER BY 1")
        .fetchall()
    )
    assert [m for (m,) in months] == [f"2022-{m:02d}" for m in range(1, 12)]


def test_national_month_keeps_other_forces_apart(tmp_path):
    """January 2022, every force held: 2,967 Kent Police rows, 34 British Transport Police, 1 Bedfordshire."""
    archive = tmp_path / "2022-01.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((shared_raw() / "police_uk_national_2022_01").glob("*.csv")):
            zf.write(path, f"2022-01/{path.name}")
    store = Store(tmp_path / "store")
    area = load_area(None)
    reports = ingest([archive], area, store)
    recorded = {r.force: r.rows_kept for r in reports if r.recorded}
    assert recorded == {"Kent Police": 2_967, "British Transport Police": 34, "Bedfordshire Police": 1}
    assert sum(r.rows_read for r in reports) == 348_212
    assert len([r for r in reports if not r.recorded]) == 38  # the other forces' files: nothing in Medway
    result, peak = peak_rss_of(
        [sys.executable, "-m", "csp_data", "ingest", "--quiet", "--store", str(tmp_path / "cli-store"), str(archive)]
    )
    assert result.returncode == 0, result.stderr
    assert peak < GIB, peak
    db = Database(area, store)
    totals = db.query("crime_type_counts", first=date(2022, 1, 1), last=date(2022, 1, 1))
    assert totals.groupby("kind")["incidents"].sum().to_dict() == {"asb": 358, "crime": 2_609}
    others = db.query("other_force_counts")
    assert others.groupby("force")["incidents"].sum().to_dict() == {
        "Bedfordshire Police": 1,
        "British Transport Police": 34,
    }
    db.close()


def peak_rss_of(args: list[str]) -> tuple[subprocess.CompletedProcess, int]:
    """Run a command in a fresh Python that measures its child's peak resident memory (bytes)."""
    probe = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stdout.write(r.stdout); sys.stderr.write(r.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, file=sys.stderr)\n"
        "sys.exit(r.returncode)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=ROOT, timeout=600)
    peak = int(result.stderr.strip().splitlines()[-1])
    return result, peak


def test_a_zip_bomb_is_refused_unread_in_little_memory(tmp_path):
    """A 0.6 MB zip whose member unpacks to 608 MiB (it took 4.4 GiB before)."""
    archive = tmp_path / "bomb.zip"
    row = ",2022-01,Kent Police,Kent Police,0.5,51.3,On or near X,E01000001,Medway 001A,Anti-social behaviour,,\n"
    block = (row * ((1 << 20) // len(row) + 1)).encode()[: 1 << 20]
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("2022-01/2022-01-kent-street.csv", "w", force_zip64=True) as member:
            member.write((",".join(HEADER) + "\n").encode())
            for _ in range(608):
                member.write(block)
    assert archive.stat().st_size < 4 << 20
    result, peak = peak_rss_of(
        [sys.executable, "-m", "csp_data", "ingest", "--quiet", "--store", str(tmp_path / "store"), str(archive)]
    )
    assert result.returncode == 2
    assert "refused unread" in result.stderr
    assert peak < GIB // 2, peak


def test_a_large_plain_file_streams_in_bounded_memory(tmp_path):
    """A CSV of 1.5 million rows (over 150 MB), read a block at a time: peak memory stays well under 1 GiB."""
    path = tmp_path / "2022-01-kent-street.csv"
    inside = "abc,2022-01,Kent Police,Kent Police,0.545,51.38,On or near A,E01016070,Medway 001A,Burglary,Under investigation,\n"
    outside = "def,2022-01,Kent Police,Kent Police,0.52,51.27,On or near B,E01024000,Maidstone 014D,Drugs,Under investigation,\n"
    chunk = (inside + outside * 99).encode()
    with open(path, "wb") as handle:
        handle.write((",".join(HEADER) + "\n").encode())
        for _ in range(15_000):
            handle.write(chunk)
    assert path.stat().st_size > 150 << 20
    result, peak = peak_rss_of(
        [sys.executable, "-m", "csp_data", "ingest", "--quiet", "--store", str(tmp_path / "store"), str(path)]
    )
    assert result.returncode == 0, result.stderr
    total = [line for line in result.stdout.splitlines() if line.startswith("total")][0].split()
    assert total[1:3] == ["1500000", "15000"]
    assert peak < GIB, peak
