"""Tests for csp_data.plans.progress: the direction-of-travel status of a series from the one change rule.

The rule at its edges uses hand-built changes (an interval touching no change exactly, one just short of
it) and counts whose 95% interval has a closed form: with none now and ``m`` before, the Clopper–Pearson
upper limit of the ratio is ``40 ** (1 / m) - 1`` (the binomial upper limit ``1 - 0.025 ** (1 / m)``
turned into a ratio), below 1 exactly when ``m >= 6`` (2 ** 5.32 = 40). Monthly fixtures follow the
embedded store's real gap pattern (Jan–Nov 2022, Jan–Apr 2024, Jan–Dec 2025) with sums written out by hand.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from csp_data.change import Change, compare_counts, describe_change, interval_words
from csp_data.periods import Period, calendar_year, financial_year, month_range
from csp_data.plans.progress import (
    PROGRESS_STATUSES,
    direction_of_travel,
    direction_of_travel_status,
    progress_rules_text,
    travel_verdict,
)

LOWER, HIGHER = "lower_is_better", "higher_is_better"


# ---------------------------------------------------------------------------------
# The rule at its edges
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "reduce", "increase"),
    [
        # A fall whose interval ends just below no change: a real fall.
        (Change(90, 100, 0.9, 0.8, 0.9999999), "green", "red"),
        # The interval's upper limit touches no change exactly: within normal variation.
        (Change(90, 100, 0.9, 0.8, 1.0), "amber", "amber"),
        # The lower limit touches no change exactly: within normal variation.
        (Change(110, 100, 1.1, 1.0, 1.2), "amber", "amber"),
        # A rise whose interval starts just above no change: a real rise.
        (Change(110, 100, 1.1, 1.0000001, 1.2), "red", "green"),
        (Change(100, 100, 1.0, 0.9, 1.1), "amber", "amber"),
        # None in either period: no change.
        (Change(0, 0, None, None, None), "amber", "amber"),
        # No month compared.
        (None, "no_data", "no_data"),
    ],
)
def test_status_at_the_edges_mirrored_for_increase_aims(change, reduce, increase):
    assert direction_of_travel_status(change, LOWER) == reduce
    assert direction_of_travel_status(change, HIGHER) == increase


@pytest.mark.parametrize(("previous", "reduce"), [(5, "amber"), (6, "green")])
def test_a_fall_to_none_is_real_from_six(previous, reduce):
    change = compare_counts(0, previous)
    # By hand: the upper limit of the ratio is 40 ** (1 / m) - 1: 1.0913 for 5, 0.8493 for 6.
    assert change.upper == pytest.approx(40 ** (1 / previous) - 1, rel=1e-9)
    assert change.upper == pytest.approx({5: 1.0913, 6: 0.8493}[previous], abs=1e-4)
    assert direction_of_travel_status(change, LOWER) == reduce
    assert direction_of_travel_status(change, HIGHER) == {"amber": "amber", "green": "red"}[reduce]


@pytest.mark.parametrize(
    ("current", "verdict", "reduce", "increase"),
    [(5, "no_change_detected", "amber", "amber"), (6, "rise", "red", "green")],
)
def test_a_rise_from_none_mirrors_the_fall_to_none(current, verdict, reduce, increase):
    change = compare_counts(current, 0)
    assert change.ratio is None and change.verdict == "no_basis"  # the change itself gives no percentage
    assert travel_verdict(change) == verdict
    assert direction_of_travel_status(change, LOWER) == reduce
    assert direction_of_travel_status(change, HIGHER) == increase


def test_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="direction must be one of"):
        direction_of_travel_status(compare_counts(1, 1), "up")


def test_rules_text_names_every_status_and_the_comparison():
    text = " ".join(progress_rules_text())
    for word in ("**Green**", "**Amber**", "**Red**", "**Not rated**"):
        assert word in text
    assert "wholly below no change" in text and "just touches no change counts as amber" in text
    assert "fewer than half of the period's months" in text
    assert PROGRESS_STATUSES == ("green", "amber", "red", "no_data")


# ---------------------------------------------------------------------------------
# A monthly series over the store's gap pattern
# ---------------------------------------------------------------------------------

LOADED = (
    month_range(date(2022, 1, 1), date(2022, 11, 1))
    + month_range(date(2024, 1, 1), date(2024, 4, 1))
    + month_range(date(2025, 1, 1), date(2025, 12, 1))
)


def series_of(values: dict[date, int]) -> pd.DataFrame:
    months = month_range(date(2020, 1, 1), date(2026, 3, 1))
    return pd.DataFrame(
        {
            "month": months,
            "incidents": pd.array([values.get(m) for m in months], dtype="Int64"),
            "loaded": [m in values for m in months],
        }
    )


# 10 a month in 2024 and 2025, 20 a month in 2022.
HALVED = series_of({m: 20 if m.year == 2022 else 10 for m in LOADED})


def test_thin_year_on_year_gives_way_to_three_years():
    progress = direction_of_travel(HALVED, calendar_year(2025), LOWER, "crime")
    # Year on year only Jan–Apr (4 of 12 months); three years back Jan–Nov: 11 x 10 = 110 against 11 x 20 = 220.
    expected = compare_counts(110, 220)
    assert progress.change == expected and progress.status == "green"
    assert progress.comparison == "three-year comparison"
    assert progress.compared == "Jan 2025 to Nov 2025 against Jan 2022 to Nov 2022 (three-year comparison)"
    assert progress.rule_text.startswith(
        "Green: a real fall, as the plan aims (the 95% interval of the change lies wholly below no change). "
        "Comparing only the 11 months loaded in both periods, Jan 2025 to Nov 2025 (110) against "
        f"Jan 2022 to Nov 2022 (220), crime {describe_change(expected)} (95% interval: {interval_words(expected)})."
    )
    assert progress.rule_text.endswith(
        "This is a three-year comparison, because of gaps in the months loaded a year earlier. The year-on-year "
        "comparison covers only 4 of the 12 months (Jan 2025 to Apr 2025), so the longer comparison is used."
    )
    assert progress.status_label == "✔ Green"
    assert progress.change_words == f"fell by 50%, a real fall (95% interval: {interval_words(expected)})"


@pytest.mark.parametrize(("plan_start_year", "before"), [(2024, True), (2023, True), (2022, False), (None, False)])
def test_a_longer_comparison_from_before_the_plan_says_so(plan_start_year, before):
    """Priorities judged against 2022 for a 2024 plan: a councillor read "Red" beside the Overview's "within
    normal variation" as a contradiction; the status now says its earlier months precede the plan."""
    progress = direction_of_travel(HALVED, calendar_year(2025), LOWER, "crime", plan_start_year)
    note = (
        f"Its earlier months (Jan 2022 to Nov 2022) are before the plan began in {plan_start_year}, so the change "
        "is measured from before the plan, not over its years alone."
    )
    assert progress.rule_text.endswith(note) == before
    assert progress.compared == "Jan 2025 to Nov 2025 against Jan 2022 to Nov 2022 (three-year comparison{})".format(
        ", from before the plan" if before else ""
    )
    if not before:
        assert "before the plan" not in progress.rule_text
    year_on_year = direction_of_travel(HALVED, Period(date(2025, 2, 1), date(2025, 3, 1), "Custom"), LOWER, "x", 2030)
    assert "before the plan" not in year_on_year.rule_text  # only a longer comparison says it


