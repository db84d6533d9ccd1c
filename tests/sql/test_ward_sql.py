"""The Ward map's queries on a tiny fixture store (exact expected rows), and the embedded store checked
against an independent point-in-polygon count of the raw police.uk files and the population file."""

from __future__ import annotations

import csv
import math
import re
from datetime import date

import geopandas as gpd
import pytest
from shapely.geometry import Point

from csp_data.config import load_area
from csp_data.figures.wards import build_ward_table
from csp_data.periods import Period, calendar_year
from csp_data.series import ALL_ASB, ALL_CRIME, Counted
from csp_data.store import Store
from csp_data.store.ingest import ingest
from csp_data.store.queries import Database
from helpers import MEDWAY_AREA_FILE, ROOT, csv_bytes, shared_raw, street_row

JAN_2024, JAN, FEB, MAR = date(2024, 1, 1), date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
CHATHAM, GILLINGHAM_SOUTH, ALL_SAINTS = "E05014450", "E05014455", "E05014449"
VIOLENCE = "Violence and sexual offences"
BOUNDARIES = ROOT / "data" / "medway" / "boundaries"
POPULATION_FILE = ROOT / "data" / "medway" / "population" / "ward2023_population_mid2022.csv"


def population_from_file() -> dict[str, int]:
    """Ward population read straight from the ONS file with the csv module."""
    with open(POPULATION_FILE, newline="", encoding="utf-8") as handle:
        return {row["Ward 2023 Code"]: int(row["Total"].replace(",", "")) for row in csv.DictReader(handle)}


def ward_2022_of(point: tuple[float, float]) -> str:
    """The 2022 ward covering a point, found by a plain loop over the polygons."""
    wards = gpd.read_file(BOUNDARIES / "wards_pre2023.geojson")
    hits = [row.WD22CD for row in wards.itertuples() if row.geometry.covers(Point(*point))]
    assert len(hits) == 1, hits
    return hits[0]


@pytest.fixture(scope="module")
def fixture_points(medway_points):
    return {
        "chatham": medway_points["Chatham Central & Brompton"],
        "gillingham_south": medway_points["Gillingham South"],
        "all_saints": medway_points["All Saints"],
    }


@pytest.fixture(scope="module")
def database(tmp_path_factory, fixture_points):
    area = load_area(MEDWAY_AREA_FILE)
    folder = tmp_path_factory.mktemp("raw")
    chatham, gs, saints = fixture_points["chatham"], fixture_points["gillingham_south"], fixture_points["all_saints"]
    files = {
        "2024-01": [
            street_row("2024-01", VIOLENCE, *chatham, location="On or near A Street"),
            *[street_row("2024-01", VIOLENCE, *gs) for _ in range(4)],
        ],
        "2025-01": [
            street_row("2025-01", VIOLENCE, *chatham, location="On or near A Street"),
            street_row("2025-01", VIOLENCE, *chatham, location="On or near A Street"),
            street_row("2025-01", VIOLENCE, *chatham, location="On or near B Street"),
            street_row("2025-01", "Shoplifting", *chatham, location="On or near Supermarket"),
            street_row("2025-01", "Anti-social behaviour", *chatham, location="On or near A Street"),
            street_row("2025-01", "Anti-social behaviour", *chatham, location="On or near A Street"),
            street_row("2025-01", VIOLENCE, *gs),
            street_row("2025-01", VIOLENCE, *gs),
            street_row("2025-01", "Burglary", *saints),
            street_row("2025-01", "Criminal damage and arson", 0.95, 51.60),  # a Medway LSOA, in no ward
            street_row("2025-01", VIOLENCE, *chatham, lsoa_name="Swale 001A"),  # another district: dropped
        ],
        # February is loaded but has no row in Medway: zero, not missing. March is not loaded.
        "2025-02": [street_row("2025-02", "Drugs", 0.75, 51.33, "Swale 002B")],
    }
    for month, rows in files.items():
        (folder / f"{month}-kent-street.csv").write_bytes(csv_bytes(rows))
    store = Store(tmp_path_factory.mktemp("store"))
    ingest([folder], area, store, allow_empty=True)  # a month loaded with no rows in the area is part of the fixture
    db = Database(area, store)
    yield db
    db.close()


def nonzero(frame) -> list[tuple]:
    return [(r.ward_code, r.incidents, r.share, r.rank) for r in frame.itertuples(index=False) if r.incidents]


def test_ward_counts_all_crime_2023(database):
    frame = database.query("ward_counts", first=JAN, last=JAN, kind="crime", crime_type=None, vintage="2023")
    population = population_from_file()
    assert len(frame) == 24
    assert nonzero(frame) == [(CHATHAM, 4, 0.5, 1), (GILLINGHAM_SOUTH, 2, 0.25, 2), (ALL_SAINTS, 1, 0.125, 3)]
    # A ward with no incidents shows 0 (ranked 4th, after the three), never missing.
    zero = frame[frame["incidents"] == 0]
    assert len(zero) == 21 and set(zero["rank"]) == {4} and set(zero["share"]) == {0.0}
    assert set(frame["area_incidents"]) == {8}  # includes the one in no ward
    assert dict(zip(frame["ward_code"], frame["population"])) == population


