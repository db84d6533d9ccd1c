"""The embedded Medway store checked against an independent reading of the raw police.uk files."""

from __future__ import annotations

import csv
import json
from collections import Counter

import duckdb
import pytest
from shapely.geometry import Point, shape

from helpers import ROOT, shared_raw

STORE = ROOT / "data" / "medway" / "store"


#: Every police.uk month the embedded store holds: Jan–Nov 2022 (2011 LSOA codes, CRLF), Jan–Apr 2024, 2025.
RAW_FOLDERS = ("police_uk_kent_2022", "police_uk_kent_2024_jan_apr", "police_uk_kent_2025")


def raw_files():
    return [path for folder in RAW_FOLDERS for path in sorted((shared_raw() / folder).glob("*-kent-street.csv"))]


@pytest.fixture(scope="module")
def raw_all_rows():
    rows = []
    for path in raw_files():
        with open(path, newline="", encoding="utf-8") as handle:
            rows += list(csv.DictReader(handle))
    return rows


@pytest.fixture(scope="module")
def raw_medway_rows(raw_all_rows):
    return [r for r in raw_all_rows if r["LSOA name"].startswith("Medway ")]


def test_all_27_months_and_the_gaps(raw_medway_rows, store_counts):
    con, glob = store_counts
    by_month = Counter(r["Month"] for r in raw_medway_rows)
    assert len(by_month) == 27
    stored = {
        f"{m:%Y-%m}": n
        for m, n in con.execute(f"SELECT month, count(*) FROM read_parquet('{glob}') GROUP BY 1").fetchall()
    }
    assert stored == dict(by_month)
    assert "2023-06" not in stored and "2024-05" not in stored  # real gaps stay gaps


@pytest.fixture(scope="module")
def store_counts():
    con = duckdb.connect()
    glob = str(STORE / "current" / "incidents" / "*" / "*" / "*.parquet")  # the analysts' path (README)
    return con, glob


def test_calendar_2025_totals(raw_medway_rows, store_counts):
    raw_medway_rows = [r for r in raw_medway_rows if r["Month"].startswith("2025-")]
    raw = Counter("asb" if r["Crime type"] == "Anti-social behaviour" else "crime" for r in raw_medway_rows)
    assert len(raw_medway_rows) == 30589
    assert raw == {"crime": 25082, "asb": 5507}
    con, glob = store_counts
    stored = dict(
        con.execute(
            f"SELECT kind, count(*) FROM read_parquet('{glob}') WHERE month BETWEEN '2025-01-01' AND '2025-12-01' GROUP BY kind"
        ).fetchall()
    )
    assert stored == {"crime": 25082, "asb": 5507}


def test_crime_types_match_raw(raw_medway_rows, store_counts):
    raw = Counter(r["Crime type"] for r in raw_medway_rows)
    con, glob = store_counts
    stored = dict(
        con.execute(f"SELECT crime_type, count(*) FROM read_parquet('{glob}') GROUP BY crime_type").fetchall()
    )
    assert stored == dict(raw)


def test_ward_assignment_matches_an_independent_point_in_polygon(raw_medway_rows, store_counts):
    for vintage, code_field, column in (
        ("wards_2023", "WD25CD", "ward_code"),
        ("wards_pre2023", "WD22CD", "ward_code_2022"),
    ):
        features = json.loads(
            (
                shared_raw()
                / "drkane_geo_lookups"
                / f"medway_{'wards_2023_WD25' if vintage == 'wards_2023' else 'wards_pre2023_WD22'}_BGC.geojson"
            ).read_text()
        )["features"]
        polygons = [(f["properties"][code_field], shape(f["geometry"])) for f in features]
        expected = Counter()
        for row in raw_medway_rows:
            point = Point(float(row["Longitude"]), float(row["Latitude"]))
            expected[next((code for code, polygon in polygons if polygon.covers(point)), None)] += 1
        con, glob = store_counts
        stored = dict(con.execute(f"SELECT {column}, count(*) FROM read_parquet('{glob}') GROUP BY 1").fetchall())
        assert stored == dict(expected)
        if vintage == "wards_2023":
            assert len([c for c in expected if c]) == 24


def test_ledger_counts_every_row(store_counts, raw_all_rows, raw_medway_rows):
    con, _ = store_counts
    read, kept, no_location, outside, malformed = con.execute(
        f"SELECT sum(rows_read), sum(rows_kept), sum(no_location), sum(outside_area), sum(malformed) FROM read_parquet('{STORE / 'current' / 'ledger.parquet'}')"
    ).fetchone()
    assert (read, kept) == (len(raw_all_rows), len(raw_medway_rows))
    assert (read, kept) == (426012, 73579)  # SOURCES.md: 180,022 + 60,021 + 185,969 rows; 30,589 + 10,255 + 32,735
    assert read == kept + no_location + outside + malformed
