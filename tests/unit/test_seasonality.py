"""Unit tests for csp_data.figures.seasonality and the honest-change method in csp_data.change.

The confidence intervals are checked against values computed here independently: the normal
approximation on the log ratio for large counts, and for small counts the exact interval found by
bisection on binomial tail sums written out below.
"""

from __future__ import annotations

import csv
import math
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from csp_data import series as SR
from csp_data.change import compare_counts, describe_change, interval_words
from csp_data.figures import expected_range as E
from csp_data.figures import seasonal_events
from csp_data.figures import seasonality as S
from csp_data.periods import Period, calendar_year, financial_year, month_range
from csp_data.series import ALL_ASB, ALL_CRIME

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "data" / "raw"
Z = 1.959963984540054


def raw_dir() -> Path:
    if not RAW.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the shared data at {RAW}")
        pytest.skip(f"shared data not found at {RAW}")
    return RAW


def counts_frame(values: dict[date, int], kind: str = "asb", crime_type: str = "Anti-social behaviour") -> pd.DataFrame:
    return pd.DataFrame(
        {"month": list(values), "kind": kind, "crime_type": crime_type, "incidents": list(values.values())}
    )


def asb_series(values: dict[date, int], first: date | None = None, last: date | None = None) -> pd.DataFrame:
    """A monthly ASB series in which exactly the months in ``values`` are loaded."""
    return SR.monthly_series(counts_frame(values), list(values), ALL_ASB, first, last)


def two_year_values() -> dict[date, int]:
    """Jan-Apr 2024 and Jan-Dec 2025 loaded (May-Dec 2024 missing), like the shared raw data."""
    months = month_range(date(2024, 1, 1), date(2024, 4, 1)) + month_range(date(2025, 1, 1), date(2025, 12, 1))
    return {m: 100 + i for i, m in enumerate(months)}


# -- financial years --------------------------------------------------------------------------


def test_financial_year_positions_at_the_march_april_edge():
    assert S.fy_position(date(2025, 3, 1)) == 12
    assert S.fy_position(date(2025, 4, 1)) == 1
    assert S.fy_position(date(2025, 1, 1)) == 10
    series = asb_series({date(2025, 3, 1): 10, date(2025, 4, 1): 20})
    overlay = S.financial_year_overlay(series)
    march = overlay[overlay["month"] == date(2025, 3, 1)].iloc[0]
    april = overlay[overlay["month"] == date(2025, 4, 1)].iloc[0]
    assert (march["financial_year"], march["fy_start"], march["fy_position"], march["month_name"]) == (
        "2024/25",
        2024,
        12,
        "Mar",
    )
    assert (april["financial_year"], april["fy_start"], april["fy_position"], april["month_name"]) == (
        "2025/26",
        2025,
        1,
        "Apr",
    )
    assert march["incidents"] == 10 and april["incidents"] == 20
    # Each year is laid out April..March, one row per month, whether loaded or not.
    assert list(overlay.loc[overlay["fy_start"] == 2024, "month_name"]) == list(S.FY_MONTH_NAMES)
    assert len(overlay) == 24


def test_partial_years_are_labelled_and_missing_months_are_missing_not_zero():
    values = two_year_values()
    series = asb_series(values)
    assert series["month"].iloc[0] == date(2024, 1, 1) and series["month"].iloc[-1] == date(2025, 12, 1)
    gap = series[series["month"].between(date(2024, 5, 1), date(2024, 12, 1))]
    assert len(gap) == 8 and gap["incidents"].isna().all() and not gap["loaded"].any()
    assert (series.loc[series["loaded"], "incidents"] > 0).all()

    overlay = S.financial_year_overlay(series)
    years = overlay.drop_duplicates("financial_year").set_index("financial_year")
    assert years.loc["2023/24", "line_label"] == "2023/24 (partial: 3 of 12 months)"
    assert years.loc["2024/25", "line_label"] == "2024/25 (partial: 4 of 12 months)"  # Apr 2024, Jan-Mar 2025
    assert years.loc["2025/26", "line_label"] == "2025/26 (partial: 9 of 12 months)"
    assert years["partial"].all()
    may_2024 = overlay[overlay["month"] == date(2024, 5, 1)].iloc[0]
    assert pd.isna(may_2024["incidents"]) and not may_2024["loaded"]

    heat = S.heat_map_table(series)
    assert len(heat) == 24
    assert set(heat.loc[heat["year"] == 2024, "year_label"]) == {"2024 (partial: 4 of 12 months)"}
    assert set(heat.loc[heat["year"] == 2025, "year_label"]) == {"2025"}
    assert heat.loc[(heat["year"] == 2024) & (heat["month_number"] >= 5), "incidents"].isna().all()

    assert S.coverage_statement(values) == (
        "Months loaded: Jan 2024 to Apr 2024, Jan 2025 to Dec 2025. Missing: May 2024 to Dec 2024. "
        "These months are shown as gaps, never as zeros, and no total or change uses them. "
        "Partial financial years: 2023/24 (3 of 12 months), 2024/25 (4 of 12 months), 2025/26 (9 of 12 months)."
    )


