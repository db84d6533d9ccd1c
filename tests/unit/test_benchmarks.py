"""Unit tests for csp_data.benchmarks (ONS CSP tables and Most Similar Group)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from openpyxl import Workbook

from csp_data import benchmarks as bm
from csp_data.benchmarks import store as bm_store
from csp_data.errors import CspDataError, InputFileError

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "benchmarks"
SHARED = REPO.parent / "shared"
RAW = SHARED / "data" / "raw"
ONS_DIR = RAW / "ons_crime_pfa_csp_tables"
REAL_WORKBOOK = ONS_DIR / "policeforceareatablesyedecember2024.xlsx"
REAL_CSV = ONS_DIR / "csp_table_C2_ye_june2025_from_policeforceareatablesyejune25final.csv"
PUBLISHED = REPO / "data" / "medway" / "benchmarks" / "published_msg_ye_mar2024.csv"
ASSESSMENT_SEED = SHARED / "seeds" / "001_56599b7bae25a7d4.txt"

MEDWAY = "E22000143"
DARTFORD_GRAVESHAM = "E22000352"
SWINDON = "E22000350"
CITY_OF_LONDON = "E22000180"
CORBY = "E22000233"
KETTERING = "E22000236"

PEER_NAMES = [
    "Basildon",
    "Bolton",
    "Bury",
    "Dartford and Gravesham",
    "Gosport",
    "Havant",
    "Kirklees",
    "Nuneaton and Bedworth",
    "Peterborough",
    "Stevenage",
    "Tameside",
    "Thurrock",
    "Wigan",
]


def _need(path: Path) -> Path:
    """Skip when shared data is absent, except on CI, where it must be there."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing on CI: {path}")
        pytest.skip(f"shared data not available: {path}")
    return path


# --------------------------------------------------------------------------
# A small workbook with the real layout of the ONS "Police force area data
# tables" (title in row 1, notes in rows 2-7, header in row 8 with line
# breaks inside cells) and real rows for six CSPs.
# --------------------------------------------------------------------------

ID_HEADER = [
    "Police Force\nArea code",
    "Police Force\nArea name",
    "Community Safety\nPartnership code",
    "Community Safety\nPartnership name",
    "Local Authority code",
    "Local Authority name",
]
OFFENCE_HEADER = [
    "Total recorded crime\n (excluding fraud)",
    "Violence against\n the person",
    "Homicide",
    "Death or serious\n injury caused by\n illegal driving",
    "Violence with injury",
    "Violence without injury",
    "Stalking and harassment",
    "Sexual offences",
    "Robbery",
    "Theft offences",
    "Burglary",
    "Residential burglary",
    "Non-residential burglary",
    "Vehicle offences",
    "Theft from the person",
    "Bicycle theft",
    "Shoplifting",
    "All other theft offences",
    "Criminal damage and arson",
    "Drug offences",
    "Possession of weapons offences",
    "Public order offences",
    "Miscellaneous crimes against society",
]
RESIDENTIAL_BURGLARY = 11  # position of "Residential burglary" among the offence columns

CSPS = {  # code: (force code, force name, CSP name, LA code, LA name)
    MEDWAY: ("E23000032", "Kent", "Medway", "E06000035", "Medway"),
    DARTFORD_GRAVESHAM: ("E23000032", "Kent", "Dartford and Gravesham", "Combined Local Authorities", None),
    SWINDON: ("E23000038", "Wiltshire ", "Swindon", "E06000030", "Swindon"),
    CORBY: ("E23000022", "Northamptonshire", "Corby", "E06000061", "North Northamptonshire"),
    KETTERING: ("E23000022", "Northamptonshire", "Kettering", "E06000061", "North Northamptonshire"),
    CITY_OF_LONDON: ("E23000034", "City of London[note 9]", "City of London", "E09000001", "City of London"),
}
# Real counts from Tables C2 (year ending December 2024) and C5 (December 2023).
COUNTS_2024 = {
    CITY_OF_LONDON: [
        9270,
        1406,
        0,
        3,
        410,
        845,
        148,
        190,
        174,
        5640,
        326,
        24,
        302,
        119,
        1439,
        230,
        1573,
        1953,
        376,
        569,
        80,
        677,
        158,
    ],
    DARTFORD_GRAVESHAM: [
        22999,
        8432,
        1,
        16,
        1927,
        4058,
        2430,
        739,
        185,
        7933,
        898,
        641,
        257,
        2027,
        181,
        132,
        2856,
        1839,
        2492,
        1130,
        222,
        1183,
        683,
    ],
    MEDWAY: [
        27555,
        12290,
        4,
        8,
        2804,
        5923,
        3551,
        1128,
        239,
        7110,
        919,
        720,
        199,
        1536,
        188,
        207,
        2244,
        2016,
        2905,
        896,
        316,
        1669,
        1002,
    ],
    CORBY: [
        5733,
        2371,
        1,
        0,
        791,
        893,
        686,
        302,
        85,
        1584,
        272,
        186,
        86,
        259,
        17,
        70,
        578,
        388,
        531,
        296,
        99,
        328,
        137,
    ],
    KETTERING: [
        8112,
        3594,
        1,
        1,
        1028,
        1448,
        1116,
        419,
        87,
        1934,
        287,
        196,
        91,
        336,
        30,
        65,
        711,
        505,
        714,
        433,
        141,
        596,
        194,
    ],
    SWINDON: [
        15264,
        6347,
        2,
        1,
        2116,
        2719,
        1509,
        747,
        109,
        4126,
        435,
        296,
        139,
        896,
        106,
        224,
        1547,
        918,
        1453,
        575,
        177,
        1383,
        347,
    ],
}
COUNTS_2023 = {
    CITY_OF_LONDON: [
        8599,
        1293,
        0,
        1,
        355,
        781,
        156,
        172,
        150,
        5103,
        327,
        25,
        302,
        155,
        1293,
        216,
        978,
        2134,
        318,
        669,
        91,
        594,
        209,
    ],
    DARTFORD_GRAVESHAM: [
        22381,
        8598,
        3,
        10,
        2046,
        3976,
        2563,
        697,
        210,
        7227,
        835,
        625,
        210,
        1979,
        167,
        121,
        2294,
        1831,
        2439,
        972,
        208,
        1337,
        693,
    ],
    MEDWAY: [
        29112,
        13367,
        1,
        14,
        3139,
        6318,
        3895,
        1081,
        257,
        7040,
        962,
        716,
        246,
        1595,
        184,
        128,
        1993,
        2178,
        3241,
        798,
        302,
        1985,
        1041,
    ],
    CORBY: [
        6462,
        2755,
        0,
        2,
        826,
        1102,
        825,
        240,
        104,
        1938,
        330,
        205,
        125,
        305,
        27,
        74,
        716,
        486,
        583,
        205,
        110,
        372,
        155,
    ],
    KETTERING: [
        8350,
        3748,
        0,
        0,
        1030,
        1477,
        1241,
        384,
        91,
        2094,
        323,
        229,
        94,
        419,
        31,
        47,
        683,
        591,
        717,
        382,
        126,
        588,
        220,
    ],
    SWINDON: [
        17113,
        6874,
        1,
        1,
        2326,
        2951,
        1595,
        739,
        180,
        5000,
        507,
        328,
        179,
        944,
        120,
        367,
        2068,
        994,
        1702,
        498,
        "[x]",
        1586,
        346,
    ],
}
POPULATION = {  # rounded to 100 as published; households
    MEDWAY: (282700, 111500),
    DARTFORD_GRAVESHAM: (225800, 87400),
    SWINDON: (235700, 95900),
    CORBY: (76600, 29900),
    KETTERING: (106900, 44200),
    CITY_OF_LONDON: (10800, 4900),
}
# ONS computes rates with unrounded populations (Medway's is 282,702).
UNROUNDED = {MEDWAY: 282702}
FORCE_TOTALS = [("E23000032", "Kent"), ("E23000038", "Wiltshire "), ("E23000022", "Northamptonshire")]
UNASSIGNED = [
    ("E23000032", "Unassigned Kent"),
    ("E23000038", "Unassigned Wiltshire"),
    ("E23000005", "Manchester Airport"),
]
C1_ROWS = [
    ("Police Force Area name", "Community Safety Partnership name", "Local Authority code", "Local Authority name"),
    ("Kent", "Dartford and Gravesham", "E07000107", "Dartford"),
    (None, None, "E07000109", "Gravesham"),
    ("Northamptonshire ", "Corby", "E06000061", "North Northamptonshire"),
    (None, "Kettering", "E06000061", "North Northamptonshire"),
]
TITLES = {
    "Table C2": "Table C2: Number of police recorded crimes for headline offences by Community Safety Partnership area, "
    "England and Wales, year ending December 2024 [note 1][note 2][note 3]",
    "Table C4": "Table C4:  Recorded crime rate per 1,000 population/households for headline offences, by Community "
    "Safety Partnership area, England and Wales, year ending December 2024 [note 1][note 6]",
    "Table C5": "Table C5:  Number of police recorded crimes for headline offences by Community Safety Partnership area, "
    "England and Wales, year ending December 2023 [note 1][note 2][note 3]",
}
NOTE_ROWS = [
    "Police recorded crime statistics are published as official statistics, not accredited official statistics",
    "This worksheet contains one table. Some cells refer to notes which can be found on the notes worksheet.",
    "Some shorthand is used in this table.  [x] indicates data are unavailable.",
    "Link to Notes page",
    "Link to table of contents",
    "Source: Home Office - Police recorded crime",
]