def test_ward_counts_one_category_and_asb(database):
    violence = database.query("ward_counts", first=JAN, last=JAN, kind="crime", crime_type=VIOLENCE, vintage="2023")
    assert nonzero(violence) == [(CHATHAM, 3, 0.6, 1), (GILLINGHAM_SOUTH, 2, 0.4, 2)]
    asb = database.query("ward_counts", first=JAN, last=JAN, kind="asb", crime_type=None, vintage="2023")
    assert nonzero(asb) == [(CHATHAM, 2, 1.0, 1)]
    # ASB is not crime: asking for an ASB category under crime finds nothing.
    none = database.query(
        "ward_counts", first=JAN, last=JAN, kind="crime", crime_type="Anti-social behaviour", vintage="2023"
    )
    assert none["incidents"].sum() == 0 and set(none["area_incidents"]) == {0}
    assert none["share"].isna().all()


def test_ward_counts_earlier_wards(database, fixture_points):
    frame = database.query("ward_counts", first=JAN, last=JAN, kind="crime", crime_type=None, vintage="2022")
    assert len(frame) == 22
    assert frame["population"].isna().all()  # no population for the earlier wards
    expected: dict[str, int] = {}
    for key, count in (("chatham", 4), ("gillingham_south", 2), ("all_saints", 1)):
        code = ward_2022_of(fixture_points[key])
        expected[code] = expected.get(code, 0) + count
    assert {r.ward_code: r.incidents for r in frame.itertuples() if r.incidents} == expected
    assert (frame["incidents"] == 0).sum() == 22 - len(expected)


def test_ward_monthly_gives_loaded_months_only(database):
    frame = database.query(
        "ward_monthly", first=JAN_2024, last=MAR, kind="crime", crime_type=None, vintage="2023", ward_code=CHATHAM
    )
    got = [(m.date(), w, a) for m, w, a in frame.itertuples(index=False)]
    # February is loaded with none (0); March is not loaded (absent, not 0).
    assert got == [(JAN_2024, 1, 5), (JAN, 4, 8), (FEB, 0, 0)]
    asb = database.query(
        "ward_monthly", first=JAN, last=JAN, kind="asb", crime_type=None, vintage="2023", ward_code=ALL_SAINTS
    )
    assert [(w, a) for _, w, a in asb.itertuples(index=False)] == [(0, 2)]


def test_ward_crime_mix(database):
    frame = database.query("ward_crime_mix", first=JAN, last=JAN, vintage="2023", ward_code=CHATHAM)
    got = [tuple(r) for r in frame.itertuples(index=False)]
    assert got == [
        ("crime", VIOLENCE, 3, 5, 0.75, 0.625),
        ("crime", "Burglary", 0, 1, 0.0, 0.125),
        ("crime", "Criminal damage and arson", 0, 1, 0.0, 0.125),
        ("crime", "Shoplifting", 1, 1, 0.25, 0.125),
        ("asb", "Anti-social behaviour", 2, 2, 1.0, 1.0),
    ]


def test_top_streets_of_a_ward_ranks_ties_and_limits(database):
    def top(kind, limit):
        frame = database.query(
            "top_streets",
            first=JAN,
            last=JAN,
            kind=kind,
            crime_type=None,
            vintage="2023",
            ward_code=CHATHAM,
            limit=limit,
            compared_months=None,
            previous_months=None,
        )
        return [tuple(r) for r in frame[["rank", "location", "incidents", "share"]].itertuples(index=False)]

    # B Street and Supermarket tie on 1 each: both rank 2, taken in name order.
    assert top("crime", 2) == [
        (1, "On or near A Street", 2, 0.5),
        (2, "On or near B Street", 1, 0.25),
    ]
    assert top("asb", 10) == [(1, "On or near A Street", 2, 1.0)]


def test_ward_table_on_fixture_rates_and_change(database):
    area = database.area
    loaded = [JAN_2024, JAN, FEB]
    january = Period(JAN, JAN, "January 2025")
    table = build_ward_table(database.query, area, "2023", january, ALL_CRIME, loaded)
    population = population_from_file()
    chatham = table.row(CHATHAM)
    assert chatham["incidents"] == 4
    assert chatham["rate_per_1000"] == pytest.approx(4 / population[CHATHAM] * 1000)
    assert table.area_population == sum(population.values())
    assert table.area_rate == pytest.approx(8 / sum(population.values()) * 1000)
    assert table.in_no_ward == 1
    # January 2024 is loaded, so January 2025 has its comparison: the same month a year earlier.
    assert (table.previous.first, table.previous.last) == (JAN_2024, JAN_2024)
    assert int(chatham["previous_incidents"]) == 1 and chatham["change_percent"] == pytest.approx(300.0)
    assert chatham["change_verdict"] == "no_change_detected"  # 4 against 1 is within normal variation
    gs = table.row(GILLINGHAM_SOUTH)
    assert int(gs["previous_incidents"]) == 4 and gs["change_percent"] == pytest.approx(-50.0)
    saints = table.row(ALL_SAINTS)
    assert saints["change_verdict"] == "no_basis"  # none in January 2024
    # March is not loaded: no figures to compare, and the table says why.
    march = build_ward_table(database.query, area, "2023", Period(MAR, MAR, "March"), ALL_ASB, loaded)
    assert march.previous is None and "no month of Mar 2025 is loaded" in march.change_note
    assert march.frame["incidents"].sum() == 0 and march.area_total == 0