def test_loaded_month_with_no_incidents_is_zero_but_unloaded_month_is_missing():
    frame = counts_frame({date(2025, 1, 1): 5, date(2025, 3, 1): 7})
    loaded = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]  # Feb loaded, none recorded
    series = SR.monthly_series(frame, loaded, ALL_ASB, date(2024, 12, 1), date(2025, 4, 1))
    assert list(series["incidents"].astype("Float64").fillna(-1)) == [-1, 5, 0, 7, -1]
    assert list(series["loaded"]) == [False, True, True, True, False]


def test_series_choices_keep_asb_apart_and_filter_a_crime_type():
    frame = pd.concat(
        [
            counts_frame({date(2025, 1, 1): 9}),
            counts_frame({date(2025, 1, 1): 4}, "crime", "Burglary"),
            counts_frame({date(2025, 1, 1): 6}, "crime", "Shoplifting"),
        ]
    )
    # One order on every page (issue 12): all crime, ASB, then the categories A-Z.
    choices = SR.counted_choices(frame.loc[frame["kind"] == "crime", "crime_type"])
    assert [c.key for c in choices] == ["crime", "asb", "crime:Burglary", "crime:Shoplifting"]
    one = [date(2025, 1, 1)]
    assert SR.monthly_series(frame, one, ALL_ASB)["incidents"].tolist() == [9]
    assert SR.monthly_series(frame, one, ALL_CRIME)["incidents"].tolist() == [10]
    assert SR.monthly_series(frame, one, SR.choice_for_key("crime:Burglary", choices))["incidents"].tolist() == [4]
    with pytest.raises(KeyError, match="unknown crime type choice 'crime:Arson'"):
        SR.choice_for_key("crime:Arson", choices)


# -- rolling totals, trend, events --------------------------------------------------------------


def test_rolling_12_month_totals_need_all_12_months():
    values = {m: 10 for m in month_range(date(2024, 1, 1), date(2024, 12, 1))}
    values.update({m: 20 for m in month_range(date(2025, 1, 1), date(2025, 3, 1))})
    values.update({m: 30 for m in month_range(date(2025, 5, 1), date(2026, 6, 1))})  # Apr 2025 missing
    rolling = S.rolling_12_months(asb_series(values)).set_index("month")
    assert rolling.loc[date(2024, 11, 1), "rolling_12"] is pd.NA  # only 11 months so far
    assert rolling.loc[date(2024, 12, 1), "rolling_12"] == 120
    assert rolling.loc[date(2025, 3, 1), "rolling_12"] == 9 * 10 + 3 * 20
    # Every window holding April 2025 has no total: from Apr 2025 to Mar 2026.
    assert rolling.loc[date(2025, 4, 1) : date(2026, 3, 1), "rolling_12"].isna().all()
    assert rolling.loc[date(2025, 4, 1), "months_loaded_in_window"] == 11
    assert rolling.loc[date(2026, 4, 1), "rolling_12"] == 12 * 30
    assert rolling.loc[date(2026, 6, 1), "rolling_12"] == 12 * 30
    text = S.rolling_statement(rolling.reset_index(), "ASB")
    assert text.startswith(
        "Rolling 12-month totals are given for Dec 2024 to Mar 2025, Apr 2026 to Jun 2026: the latest, "
        "ASB in the 12 months to Jun 2026, is 360."
    )
    assert "no total is given" in text


def test_rolling_statement_without_twelve_months():
    rolling = S.rolling_12_months(asb_series({date(2025, 1, 1): 3}))
    assert "No rolling 12-month total can be given for ASB" in S.rolling_statement(rolling, "ASB")


