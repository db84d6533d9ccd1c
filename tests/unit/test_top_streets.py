"""Top streets (one query, ``top_streets.sql``, for the Hotspots page and the ward profile), with the
change by the one rule, on small stores whose counts are written out by hand below."""

from __future__ import annotations

from datetime import date

import pytest

from csp_data.config import load_area
from csp_data.figures.streets import top_streets
from csp_data.periods import Period
from csp_data.series import MatchedMonths, matched_months
from csp_data.store import Store
from csp_data.store.geography import ward_boundaries
from csp_data.store.ingest import ingest
from csp_data.store.queries import Database
from helpers import MEDWAY_AREA_FILE, csv_bytes, street_row

VIOLENCE = "Violence and sexual offences"
WARD_A, WARD_B = "Chatham Central & Brompton", "Gillingham South"
A, B, C = "On or near A Street", "On or near B Street", "On or near C Street"
YEAR = Period(date(2025, 1, 1), date(2025, 12, 1), "2025")


@pytest.fixture
def build(tmp_path, medway_points):
    """A store from (location, ward name, month, incidents, crime type) rows; the Database over it."""
    area = load_area(MEDWAY_AREA_FILE)
    opened = []

    def make(rows):
        files: dict[str, list] = {}
        for location, ward, month, count, crime_type in rows:
            lon, lat = medway_points[ward]
            for _ in range(count):
                files.setdefault(f"{month:%Y-%m}", []).append(
                    street_row(f"{month:%Y-%m}", crime_type, lon, lat, location=location)
                )
        raw = tmp_path / f"raw{len(opened)}"
        raw.mkdir()
        for month, month_rows in files.items():
            (raw / f"{month}-kent-street.csv").write_bytes(csv_bytes(month_rows))
        store = Store(tmp_path / f"store{len(opened)}")
        ingest([raw], area, store)
        db = Database(area, store)
        opened.append(db)
        return db

    yield make
    for db in opened:
        db.close()


def codes() -> dict[str, str]:
    wards = ward_boundaries(load_area(MEDWAY_AREA_FILE).current_wards)
    return dict(zip(wards["ward_name"], wards["ward_code"]))


def streets_of(db, first, last, matched=None, ward=None, kind="crime"):
    area = load_area(MEDWAY_AREA_FILE)
    return top_streets(
        db.query,
        first=first,
        last=last,
        kind=kind,
        crime_type=None,
        vintage=area.current_wards.vintage,
        ward_code=None if ward is None else codes().get(ward, "E05999999"),
        matched=matched,
    )