def test_increase_aim_mirrored_on_the_same_series():
    progress = direction_of_travel(HALVED, calendar_year(2025), HIGHER, "crime")
    assert progress.status == "red"
    assert progress.rule_text.startswith("Red: a real fall, against the plan's aim of a rise (the 95% interval")


def test_whole_year_on_year_is_used_and_named():
    spring = Period(date(2025, 2, 1), date(2025, 3, 1), "Custom")
    progress = direction_of_travel(HALVED, spring, LOWER, "ASB")
    assert progress.change == compare_counts(20, 20) and progress.status == "amber"
    assert progress.comparison == "year-on-year"
    assert progress.rule_text == (
        "Amber: within normal variation (the 95% interval of the change includes no change). Compared with the "
        "same months a year earlier (Feb 2024 to Mar 2024: 20), ASB was about the same, within normal variation "
        f"(95% interval: {interval_words(compare_counts(20, 20))}): 20 in Feb 2025 to Mar 2025. "
        "Comparison used: year-on-year."
    )


def test_thin_year_on_year_stays_when_no_earlier_year_covers_more():
    # 2024/25: Apr 2024 and Jan–Mar 2025 are loaded; only Jan–Mar pair with 2024 (3 of 12 months). Two years
    # back only April pairs (Apr 2022), three years back only Jan–Mar again (2022): never more than 3.
    progress = direction_of_travel(HALVED, financial_year(2024), LOWER, "crime")
    assert progress.comparison == "year-on-year"
    assert progress.change == compare_counts(30, 30)
    assert progress.rule_text.endswith("Comparison used: year-on-year.")