def _force_total(counts: dict, force_code: str) -> list:
    members = [code for code, facts in CSPS.items() if facts[0] == force_code]
    return [sum(counts[code][i] for code in members if isinstance(counts[code][i], int)) for i in range(23)]


def _count_rows(counts: dict) -> list[list]:
    rows = [[force, name, None, None, None, None, *_force_total(counts, force)] for force, name in FORCE_TOTALS]
    rows += [[*CSPS[code][:2], code, *CSPS[code][2:], *values] for code, values in counts.items()]
    rows += [[force, None, None, name, None, None, *range(23)] for force, name in UNASSIGNED]
    return rows


def _rate_cells(code: str) -> list:
    population, households = POPULATION[code]
    if code == CITY_OF_LONDON:
        return [population, households, *["[u1]"] * 24]
    exact = UNROUNDED.get(code, population)
    rates = [value / exact * 1000 for value in COUNTS_2024[code]]
    per_household = COUNTS_2024[code][RESIDENTIAL_BURGLARY] / households * 1000
    return [
        population,
        households,
        *rates[: RESIDENTIAL_BURGLARY + 1],
        per_household,
        *rates[RESIDENTIAL_BURGLARY + 1 :],
    ]


def _rate_rows() -> list[list]:
    rows = [[*CSPS[code][:2], code, *CSPS[code][2:], *_rate_cells(code)] for code in COUNTS_2024]
    rows += [[force, None, None, name, None, None, *["[x]"] * 26] for force, name in UNASSIGNED]
    return rows


RATE_HEADER = [
    *ID_HEADER,
    "Population figures\n (mid-2022) \n- rounded to 100",
    "Household figures\n (mid-2021)\n - rounded to 100",
    *OFFENCE_HEADER[:RESIDENTIAL_BURGLARY],
    "Residential burglary (per 1,000 population)",
    "Residential burglary (per 1,000 household)",
    *OFFENCE_HEADER[RESIDENTIAL_BURGLARY + 1 :],
]


def _write_c_sheet(workbook, name: str, header: list, rows: list[list]) -> None:
    sheet = workbook.create_sheet(name)
    sheet.append([TITLES[name]])
    for note in NOTE_ROWS:
        sheet.append([note])
    sheet.append(header)
    for row in rows:
        sheet.append(row)


def build_workbook(path: Path, *, drop_sheet=None, header_edit=None, cell_edit=None) -> Path:
    """Write the fixture workbook; the keyword arguments break it on purpose.

    header_edit : (sheet, old label, new label)
    cell_edit : (sheet, row number, column number, value)
    """
    workbook = Workbook()
    workbook.active.title = "Cover_sheet"
    workbook["Cover_sheet"].append(["Police force area data tables, year ending December 2024"])
    c1 = workbook.create_sheet("Table C1")
    c1.append(["Table C1: List of combined Local Authorities by Community Safety Partnership in England and Wales"])
    c1.append(["This worksheet contains one table."])
    c1.append(["Link to table of contents"])
    for row in C1_ROWS:
        c1.append(list(row))
    _write_c_sheet(workbook, "Table C2", ID_HEADER + OFFENCE_HEADER, _count_rows(COUNTS_2024))
    _write_c_sheet(workbook, "Table C4", RATE_HEADER, _rate_rows())
    _write_c_sheet(workbook, "Table C5", ID_HEADER + OFFENCE_HEADER, _count_rows(COUNTS_2023))
    if drop_sheet:
        del workbook[drop_sheet]
    if header_edit:
        sheet, old, new = header_edit
        for cell in workbook[sheet][8]:
            if cell.value == old:
                cell.value = new
    if cell_edit:
        sheet, row, column, value = cell_edit
        workbook[sheet].cell(row=row, column=column, value=value)
    workbook.save(path)
    return path


@pytest.fixture
def workbook_path(tmp_path) -> Path:
    return build_workbook(tmp_path / "policeforceareatablesyedecember2024.xlsx")


@pytest.fixture
def workbook_frame(workbook_path) -> pd.DataFrame:
    return bm.read_ons_csp_workbook(workbook_path)


def _cell(frame: pd.DataFrame, code: str, period: str, offence: str, column: str):
    rows = frame[
        (frame["csp_code"] == code)
        & (frame["period_end"] == pd.Timestamp(period))
        & (frame["offence_group"] == offence)
    ]
    assert len(rows) == 1, (code, period, offence)
    return rows.iloc[0][column]


# --------------------------------------------------------------------------
# Workbook parsing
# --------------------------------------------------------------------------


def test_workbook_fixture_parses_to_tidy_rows(workbook_frame):
    assert list(workbook_frame.columns) == list(bm.TIDY_COLUMNS)
    # 6 CSPs x 23 offence groups x 2 periods
    assert len(workbook_frame) == 6 * 23 * 2
    assert sorted(workbook_frame["period_end"].unique()) == [pd.Timestamp("2023-12-31"), pd.Timestamp("2024-12-31")]
    medway_2024 = workbook_frame[
        (workbook_frame["csp_code"] == MEDWAY) & (workbook_frame["period_end"] == pd.Timestamp("2024-12-31"))
    ]
    assert medway_2024["count"].tolist() == COUNTS_2024[MEDWAY]
    assert medway_2024["offence_group"].tolist()[:3] == ["total_excl_fraud", "violence_against_the_person", "homicide"]
    assert _cell(workbook_frame, MEDWAY, "2023-12-31", "total_excl_fraud", "count") == 29112
    assert _cell(workbook_frame, MEDWAY, "2024-12-31", "sexual_offences", "offence_label") == "Sexual offences"
    assert _cell(workbook_frame, MEDWAY, "2024-12-31", "burglary", "parent_group") == "theft"


def test_workbook_population_rates_and_sources(workbook_frame):
    assert _cell(workbook_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "population") == 282700
    assert _cell(workbook_frame, MEDWAY, "2023-12-31", "total_excl_fraud", "population") == 282700
    assert _cell(workbook_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "population_year") == 2022
    # Issue 13: where Table C4 gives ONS's own rate (the year ending December 2024), that rate is the
    # rate, exactly; it used to be count / rounded population (27555 / 282700 * 1000).
    published = _cell(workbook_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "published_rate_per_1000")
    assert _cell(workbook_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "rate_per_1000") == published
    assert _cell(workbook_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "rate_source") == bm.RATE_PUBLISHED
    assert _cell(workbook_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "rate_population") == 282702
    # Table C5's year has no ONS rate: count / printed population, and the source says so.
    assert _cell(workbook_frame, MEDWAY, "2023-12-31", "total_excl_fraud", "rate_per_1000") == 29112 / 282700 * 1000
    assert _cell(workbook_frame, MEDWAY, "2023-12-31", "total_excl_fraud", "rate_source") == bm.RATE_COMPUTED
    assert _cell(workbook_frame, MEDWAY, "2023-12-31", "total_excl_fraud", "rate_population") == 282700
    assert published == pytest.approx(97.47012755481036, abs=1e-12)
    # residential burglary: per 1,000 population, not per household
    assert _cell(
        workbook_frame, MEDWAY, "2024-12-31", "residential_burglary", "published_rate_per_1000"
    ) == pytest.approx(720 / 282702 * 1000)
    assert math.isnan(_cell(workbook_frame, MEDWAY, "2023-12-31", "total_excl_fraud", "published_rate_per_1000"))
    assert _cell(workbook_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "population_source") == (
        "ONS mid-2022 population estimate, rounded to 100 (Table C4 of policeforceareatablesyedecember2024.xlsx)"
    )
    assert _cell(workbook_frame, MEDWAY, "2023-12-31", "total_excl_fraud", "source_table") == "Table C5"
    assert _cell(workbook_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "source_table") == "Table C2"


def test_workbook_names_markers_and_combined_csps(workbook_frame):
    # "[x]" is a null count, not zero and not an error
    assert pd.isna(_cell(workbook_frame, SWINDON, "2023-12-31", "possession_of_weapons", "count"))
    # "[note 9]" and trailing spaces are removed from names
    assert _cell(workbook_frame, CITY_OF_LONDON, "2024-12-31", "total_excl_fraud", "force_name") == "City of London"
    assert _cell(workbook_frame, SWINDON, "2024-12-31", "total_excl_fraud", "force_name") == "Wiltshire"
    # ONS withholds City of London's rates ([u1]); its population is still given
    assert pd.isna(_cell(workbook_frame, CITY_OF_LONDON, "2024-12-31", "total_excl_fraud", "rate_per_1000"))
    assert pd.isna(_cell(workbook_frame, CITY_OF_LONDON, "2023-12-31", "total_excl_fraud", "rate_per_1000"))
    assert _cell(workbook_frame, CITY_OF_LONDON, "2024-12-31", "total_excl_fraud", "population") == 10800
    assert (
        _cell(workbook_frame, DARTFORD_GRAVESHAM, "2024-12-31", "total_excl_fraud", "la_codes") == "E07000107;E07000109"
    )
    assert _cell(workbook_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "la_codes") == "E06000035"


