"""The Overview's figures on a small fixture store, with exact expected values."""

import json
from datetime import date

import pandas as pd
import pytest

from csp_data.config import load_area
from csp_data.figures.overview import build_overview
from csp_data.periods import Period
from csp_data.store import Store
from csp_data.store.ingest import ingest
from csp_data.store.queries import Database
from helpers import MEDWAY_AREA_FILE, csv_bytes, street_row


@pytest.fixture(scope="module")
def overview(tmp_path_factory, medway_points):
    area = load_area(MEDWAY_AREA_FILE)
    folder = tmp_path_factory.mktemp("raw")
    gs, luton = medway_points["Gillingham South"], medway_points["Luton"]
    files = {
        "2025-01": [
            street_row("2025-01", "Burglary", *gs),
            street_row("2025-01", "Burglary", *gs),
            street_row("2025-01", "Robbery", *luton),
            street_row("2025-01", "Anti-social behaviour", *gs),
        ],
        "2025-02": [street_row("2025-02", "Drugs", 0.52, 51.27, "Maidstone 014D")],  # loaded, none in the area
        "2025-04": [street_row("2025-04", "Burglary", *luton), street_row("2025-04", "Anti-social behaviour", *luton)],
    }
    for month, rows in files.items():
        (folder / f"{month}-kent-street.csv").write_bytes(csv_bytes(rows))
    store = Store(tmp_path_factory.mktemp("store"))
    ingest([folder], area, store, allow_empty=True)  # a month loaded with no rows in the area is part of the fixture
    db = Database(area, store)
    loaded = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 4, 1)]
    yield build_overview(db.query, area, Period(date(2025, 1, 1), date(2025, 4, 1), "Jan to Apr"), loaded, 1000)
    db.close()


def test_totals_and_rates(overview):
    assert (overview.crime.count, overview.asb.count) == (4, 2)
    assert overview.crime.rate_per_1000 == 4.0
    assert overview.complete is False
    assert "partial, 3 of 4 months loaded (missing Mar 2025)" in overview.coverage_text


def test_monthly_zero_is_zero_and_missing_is_missing(overview):
    crime = overview.monthly[overview.monthly["kind"] == "crime"].set_index("month")["incidents"]
    assert crime[date(2025, 1, 1)] == 3 and crime[date(2025, 2, 1)] == 0 and crime[date(2025, 4, 1)] == 1
    assert pd.isna(crime[date(2025, 3, 1)])


def test_crime_types_and_top_wards(overview):
    types = overview.crime_types
    assert list(zip(types["kind"], types["crime_type"], types["incidents"])) == [
        ("crime", "Burglary", 3),
        ("crime", "Robbery", 1),
        ("asb", "Anti-social behaviour", 2),
    ]
    assert types["share"].tolist() == [0.75, 0.25, 1.0]
    top = overview.top_wards["crime"]
    assert list(zip(top["ward_name"], top["incidents"]))[:2] == [("Gillingham South", 2), ("Luton", 2)]
    assert overview.top_wards_share["crime"] == 1.0
    assert "partial" in overview.sentences[0]


def test_monthly_chart_marks_months_not_loaded_and_dashes_nothing():
    from csp_data.charts.overview import monthly_trend_chart
    from csp_data.charts.vegalite import inline
    from helpers import sent_spec

    months = [date(2024, m, 1) for m in range(1, 7)]
    monthly = pd.DataFrame(
        {
            "month": [m for m in months for _ in ("crime", "asb")],
            "kind": ["crime", "asb"] * len(months),
            "incidents": pd.array([10, 2, 11, 3, pd.NA, pd.NA, pd.NA, pd.NA, 9, 1, 8, 2], dtype="Int64"),
            "loaded": [m not in (date(2024, 3, 1), date(2024, 4, 1)) for m in months for _ in (0, 1)],
        }
    )
    sent_spec(monthly_trend_chart(monthly))  # a valid Vega-Lite specification as the page sends it
    spec = inline(monthly_trend_chart(monthly))  # its tables as rows
    text = json.dumps(spec)
    assert "strokeDash" not in text  # dashes mean a partial year, nothing else
    datasets = spec["datasets"].values()
    bands = next(rows for rows in datasets if rows and "what" in rows[0])
    assert [row["what"] for row in bands] == [
        "March 2024: not loaded (no data, not zero)",
        "April 2024: not loaded (no data, not zero)",
    ]
    labels = next(rows for rows in datasets if rows and rows[0].get("text") == "Not loaded")
    assert len(labels) == 1  # one label for the run of two months