def test_centred_moving_average_never_bridges_a_gap():
    values = {
        date(2025, 1, 1): 3,
        date(2025, 2, 1): 6,
        date(2025, 3, 1): 9,
        date(2025, 5, 1): 12,
        date(2025, 6, 1): 15,
        date(2025, 7, 1): 18,
    }
    series = asb_series(values)
    trend = S.centred_moving_average(series).tolist()
    assert math.isnan(trend[0]) and trend[1] == 6.0
    assert all(math.isnan(v) for v in trend[2:5])  # Mar, Apr (missing), May all touch the gap
    assert trend[5] == 15.0 and math.isnan(trend[6])
    with pytest.raises(ValueError, match="odd number"):
        S.centred_moving_average(series, 4)


def test_trend_table_covers_the_period_and_uses_neighbours_outside_it():
    values = {m: m.month for m in month_range(date(2024, 12, 1), date(2025, 4, 1))}
    series = asb_series(values, date(2024, 12, 1), date(2025, 6, 1))
    trend = S.trend_table(series, Period(date(2025, 1, 1), date(2025, 6, 1), "H1"))
    assert list(trend["month"]) == month_range(date(2025, 1, 1), date(2025, 6, 1))
    assert trend.loc[0, "trend"] == pytest.approx((12 + 1 + 2) / 3)
    assert trend["loaded"].tolist() == [True, True, True, True, False, False]
    assert trend["trend"].isna().tolist() == [False, False, False, True, True, True]


def test_seasonal_events_by_month_and_skipped_where_nothing_is_loaded():
    events = seasonal_events.seasonal_event_marks(date(2024, 1, 1), date(2025, 12, 1))
    assert list(events["event"]) == ["Summer holidays", "Halloween", "Bonfire Night"] * 2
    summer = events.iloc[3]
    assert (summer["first_month"], summer["last_month"]) == (date(2025, 7, 1), date(2025, 8, 1))
    assert events.iloc[4]["when"] == "31 October 2025" and events.iloc[4]["first_month"] == date(2025, 10, 1)
    assert events.iloc[5]["when"] == "5 November 2025" and events.iloc[5]["first_month"] == date(2025, 11, 1)
    loaded = list(two_year_values())
    kept = seasonal_events.seasonal_event_marks(date(2024, 1, 1), date(2025, 12, 1), loaded)
    assert list(kept["when"]) == ["late July to August 2025", "31 October 2025", "5 November 2025"]
    positions = seasonal_events.seasonal_event_positions().set_index("event")
    assert positions.loc["Summer holidays", ["first_position", "last_position"]].tolist() == [4, 5]
    assert positions.loc["Halloween", "first_position"] == 7
    assert positions.loc["Bonfire Night", "first_position"] == 8


# -- expected range ---------------------------------------------------------------------------


def test_expected_range_on_a_constructed_three_year_series():
    values = {}
    for year, jan, feb in ((2022, 100, 50), (2023, 120, 70), (2024, 160, 40)):
        values[date(year, 1, 1)] = jan
        values[date(year, 2, 1)] = feb
    series = asb_series(values, date(2022, 1, 1), date(2024, 2, 1))
    expected = E.expected_range(series).set_index("month")

    first = expected.loc[date(2022, 1, 1)]
    assert first["baseline_years"] == 0 and math.isnan(first["expected"]) and first["position"] == ""
    # Jan 2023 from one earlier year: 100 +/- 1.96 * sqrt(100 * 2) = 72.2819 .. 127.7181; 120 is within.
    jan_2023 = expected.loc[date(2023, 1, 1)]
    assert jan_2023["baseline_years"] == 1 and jan_2023["baseline_months"] == "Jan 2022"
    assert jan_2023["expected"] == 100
    assert jan_2023["lower"] == pytest.approx(72.28192351300645, abs=1e-9)
    assert jan_2023["upper"] == pytest.approx(127.71807648699355, abs=1e-9)
    assert jan_2023["position"] == "within"
    # Jan 2024 from two: mean 110, 110 +/- 1.96 * sqrt(110 * 1.5) = 84.8238 .. 135.1762; 160 is above.
    jan_2024 = expected.loc[date(2024, 1, 1)]
    assert jan_2024["baseline_years"] == 2 and jan_2024["baseline_months"] == "Jan 2022, Jan 2023"
    assert jan_2024["expected"] == 110
    assert jan_2024["lower"] == pytest.approx(84.82380677277578, abs=1e-9)
    assert jan_2024["upper"] == pytest.approx(135.17619322722422, abs=1e-9)
    assert jan_2024["position"] == "above"
    # Feb 2023: 50 +/- 1.96 * sqrt(100) = 30.40 .. 69.60, so 70 is above (whole counts 31 to 69 are within).
    feb_2023 = expected.loc[date(2023, 2, 1)]
    assert feb_2023["position"] == "above"
    assert (feb_2023["within_from"], feb_2023["within_to"]) == (31, 69)
    # Feb 2024: mean 60, 60 +/- 1.96 * sqrt(90) = 41.4061 .. 78.5939; 40 is below.
    feb_2024 = expected.loc[date(2024, 2, 1)]
    assert (feb_2024["lower"], feb_2024["upper"]) == pytest.approx((41.40614903086315, 78.59385096913685), abs=1e-9)
    assert feb_2024["position"] == "below"
    # Months with no data in the series (Mar 2022 .. Dec 2023) have a range only if history exists.
    assert pd.isna(expected.loc[date(2022, 3, 1), "incidents"])

    text = E.expected_range_statement(expected.reset_index(), "ASB")
    assert text.startswith(
        "Expected range (95%, from the same month in 1 to 2 earlier years) shown for Jan 2023 to Feb 2023, "
        "Jan 2024 to Feb 2024. 3 of 4 months fell outside it: Feb 2023 above (70; expected 31 to 69); "
        "Jan 2024 above (160; expected 85 to 135); Feb 2024 below (40; expected 42 to 78)."
    )
    assert text.endswith(
        "Jan 2022 to Feb 2022 have no earlier year loaded for the same month, so no range: more history is needed."
    )