def test_no_matched_month_is_no_data():
    december = Period(date(2025, 12, 1), date(2025, 12, 1), "Custom")
    progress = direction_of_travel(HALVED, december, LOWER, "crime")
    assert progress.status == "no_data" and progress.change is None and progress.matched is None
    assert progress.rule_text == (
        "Not rated: no month of the period can be compared with the same month of an earlier year. No change is "
        "given for crime: none of the same months a year earlier (Dec 2024) is loaded."
    )
    assert (progress.compared, progress.change_words, progress.comparison) == ("–", "–", "no comparison")
    assert progress.status_label == "○ Not rated"


def test_zero_counts_are_no_change_and_a_rise_from_none_is_judged():
    quiet = series_of({m: 0 for m in LOADED})
    progress = direction_of_travel(quiet, calendar_year(2025), LOWER, "drugs")
    assert progress.status == "amber"
    assert progress.rule_text.startswith("Amber: none in either period, so no change. ")
    assert progress.change_words == "none in either period"
    spring = Period(date(2025, 1, 1), date(2025, 4, 1), "Custom")
    six = series_of({**{m: 0 for m in LOADED}, date(2025, 2, 1): 6})
    progress = direction_of_travel(six, spring, LOWER, "drugs")
    assert progress.status == "red"
    assert progress.rule_text.startswith(
        "Red: a real rise from none, against the plan's aim of a fall (the 95% interval of the change lies "
        "wholly above no change). Compared with the same months a year earlier (Jan 2024 to Apr 2024: 0), drugs "
        "cannot be given as a percentage"
    )
    five = series_of({**{m: 0 for m in LOADED}, date(2025, 2, 1): 5})
    assert direction_of_travel(five, spring, LOWER, "drugs").status == "amber"
    assert direction_of_travel(six, spring, HIGHER, "drugs").status == "green"


# ---------------------------------------------------------------------------------
# The plan's series on a small store built with the real ingest (csp_data.figures.priorities)
# ---------------------------------------------------------------------------------

ASB, VSO, DRUGS, WEAPONS = "Anti-social behaviour", "Violence and sexual offences", "Drugs", "Possession of weapons"
MAR, APR = date(2025, 3, 1), date(2025, 4, 1)
# What the store holds, by month and category. March and April 2025 against March and April 2024:
# ASB 0 against 3 + 3 = 6 (a real fall: upper limit 40 ** (1/6) - 1 = 0.849); violence 6 against none (a
# real rise from none); drugs 0 against 5 (upper limit 1.091: within normal variation); weapons 1 + 1
# against 1 + 1. January 2025 is loaded with nothing a year or more before it; February is not loaded.
STORE = {
    "2024-03": {ASB: 3, DRUGS: 5, WEAPONS: 1},
    "2024-04": {ASB: 3, WEAPONS: 1},
    "2025-01": {ASB: 2, VSO: 1},
    "2025-03": {VSO: 4, WEAPONS: 1},
    "2025-04": {VSO: 2, WEAPONS: 1},
}
STORE_LOADED = [date(2024, 3, 1), date(2024, 4, 1), date(2025, 1, 1), MAR, APR]