def test_ward_table_earlier_wards_have_counts_only(database):
    table = build_ward_table(
        database.query, database.area, "2022", Period(JAN, JAN, "January"), ALL_CRIME, [JAN_2024, JAN, FEB]
    )
    assert not table.has_rates and table.area_rate is None
    assert table.frame["rate_per_1000"].isna().all()
    assert table.rate_note.startswith("Only counts are available for the Wards before May 2023 (22)")
    assert table.frame["incidents"].sum() == 7


# --------------------------------------------------------------------------------------------
# The embedded 2025 store against the raw police.uk files and the ONS population file
# --------------------------------------------------------------------------------------------

_MEDWAY_LSOA = re.compile(r"^Medway \d{3}[A-Z]$")


@pytest.fixture(scope="module")
def raw_medway_points():
    """(crime type, Point) of every Medway row with a location in the raw 2025 files, read with csv."""
    folder = shared_raw() / "police_uk_kent_2025"
    points = []
    for path in sorted(folder.glob("2025-*-kent-street.csv")):
        with open(path, newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                if not _MEDWAY_LSOA.match(row["LSOA name"].strip()) or not row["Crime type"].strip():
                    continue
                if not row["Longitude"].strip() or not row["Latitude"].strip():
                    continue
                points.append((row["Crime type"].strip(), Point(float(row["Longitude"]), float(row["Latitude"]))))
    return points


@pytest.fixture(scope="module")
def embedded():
    area = load_area(MEDWAY_AREA_FILE)
    db = Database(area, Store(area.store_dir))
    yield db
    db.close()


def independent_count(points, polygon, kind: str, crime_type: str | None = None) -> int:
    count = 0
    for point_type, point in points:
        is_asb = point_type == "Anti-social behaviour"
        if (kind == "asb") != is_asb or (crime_type is not None and point_type != crime_type):
            continue
        if polygon.covers(point):
            count += 1
    return count


@pytest.mark.parametrize(
    "vintage, file, code_field, ward_name",
    [
        ("2023", "wards_2023.geojson", "WD25CD", "Chatham Central & Brompton"),
        ("2023", "wards_2023.geojson", "WD25CD", "All Saints"),
        ("2023", "wards_2023.geojson", "WD25CD", "Gillingham South"),
        ("2022", "wards_pre2023.geojson", "WD22CD", "River"),
        ("2022", "wards_pre2023.geojson", "WD22CD", "Peninsula"),
    ],
)
def test_embedded_ward_counts_match_point_in_polygon(embedded, raw_medway_points, vintage, file, code_field, ward_name):
    wards = gpd.read_file(BOUNDARIES / file)
    name_field = code_field.replace("CD", "NM")
    ward = wards[wards[name_field] == ward_name].iloc[0]
    period = calendar_year(2025)
    for kind, crime_type in (("crime", None), ("asb", None), ("crime", VIOLENCE)):
        frame = embedded.query(
            "ward_counts", first=period.first, last=period.last, kind=kind, crime_type=crime_type, vintage=vintage
        )
        got = int(frame.loc[frame["ward_code"] == ward[code_field], "incidents"].iloc[0])
        assert got == independent_count(raw_medway_points, ward.geometry, kind, crime_type), (
            ward_name,
            kind,
            crime_type,
        )


def test_embedded_rates_match_the_population_file(embedded):
    population = population_from_file()
    period = calendar_year(2025)
    loaded = [date(2025, m, 1) for m in range(1, 13)]
    for incident_filter in (ALL_CRIME, ALL_ASB, Counted("crime", "Burglary", "Burglary", "burglary")):
        table = build_ward_table(embedded.query, embedded.area, "2023", period, incident_filter, loaded)
        assert table.has_rates
        for row in table.frame.itertuples():
            expected = row.incidents / population[row.ward_code] * 1000
            assert math.isclose(row.rate_per_1000, expected, rel_tol=1e-12), row.ward_name
        assert table.area_population == sum(population.values()) == 282_702
    chatham = build_ward_table(embedded.query, embedded.area, "2023", period, ALL_CRIME, loaded).row(CHATHAM)
    assert round(chatham["rate_per_1000"], 1) == round(3325 / 17812 * 1000, 1) == 186.7