def test_expected_range_lower_limit_is_floored_at_zero():
    expected = E.expected_range(
        asb_series({date(2024, 1, 1): 3, date(2025, 1, 1): 0}, date(2024, 1, 1), date(2025, 1, 1))
    )
    row = expected.iloc[-1]
    # 3 +/- 1.96 * sqrt(3 * 2) = -1.80 .. 7.80, floored at 0.
    assert row["lower"] == 0.0 and row["upper"] == pytest.approx(7.80091167635531, abs=1e-9)
    assert (row["within_from"], row["within_to"]) == (0, 7)
    assert row["position"] == "within"


def test_expected_range_baseline_uses_at_most_five_earlier_years():
    values = {date(year, 1, 1): 10 * (year - 2015) for year in range(2016, 2023)}
    expected = E.expected_range(asb_series(values, date(2016, 1, 1), date(2022, 1, 1))).set_index("month")
    row = expected.loc[date(2022, 1, 1)]
    assert row["baseline_years"] == 5
    assert row["baseline_months"] == "Jan 2017, Jan 2018, Jan 2019, Jan 2020, Jan 2021"
    assert row["expected"] == (20 + 30 + 40 + 50 + 60) / 5


def test_one_year_of_history_says_more_is_needed():
    series = asb_series({m: 5 for m in month_range(date(2025, 1, 1), date(2025, 12, 1))})
    expected = E.expected_range(series)
    assert not E.has_expected_range(expected)
    assert E.expected_range_statement(expected, "ASB") == (
        "No expected range is drawn: it needs the same month in at least one earlier year (two years of "
        "history), and ASB has only Jan 2025 to Dec 2025 loaded. More history is needed."
    )


# -- the confidence interval against independent computations ----------------------------------


def binomial_pmf(i: int, n: int, p: float) -> float:
    """P(X = i) for X ~ Binomial(n, p), in logs so that large n does not overflow."""
    if p <= 0.0:
        return 1.0 if i == 0 else 0.0
    if p >= 1.0:
        return 1.0 if i == n else 0.0
    log_choose = math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
    return math.exp(log_choose + i * math.log(p) + (n - i) * math.log1p(-p))


def binomial_upper_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return sum(binomial_pmf(i, n, p) for i in range(k, n + 1))