def test_workbook_counts_skipped_rows(workbook_frame):
    skipped = workbook_frame.attrs["skipped_rows"]
    assert set(skipped) == {f"policeforceareatablesyedecember2024.xlsx: Table C{n}" for n in (2, 4, 5)}
    assert skipped["policeforceareatablesyedecember2024.xlsx: Table C2"] == {
        "force_total": 3,
        "unassigned_or_airport": 3,
    }
    assert skipped["policeforceareatablesyedecember2024.xlsx: Table C4"] == {
        "force_total": 0,
        "unassigned_or_airport": 3,
    }


def test_unitary_authorities_exclude_shared_and_combined(workbook_frame):
    # Corby and Kettering share North Northamptonshire's E06 code; D&G is two districts.
    assert bm.unitary_authority_codes(workbook_frame) == {MEDWAY, SWINDON}


# --------------------------------------------------------------------------
# CSV export of Table C2
# --------------------------------------------------------------------------

MEDWAY_JUN_2025 = [
    27321,
    11781,
    1,
    6,
    2614,
    5641,
    3519,
    1240,
    247,
    7161,
    854,
    664,
    190,
    1363,
    197,
    204,
    2530,
    2013,
    2924,
    1087,
    327,
    1561,
    993,
]


def test_csv_fixture_parses_text_numbers_and_multiline_header():
    frame = bm.read_ons_csp_c2_csv(FIXTURES / "c2_ye_jun2025_extract.csv")
    assert list(frame.columns) == list(bm.TIDY_COLUMNS)
    assert set(frame["csp_code"]) == {MEDWAY, DARTFORD_GRAVESHAM, SWINDON, CITY_OF_LONDON}
    assert (frame["period_end"] == pd.Timestamp("2025-06-30")).all()
    assert frame.loc[frame["csp_code"] == MEDWAY, "count"].tolist() == MEDWAY_JUN_2025
    assert _cell(frame, SWINDON, "2025-06-30", "total_excl_fraud", "count") == 15993
    assert _cell(frame, CITY_OF_LONDON, "2025-06-30", "total_excl_fraud", "count") == 8801
    assert _cell(frame, DARTFORD_GRAVESHAM, "2025-06-30", "total_excl_fraud", "count") == 22451
    # no population in the CSV and no workbook to join from
    assert frame["population"].isna().all() and frame["rate_per_1000"].isna().all()
    assert frame.attrs["skipped_rows"] == {"c2_ye_jun2025_extract.csv": {"force_total": 2, "unassigned_or_airport": 3}}


def test_csv_takes_population_from_workbook(workbook_path):
    frame = bm.load_benchmarks([FIXTURES / "c2_ye_jun2025_extract.csv", workbook_path])
    assert len(frame) == 6 * 23 * 2 + 4 * 23
    assert _cell(frame, MEDWAY, "2025-06-30", "total_excl_fraud", "population") == 282700
    assert _cell(frame, MEDWAY, "2025-06-30", "total_excl_fraud", "rate_per_1000") == 27321 / 282700 * 1000
    assert _cell(frame, MEDWAY, "2025-06-30", "total_excl_fraud", "rate_source") == bm.RATE_COMPUTED
    assert _cell(frame, MEDWAY, "2025-06-30", "total_excl_fraud", "rate_population") == 282700
    assert _cell(frame, MEDWAY, "2025-06-30", "total_excl_fraud", "population_source").startswith("ONS mid-2022")
    assert _cell(frame, DARTFORD_GRAVESHAM, "2025-06-30", "total_excl_fraud", "la_codes") == "E07000107;E07000109"
    assert pd.isna(_cell(frame, CITY_OF_LONDON, "2025-06-30", "total_excl_fraud", "rate_per_1000"))
    assert frame["period_end"].is_monotonic_increasing
    assert len(frame.attrs["skipped_rows"]) == 4


def test_csv_period_argument_must_agree_with_title():
    path = FIXTURES / "c2_ye_jun2025_extract.csv"
    assert bm.read_ons_csp_c2_csv(path, "2025-06-30")["period_end"].iloc[0] == pd.Timestamp("2025-06-30")
    with pytest.raises(bm.BenchmarkFileError, match="title says year ending June 2025"):
        bm.read_ons_csp_c2_csv(path, "2025-03-31")


def test_same_period_twice_is_refused(workbook_path, tmp_path):
    other = build_workbook(tmp_path / "copy.xlsx")
    with pytest.raises(
        bm.BenchmarkFileError,
        match=r"year ending December 202[34] is also given by .*policeforceareatablesyedecember2024.xlsx",
    ):
        bm.load_benchmarks([workbook_path, other])


# --------------------------------------------------------------------------
# Malformed inputs
# --------------------------------------------------------------------------


def _one_line_error(excinfo, *parts: str) -> str:
    message = str(excinfo.value)
    assert "\n" not in message
    for part in parts:
        assert part in message, (part, message)
    return message


def test_missing_sheet(tmp_path):
    path = build_workbook(tmp_path / "book.xlsx", drop_sheet="Table C5")
    with pytest.raises(bm.BenchmarkFileError) as excinfo:
        bm.read_ons_csp_workbook(path)
    _one_line_error(excinfo, str(path), "sheet 'Table C5' not found")


def test_header_not_found(tmp_path):
    path = build_workbook(
        tmp_path / "book.xlsx", header_edit=("Table C4", "Community Safety\nPartnership code", "CSP id")
    )
    with pytest.raises(bm.BenchmarkFileError) as excinfo:
        bm.read_ons_csp_workbook(path)
    _one_line_error(excinfo, "book.xlsx", "sheet 'Table C4'", "header row not found")


def test_missing_offence_column(tmp_path):
    path = build_workbook(tmp_path / "book.xlsx", header_edit=("Table C2", "Sexual offences", "Sexual offence"))
    with pytest.raises(bm.BenchmarkFileError) as excinfo:
        bm.read_ons_csp_workbook(path)
    _one_line_error(excinfo, "book.xlsx", "sheet 'Table C2'", "row 8", "missing column 'Sexual offences'")
    assert excinfo.value.sheet == "Table C2" and excinfo.value.row == 8


def test_cell_that_is_not_a_number(tmp_path):
    # row 12 is Medway's row in C2 (3 force totals, City of London, D&G above it)
    path = build_workbook(tmp_path / "book.xlsx", cell_edit=("Table C2", 12, 8, "n/a"))
    with pytest.raises(bm.BenchmarkFileError) as excinfo:
        bm.read_ons_csp_workbook(path)
    _one_line_error(
        excinfo, "sheet 'Table C2'", "row 12", "column 'Violence against the person'", "'n/a' is not a number"
    )


def test_non_xlsx_bytes(tmp_path):
    path = tmp_path / "tables.xlsx"
    path.write_bytes(b"this is not a spreadsheet\n")
    with pytest.raises(bm.BenchmarkFileError) as excinfo:
        bm.read_ons_csp_workbook(path)
    _one_line_error(excinfo, "tables.xlsx", "not a readable .xlsx workbook")
    assert isinstance(excinfo.value, ValueError) and isinstance(excinfo.value, InputFileError)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        bm.read_ons_csp_workbook(tmp_path / "absent.xlsx")


def test_csv_without_header_row(tmp_path):
    path = tmp_path / "c2.csv"
    path.write_text('"Table C2: counts by CSP, year ending June 2025"\nno header here,1,2\n', encoding="utf-8")
    with pytest.raises(bm.BenchmarkFileError, match="header row not found"):
        bm.read_ons_csp_c2_csv(path)


def test_csv_bad_number_names_line(tmp_path):
    text = (FIXTURES / "c2_ye_jun2025_extract.csv").read_bytes().replace(b'"27,321 "', b'"27;321"')
    path = tmp_path / "c2.csv"
    path.write_bytes(text)
    with pytest.raises(bm.BenchmarkFileError) as excinfo:
        bm.read_ons_csp_c2_csv(path)
    # Medway's record is on line 17: 7 title/notes lines, a 6-line header, then 3 records.
    _one_line_error(excinfo, "c2.csv", "line 17", "'27;321' is not a number")


def test_csv_of_a_rates_table_is_refused(tmp_path):
    path = tmp_path / "c4.csv"
    path.write_text('"Table C4: rates by CSP, year ending June 2025"\n', encoding="utf-8")
    with pytest.raises(bm.BenchmarkFileError, match="title names Table C4"):
        bm.read_ons_csp_c2_csv(path)


def test_unsupported_file_type(tmp_path):
    with pytest.raises(bm.BenchmarkFileError, match="unsupported file type"):
        bm.load_benchmarks([tmp_path / "tables.ods"])


# --------------------------------------------------------------------------
# Store
# --------------------------------------------------------------------------


def test_write_and_read_round_trip(workbook_frame, tmp_path):
    path = bm.write_benchmarks(workbook_frame, tmp_path)
    assert path == tmp_path / "benchmarks" / "ons_csp.parquet"
    assert os.listdir(path.parent) == ["ons_csp.parquet"]
    pd.testing.assert_frame_equal(bm.read_benchmarks(tmp_path), workbook_frame)