def test_top_streets_with_the_previous_equal_period(build):
    dec, jan, feb, mar = date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
    db = build(
        [
            (A, WARD_A, dec, 1, VIOLENCE),
            (A, WARD_A, jan, 2, VIOLENCE),
            (A, WARD_A, jan, 1, "Shoplifting"),
            (A, WARD_A, jan, 1, "Anti-social behaviour"),  # ASB is not crime
            (A, WARD_A, feb, 1, VIOLENCE),
            (B, WARD_A, feb, 1, VIOLENCE),
            (A, WARD_A, mar, 1, VIOLENCE),
        ]
    )
    # February-March against December-January: every month loaded in both.
    whole = MatchedMonths(Period(feb, mar, "x"), Period(dec, jan, "y"), (feb, mar), (dec, jan), "whole")
    streets = streets_of(db, feb, mar, whole)
    assert list(zip(streets["location"], streets["incidents"], streets["previous_incidents"])) == [(A, 2, 4), (B, 1, 0)]
    assert streets["share"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert streets["change"].iloc[0].startswith("fell by 50%")
    assert streets_of(db, feb, mar, ward=WARD_A)["incidents"].sum() == 3
    assert streets_of(db, feb, mar, ward="Nowhere").empty
    assert streets_of(db, jan, jan, kind="asb")[["location", "incidents"]].values.tolist() == [[A, 1]]


def test_top_streets_change_over_matched_months_only(build):
    # 2025 against 2024 with only March 2024 loaded before: only March 2025 is compared.
    feb, mar, last_mar = date(2025, 2, 1), date(2025, 3, 1), date(2024, 3, 1)
    matched = matched_months(YEAR, [last_mar, *YEAR.months])
    assert (matched.basis, matched.current_months, matched.previous_months) == ("matched", (mar,), (last_mar,))
    db = build(
        [
            (A, WARD_A, feb, 3, VIOLENCE),
            (A, WARD_A, mar, 2, VIOLENCE),
            (B, WARD_A, feb, 1, VIOLENCE),
            (B, WARD_A, mar, 1, VIOLENCE),
            (A, WARD_B, mar, 1, VIOLENCE),
            (A, WARD_A, last_mar, 4, VIOLENCE),  # March 2024, the matched previous month
            (A, WARD_B, last_mar, 1, VIOLENCE),
            (C, WARD_A, last_mar, 2, VIOLENCE),
            (C, WARD_A, date(2024, 4, 1), 9, VIOLENCE),  # outside both: never counted
        ]
    )
    streets = streets_of(db, YEAR.first, YEAR.last, matched)
    # Counts and shares of the whole period (8 incidents); the change of March 2025 alone against March 2024:
    # A Street in ward A 2 against 4 (not 5 against 4), B Street 1 against 0, A Street in ward B 1 against 1;
    # both sides of the comparison are shown (compared_incidents, previous_incidents).
    assert list(streets.drop(columns="ward_code").itertuples(index=False, name=None)) == [
        (1, A, WARD_A, 5, 5 / 8, 2, 4, "fell by 50%, within normal variation"),
        (2, B, WARD_A, 2, 2 / 8, 1, 0, "cannot be given as a percentage: there were none in the previous period"),
        (3, A, WARD_B, 1, 1 / 8, 1, 1, "was about the same, within normal variation"),
    ]
    ward = streets_of(db, YEAR.first, YEAR.last, matched, ward=WARD_A)
    assert list(zip(ward["location"], ward["incidents"], ward["previous_incidents"], ward["change"])) == [
        (A, 5, 4, "fell by 50%, within normal variation"),
        (B, 2, 0, "cannot be given as a percentage: there were none in the previous period"),
    ]
    assert ward["share"].tolist() == pytest.approx([5 / 7, 2 / 7])


def test_a_street_with_none_in_the_compared_months_has_no_change(build):
    feb, mar, last_mar = date(2025, 2, 1), date(2025, 3, 1), date(2024, 3, 1)
    matched = matched_months(YEAR, [last_mar, *YEAR.months])
    db = build([(A, WARD_A, feb, 2, VIOLENCE), (A, WARD_A, last_mar, 3, VIOLENCE), (B, WARD_A, mar, 1, VIOLENCE)])
    streets = streets_of(db, YEAR.first, YEAR.last, matched).set_index("location")
    assert streets.loc[A, "compared_incidents"] == 0
    assert streets["previous_incidents"].isna().tolist() == [True, False]
    assert streets["change"].isna().tolist() == [True, False]


def test_top_streets_change_over_whole_or_no_periods(build):
    before = [date(2024, m, 1) for m in range(1, 13)]
    db = build(
        [
            (A, WARD_A, date(2025, 2, 1), 3, VIOLENCE),
            (A, WARD_A, date(2025, 3, 1), 2, VIOLENCE),
            (A, WARD_A, date(2024, 2, 1), 1, VIOLENCE),
            (A, WARD_A, date(2024, 3, 1), 3, VIOLENCE),
        ]
    )
    whole = matched_months(YEAR, before + YEAR.months)
    assert whole.complete
    streets = streets_of(db, YEAR.first, YEAR.last, whole)
    assert (streets["incidents"].tolist(), streets["previous_incidents"].tolist()) == ([5], [4])
    assert streets["change"].tolist() == ["rose by 25%, within normal variation"]
    none = matched_months(YEAR, YEAR.months)
    assert none.basis == "none"
    assert list(streets_of(db, YEAR.first, YEAR.last, none).columns) == [
        "rank",
        "location",
        "ward_code",
        "ward_name",
        "incidents",
        "share",
    ]


def test_points_with_no_name_are_no_street_but_count_in_the_shares(build):
    """police.uk names some points "On or near " alone (2,553 of Medway's incidents in 2022): grouped by name
    they came first in a ward's top streets as if one street. They are left out; shares stay of every incident.
    On the Hotspots page's points they read "On or near (no name given)"."""
    jan = date(2025, 1, 1)
    db = build(
        [
            ("On or near ", WARD_A, jan, 5, VIOLENCE),
            ("", WARD_A, jan, 1, VIOLENCE),  # no location at all (stored as missing): no street either
            (A, WARD_A, jan, 3, VIOLENCE),
            (B, WARD_A, jan, 2, VIOLENCE),
        ]
    )
    streets = streets_of(db, jan, jan)
    assert streets[["rank", "location", "incidents"]].values.tolist() == [[1, A, 3], [2, B, 2]]
    assert streets["share"].tolist() == pytest.approx([3 / 11, 2 / 11])
    points = db.query("hotspot_points", first=jan, last=jan, kind="crime", crime_type=None)
    assert sorted(set(points["location"])) == ["On or near (no name given)", A, B]
