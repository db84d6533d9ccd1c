"""Tests for csp_data.figures.priorities (the Priorities page's figures) and the plans in words
(csp_data.plans.wording).

Live indicators are checked on a tiny fixture store built with the real ingest from a police.uk
CSV written in the test, with every expected count written out by hand.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from scipy.stats import chi2

from csp_data.change import compare_counts, describe_change, interval_words
from csp_data.figures import priorities as pr
from csp_data.periods import Period
from csp_data.plans import Baseline, Kpi, Source, current_plan, find_kpi, load_plans
from csp_data.plans.wording import (
    action_line,
    format_measure,
    group_actions,
    kpi_display_table,
    rag_counts,
    rag_rules_text,
)
from csp_data.store import Store
from csp_data.store.ingest import ingest
from csp_data.store.queries import Database
from csp_data.ui.priorities import indicator_display, ons_cells
from helpers import MEDWAY_AREA_FILE, csv_bytes, street_row

JAN, FEB, MAR, APR, MAY, JUN = (date(2025, m, 1) for m in range(1, 7))
ASB, VSO, DRUGS, WEAPONS = "Anti-social behaviour", "Violence and sexual offences", "Drugs", "Possession of weapons"

# What the fixture store holds, by month and category. May is not loaded at all; of 2024, only March,
# April and June (the counterparts, a year earlier, that the change rule compares).
FIXTURE = {
    "2024-03": {ASB: 3},
    "2024-04": {ASB: 1},
    "2024-06": {ASB: 6},
    "2025-01": {ASB: 3, VSO: 2, DRUGS: 1},
    "2025-02": {ASB: 1, DRUGS: 2, WEAPONS: 1},
    "2025-03": {ASB: 4, VSO: 1, WEAPONS: 2},
    "2025-04": {ASB: 2, DRUGS: 3},
    "2025-06": {ASB: 5},
}


@pytest.fixture(scope="module")
def database(tmp_path_factory, medway_points):
    from csp_data.config import load_area

    area = load_area(MEDWAY_AREA_FILE)
    folder = tmp_path_factory.mktemp("raw")
    point = medway_points["Gillingham South"]
    for month, counts in FIXTURE.items():
        rows = [
            street_row(month, category, *point, crime_id=f"{month}-{category}-{i}")
            for category, n in counts.items()
            for i in range(n)
        ]
        # A row outside Medway, which the ingest drops: it must not be counted.
        rows.append(street_row(month, DRUGS, 0.52, 51.27, "Maidstone 014D"))
        (folder / f"{month}-kent-street.csv").write_bytes(csv_bytes(rows))
    store = Store(tmp_path_factory.mktemp("store"))
    ingest([folder], area, store, allow_empty=True)  # a month loaded with no rows in the area is part of the fixture
    db = Database(area, store)
    yield db
    db.close()


@pytest.fixture(scope="module")
def plans():
    return load_plans()


@pytest.fixture(scope="module")
def plan(plans):
    return current_plan(plans)


LOADED = [date(2024, 3, 1), date(2024, 4, 1), date(2024, 6, 1), JAN, FEB, MAR, APR, JUN]


# ---------------------------------------------------------------------------------
# The SQL query behind the live indicators
# ---------------------------------------------------------------------------------


def test_indicator_monthly_rows(database):
    frame = database.query("indicator_monthly", first=JAN, last=JUN, crime_types=[DRUGS, WEAPONS])
    got = [(m.date(), t, n) for m, t, n in frame.itertuples(index=False)]
    # Every loaded month appears for each category, with 0 where none; May (not loaded) does not appear.
    assert got == [
        (JAN, DRUGS, 1),
        (JAN, WEAPONS, 0),
        (FEB, DRUGS, 2),
        (FEB, WEAPONS, 1),
        (MAR, DRUGS, 0),
        (MAR, WEAPONS, 2),
        (APR, DRUGS, 3),
        (APR, WEAPONS, 0),
        (JUN, DRUGS, 0),
        (JUN, WEAPONS, 0),
    ]


def test_indicator_monthly_respects_the_period_and_unknown_categories(database):
    frame = database.query("indicator_monthly", first=FEB, last=MAR, crime_types=[ASB, "No such category"])
    got = [(m.date(), t, n) for m, t, n in frame.itertuples(index=False)]
    assert got == [(FEB, ASB, 1), (FEB, "No such category", 0), (MAR, ASB, 4), (MAR, "No such category", 0)]


# ---------------------------------------------------------------------------------
# Live indicator figures
# ---------------------------------------------------------------------------------


def test_asb_figures_with_an_honest_change(database):
    period = Period(MAR, APR, "Mar to Apr")
    figures = pr.indicator_figures(database.query, pr.series_for_category(ASB), period, LOADED, 1000)
    assert figures.count == 6  # 4 + 2
    assert figures.months_loaded == 2
    assert figures.rate_per_1000 == 6.0  # 6 incidents among 1,000 residents
    assert list(figures.monthly["incidents"]) == [4, 2]
    assert figures.previous == Period(date(2024, 3, 1), date(2024, 4, 1), "the same months a year earlier")
    assert figures.previous_count == 4  # 3 + 1 in March and April 2024
    expected = compare_counts(6, 4)
    assert figures.change == expected
    # The one change rule's sentence (csp_data.series), the same as every page's.
    assert figures.change_text == (
        "Compared with the same months a year earlier (Mar 2024 to Apr 2024: 4), anti-social behaviour "
        f"{describe_change(expected)} (95% interval: {interval_words(expected)}): 6 in Mar 2025 to Apr 2025."
    )
    assert figures.coverage_text == "Mar 2025 to Apr 2025: all 2 months loaded."


def test_missing_month_is_missing_not_zero(database):
    period = Period(APR, JUN, "Apr to Jun")
    figures = pr.indicator_figures(database.query, pr.series_for_category(ASB), period, LOADED, None)
    assert figures.count == 7  # 2 in April, 5 in June; May is not loaded
    assert figures.rate_per_1000 is None
    assert list(figures.monthly["month"]) == [APR, MAY, JUN]
    assert figures.monthly["incidents"].tolist() == [2, pd.NA, 5]
    assert list(figures.monthly["loaded"]) == [True, False, True]
    # The one change rule (issues 12, 13): April and June are compared with April and June 2024, their
    # counterparts a year earlier (1 + 6); May, not loaded, is left out (the Overview gives this change too).
    assert figures.change == compare_counts(7, 7)
    assert figures.change_text.startswith("Comparing only the 2 months loaded in both periods, Apr 2025, Jun 2025 (7)")
    assert "Left out: May 2025 of this period" in figures.change_text
    assert pr.describe_missing(figures) == "Not loaded, so not counted (missing, not zero): May 2025."
    shown = indicator_display(pr.indicator_table([figures]))
    assert list(shown["incidents"]) == ["2", "not loaded", "5"]
    assert not shown.isna().any().any() and not shown.isin(["None", "nan", ""]).any().any()
    assert figures.coverage_text == "Apr 2025 to Jun 2025: partial, 2 of 3 months loaded (missing May 2025)."


def test_previous_period_not_loaded_gives_no_change(database):
    figures = pr.indicator_figures(database.query, pr.series_for_category(DRUGS), Period(JAN, FEB, "x"), LOADED, None)
    assert figures.count == 3
    assert figures.change is None
    assert "none of the same months a year earlier (Jan 2024 to Feb 2024) is loaded" in figures.change_text


def test_drugs_and_weapons_series_and_table(database, plan):
    period = Period(JAN, APR, "Jan to Apr")
    series = pr.live_series(plan.priority("p24_3"))
    assert [s.label for s in series] == [DRUGS, WEAPONS]
    figures = [pr.indicator_figures(database.query, s, period, LOADED, 2000) for s in series]
    assert [f.count for f in figures] == [6, 3]  # drugs 1+2+0+3 (March is a loaded zero), weapons 0+1+2+0
    assert [f.rate_per_1000 for f in figures] == [3.0, 1.5]
    table = pr.indicator_table(figures)
    assert list(table.columns) == ["series", "month", "incidents", "loaded"]
    assert table.values.tolist() == [
        [DRUGS, JAN, 1, True],
        [DRUGS, FEB, 2, True],
        [DRUGS, MAR, 0, True],
        [DRUGS, APR, 3, True],
        [WEAPONS, JAN, 0, True],
        [WEAPONS, FEB, 1, True],
        [WEAPONS, MAR, 2, True],
        [WEAPONS, APR, 0, True],
    ]


def test_violence_series_counts_only_its_category(database, plan):
    (series,) = pr.live_series(plan.priority("p24_2"))
    figures = pr.indicator_figures(database.query, series, Period(JAN, JUN, "H1"), LOADED, None)
    assert series.label == VSO and series.kind == "crime"
    assert figures.count == 3


# ---------------------------------------------------------------------------------
# Which series and ONS groups follow each priority, and what open data cannot show
# ---------------------------------------------------------------------------------


def test_live_series_of_the_current_plan(plan):
    by_priority = {p.number: pr.live_series(p) for p in plan.priorities}
    assert [(s.label, s.kind) for s in by_priority[1]] == [(ASB, "asb")]
    assert [(s.label, s.kind) for s in by_priority[2]] == [(VSO, "crime")]
    assert [(s.label, s.kind) for s in by_priority[3]] == [(DRUGS, "crime"), (WEAPONS, "crime")]
    assert by_priority[4] == ()
    assert by_priority[1][0].colour == "#D55E00"  # ASB keeps its Okabe-Ito colour
    assert {s.direction for series in by_priority.values() for s in series} == {"lower_is_better"}


def test_ons_groups_of_the_current_plan(plan):
    groups = {p.number: pr.ons_groups(p) for p in plan.priorities}
    assert groups == {
        1: (),
        2: ("Sexual offences", "Stalking and harassment"),
        3: ("Drug offences", "Possession of weapons offences"),
        4: (),
    }


def test_open_data_limits_are_said_plainly(plan):
    limits = {p.number: " ".join(pr.open_data_limits(p)) for p in plan.priorities}
    assert "police.uk does not separate sexual offences or stalking and harassment" in limits[2]
    assert "Open data cannot show reoffending" in limits[4]
    assert "enforcement" in limits[3]
    assert "only the ASB incidents reported to the police" in limits[1]  # any area: no force named in generic text


# ---------------------------------------------------------------------------------
# ONS figures
# ---------------------------------------------------------------------------------


def ons_frame(rows):
    from csp_data.benchmarks import TIDY_COLUMNS

    records = []
    for code, end, group, label, count, population in rows:
        records.append(
            {
                "csp_code": code,
                "csp_name": "Medway",
                "force_code": "E23000032",
                "force_name": "Kent",
                "la_codes": "E06000035",
                "period_end": pd.Timestamp(end),
                "offence_group": group,
                "offence_label": label,
                "parent_group": "total_excl_fraud",
                "count": count,
                "population": population,
                "population_year": 2023,
                "population_source": "test",
                "rate_per_1000": None,
                "published_rate_per_1000": None,
                "source_file": "test",
                "source_table": "C2",
            }
        )
    return pd.DataFrame(records, columns=TIDY_COLUMNS)


def test_ons_indicator_table_rates_intervals_and_change():
    frame = ons_frame(
        [
            ("E22000143", "2024-06-30", "sexual_offences", "Sexual offences", 1100, 280000),
            ("E22000143", "2025-06-30", "sexual_offences", "Sexual offences", 1240, 282700),
            ("E22000143", "2024-12-31", "sexual_offences", "Sexual offences", 1200, 281000),
            ("E22000143", "2025-06-30", "stalking_and_harassment", "Stalking and harassment", 3519, 282700),
            ("E22000999", "2025-06-30", "sexual_offences", "Sexual offences", 99, 100000),  # another CSP
        ]
    )
    table = pr.ons_indicator_table(frame, "E22000143", ["Sexual offences", "Stalking and harassment"])
    assert list(table["offence_group"]) == ["sexual_offences"] * 3 + ["stalking_and_harassment"]
    assert list(table["year_ending"]) == [date(2024, 6, 30), date(2024, 12, 31), date(2025, 6, 30), date(2025, 6, 30)]
    latest = table.iloc[2]
    assert latest["count"] == 1240
    assert latest["rate_per_1000"] == pytest.approx(1240 / 282700 * 1000)
    # Exact Poisson limits, computed here from the chi-squared distribution directly.
    assert latest["rate_lower"] == pytest.approx(chi2.ppf(0.025, 2 * 1240) / 2 / 282700 * 1000)
    assert latest["rate_upper"] == pytest.approx(chi2.ppf(0.975, 2 * 1240 + 2) / 2 / 282700 * 1000)
    # The year ending 12 months earlier (June 2024), not the overlapping December 2024.
    assert latest["previous_year_count"] == 1100
    assert latest["change_percent"] == pytest.approx((1240 / 1100 - 1) * 100)
    assert latest["change"] == describe_change(compare_counts(1240, 1100))
    shown = ons_cells(table)
    assert list(shown.columns) == [
        "Offence group",
        "Year",
        "Offences",
        "Per 1,000 residents (95% interval)",
        "Change on the year before",
    ]
    # Rates to one decimal place, with their interval; counts with thousands separators; years in words.
    lower = chi2.ppf(0.025, 2 * 1240) / 2 / 282700 * 1000
    upper = chi2.ppf(0.975, 2 * 1240 + 2) / 2 / 282700 * 1000
    assert shown.iloc[2].tolist() == [
        "Sexual offences",
        "Year ending June 2025",
        "1,240",
        f"{1240 / 282700 * 1000:.1f} ({lower:.1f} to {upper:.1f})",
        f"{describe_change(compare_counts(1240, 1100))}; 1,100 the year before",
    ]
    assert f"{1240 / 282700 * 1000:.1f} ({lower:.1f} to {upper:.1f})" == "4.4 (4.1 to 4.6)"
    assert shown.iloc[3][["Year", "Change on the year before"]].tolist() == [
        "Year ending June 2025",
        "no figure for the year before",
    ]
    assert not shown.isna().any().any() and not shown.isin(["None", "nan", ""]).any().any()
    stalking = table.iloc[3]
    assert pd.isna(stalking["previous_year_count"]) and stalking["change"] == "no figure for the year before"


def test_ons_indicator_table_from_the_real_c2_extract():
    from csp_data.benchmarks import read_ons_csp_c2_csv
    from helpers import ROOT

    frame = read_ons_csp_c2_csv(ROOT / "tests" / "fixtures" / "benchmarks" / "c2_ye_jun2025_extract.csv")
    table = pr.ons_indicator_table(
        frame,
        "E22000143",
        ["Sexual offences", "Stalking and harassment", "Drug offences", "Possession of weapons offences"],
    )
    # Medway, year ending June 2025, as in the ONS Table C2 extract.
    assert dict(zip(table["offence_label"], table["count"])) == {
        "Sexual offences": 1240,
        "Stalking and harassment": 3519,
        "Drug offences": 1087,
        "Possession of weapons offences": 327,
    }
    assert table["rate_per_1000"].isna().all()  # the CSV carries no population


def test_ons_unknown_group_is_named():
    with pytest.raises(ValueError, match="'Sexual offence' is not an ONS offence group"):
        pr.ons_indicator_table(ons_frame([]), "E22000143", ["Sexual offence"])


def test_find_ons_benchmarks(tmp_path, medway_area):
    from csp_data.benchmarks import write_benchmarks

    frame, note = pr.find_ons_benchmarks(medway_area, tmp_path / "store")
    if frame is None:
        assert "No ONS community safety partnership table" in note
    written = ons_frame([("E22000143", "2025-06-30", "drug_offences", "Drug offences", 1087, 282700)])
    path = write_benchmarks(written, tmp_path / "store")
    frame, note = pr.find_ons_benchmarks(medway_area, tmp_path / "store")
    assert note == str(path)
    assert list(frame["count"]) == [1087]


# ---------------------------------------------------------------------------------
# KPI tables and RAG in words
# ---------------------------------------------------------------------------------


def kpi(value, target, direction="higher_is_better", unit="percent", baseline=None, **extra) -> Kpi:
    return Kpi(
        id="k",
        name="A KPI",
        priorities=(),
        theme=None,
        indicator_code=None,
        unit=unit,
        direction=direction,
        target=target,
        value=value,
        period="2024",
        baseline=baseline,
        reported_outcome=extra.get("outcome"),
        source=Source("doc.txt", "Section"),
        notes=None,
    )


@pytest.mark.parametrize(
    ("value", "status", "words"),
    [
        (75, "green", "✔ Green: target met"),
        (71.25, "amber", "▲ Amber: target missed by no more than 5% of it"),
        (71.24, "red", "✖ Red: target missed by more than 5%"),
        (None, "no_data", "○ Not rated: no figure published"),
    ],
)
def test_status_words_at_the_edges(value, status, words):
    table = kpi_display_table([kpi(value, 75)])
    assert table.loc[0, "rag"] == status
    assert table.loc[0, "status"] == words
    assert table.loc[0, "target"] == "at least 75%"


def test_direction_targets_in_words():
    better = kpi(2321, "reduce", "lower_is_better", "count", Baseline(5229, "2007/08"))
    same = kpi(5229, "reduce", "lower_is_better", "count", Baseline(5229, "2007/08"))
    worse = kpi(6000, "reduce", "lower_is_better", "count", Baseline(5229, "2007/08"))
    no_baseline = kpi(10, "increase", "higher_is_better", "count")
    table = kpi_display_table([better, same, worse, no_baseline])
    assert list(table["status"]) == [
        "✔ Green: better than the baseline",
        "▲ Amber: no better than the baseline, within 5% of it",
        "✖ Red: worse than the baseline by more than 5%",
        "○ Not rated: no baseline to judge the direction against",
    ]
    assert table.loc[0, "target"] == "reduce (from 5,229 in 2007/08)"
    assert table.loc[3, "target"] == "increase (no earlier figure given)"


def test_seed_kpis_in_the_table(plans):
    ids = [
        "k16_flytipping_cleared_next_day",
        "k16_adult_orders_completed",
        "k16_young_offenders_reoffending_6m",
        "k16_asb_repeat_victims",
        "k09_asb_incidents",
        "k24_recorded_crime",
        "k24_recorded_crime_rate",
    ]
    plan_2016 = next(p for p in plans if p.id == "csp_2016_20")
    table = kpi_display_table([find_kpi(plans, i) for i in ids], plan_2016)
    rows = table.set_index("kpi")
    fly = rows.loc["Fly-tipping incidents cleared by the next working day"]
    assert (fly["target"], fly["latest_value"], fly["status"]) == ("at least 75%", "83%", "✔ Green: target met")
    assert fly["reported_in_words"] == "reported as met or exceeded"
    orders = rows.loc["Adult offenders successfully completing community orders and licences"]
    assert (orders["target"], orders["latest_value"], orders["rag"]) == ("at least 70%", "82%", "green")
    young = rows.loc["Young offenders reoffending within 6 months of finishing their intervention"]
    assert (young["target"], young["latest_value"], young["rag"]) == ("at most 50%", "31%", "green")
    repeat = rows.loc["Change in repeat victims of ASB"]
    assert (repeat["target"], repeat["latest_value"]) == ("a fall of at least 5%", "not published")
    assert repeat["status"] == "○ Not rated: no figure published"
    asb_2009 = rows.loc["ASB incidents (police codes 370/371)"]
    assert (asb_2009["latest_value"], asb_2009["rag"]) == ("2,321", "green")
    crime = rows.loc["Recorded crime"]
    assert (crime["target"], crime["latest_value"], crime["status"]) == (
        "none set",
        "28,526",
        "○ Not rated: no target set",
    )
    assert rows.loc["Recorded crime rate per 1,000 residents", "latest_value"] == "99.9 per 1,000"
    assert fly["priority"] == "Tackle antisocial behaviour (ASB) and envirocrime (previous plan priority)"


def test_rag_counts_of_the_plans(plans):
    counts = {p.id: rag_counts(p.kpis) for p in plans}
    assert counts["csp_2024_28"] == {"green": 0, "amber": 0, "red": 0, "no_data": 16}
    assert counts["csp_2016_20"] == {"green": 6, "amber": 0, "red": 0, "no_data": 13}
    assert counts["csp_2009_12"] == {"green": 3, "amber": 0, "red": 0, "no_data": 18}


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (83, "percent", "83%"),
        (51.5, "percent", "51.5%"),
        (-9, "percent_change", "-9%"),
        (5, "percent_change", "+5%"),
        (0, "percent_change", "0%"),
        (28526, "count", "28,526"),
        (99.9, "rate_per_1000", "99.9 per 1,000"),
        (None, "count", "not published"),
    ],
)
def test_format_measure(value, unit, text):
    assert format_measure(value, unit) == text


def test_rules_text_states_no_data_as_its_own_state():
    text = " ".join(rag_rules_text())
    assert "**Not rated**: its own state" in text and "71.25%" in text and "5%" in text


# ---------------------------------------------------------------------------------
# Actions and plans
# ---------------------------------------------------------------------------------


def test_actions_grouped_with_aims_apart(plan):
    groups = group_actions(plan.priority("p24_1"))
    assert (len(groups["done"]), len(groups["will_do"]), len(groups["aims"])) == (9, 1, 3)
    assert all(a.source.section.startswith("Aims and items to note") for _, a in groups["aims"])
    assert not any(a.source.section.startswith("Aims and items to note") for _, a in groups["will_do"])
    total = sum(len(o.actions) for o in plan.priority("p24_1").objectives)
    assert total == 13


def test_action_line_names_the_lead_and_partners(plan):
    groups = group_actions(plan.priority("p24_1"))
    lines = [action_line(a) for _, a in groups["done"]]
    assert any(line.endswith("(lead: Medway Council Community Safety Team; with Kent Police)") for line in lines)


def test_previous_plans_newest_first(plans):
    assert [p.id for p in pr.previous_plans(plans)] == ["csp_2016_20", "csp_2009_12"]
    assert [k.id for k in pr.unassigned_kpis(current_plan(plans))] == [
        "k24_recorded_crime",
        "k24_recorded_crime_rate",
        "k24_recorded_crime_change",
        "k24_under25_public_place_violence",
    ]