def test_failed_write_leaves_previous_table(workbook_frame, tmp_path, monkeypatch):
    bm.write_benchmarks(workbook_frame, tmp_path)

    def broken_write(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(bm_store.pq, "write_table", broken_write)
    with pytest.raises(OSError, match="disk full"):
        bm.write_benchmarks(workbook_frame.head(3), tmp_path)
    assert os.listdir(tmp_path / "benchmarks") == ["ons_csp.parquet"]
    assert len(bm.read_benchmarks(tmp_path)) == len(workbook_frame)


def test_read_benchmarks_without_table(tmp_path):
    with pytest.raises(FileNotFoundError, match="no benchmark table"):
        bm.read_benchmarks(tmp_path)
    # A CspDataError too, so that pages show its message and the command line prints it as one line.
    with pytest.raises(CspDataError, match=r"python -m csp_data benchmarks load"):
        bm.read_benchmarks(tmp_path)


def test_read_benchmark_table_refuses_what_is_not_one(workbook_frame, tmp_path):
    other = tmp_path / "other.parquet"
    workbook_frame.drop(columns=["count", "offence_group"]).to_parquet(other, index=False)
    with pytest.raises(bm.BenchmarkFileError) as excinfo:
        bm.read_benchmark_table(other)
    _one_line_error(excinfo, "other.parquet", "not an ONS benchmark table (no column offence_group, count)")
    text = tmp_path / "text.parquet"
    text.write_text("not parquet", encoding="utf-8")
    with pytest.raises(bm.BenchmarkFileError, match="text.parquet: not a readable parquet file"):
        bm.read_benchmark_table(text)


def test_find_benchmark_table_looks_in_the_store_then_the_area_then_the_embedded_folder(
    workbook_frame, tmp_path, monkeypatch
):
    store, area, embedded = tmp_path / "store", tmp_path / "area", tmp_path / "embedded"
    monkeypatch.setattr(bm_store, "EMBEDDED_AREA_DIR", embedded)
    with pytest.raises(bm.BenchmarkFileNotFoundError) as excinfo:
        bm.find_benchmark_table(store, area)
    _one_line_error(excinfo, "no benchmark table", "python -m csp_data benchmarks load")
    assert isinstance(excinfo.value, FileNotFoundError) and isinstance(excinfo.value, CspDataError)
    for folder in (embedded, area, store):  # each one written wins over those written before it
        written = bm.write_benchmarks(workbook_frame, folder)
        assert bm.find_benchmark_table(store, area) == written
    # Any *.parquet in the area's benchmarks folder is not a benchmark table: only ons_csp.parquet is.
    (store / "benchmarks" / "ons_csp.parquet").unlink()
    (area / "benchmarks" / "ons_csp.parquet").rename(area / "benchmarks" / "other.parquet")
    assert bm.find_benchmark_table(store, area) == embedded / "benchmarks" / "ons_csp.parquet"
    assert bm.benchmark_table_path is bm.find_benchmark_table  # the earlier name, while callers move over


# --------------------------------------------------------------------------
# Confidence intervals, computed here from first principles
# --------------------------------------------------------------------------


def _poisson_cdf(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu), summed in log space."""
    return sum(math.exp(i * math.log(mu) - mu - math.lgamma(i + 1)) for i in range(k + 1)) if mu > 0 else 1.0


def _solve(f, low: float, high: float) -> float:
    """Root of a monotone f on [low, high] by bisection."""
    for _ in range(200):
        middle = (low + high) / 2
        if (f(low) < 0) == (f(middle) < 0):
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _exact_limits(k: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Garwood) limits by definition: the means at which the observed
    count sits at the edge of each tail, P(X >= k) = a/2 and P(X <= k) = a/2."""
    tail = (1 - level) / 2
    lower = 0.0 if k == 0 else _solve(lambda mu: (1 - _poisson_cdf(k - 1, mu)) - tail, 1e-9, k + 10)
    upper = _solve(lambda mu: _poisson_cdf(k, mu) - tail, 1e-9, 3 * k + 20)
    return lower, upper


def test_ci_zero_count_closed_form():
    # k = 0: P(X <= 0) = exp(-mu) = 0.025  =>  mu = -ln(0.025) = 3.68888
    lower, upper = bm.rate_confidence_interval(0, 1000)
    assert lower == 0.0
    assert upper == pytest.approx(-math.log(0.025), rel=1e-12)


def test_ci_one_count_closed_form_and_bisection():
    # k = 1: lower solves 1 - exp(-mu) = 0.025  =>  mu = -ln(0.975)
    lower, upper = bm.rate_confidence_interval(1, 1000)
    assert lower == pytest.approx(-math.log(0.975), rel=1e-10)
    assert upper == pytest.approx(_exact_limits(1)[1], rel=1e-9)  # about 5.5716


def test_ci_ten_from_stated_chi_square_quantiles():
    # Tabulated chi-square quantiles: chi2(0.025; 20 df) = 9.590777, chi2(0.975; 22 df) = 36.780714.
    lower, upper = bm.rate_confidence_interval(10, 1000)
    assert lower == pytest.approx(9.590777 / 2, abs=1e-6)
    assert upper == pytest.approx(36.780714 / 2, abs=1e-6)
    assert (lower, upper) == pytest.approx(_exact_limits(10), rel=1e-9)


def test_ci_scales_to_rate_per_1000_and_other_levels():
    lower, upper = bm.rate_confidence_interval(100, 50_000, level=0.9)
    mu_lower, mu_upper = _exact_limits(100, level=0.9)
    assert lower == pytest.approx(mu_lower / 50_000 * 1000, rel=1e-9)
    assert upper == pytest.approx(mu_upper / 50_000 * 1000, rel=1e-9)


def test_ci_medway_agrees_with_byar():
    # For a large count Byar's approximation is accurate to well under 0.001%:
    # lower = k (1 - 1/(9k) - z/(3 sqrt k))^3, upper = (k+1) (1 - 1/(9(k+1)) + z/(3 sqrt(k+1)))^3
    k, population, z = 27555, 282700, 1.959963984540054
    byar_lower = k * (1 - 1 / (9 * k) - z / (3 * math.sqrt(k))) ** 3 / population * 1000
    byar_upper = (k + 1) * (1 - 1 / (9 * (k + 1)) + z / (3 * math.sqrt(k + 1))) ** 3 / population * 1000
    lower, upper = bm.rate_confidence_interval(k, population)
    assert lower == pytest.approx(byar_lower, rel=1e-5)
    assert upper == pytest.approx(byar_upper, rel=1e-5)
    assert round(lower, 2) == 96.32 and round(upper, 2) == 98.63


def test_ci_arrays_and_missing_values():
    lower, upper = bm.rate_confidence_interval([0, 10, np.nan], [1000, 1000, 1000])
    assert lower[0] == 0.0 and math.isnan(lower[2]) and math.isnan(upper[2])
    assert lower[1] == pytest.approx(4.7953887, abs=1e-6)


@pytest.mark.parametrize("count, population, level", [(-1, 100, 0.95), (1.5, 100, 0.95), (5, 0, 0.95), (5, 100, 1.0)])
def test_ci_rejects_invalid_input(count, population, level):
    with pytest.raises(ValueError):
        bm.rate_confidence_interval(count, population, level)


# --------------------------------------------------------------------------
# Group summary on the fixture
# --------------------------------------------------------------------------


def test_group_summary_on_fixture(workbook_frame):
    summary = bm.group_summary(workbook_frame, MEDWAY, [SWINDON, DARTFORD_GRAVESHAM, CORBY], "2024-12-31")
    table = summary.table.set_index("csp_code")
    assert list(table.index) == [MEDWAY, SWINDON, DARTFORD_GRAVESHAM, CORBY]
    # The fixture's Table C4 rates, as ONS computes them (issue 13: these, not count / rounded population)
    rates = {code: COUNTS_2024[code][0] / UNROUNDED.get(code, POPULATION[code][0]) * 1000 for code in table.index}
    assert summary.group_average == pytest.approx(sum(rates.values()) / 4, rel=1e-12)
    # Dartford and Gravesham 101.86 > Medway 97.47 > Corby 74.84 > Swindon 64.76
    assert table["rank"].tolist() == [2, 4, 1, 3]
    assert summary.area_rank_in_group == 2 and summary.group_size == 4
    assert table.at[MEDWAY, "pct_change"] == pytest.approx((27555 - 29112) / 29112 * 100)
    assert round(table.at[MEDWAY, "pct_change"], 1) == -5.3
    assert table.at[MEDWAY, "previous_count"] == 29112
    # average 84.73: Medway's interval (96.32-98.63) is wholly above it, Swindon's wholly below
    assert table.at[MEDWAY, "position"] == "above average"
    assert table.at[SWINDON, "position"] == "below average"
    assert table.at[CORBY, "position"] == "below average"
    assert bool(table.at[MEDWAY, "is_area"]) and not table["is_area"].iloc[1:].any()
    # ranks among all CSPs with a rate (City of London has none) and among unitary authorities
    assert (summary.area_rank_all, summary.n_ranked_all) == (2, 5)
    assert (summary.area_rank_unitary, summary.n_ranked_unitary) == (1, 2)


def test_group_summary_not_significant_and_small_base(workbook_frame):
    # homicide: 4 and 1 offences; Medway's interval is wide, and ONS-style suppression of % change
    summary = bm.group_summary(workbook_frame, MEDWAY, [SWINDON], "2024-12-31", "homicide")
    table = summary.table.set_index("csp_code")
    assert set(table["position"]) == {"not significantly different"}
    assert table["pct_change"].isna().all()


def test_group_summary_errors(workbook_frame):
    with pytest.raises(ValueError, match="E22999999"):
        bm.group_summary(workbook_frame, MEDWAY, ["E22999999"], "2024-12-31")
    with pytest.raises(ValueError, match="no benchmark rows"):
        bm.group_summary(workbook_frame, MEDWAY, [SWINDON], "2022-12-31")
    with pytest.raises(ValueError, match="unknown offence_group"):
        bm.group_summary(workbook_frame, MEDWAY, [SWINDON], "2024-12-31", "fraud")


# --------------------------------------------------------------------------
# ONS's own rates and their intervals (issue 13)
# --------------------------------------------------------------------------


def test_interval_of_an_ons_rate_uses_the_population_it_implies(workbook_frame):
    """Medway's fixture rates are ONS's, on 282,702 people (printed as 282,700); the interval is theirs."""
    from scipy.stats import chi2

    summary = bm.group_summary(workbook_frame, MEDWAY, [SWINDON], "2024-12-31", "homicide")
    medway = summary.table.set_index("csp_code").loc[MEDWAY]
    # 4 homicides: ONS's rate 4 / 282,702 x 1,000 and the exact Poisson limits of a count of 4,
    # chi2(0.025; 8) / 2 = 1.0898654 and chi2(0.975; 10) / 2 = 10.2416, per 282,702 residents.
    # (exactly the Table C4 cell; the fixture wrote 4 / 282,702 x 1,000 there, to 16 significant figures)
    c4 = _cell(workbook_frame, MEDWAY, "2024-12-31", "homicide", "published_rate_per_1000")
    assert medway["rate_per_1000"] == c4 == pytest.approx(4 / 282702 * 1000, rel=1e-15)
    assert medway["rate_population"] == 282702 and medway["population"] == 282700
    assert chi2.ppf(0.025, 8) / 2 == pytest.approx(1.0898654, abs=1e-7)
    assert chi2.ppf(0.975, 10) / 2 == pytest.approx(10.241589, abs=1e-6)
    assert medway["ci_lower"] == pytest.approx(chi2.ppf(0.025, 8) / 2 / 282702 * 1000, rel=1e-12)
    assert medway["ci_upper"] == pytest.approx(chi2.ppf(0.975, 10) / 2 / 282702 * 1000, rel=1e-12)
    assert round(medway["ci_lower"], 6) == 0.003855 and round(medway["ci_upper"], 6) == 0.036228
    assert medway["ci_lower"] < medway["rate_per_1000"] < medway["ci_upper"]
    # Swindon's rates imply its printed population, so nothing changes for it.
    swindon = summary.table.set_index("csp_code").loc[SWINDON]
    assert swindon["rate_population"] == 235700
    assert swindon["ci_upper"] == pytest.approx(chi2.ppf(0.975, 6) / 2 / 235700 * 1000, rel=1e-12)

    # The total: 27,555 offences, rate 97.470128 (ONS), interval 96.3226 to 98.6279.
    total = bm.group_summary(workbook_frame, MEDWAY, [], "2024-12-31").table.iloc[0]
    lower = chi2.ppf(0.025, 2 * 27555) / 2 / 282702 * 1000
    upper = chi2.ppf(0.975, 2 * 27556) / 2 / 282702 * 1000
    assert (total["ci_lower"], total["ci_upper"]) == pytest.approx((lower, upper), rel=1e-12)
    assert round(total["rate_per_1000"], 4) == 97.4701
    assert (round(lower, 4), round(upper, 4)) == (96.3226, 98.6279)
    # A year without an ONS rate keeps the printed population for both the rate and the interval.
    before = bm.group_summary(workbook_frame, MEDWAY, [], "2023-12-31").table.iloc[0]
    assert before["rate_per_1000"] == 29112 / 282700 * 1000
    assert before["ci_lower"] == pytest.approx(chi2.ppf(0.025, 2 * 29112) / 2 / 282700 * 1000, rel=1e-12)


def test_national_table_gives_ons_rates_and_their_population(workbook_frame):
    national = bm.national_table(workbook_frame, "2024-12-31").set_index("csp_code")
    assert national.at[MEDWAY, "rate_per_1000"] == pytest.approx(27555 / 282702 * 1000, rel=1e-15)
    assert national.at[MEDWAY, "rate_per_1000"] == _cell(
        workbook_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "published_rate_per_1000"
    )
    assert national.at[MEDWAY, "rate_population"] == 282702
    assert national.at[MEDWAY, "rate_source"] == bm.RATE_PUBLISHED
    assert pd.isna(national.at[CITY_OF_LONDON, "rate_source"])
    assert pd.isna(national.at[CITY_OF_LONDON, "rate_population"])


def test_table_c4_rate_that_is_not_the_count_is_refused(tmp_path):
    # row 11 is Medway's row in C4, column 10 its violence against the person rate
    path = build_workbook(tmp_path / "book.xlsx", cell_edit=("Table C4", 11, 10, 43.5))
    with pytest.raises(bm.BenchmarkFileError) as excinfo:
        bm.read_ons_csp_workbook(path)
    _one_line_error(
        excinfo,
        "sheet 'Table C4'",
        "row 11",
        "column 'Violence against the person'",
        "rate 43.5",
        "Table C2's count 12,290",
        "282,702",
    )


def test_table_c4_population_far_from_its_rates_is_refused(tmp_path):
    # Medway's printed population moved by 200: its rates imply 282,702, not within 50 of 282,900
    path = build_workbook(tmp_path / "book.xlsx", cell_edit=("Table C4", 11, 7, 282900))
    with pytest.raises(bm.BenchmarkFileError) as excinfo:
        bm.read_ons_csp_workbook(path)
    _one_line_error(excinfo, "sheet 'Table C4'", "row 11", "Medway", "282,702", "282,900")


def test_a_table_written_before_rate_source_is_read_with_ons_rates(workbook_frame, tmp_path):
    # The store held count / rounded population everywhere and had no rate_source or rate_population.
    old = workbook_frame.drop(columns=["rate_source", "rate_population"])
    has_rate = old["rate_per_1000"].notna()
    old.loc[has_rate, "rate_per_1000"] = (old["count"].astype(float) / old["population"].astype(float) * 1000)[has_rate]
    target = tmp_path / "benchmarks" / "ons_csp.parquet"
    target.parent.mkdir()
    old.to_parquet(target, index=False)
    pd.testing.assert_frame_equal(bm.read_benchmarks(tmp_path), workbook_frame)


def test_describe_rate_source(workbook_frame):
    december_2024 = bm.describe_rate_source(workbook_frame, "2024-12-31")
    assert december_2024.startswith("Rates for the year ending December 2024 are ONS's own, exactly as published")
    assert "population its rate implies" in december_2024
    december_2023 = bm.describe_rate_source(workbook_frame, "2023-12-31")
    assert december_2023.startswith("Rates for the year ending December 2023 are computed here")
    assert "mid-2022 population as ONS prints it, rounded to 100" in december_2023
    assert "may differ from the rates ONS would give in the second decimal place" in december_2023


def test_resolve_peers_on_fixture(workbook_frame):
    assert bm.resolve_peers(workbook_frame, ["Swindon", "dartford & gravesham"]) == [SWINDON, DARTFORD_GRAVESHAM]
    with pytest.raises(ValueError, match=r"no CSP matches peer name\(s\): 'Gotham', 'Basildon'"):
        bm.resolve_peers(workbook_frame, ["Swindon", "Gotham", "Basildon"])


def test_choices_that_cannot_be_met_are_messages_for_users(workbook_frame):
    """Every refusal is a CspDataError (shown as it stands) and still the ValueError callers caught before."""
    attempts = [
        (lambda: bm.resolve_peers(workbook_frame, ["Gotham"]), "no CSP matches peer name(s): 'Gotham'"),
        (
            lambda: bm.area_csp_code(workbook_frame, "E22999999", ["Medway"]),
            "The area's CSP code 'E22999999' is not in the ONS benchmark table; check csp_code in the area file",
        ),
        (
            lambda: bm.area_csp_code(workbook_frame, None, ["Gotham"]),
            "No CSP in the ONS benchmark table is called 'Gotham'; set csp_code in the area file",
        ),
        (lambda: bm.group_summary(workbook_frame, MEDWAY, [], "2024-12-31", "fraud"), "unknown offence_group 'fraud'"),
        (lambda: bm.load_benchmarks([]), "no benchmark files given"),
        (lambda: bm.rate_confidence_interval(5, 0), "a population must be more than 0"),
    ]
    for attempt, message in attempts:
        with pytest.raises(bm.BenchmarkError) as excinfo:
            attempt()
        assert isinstance(excinfo.value, CspDataError) and isinstance(excinfo.value, ValueError)
        assert message in str(excinfo.value)


def test_a_csp_code_of_another_area_is_refused_when_its_councils_are_none_of_the_areas(workbook_frame):
    """A Cardiff area file with Medway's csp_code showed Medway's rate and rank under Cardiff's name."""
    with pytest.raises(
        bm.BenchmarkError,
        match=r"The area's CSP code E22000143 is Medway's in the ONS benchmark table, whose councils are E06000035, "
        r"none of the area file's local_authority_codes \(W06000015\); check csp_code and local_authority_codes",
    ):
        bm.area_csp_code(workbook_frame, MEDWAY, ["Cardiff"], ("W06000015",))
    with pytest.raises(bm.BenchmarkError, match="E22000143 is Medway's"):  # found by name, the same check
        bm.area_csp_code(workbook_frame, None, ["Medway"], ("W06000015",))
    # One council in common is enough (a combined CSP, or codes of another vintage beside today's); none given, none checked.
    assert bm.area_csp_code(workbook_frame, DARTFORD_GRAVESHAM, [], ("E07000107",)) == DARTFORD_GRAVESHAM
    assert bm.area_csp_code(workbook_frame, MEDWAY, ["Medway"], ("E06000035", "E07000999")) == MEDWAY
    assert bm.area_csp_code(workbook_frame, MEDWAY, ["Cardiff"]) == MEDWAY


def test_peer_choices_and_the_year_a_page_opens_on(workbook_frame):
    choices = bm.peer_choices(workbook_frame, MEDWAY, ["Swindon", "Gotham", "Medway"])
    assert choices.area_file_peers == ["Swindon"] and choices.unknown_peers == ["Gotham"]
    assert choices.names[MEDWAY] == "Medway" and list(choices.presets)[0] == "Default peers"
    assert "Medway" not in choices.options and len(choices.options) == 5
    assert choices.offered(["Swindon", "Medway", "Gotham"]) == ["Swindon"]
    # December 2024 has the year before it loaded (December 2023), so it opens there, with its % change.
    assert bm.default_period(workbook_frame) == pd.Timestamp("2024-12-31")
    assert bm.period_keys(workbook_frame) == ["2023-12-31", "2024-12-31"]
    assert bm.chosen_period_key(workbook_frame, "2023-12-31") == "2023-12-31"
    assert bm.chosen_period_key(workbook_frame, "2025-06-30") == "2024-12-31"  # kept from another table
    assert bm.chosen_period_key(workbook_frame, None) == "2024-12-31"
    assert bm.chosen_offence_group("robbery") == "robbery"
    assert bm.chosen_offence_group("fraud") == bm.chosen_offence_group(None) == "total_excl_fraud"


# --------------------------------------------------------------------------
# The table published in the Strategic Assessment 2024
# --------------------------------------------------------------------------


def test_published_table_averages_and_medway_rank():
    published = bm.read_published_table(PUBLISHED)
    assert len(published) == 28
    assert set(published["period_end"]) == {pd.Timestamp("2024-03-31")}
    total = bm.summarise_published_table(published, "total_excl_fraud", "Medway")
    assert round(total.group_average, 1) == 95.7
    assert total.area_rate == 99.9 and total.group_size == 14
    violence = bm.summarise_published_table(published, "violence_against_the_person", "Medway")
    assert round(violence.group_average, 1) == 39.6
    assert (violence.area_rank, violence.group_size) == (2, 14)
    assert violence.table.loc[violence.table["rank"] == 1, "csp_name"].tolist() == ["Bolton"]


def test_published_table_names_are_the_assessment_peers():
    published = bm.read_published_table(PUBLISHED)
    for group in ("total_excl_fraud", "violence_against_the_person"):
        names = published.loc[published["offence_group"] == group, "csp_name"].tolist()
        assert names == ["Medway", *PEER_NAMES]


def test_published_table_matches_the_assessment_text():
    """Every row appears, tab-separated, in the strategic assessment's text."""
    text = _need(ASSESSMENT_SEED).read_text(encoding="utf-8")
    published = bm.read_published_table(PUBLISHED)
    raw = pd.read_csv(PUBLISHED, dtype=str)
    for group, label in (
        ("total_excl_fraud", "(Excluding Fraud)"),
        ("violence_against_the_person", "Violence against the person Rate per 1000"),
    ):
        start = text.index(label)
        block = text[start : start + 1200]
        rows = raw[raw["offence_group"] == group]
        for row in rows.itertuples():
            assert f"{row.csp_name}\t{row.rate_per_1000}\t{row.pct_change}%" in block, row.csp_name
    assert "The average rate per 1000 people is 95.7" in text and "The average rate is 39.6" in text
    assert len(published) == 28


def test_read_published_table_rejects_bad_number(tmp_path):
    bad = tmp_path / "published.csv"
    bad.write_text(PUBLISHED.read_text(encoding="utf-8").replace(",99.9,", ",99,9,", 1), encoding="utf-8")
    with pytest.raises(bm.BenchmarkFileError) as excinfo:
        bm.read_published_table(bad)
    _one_line_error(excinfo, "published.csv", "line 2", "8 fields where the header has 7")
    bad.write_text(PUBLISHED.read_text(encoding="utf-8").replace(",99.9,", ",n/a,", 1), encoding="utf-8")
    with pytest.raises(bm.BenchmarkFileError, match=r"line 2: column 'rate_per_1000': 'n/a' is not a number"):
        bm.read_published_table(bad)


# --------------------------------------------------------------------------
# The real ONS files in ../shared/data/raw
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_frame() -> pd.DataFrame:
    return bm.load_benchmarks([_need(REAL_WORKBOOK), _need(REAL_CSV)])


def test_an_area_with_no_published_rate_is_said_to_be_left_out_of_the_group_average(real_frame):
    """ONS withholds the City of London's rate; the page and pack said its group average was the mean of the
    three peers' rates "with City of London included"."""
    from csp_data.report.benchmarking import group_note

    city = "E22000180"
    peers = bm.resolve_peers(real_frame, ["Westminster", "Camden", "Kensington and Chelsea"])
    summary = bm.group_summary(real_frame, city, peers, "2025-06-30")
    rates = summary.table.loc[~summary.table["is_area"], "rate_per_1000"]
    assert summary.group_size == 3 and summary.group_average == pytest.approx(rates.mean())
    left_out = "City of London left out (it has no rate for this year)"
    assert bm.average_members(summary, "City of London") == left_out
    assert f"the mean of the 3 CSP rates, {left_out}, each CSP counting once" in bm.describe_group_table(
        summary, "City of London"
    )
    assert f"the mean of the 3 CSP rates, {left_out}, each CSP counting once" in group_note(summary, "City of London")
    medway = bm.group_summary(real_frame, MEDWAY, peers, "2025-06-30")
    assert bm.average_members(medway, "Medway") == "Medway included"
    assert "the mean of the 4 CSP rates, Medway included, each" in group_note(medway, "Medway")


def test_real_medway_year_ending_december_2024(real_frame):
    assert _cell(real_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "count") == 27555
    assert _cell(real_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "population") == 282700
    assert round(_cell(real_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "rate_per_1000"), 2) == 97.47
    assert round(_cell(real_frame, MEDWAY, "2024-12-31", "total_excl_fraud", "published_rate_per_1000"), 2) == 97.47
    assert _cell(real_frame, MEDWAY, "2023-12-31", "total_excl_fraud", "count") == 29112
    summary = bm.group_summary(real_frame, MEDWAY, [], "2024-12-31")
    assert round(summary.table.at[0, "pct_change"], 1) == -5.3


def test_real_medway_year_ending_june_2025(real_frame):
    medway = real_frame[(real_frame["csp_code"] == MEDWAY) & (real_frame["period_end"] == pd.Timestamp("2025-06-30"))]
    assert medway["count"].tolist() == MEDWAY_JUN_2025
    assert medway["population"].eq(282700).all()
    assert round(medway["rate_per_1000"].iloc[0], 2) == round(27321 / 282.7, 2)


def test_real_files_shape_and_skipped_rows(real_frame):
    assert real_frame.groupby("period_end")["csp_code"].nunique().tolist() == [314, 314, 314]
    assert len(real_frame) == 314 * 23 * 3
    for counts in real_frame.attrs["skipped_rows"].values():
        assert counts == {"force_total": 42, "unassigned_or_airport": 43}
    assert real_frame["la_codes"].str.contains(";").groupby(real_frame["csp_code"]).first().sum() == 11
    assert len(bm.unitary_authority_codes(real_frame)) == 57


def test_real_rates_agree_with_ons_within_population_rounding(real_frame):
    # ONS divides by unrounded populations; ours by the published rounded ones,
    # so the two can differ by at most 50/population of the rate.
    rows = real_frame[real_frame["published_rate_per_1000"].notna()]
    assert len(rows) == 313 * 23  # City of London's rates are withheld
    bound = rows["published_rate_per_1000"] * 50 / (rows["population"].astype(float) - 50)
    assert ((rows["rate_per_1000"] - rows["published_rate_per_1000"]).abs() <= bound + 1e-12).all()


def test_real_pct_change_reproduces_table_c3(real_frame):
    from openpyxl import load_workbook

    workbook = load_workbook(REAL_WORKBOOK, read_only=True, data_only=True)
    try:
        rows = list(workbook["Table C3"].iter_rows(values_only=True))
    finally:
        workbook.close()
    header = next(i for i, row in enumerate(rows) if any("Partnership code" in str(c) for c in row))
    published = {row[2]: row[6:29] for row in rows[header + 1 :] if row[2]}
    codes = sorted(published)
    checked = 0
    for position, group in enumerate(bm.OFFENCE_GROUPS):
        table = bm.group_summary(real_frame, codes[0], codes[1:], "2024-12-31", group.key).table
        ours = table.set_index("csp_code")["pct_change"]
        for code, values in published.items():
            value = values[position]
            if isinstance(value, str):  # "[u]": a base under 50
                assert math.isnan(ours[code]), (code, group.key)
            else:
                assert ours[code] == pytest.approx(value, abs=1e-9), (code, group.key)
            checked += 1
    assert checked == 314 * 23


def test_real_peers_and_group(real_frame):
    peers = bm.resolve_peers(real_frame, PEER_NAMES)
    assert peers[PEER_NAMES.index("Dartford and Gravesham")] == DARTFORD_GRAVESHAM
    assert len(set(peers)) == 13
    summary = bm.group_summary(real_frame, MEDWAY, peers, "2024-12-31")
    assert len(summary.table) == 14
    assert summary.group_average == pytest.approx(summary.table["rate_per_1000"].mean())
    assert summary.n_ranked_all == 313 and summary.n_ranked_unitary == 57
    assert set(summary.table["position"]) <= {"above average", "below average", "not significantly different"}
    with pytest.raises(ValueError, match="'Medway Towns'"):
        bm.resolve_peers(real_frame, [*PEER_NAMES, "Medway Towns"])


# --------------------------------------------------------------------------
# Issue 13: the rates are ONS's own, for all 314 CSPs (Table C4 read here, not by the module)
# --------------------------------------------------------------------------

# The column of Table C4 holding each offence group's rate per 1,000 residents: the count tables'
# headings (OFFENCE_HEADER, in OFFENCE_GROUPS order), except residential burglary, which C4 gives
# per 1,000 population and per 1,000 households.
C4_PER_HOUSEHOLD = "Residential burglary (per 1,000 household)"
C4_HEADINGS = {
    group.key: "Residential burglary (per 1,000 population)"
    if group.key == "residential_burglary"
    else " ".join(heading.split())
    for group, heading in zip(bm.OFFENCE_GROUPS, OFFENCE_HEADER)
}


@pytest.fixture(scope="module")
def table_c4() -> dict[str, dict[str, object]]:
    """CSP code -> {offence key: the Table C4 cell as stored} (plus "name" and "population"), with openpyxl."""
    from openpyxl import load_workbook

    workbook = load_workbook(_need(REAL_WORKBOOK), read_only=True, data_only=True)
    try:
        rows = list(workbook["Table C4"].iter_rows(values_only=True))
    finally:
        workbook.close()
    assert rows[0][0].startswith("Table C4:") and "year ending December 2024" in rows[0][0]
    at = next(i for i, row in enumerate(rows) if "Community Safety Partnership code" in map(str, row))
    header = [" ".join(str(cell).split()) for cell in rows[at]]
    population_at = next(i for i, h in enumerate(header) if h.startswith("Population figures (mid-2022)"))
    household_at = next(i for i, h in enumerate(header) if h.startswith("Household figures"))
    # Every rate column of C4 is one of the 23 offence groups, but for the per-household one.
    assert sorted(header[household_at + 1 :]) == sorted([*C4_HEADINGS.values(), C4_PER_HOUSEHOLD])
    code_at = header.index("Community Safety Partnership code")
    name_at = header.index("Community Safety Partnership name")
    table = {}
    for row in rows[at + 1 :]:
        if row[code_at] is None:  # force totals, "Unassigned" and airport rows
            continue
        cells = {key: row[header.index(heading)] for key, heading in C4_HEADINGS.items()}
        table[row[code_at]] = {**cells, "name": row[name_at], "population": row[population_at]}
    return table


def test_real_rates_equal_table_c4_for_all_314_csps(real_frame, table_c4):
    assert len(table_c4) == 314
    rows = real_frame[real_frame["period_end"] == pd.Timestamp("2024-12-31")]
    ours = rows.set_index(["csp_code", "offence_group"])
    national = {
        g.key: bm.national_table(real_frame, "2024-12-31", g.key).set_index("csp_code") for g in bm.OFFENCE_GROUPS
    }
    codes = sorted(table_c4)
    group = {
        g.key: bm.group_summary(real_frame, codes[0], codes[1:], "2024-12-31", g.key).table.set_index("csp_code")
        for g in bm.OFFENCE_GROUPS
    }
    numbers = markers = 0
    for code, cells in table_c4.items():
        for key in C4_HEADINGS:
            value, rate = cells[key], ours.at[(code, key), "rate_per_1000"]
            if isinstance(value, (int, float)):
                # exactly ONS's figure, in the store, the group table and the national table
                assert rate == value, (cells["name"], key, rate, value)
                assert group[key].at[code, "rate_per_1000"] == value
                assert national[key].at[code, "rate_per_1000"] == value
                assert ours.at[(code, key), "rate_source"] == bm.RATE_PUBLISHED
                numbers += 1
            else:  # "[u1]": City of London's rates are withheld
                assert value == "[u1]" and math.isnan(rate), (cells["name"], key, value)
                assert math.isnan(group[key].at[code, "rate_per_1000"]) and pd.isna(ours.at[(code, key), "rate_source"])
                markers += 1
    assert (numbers, markers) == (313 * 23, 23)
    # The group average and ranks are those of ONS's rates.
    total = {code: cells["total_excl_fraud"] for code, cells in table_c4.items() if code != CITY_OF_LONDON}
    msg = bm.resolve_peers(real_frame, PEER_NAMES)
    summary = bm.group_summary(real_frame, MEDWAY, msg, "2024-12-31")
    assert summary.group_average == pytest.approx(sum(total[c] for c in [MEDWAY, *msg]) / 14, rel=1e-15)
    assert summary.area_rank_all == 1 + sum(rate > total[MEDWAY] for rate in total.values()) == 75
    # The figures of the issue: ONS's 2-dp rates, where count / rounded population gave others.
    by_name = summary.table.set_index("csp_name")["rate_per_1000"].round(2)
    assert (by_name["Medway"], by_name["Stevenage"], by_name["Havant"]) == (97.47, 80.23, 79.74)
    assert round(7200 / 89700 * 1000, 2) == 80.27 and round(9956 / 124900 * 1000, 2) == 79.71
    assert round(summary.group_average, 2) == 93.30


def test_real_intervals_are_those_of_the_ons_rates(real_frame, table_c4):
    """The exact interval of count k, scaled by the population ONS's rate implies, k x 1,000 / rate."""
    from scipy.stats import chi2

    codes = sorted(table_c4)
    checked = 0
    for group in bm.OFFENCE_GROUPS:
        table = bm.group_summary(real_frame, codes[0], codes[1:], "2024-12-31", group.key).table.set_index("csp_code")
        for code, cells in table_c4.items():
            rate, k = cells[group.key], table.at[code, "count"]
            if not isinstance(rate, (int, float)):
                continue
            lower, upper = table.at[code, "ci_lower"], table.at[code, "ci_upper"]
            assert lower <= rate <= upper, (code, group.key)
            if k > 0:
                assert lower == pytest.approx(chi2.ppf(0.025, 2 * k) / 2 * rate / k, rel=1e-9), (code, group.key)
                assert upper == pytest.approx(chi2.ppf(0.975, 2 * k + 2) / 2 * rate / k, rel=1e-9), (code, group.key)
                # the population behind the rate: ONS's unrounded one, within 50 of the one printed
                assert table.at[code, "rate_population"] == pytest.approx(k / rate * 1000, rel=1e-12)
                assert abs(table.at[code, "rate_population"] - cells["population"]) <= 50
                checked += 1
            else:
                assert lower == 0 and rate == 0
    assert checked == 313 * 23 - int((real_frame["published_rate_per_1000"] == 0).sum())
    # Medway: 27,555 offences on 282,702 residents (printed 282,700)
    medway = bm.group_summary(real_frame, MEDWAY, [], "2024-12-31").table.iloc[0]
    assert medway["rate_population"] == 282702
    assert (round(medway["ci_lower"], 2), round(medway["ci_upper"], 2)) == (96.32, 98.63)


def test_real_isles_of_scilly_interval(real_frame):
    # The smallest CSP: its rates imply 2,281 residents, printed as 2,300 (0.8% apart).
    from scipy.stats import chi2

    code = bm.resolve_peers(real_frame, ["Isles of Scilly"])[0]
    row = bm.group_summary(real_frame, code, [], "2024-12-31").table.iloc[0]
    assert (row["count"], row["population"], row["rate_population"]) == (58, 2300, 2281)
    assert row["rate_per_1000"] == 25.427444103463394  # Table C4
    assert row["ci_lower"] == pytest.approx(chi2.ppf(0.025, 116) / 2 / 2281 * 1000, rel=1e-12)
    assert row["ci_upper"] == pytest.approx(chi2.ppf(0.975, 118) / 2 / 2281 * 1000, rel=1e-12)


def test_real_years_without_an_ons_rate_are_computed_from_rounded_populations(real_frame):
    for period in ("2023-12-31", "2025-06-30"):
        rows = real_frame[(real_frame["period_end"] == pd.Timestamp(period)) & real_frame["rate_per_1000"].notna()]
        assert len(rows) == 313 * 23
        assert (rows["rate_source"] == bm.RATE_COMPUTED).all()
        assert rows["published_rate_per_1000"].isna().all()
        population = rows["population"].astype(float)
        assert (rows["rate_per_1000"] == rows["count"].astype(float) / population * 1000).all()
        assert (rows["rate_population"] == population).all()


# --------------------------------------------------------------------------
# What a page says, worded from the data and the area's names only
# --------------------------------------------------------------------------


@pytest.fixture
def three_years(workbook_path) -> pd.DataFrame:
    return bm.load_benchmarks([workbook_path, FIXTURES / "c2_ye_jun2025_extract.csv"])


def test_headings_and_headline_figures(workbook_frame):
    summary = bm.group_summary(workbook_frame, MEDWAY, [SWINDON, DARTFORD_GRAVESHAM, CORBY], "2024-12-31")
    assert summary.population_year == 2022
    headings = bm.assessment_headings(summary)
    assert (headings["population"], headings["ci_lower"]) == (
        "Population (mid-2022, rounded to 100)",
        "95% confidence interval, lower",
    )
    assert list(bm.assessment_table(summary).columns) == list(headings.values())
    assert bm.assessment_table(summary)["CSP"].tolist() == ["Medway", "Corby", "Dartford and Gravesham", "Swindon"]
    metrics = {m.label: m.value for m in bm.headline_metrics(summary, "Medway")}
    assert metrics == {
        "Medway: rate per 1,000": "97.5",  # 97.47: rates to one decimal place (issue 14)
        "Group average (4 CSPs)": f"{summary.group_average:.1f}",
        "Medway's rank in the group": "2 of 4",
        "% change on the previous year": "-5.3%",
    }
    assert [m.value for m in bm.national_metrics(summary)] == ["2 of 5", "1 of 2"]
    alone = bm.group_summary(workbook_frame, MEDWAY, [], "2023-12-31")
    assert {m.label: m.value for m in bm.headline_metrics(alone, "Medway")}["Group average (1 CSP)"] == "103.0"


def test_captions_say_what_the_data_says(three_years):
    assert bm.describe_change_missing(three_years, "2024-12-31") == ""
    assert bm.describe_change_missing(three_years, "2025-06-30") == (
        "No % change is given for the year ending June 2025: the year before it is not in the loaded ONS tables."
    )
    assert "use ONS mid-2022 population estimates for every year shown" in bm.describe_data(three_years)
    history = bm.rank_history_table(bm.rank_history(three_years, MEDWAY, [SWINDON]))
    assert list(history.columns)[:2] == ["CSP", "Rank, year ending December 2023"]
    assert list(history.columns)[-1] == "CSP code"
    caption = bm.describe_rank_table(history, bm.available_periods(three_years))
    assert "A CSP that moves higher (towards 1st) has a higher rate than before relative to its peers" in caption
    assert caption.endswith(
        "share months: the year ending June 2025 overlaps the year ending December 2024 by 6 months."
    )
    assert bm.describe_ons_rates(three_years, MEDWAY, "total_excl_fraud", "Medway") == (
        "ONS tables, Medway: year ending December 2023: 103.0 (computed here); year ending December 2024: "
        "97.5 (ONS's rate); year ending June 2025: 96.6 (computed here)."
    )
    assert bm.describe_ons_rates(three_years, MEDWAY, "not_an_ons_group", "Medway") == ""


def test_sources_and_caveats_are_worded_from_the_table(three_years):
    text = bm.describe_sources(three_years, SWINDON, "Swindon")
    assert "(Tables C1–C5; the year ending June 2025 from a CSV export of Table C2)" in text
    assert "for the year ending December 2023, the year ending December 2024 and the year ending June 2025." in text
    # The source in words: no file names, paths or code on a page (issue 14).
    assert not any(word in text for word in (".parquet", ".csv", ".xlsx", "`", "policeforceareatables"))
    assert (
        "**ONS mid-2022 population estimates** for every year; a population change since 2022 is not reflected"
    ) in text
    assert "**ONS's own rates** for the year ending December 2024" in text
    assert "(Swindon: 235,700 people, printed as 235,700)" in text
    assert "**Rates computed here** for the year ending December 2023 and the year ending June 2025" in text
    # Generic code names no partnership: the peers come from whatever the area file lists.
    assert "Medway" not in text and "Strategic Assessment 2024" not in text
    assert "the default group is the list set up for this dashboard, such as a Most Similar Group" in text


def test_peer_captions_are_generic():
    assert bm.describe_default_peers("Swindon", ["Medway"]) == (
        "Swindon is always in the group. The default peers are the list set up for this dashboard, usually the "
        "partnership's Most Similar Group: the CSPs most like it in the make-up of their people and places (age, "
        "income, housing and other things linked to crime). Any other CSPs can be chosen below."
    )
    assert "name no peers" in bm.describe_default_peers("Swindon", [])
    names = [f"CSP {n}" for n in range(17)]
    assert bm.describe_peer_choice(names).endswith(
        ": CSP 0, CSP 1, CSP 2, CSP 3, CSP 4, CSP 5, CSP 6, CSP 7, CSP 8, "
        "CSP 9, CSP 10, CSP 11, CSP 12, CSP 13, CSP 14 and 2 more."
    )
    assert bm.describe_peer_choice(["Swale"]) == "**Compared with 1 peer CSP**: Swale."
    assert bm.describe_peer_choice([]) == "**Compared with 0 peer CSPs**: none chosen."
    assert bm.describe_unknown_peers([]) == ""


# --------------------------------------------------------------------------
# The group map: the boundaries chosen for a group, the map and its legend
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded_table() -> pd.DataFrame:
    return bm.read_benchmarks(REPO / "data" / "medway")


def test_group_boundaries_fall_back_to_england_and_wales(embedded_table, tmp_path):
    from csp_data.benchmarks import boundaries

    msg = bm.resolve_peers(embedded_table, PEER_NAMES)
    group = bm.group_summary(embedded_table, MEDWAY, msg, "2024-12-31").table
    area_dir = REPO / "data" / "medway"
    # The area's group file has every authority of its Most Similar Group: nothing else is read.
    own = bm.group_boundaries(embedded_table, group, area_dir)
    assert [len(s.geometry) for s in own.shapes] == [15] and own.rows["drawn"].all() and own.outline is not None
    # A peer outside it (Swindon) brings in the England and Wales file, looked up after the finer one.
    wider = bm.group_boundaries(
        embedded_table, bm.group_summary(embedded_table, MEDWAY, [*msg, SWINDON], "2024-12-31").table, area_dir
    )
    assert [len(s.geometry) for s in wider.shapes] == [15, 318]
    assert wider.rows.set_index("lad_code").at["E06000030", "lad_name"] == "Swindon"
    # An area folder with no boundary files is served by the embedded ones.
    bare = bm.group_boundaries(embedded_table, group, tmp_path)
    assert [len(s.geometry) for s in bare.shapes] == [318] and bare.rows["drawn"].all()
    assert bm.group_lad_codes(embedded_table, [DARTFORD_GRAVESHAM, MEDWAY]) == ["E07000107", "E07000109", "E06000035"]
    assert boundaries.GROUP_BOUNDARIES_FILE == bm.GROUP_BOUNDARIES_FILE


def test_group_map_and_legend(embedded_table):
    from csp_data.maps import benchmarks as benchmark_maps

    summary = bm.group_summary(embedded_table, MEDWAY, bm.resolve_peers(embedded_table, PEER_NAMES), "2024-12-31")
    map_data = bm.group_boundaries(embedded_table, summary.table, REPO / "data" / "medway")
    group_map = benchmark_maps.build_group_map(
        map_data.rows, map_data.shapes, group_average=summary.group_average, outline=map_data.outline
    )
    spec = group_map.spec
    # Layers name their data; the shapes travel beside the chart, not through Altair.
    assert [layer["data"] for layer in spec["layer"]] == [
        {"name": "england-wales"},
        {"name": "group"},
        {"name": "area"},
        {"values": [{"longitude": pytest.approx(0.5626, abs=0.05), "latitude": pytest.approx(51.44, abs=0.05)}]},
    ]
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["geoshape", "geoshape", "geoshape", "point"]
    assert list(group_map.datasets) == ["england-wales", "group", "area"]
    features = group_map.datasets["group"]
    assert len(features) == 15  # one feature per authority
    medway = next(f["properties"] for f in features if f["properties"]["csp_name"] == "Medway")
    assert medway["fill"] == "#D55E00" and medway["position_text"] == "Above average"
    assert medway["rank_text"] == "5 of 14 in the group" and medway["lad_text"] == "Medway (E06000035)"
    assert [f["geometry"] for f in group_map.datasets["area"]] == [
        f["geometry"] for f in features if f["properties"]["csp_name"] == "Medway"
    ]
    # The whole group in view: the projection fits a box round every authority drawn.
    (west, south), (east, north) = spec["projection"]["fit"]["geometry"]["coordinates"]
    for lad in map_data.rows["lad_code"]:
        box = next(s for s in map_data.shapes if lad in s.bounds).bounds[lad]
        assert west < box[0] and south < box[1] and box[2] < east and box[3] < north
    assert spec["projection"]["type"] == "mercator" and spec["height"] == benchmark_maps.MAP_HEIGHT
    # England and Wales only within the view, its outer rings clockwise (d3-geo reads an anticlockwise
    # outer ring as the rest of the globe).
    context = shapely.geometry.shape(group_map.datasets["england-wales"][0]["geometry"])
    assert context.bounds == pytest.approx((west, south, east, north), abs=0.02)
    assert context.area < shapely.geometry.shape(map_data.outline).area
    assert all(not polygon.exterior.is_ccw for polygon in getattr(context, "geoms", [context]))
    # The decorations are hidden from screen readers; the group's shapes carry the tooltip.
    assert [layer["mark"].get("aria") for layer in spec["layer"]] == [False, None, False, False]
    legend = benchmark_maps.group_map_legend(summary.table["position"], "Medway & <Co>")
    assert legend.startswith(
        # One legend for every map (csp_data.maps.legend); a labelled group, so the label is announced.
        "<div role='group' aria-label='Map legend'><p style='font-weight:600;margin-bottom:6px'>Against the "
        "group average (95% confidence interval)</p>"
    )
    assert "Above average" in legend and "Medway &amp; &lt;Co&gt;</li>" in legend and "No rate" not in legend