@pytest.fixture(scope="module")
def database(tmp_path_factory, medway_points):
    from csp_data.config import load_area
    from csp_data.store import Store
    from csp_data.store.ingest import ingest
    from csp_data.store.queries import Database
    from helpers import MEDWAY_AREA_FILE, csv_bytes, street_row

    area = load_area(MEDWAY_AREA_FILE)
    folder = tmp_path_factory.mktemp("raw")
    point = medway_points["Gillingham South"]
    for month, counts in STORE.items():
        rows = [
            street_row(month, category, *point, crime_id=f"{month}-{category}-{i}")
            for category, n in counts.items()
            for i in range(n)
        ]
        (folder / f"{month}-kent-street.csv").write_bytes(csv_bytes(rows))
    store = Store(tmp_path_factory.mktemp("store"))
    ingest([folder], area, store)
    db = Database(area, store)
    yield db
    db.close()


@pytest.fixture(scope="module")
def plan():
    from csp_data.plans import current_plan, load_plans

    return current_plan(load_plans())


def assert_no_missing_text(table: pd.DataFrame) -> None:
    """No cell is None, NaN or <NA>, and none reads 'None', 'nan' or '' as text."""
    for column in table.columns:
        for cell in table[column]:
            assert cell is not None and not pd.isna(cell), column
            assert str(cell).strip().lower() not in {"none", "nan", "<na>", "nat", ""}, column


PROGRESS_COLUMNS = [
    "priority",
    "indicator",
    "aim",
    "status",
    "status_label",
    "status_text",
    "change",
    "compared",
    "comparison",
    "rule_text",
    "incidents",
    "rate_per_1000",
    "caveat",
]


def test_current_plan_progress_gives_every_status(database, plan):
    from csp_data.figures import priorities as pr

    period = Period(MAR, APR, "Mar to Apr")
    table = pr.current_plan_progress(database.query, plan, period, STORE_LOADED, 2000)
    assert list(table.columns) == PROGRESS_COLUMNS
    # Priority 4 follows no series, so it has no row.
    assert table[
        ["priority", "indicator", "aim", "status", "status_label", "incidents", "rate_per_1000"]
    ].values.tolist() == [
        ["Priority 1: Tackle Anti-Social Behaviour", ASB, "reduce", "green", "✔ Green", 0, "0.0"],
        ["Priority 2: Violence Against Women and Girls", VSO, "reduce", "red", "✖ Red", 6, "3.0"],
        ["Priority 3: Tackle Drugs and Alcohol", DRUGS, "reduce", "amber", "▲ Amber", 0, "0.0"],
        ["Priority 3: Tackle Drugs and Alcohol", WEAPONS, "reduce", "amber", "▲ Amber", 2, "1.0"],
    ]
    asb, vso, drugs, weapons = (row for _, row in table.iterrows())
    fall = compare_counts(0, 6)
    assert asb["status_text"] == (
        "Green: a real fall, as the plan aims (the 95% interval of the change lies wholly below no change)."
    )
    assert asb["rule_text"] == (
        f"{asb['status_text']} Compared with the same months a year earlier (Mar 2024 to Apr 2024: 6), anti-social "
        f"behaviour {describe_change(fall)} (95% interval: {interval_words(fall)}): 0 in Mar 2025 to Apr 2025. "
        "Comparison used: year-on-year."
    )
    assert asb["change"] == f"fell by 100%, a real fall (95% interval: {interval_words(fall)})"
    assert asb["compared"] == "Mar 2025 to Apr 2025 against Mar 2024 to Apr 2024 (year-on-year)"
    assert asb["caveat"].startswith("ASB is not crime") and weapons["caveat"] == "–"
    assert vso["status_text"].startswith("Red: a real rise from none, against the plan's aim of a fall")
    assert vso["change"] == "cannot be given as a percentage: there were none in the previous period"
    assert drugs["status_text"] == (
        "Amber: within normal variation (the 95% interval of the change includes no change)."
    )
    assert weapons["change"].startswith("was about the same, within normal variation")
    figures = pr.indicator_figures(
        database.query, pr.live_series(plan.priority("p24_1"))[0], period, STORE_LOADED, 2000
    )
    assert figures.progress.rule_text == asb["rule_text"] and figures.change_text in asb["rule_text"]
    assert_no_missing_text(table)