def binomial_lower_tail(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    return sum(binomial_pmf(i, n, p) for i in range(0, k + 1))


def bisect(f, low: float, high: float, steps: int = 60) -> float:
    """The root of a function that is increasing in [low, high]."""
    for _ in range(steps):
        middle = (low + high) / 2
        if f(middle) < 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def exact_ratio_interval(current: int, previous: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact 95% interval for the ratio of two Poisson means, conditional on the total, by bisection."""
    n = current + previous
    # Lower p: P(X >= current | p) = alpha/2 (that tail increases with p).
    p_low = 0.0 if current == 0 else bisect(lambda p: binomial_upper_tail(current, n, p) - alpha / 2, 0.0, 1.0)
    # Upper p: P(X <= current | p) = alpha/2 (that tail decreases with p).
    p_high = 1.0 if current == n else bisect(lambda p: alpha / 2 - binomial_lower_tail(current, n, p), 0.0, 1.0)
    return p_low / (1 - p_low), (math.inf if p_high >= 1 else p_high / (1 - p_high))


def test_interval_for_the_strategic_assessment_counts_matches_the_normal_approximation():
    change = compare_counts(28526, 31198)
    ratio = 28526 / 31198
    standard_error = math.sqrt(1 / 28526 + 1 / 31198)
    lower, upper = ratio * math.exp(-Z * standard_error), ratio * math.exp(Z * standard_error)
    assert change.ratio == pytest.approx(0.9143534842, abs=1e-9)
    assert change.lower == pytest.approx(lower, abs=5e-4)
    assert change.upper == pytest.approx(upper, abs=5e-4)
    assert round(change.lower, 3) == round(lower, 3) == 0.900
    assert round(change.upper, 3) == round(upper, 3) == 0.929
    assert describe_change(change) == "fell by 9%, a real fall"
    assert interval_words(change) == "between a 10% fall and a 7% fall"


@pytest.mark.parametrize("current, previous", [(0, 5), (1, 1), (3, 10), (10, 3), (7, 2), (12, 20), (30, 18)])
def test_small_count_intervals_are_exact(current, previous):
    lower, upper = exact_ratio_interval(current, previous)
    change = compare_counts(current, previous)
    assert change.lower == pytest.approx(lower, rel=1e-7, abs=1e-12)
    assert change.upper == pytest.approx(upper, rel=1e-7)


def test_wording_follows_the_interval_at_the_threshold():
    previous = 1000
    # The smallest count that is a real rise against 1,000, found independently.
    # (The normal approximation puts it near 1,000 * exp(1.96 * sqrt(2 / 1000)), about 1,092.)
    assert exact_ratio_interval(1080, previous)[0] < 1
    threshold = next(c for c in range(1080, 1110) if exact_ratio_interval(c, previous)[0] > 1)
    assert compare_counts(threshold, previous).verdict == "rise"
    assert compare_counts(threshold - 1, previous).verdict == "no_change_detected"
    assert describe_change(compare_counts(threshold, previous)).endswith(", a real rise")
    assert describe_change(compare_counts(threshold - 1, previous)).endswith(", within normal variation")
    assert exact_ratio_interval(925, previous)[1] > 1
    falls = next(c for c in range(925, 895, -1) if exact_ratio_interval(c, previous)[1] < 1)
    assert compare_counts(falls, previous).verdict == "fall"
    assert compare_counts(falls + 1, previous).verdict == "no_change_detected"
    assert describe_change(compare_counts(falls, previous)).endswith(", a real fall")


def test_wording_examples():
    assert describe_change(compare_counts(103, 100)) == "rose by 3%, within normal variation"
    assert describe_change(compare_counts(91, 100)) == "fell by 9%, within normal variation"
    assert describe_change(compare_counts(9100, 10000)) == "fell by 9%, a real fall"
    assert describe_change(compare_counts(1002, 1000)) == "was about the same, within normal variation"
    assert describe_change(compare_counts(100_400, 100_000)) == "was about the same, within normal variation"
    assert describe_change(compare_counts(1_004_000, 1_000_000)) == "rose by less than 1%, a real rise"
    assert describe_change(compare_counts(0, 0)) == "none in either period"
    assert describe_change(compare_counts(4, 0)).startswith("cannot be given as a percentage")


# -- comparable change ------------------------------------------------------------------------


def test_comparable_change_uses_months_loaded_in_both_periods():
    values = two_year_values()
    series = asb_series(values, date(2024, 1, 1), date(2025, 12, 1))
    result = SR.comparable_change(series, calendar_year(2025), "ASB")
    assert result.basis == "matched" and not result.complete
    assert result.current_months == tuple(month_range(date(2025, 1, 1), date(2025, 4, 1)))
    assert result.previous_months == tuple(month_range(date(2024, 1, 1), date(2024, 4, 1)))
    now = sum(values[m] for m in result.current_months)
    before = sum(values[m] for m in result.previous_months)
    assert (result.change.current, result.change.previous) == (now, before)
    assert result.text == (
        f"Comparing only the 4 months loaded in both periods, Jan 2025 to Apr 2025 ({now:,}) against "
        f"Jan 2024 to Apr 2024 ({before:,}), ASB {describe_change(compare_counts(now, before))} "
        f"(95% interval: {interval_words(compare_counts(now, before))}). Left out: May 2025 to Dec 2025 of "
        "this period and May 2024 to Dec 2024 of the previous one (a month is compared only when it and the "
        "month 12 months earlier are both loaded)."
    )


def test_comparable_change_with_a_partial_current_period():
    series = asb_series(two_year_values(), date(2023, 4, 1), date(2025, 12, 1))
    result = SR.comparable_change(series, financial_year(2024), "ASB")  # Apr 2024 - Mar 2025
    assert result.current_months == tuple(month_range(date(2025, 1, 1), date(2025, 3, 1)))
    assert result.previous_months == tuple(month_range(date(2024, 1, 1), date(2024, 3, 1)))


def test_comparable_change_whole_and_none():
    values = {m: 50 for m in month_range(date(2024, 1, 1), date(2025, 12, 1))}
    series = asb_series(values)
    whole = SR.comparable_change(series, calendar_year(2025), "ASB")
    assert whole.basis == "whole" and whole.complete
    assert whole.text == (
        "Compared with the previous 12 months (Jan 2024 to Dec 2024: 600), ASB was about the same, "
        "within normal variation (95% interval: between an 11% fall and a 12% rise): 600 in Jan 2025 to Dec 2025."
    )
    one_year = asb_series({m: 5 for m in month_range(date(2025, 1, 1), date(2025, 12, 1))})
    none = SR.comparable_change(one_year, calendar_year(2025), "ASB")
    assert none.basis == "none" and none.change is None
    assert none.text == "No change is given for ASB: none of the previous 12 months (Jan 2024 to Dec 2024) is loaded."
    quarter = SR.comparable_change(series, Period(date(2025, 4, 1), date(2025, 6, 1), "Q"), "ASB")
    # Issue 13: a part-year range is compared with the same months a year earlier, so seasons match.
    assert quarter.basis == "whole" and quarter.previous_months == (
        date(2024, 4, 1),
        date(2024, 5, 1),
        date(2024, 6, 1),
    )
    assert quarter.text.startswith("Compared with the same months a year earlier (Apr 2024 to Jun 2024: 150), ASB")


# -- figures against the raw police.uk files --------------------------------------------------


def raw_medway_counts(*folders: Path) -> dict[tuple[date, str], int]:
    """(month, 'asb'|'crime') -> rows whose LSOA name is a Medway LSOA, read with the csv module."""
    counts: dict[tuple[date, str], int] = {}
    for path in sorted(p for folder in folders for p in folder.glob("*-street.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["LSOA name"].rsplit(" ", 1)[0] != "Medway":
                    continue
                month = date.fromisoformat(row["Month"] + "-01")
                kind = "asb" if row["Crime type"] == "Anti-social behaviour" else "crime"
                counts[(month, kind)] = counts.get((month, kind), 0) + 1
    return counts


def test_embedded_store_monthly_series_match_the_raw_files():
    raw = raw_medway_counts(
        raw_dir() / "police_uk_kent_2022", raw_dir() / "police_uk_kent_2024_jan_apr", raw_dir() / "police_uk_kent_2025"
    )
    from csp_data.config import load_area
    from csp_data.store import Store
    from csp_data.store.queries import Database

    area = load_area(None)
    database = Database(area, Store(area.store_dir))
    try:
        loaded = database.loaded_months()
        type_counts = SR.monthly_type_counts(database.query, loaded, calendar_year(2025))
    finally:
        database.close()
    for choice in (ALL_ASB, ALL_CRIME):
        series = SR.monthly_series(type_counts, loaded, choice)
        held = series[series["loaded"]]
        assert dict(zip(held["month"], held["incidents"].astype(int))) == {
            m: n for (m, kind), n in raw.items() if kind == choice.kind
        }
        assert series["incidents"].isna().sum() == 13 + 8  # Dec 2022 – Dec 2023 and May–Dec 2024: gaps, not 0
    asb = SR.monthly_series(type_counts, loaded, ALL_ASB)
    in_2025 = asb[[m.year == 2025 for m in asb["month"]]]
    assert in_2025["incidents"].tolist() == [247, 296, 438, 503, 541, 523, 674, 587, 428, 451, 439, 380]  # SOURCES.md
    assert int(S.rolling_12_months(asb)["rolling_12"].iloc[-1]) == 5507
