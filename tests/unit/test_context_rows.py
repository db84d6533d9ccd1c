"""The crime picture's rows on the embedded data: a pack for a past period says nothing of later years, and
an annual change that reaches further back than a year says so in its figure too."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from csp_data.config import load_area
from csp_data.figures.context import crime_picture
from csp_data.periods import Period
from csp_data.store import Store
from csp_data.store.queries import Database


@pytest.fixture(scope="module")
def medway():
    area = load_area()
    database = Database(area, Store(area.store_dir))
    yield area, database, database.loaded_months()
    database.close()


def rows(medway, period: Period) -> dict:
    area, database, loaded = medway
    picture = crime_picture(database.query, area, period, loaded, None, None)
    return {aspect: (finding, figure) for aspect, finding, figure in picture.table.itertuples(index=False)}


def test_a_past_period_has_no_later_year_in_its_trend(medway):
    area = medway[0]
    finding, _ = rows(medway, Period(date(2022, 1, 1), date(2022, 11, 1), "Jan to Nov 2022"))["General trend"]
    with duckdb.connect() as con:
        monthly = con.execute(
            f"SELECT count(*) / 11 FROM read_parquet('{area.store_dir}/current/incidents/*/*/*.parquet', "
            "hive_partitioning = true) WHERE kind = 'crime' AND force_slug = 'kent-police' AND month < DATE '2023-01-01'"
        ).fetchone()[0]
    assert finding == (
        f"Average crimes recorded a month, by calendar year loaded: 2022 (Jan 2022 to Nov 2022): {monthly:,.0f} a month."
    )


def test_an_annual_change_reaching_three_years_back_says_so_in_its_figure(medway):
    # May to December 2024 is not loaded: May to November 2025 is compared with May to November 2022.
    finding, figure = rows(medway, Period(date(2025, 5, 1), date(2025, 12, 1), "May to Dec 2025"))["Annual change"]
    assert "This is a three-year comparison" in finding
    assert figure.endswith("% (three-year comparison)")
    _, yearly = rows(medway, Period(date(2025, 1, 1), date(2025, 12, 1), "2025"))["Annual change"]
    assert yearly.endswith("%") and "comparison" not in yearly  # January to April 2024 are loaded: a year back


def test_the_trend_compares_the_same_months_of_the_first_and_last_years(medway):
    # It set 2025's average month (all 12) against 2022's (January to November) and called it a real fall
    # of a year-long rate; now January to November of each, as counted, and each average named by its year.
    area = medway[0]
    finding, figure = rows(medway, Period(date(2025, 1, 1), date(2025, 12, 1), "2025"))["General trend"]
    with duckdb.connect() as con:
        counts = dict(
            con.execute(
                f"SELECT year(month), count(*) FROM read_parquet('{area.store_dir}/current/incidents/*/*/*.parquet', "
                "hive_partitioning = true) WHERE kind = 'crime' AND force_slug = 'kent-police' AND month(month) <= 11 "
                "AND year(month) IN (2022, 2025) GROUP BY ALL"
            ).fetchall()
        )
    fall = round(100 * (1 - counts[2025] / counts[2022]))
    assert (
        f"From 2022 to 2025, over the months of the year loaded in both (Jan to Nov), crime fell by {fall}%" in finding
    )
    # 2022 holds 11 months and 2024 four: each average says over how many (the arrows read as a year's trend).
    assert figure.startswith("2022 (11 months): ") and " → 2024 (4 months): " in figure and " → 2025: " in figure


def test_asb_gets_its_longer_comparison_too(medway):
    # The Overview gave ASB only its 4-month annual change ("rose by 4%, within normal variation") while the
    # Priorities page rated ASB red on the 11 months against 2022; the README promises the longer comparison.
    area, database, loaded = medway
    picture = crime_picture(database.query, area, Period(date(2025, 1, 1), date(2025, 12, 1), "2025"), loaded, None)
    with duckdb.connect() as con:
        now, before = (
            con.execute(
                f"SELECT count(*) FROM read_parquet('{area.store_dir}/current/incidents/*/*/*.parquet', "
                "hive_partitioning = true) WHERE kind = 'asb' AND force_slug = 'kent-police' "
                "AND month BETWEEN ? AND ?",
                [date(year, 1, 1), date(year, 11, 1)],
            ).fetchone()[0]
            for year in (2025, 2022)
        )
    finding, figure = rows(medway, Period(date(2025, 1, 1), date(2025, 12, 1), "2025"))["ASB, longer comparison"]
    assert finding.startswith(
        f"Comparing only the 11 months loaded in both periods, Jan 2025 to Nov 2025 ({now:,}) against Jan 2022 to "
        f"Nov 2022 ({before:,}), anti-social behaviour rose by {round(100 * (now / before - 1))}%"
    )
    assert figure == f"{100 * (now / before - 1):+.1f}% (three-year comparison)"
    assert picture.asb_longer == finding
    # A year whose annual comparison is whole has none.
    assert "ASB, longer comparison" not in rows(medway, Period(date(2024, 1, 1), date(2024, 4, 1), "Jan to Apr 2024"))