def test_an_increase_aim_mirrors_the_status(database, plan):
    import dataclasses

    from csp_data.figures import priorities as pr

    asb = plan.priority("p24_1")
    indicator = dataclasses.replace(asb.tracked_indicators[0], direction="higher_is_better")
    flipped = dataclasses.replace(plan, priorities=(dataclasses.replace(asb, tracked_indicators=(indicator,)),))
    table = pr.current_plan_progress(database.query, flipped, Period(MAR, APR, "x"), STORE_LOADED, None)
    assert table[["indicator", "aim", "status"]].values.tolist() == [[ASB, "increase", "red"]]
    assert table.loc[0, "status_text"].startswith("Red: a real fall, against the plan's aim of a rise")


def test_companion_series_share_the_direction_of_their_indicator(plan):
    import dataclasses

    from csp_data.figures import priorities as pr

    drugs = plan.priority("p24_3")
    indicator = dataclasses.replace(drugs.tracked_indicators[0], direction="higher_is_better")
    series = pr.live_series(dataclasses.replace(drugs, tracked_indicators=(indicator,)))
    assert [(s.label, s.direction) for s in series] == [(DRUGS, "higher_is_better"), (WEAPONS, "higher_is_better")]


def test_no_matched_month_is_no_data_for_every_series(database, plan):
    from csp_data.figures import priorities as pr

    table = pr.current_plan_progress(
        database.query, plan, Period(date(2025, 1, 1), date(2025, 2, 1), "x"), STORE_LOADED, None
    )
    assert list(table["status"]) == ["no_data"] * 4
    assert list(table["rate_per_1000"]) == ["–"] * 4 and list(table["change"]) == ["–"] * 4
    assert list(table["compared"]) == ["–"] * 4 and list(table["comparison"]) == ["no comparison"] * 4
    assert table.iloc[0]["rule_text"] == (
        "Not rated: no month of the period can be compared with the same month of an earlier year. No change is "
        "given for anti-social behaviour: none of the same months a year earlier (Jan 2024 to Feb 2024) is loaded."
    )
    assert_no_missing_text(table)


# ---------------------------------------------------------------------------------
# The plan file's direction, and no "None" in the plan package's tables
# ---------------------------------------------------------------------------------


def test_tracked_indicator_direction_defaults_to_lower_is_better(tmp_path):
    import yaml
    from test_plans import minimal_document

    from csp_data.plans import load_plans

    document = minimal_document()
    document["plans"][0]["priorities"][0]["tracked_indicators"] = [
        {"id": "asb", "name": "ASB", "police_uk_categories": ["Anti-social behaviour"]},
        {"id": "drugs", "name": "Drug offences", "police_uk_categories": ["Drugs"], "direction": "higher_is_better"},
    ]
    path = tmp_path / "plans.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    (priority,) = load_plans(path)[0].priorities
    assert [i.direction for i in priority.tracked_indicators] == ["lower_is_better", "higher_is_better"]


def test_medway_tracked_indicators_aim_to_reduce(plan):
    indicators = [i for p in plan.priorities for i in p.tracked_indicators]
    assert indicators and {i.direction for i in indicators} == {"lower_is_better"}


def test_plan_tables_never_hold_none_or_nan_text():
    """Text left out of the plan file is a dash; only the number columns hold a missing value (a blank in CSV)."""
    from csp_data.plans import actions_frame, kpi_frame, load_plans
    from csp_data.plans.wording import kpi_display_table

    plans = load_plans()
    for frame in (kpi_frame(plans), actions_frame(plans)):
        assert_no_missing_text(frame.drop(columns=["value", "baseline_value"], errors="ignore"))
    kpis = kpi_frame(plans).set_index("kpi_id")
    assert str(kpis["value"].dtype) == "Float64" and str(kpis["baseline_value"].dtype) == "Float64"
    assert kpis.loc["k24_recorded_crime", ["target", "theme", "indicator_code", "priorities"]].tolist() == [
        "–",
        "Crime picture in context",
        "–",
        "–",
    ]
    assert kpis.loc["k24_recorded_crime_rate", "baseline_period"] == "–"
    assert "None" not in kpi_frame(plans).to_csv(index=False)
    actions = actions_frame(plans)
    assert (actions["lead_agency"] == "–").any() and (actions["partners"] == "–").any()
    for plan in plans:
        assert_no_missing_text(kpi_display_table(plan.kpis, plan))
        assert_no_missing_text(kpi_display_table(plan.kpis))
