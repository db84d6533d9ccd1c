"""``python -m csp_data benchmarks load|boundaries``: the real ONS files, the shipped copies and bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from csp_data import benchmarks as bm
from csp_data.cli import main
from helpers import ROOT, shared_raw

EMBEDDED = ROOT / "data" / "medway" / "benchmarks"
MEDWAY = "E22000143"


@pytest.fixture(scope="module")
def ons_files():
    folder = shared_raw() / "ons_crime_pfa_csp_tables"
    return [
        folder / "policeforceareatablesyedecember2024.xlsx",
        folder / "csp_table_C2_ye_june2025_from_policeforceareatablesyejune25final.csv",
    ]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "csp_data", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def medway_total(parquet, period: str) -> tuple:
    return (
        duckdb.connect()
        .execute(
            "SELECT count, population, round(rate_per_1000, 2) FROM read_parquet(?) "
            "WHERE csp_code = ? AND offence_group = 'total_excl_fraud' AND period_end = CAST(? AS DATE)",
            [str(parquet), MEDWAY, period],
        )
        .fetchone()
    )


def test_load_real_files_into_the_store(ons_files, tmp_path, capsys):
    assert main(["benchmarks", "load", *map(str, ons_files), "--store", str(tmp_path)]) == 0
    parquet = tmp_path / "benchmarks" / "ons_csp.parquet"
    assert medway_total(parquet, "2024-12-31") == (27555, 282700, 97.47)
    assert medway_total(parquet, "2023-12-31") == (29112, 282700, 102.98)
    assert medway_total(parquet, "2025-06-30") == (27321, 282700, 96.64)
    periods = (
        duckdb.connect()
        .execute(
            "SELECT period_end, count(DISTINCT csp_code), count(*) FROM read_parquet(?) GROUP BY 1 ORDER BY 1",
            [str(parquet)],
        )
        .fetchall()
    )
    assert [(str(p), n, rows) for p, n, rows in periods] == [
        ("2023-12-31", 314, 314 * 23),
        ("2024-12-31", 314, 314 * 23),
        ("2025-06-30", 314, 314 * 23),
    ]
    out = capsys.readouterr().out
    assert (
        "Medway (E22000143), year ending December 2024: 27,555 offences excluding fraud, 97.47 per 1,000 on 282,700 people"
        in out
    )
    assert "42 force totals, 43 unassigned or airport rows" in out
    assert f"Wrote 21,666 rows to {parquet}" in out


def test_a_folder_loads_like_its_files(ons_files, tmp_path):
    assert main(["benchmarks", "load", str(ons_files[0].parent), "--store", str(tmp_path)]) == 0
    assert medway_total(tmp_path / "benchmarks" / "ons_csp.parquet", "2024-12-31") == (27555, 282700, 97.47)


def test_the_shipped_table_is_what_the_command_builds(ons_files, tmp_path):
    assert main(["benchmarks", "load", *map(str, ons_files), "--store", str(tmp_path)]) == 0
    pd.testing.assert_frame_equal(bm.read_benchmarks(tmp_path), bm.read_benchmarks(EMBEDDED.parent))


def test_the_shipped_table_holds_ons_rates_where_ons_publishes_them():
    """Issue 13, in SQL on the shipped file: Table C4's rates as they are, other years' computed and said so."""
    rows = (
        duckdb.connect()
        .execute(
            """
        SELECT period_end, rate_source, count(*),
               count(*) FILTER (WHERE rate_per_1000 = published_rate_per_1000),
               count(*) FILTER (WHERE printf('%.2f', rate_per_1000)
                                      <> printf('%.2f', count::DOUBLE / population * 1000)),
               count(*) FILTER (WHERE abs(rate_population - count * 1000.0 / rate_per_1000) < 1e-6 OR count = 0),
               count(*) FILTER (WHERE rate_population = population),
               count(*) FILTER (WHERE abs(rate_population - population) <= 50)
        FROM read_parquet(?) WHERE rate_per_1000 IS NOT NULL GROUP BY 1, 2 ORDER BY 1
        """,
            [str(EMBEDDED / "ons_csp.parquet")],
        )
        .fetchall()
    )
    computed = "computed: count × 1,000 / population rounded to 100 (ONS publishes no rate for this year)"
    n = 313 * 23
    # Year ending December 2024: every rate is ONS's; 927 of them differ at 2 dp from count / printed
    # population; all are count / the population behind them, which is the printed one for 2 CSPs only.
    assert [(str(p), *rest) for p, *rest in rows] == [
        ("2023-12-31", computed, n, 0, 0, n, n, n),
        ("2024-12-31", "ONS Table C4, as published", n, n, 927, n, 2 * 23, n),
        ("2025-06-30", computed, n, 0, 0, n, n, n),
    ]
    medway = (
        duckdb.connect()
        .execute(
            "SELECT round(rate_per_1000, 4), rate_population, population FROM read_parquet(?) WHERE csp_code = ? "
            "AND offence_group = 'total_excl_fraud' AND period_end = DATE '2024-12-31'",
            [str(EMBEDDED / "ons_csp.parquet"), MEDWAY],
        )
        .fetchone()
    )
    assert medway == (97.4701, 282702.0, 282700)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("tables.xlsx", b"not a spreadsheet", "tables.xlsx: not a readable .xlsx workbook"),
        ("c2.csv", b'"Table C2: counts, year ending June 2025"\nno header,1\n', "c2.csv: header row not found"),
        (
            "bad.csv",
            (ROOT / "tests" / "fixtures" / "benchmarks" / "c2_ye_jun2025_extract.csv")
            .read_bytes()
            .replace(b'"27,321 "', b'"27;321"'),
            "bad.csv, line 17: column 'Total recorded crime (excluding fraud)': value '27;321' is not a number",
        ),
        ("tables.ods", b"", "tables.ods: unsupported file type"),
    ],
)
def test_bad_file_is_one_line_and_exit_2(tmp_path, name, content, expected):
    bad = tmp_path / name
    bad.write_bytes(content)
    result = run_cli("benchmarks", "load", str(bad), "--store", str(tmp_path / "store"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], result.stderr
    assert not (tmp_path / "store" / "benchmarks" / "ons_csp.parquet").exists()


def test_missing_file_is_one_line(tmp_path):
    result = run_cli("benchmarks", "load", str(tmp_path / "absent.xlsx"), "--store", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'absent.xlsx'}: no such file or folder"


def test_failed_load_leaves_the_previous_table(ons_files, tmp_path):
    assert main(["benchmarks", "load", str(ons_files[0]), "--store", str(tmp_path)]) == 0
    before = (tmp_path / "benchmarks" / "ons_csp.parquet").read_bytes()
    bad = tmp_path / "broken.csv"
    bad.write_text((ons_files[1]).read_text(encoding="utf-8").replace('"27,321 "', '"27;321"'), encoding="utf-8")
    assert main(["benchmarks", "load", str(ons_files[0]), str(bad), "--store", str(tmp_path)]) == 2
    assert (tmp_path / "benchmarks" / "ons_csp.parquet").read_bytes() == before


# --------------------------------------------------------------------------
# Boundaries for the group map
# --------------------------------------------------------------------------

GROUP_LADS = {
    "E06000035",
    "E07000066",
    "E08000001",
    "E08000002",
    "E07000107",
    "E07000109",
    "E07000088",
    "E07000090",
    "E08000034",
    "E07000219",
    "E06000031",
    "E07000243",
    "E08000008",
    "E06000034",
    "E08000010",
}  # Medway, Basildon, Bolton, Bury, Dartford, Gravesham, Gosport, Havant, Kirklees, Nuneaton and Bedworth,
#    Peterborough, Stevenage, Tameside, Thurrock, Wigan


def _codes(path) -> set[str]:
    return {f["properties"]["LAD23CD"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]}


def test_shipped_boundaries_cover_the_group_and_are_compact():
    group = EMBEDDED / bm.GROUP_BOUNDARIES_FILE
    national = EMBEDDED / bm.NATIONAL_BOUNDARIES_FILE
    assert _codes(group) == GROUP_LADS
    codes = _codes(national)
    assert len(codes) == 318 and GROUP_LADS <= codes and all(c[0] in "EW" for c in codes)
    # Every CSP's local authorities are drawable, except Cumbria's districts abolished in April 2023.
    table = bm.read_benchmarks(EMBEDDED.parent)
    listed = {lad for value in table["la_codes"].unique() for lad in value.split(";")}
    assert listed - codes == {"E07000026", "E07000027", "E07000028", "E07000029", "E07000030", "E07000031"}
    assert group.stat().st_size < 1_000_000
    assert national.stat().st_size < 3_000_000
    assert (EMBEDDED / bm.OUTLINE_FILE).stat().st_size < 100_000


@pytest.fixture
def tmp_area(tmp_path):
    """Medway's area file copied into tmp_path, so that nothing is written into data/medway."""
    area = tmp_path / "area.toml"
    area.write_text(
        (ROOT / "data" / "medway" / "area.toml")
        .read_text(encoding="utf-8")
        .replace('file = "boundaries/', f'file = "{ROOT}/data/medway/boundaries/')
        .replace('file = "population/', f'file = "{ROOT}/data/medway/population/'),
        encoding="utf-8",
    )
    return area


def test_boundaries_command_rebuilds_them(tmp_path, tmp_area):
    source = shared_raw() / "ons_boundaries_national" / "Local_Authority_Districts_May_2023_UK_BGC_V2.topojson"
    assert (
        main(
            [
                "benchmarks",
                "boundaries",
                str(source),
                "--area",
                str(tmp_area),
                "--table",
                str(EMBEDDED / "ons_csp.parquet"),
            ]
        )
        == 0
    )
    assert _codes(tmp_path / "benchmarks" / bm.GROUP_BOUNDARIES_FILE) == GROUP_LADS
    for name in (bm.GROUP_BOUNDARIES_FILE, bm.NATIONAL_BOUNDARIES_FILE, bm.OUTLINE_FILE):
        assert (tmp_path / "benchmarks" / name).read_bytes() == (EMBEDDED / name).read_bytes(), name


def test_boundaries_command_with_a_bad_file(tmp_path, tmp_area):
    bad = tmp_path / "lads.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": []', encoding="utf-8")
    result = run_cli(
        "benchmarks", "boundaries", str(bad), "--table", str(EMBEDDED / "ons_csp.parquet"), "--area", str(tmp_area)
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {bad}: not a readable boundary file")
    assert len(result.stderr.strip().splitlines()) == 1
