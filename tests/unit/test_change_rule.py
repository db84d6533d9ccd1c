"""The one change rule on the embedded store's real gap pattern: Jan–Nov 2022, Jan–Apr 2024, Jan–Dec 2025.

Expected months and sums are written out by hand from the pattern, not computed with the rule's code.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from csp_data import series as SR
from csp_data.periods import Period, calendar_year, financial_year, month_range

LOADED = (
    month_range(date(2022, 1, 1), date(2022, 11, 1))
    + month_range(date(2024, 1, 1), date(2024, 4, 1))
    + month_range(date(2025, 1, 1), date(2025, 12, 1))
)


def series_of(values: dict[date, int]) -> pd.DataFrame:
    months = month_range(min(values), max(values))
    return pd.DataFrame(
        {
            "month": months,
            "incidents": pd.array([values.get(m) for m in months], dtype="Int64"),
            "loaded": [m in values for m in months],
        }
    )


# Each loaded month holds its month number times 10 (2025) or times 20 (2024) or times 30 (2022).
VALUES = {m: m.month * {2022: 30, 2024: 20, 2025: 10}[m.year] for m in LOADED}


def test_calendar_2025_compares_jan_apr_with_2024_year_on_year():
    matched = SR.matched_months(calendar_year(2025), LOADED)
    assert matched.basis == "matched" and matched.lag == 12 and not matched.longer_term
    assert matched.current_months == tuple(month_range(date(2025, 1, 1), date(2025, 4, 1)))
    assert matched.previous_months == tuple(month_range(date(2024, 1, 1), date(2024, 4, 1)))
    result = SR.comparable_change(series_of(VALUES), calendar_year(2025), "crime")
    # 2025 Jan–Apr: 10+20+30+40 = 100; 2024 Jan–Apr: 20+40+60+80 = 200.
    assert "Jan 2025 to Apr 2025 (100) against Jan 2024 to Apr 2024 (200)" in result.text
    assert result.change.percent == -50.0


def test_financial_2025_26_year_on_year_is_april_only_and_three_years_covers_april_to_november():
    period = financial_year(2025)  # Apr 2025 – Mar 2026: Apr–Dec 2025 loaded; of 2024/25 only Apr 2024 pairs
    primary = SR.matched_months(period, LOADED)
    assert (primary.lag, primary.current_months, primary.previous_months) == (
        12,
        (date(2025, 4, 1),),
        (date(2024, 4, 1),),
    )
    matched = SR.longer_comparison(period, LOADED)
    assert matched.lag == 36 and matched.longer_term and matched.label == "three-year comparison"
    assert matched.current_months == tuple(month_range(date(2025, 4, 1), date(2025, 11, 1)))
    assert matched.previous_months == tuple(month_range(date(2022, 4, 1), date(2022, 11, 1)))
    assert matched.basis == "matched"
    now = sum(VALUES[m] for m in matched.current_months)
    before = sum(VALUES[m] for m in matched.previous_months)
    change, text = SR.describe_matched_change(matched, now, before, "crime")
    result = SR.ComparableChange(period, matched.previous, (), (), change, matched.basis, text)
    # 2025 Apr–Nov: 10*(4+…+11) = 600; 2022 Apr–Nov: 30*(4+…+11) = 1,800.
    assert "Apr 2025 to Nov 2025 (600) against Apr 2022 to Nov 2022 (1,800)" in result.text
    assert "three-year comparison" in result.text
    assert result.change.percent == -200 / 3


def test_latest_12_months_of_2025_with_jan_apr_2024():
    period = Period(date(2025, 1, 1), date(2025, 12, 1), "Latest 12 months")
    assert SR.matched_months(period, LOADED).lag == 12
    longer = SR.longer_comparison(period, LOADED)
    assert longer.lag == 36 and longer.current_months == tuple(month_range(date(2025, 1, 1), date(2025, 11, 1)))
    assert SR.longer_comparison(Period(date(2025, 1, 1), date(2025, 4, 1), "Custom"), LOADED) is None


def test_custom_months_compare_the_same_months_a_year_earlier_or_three():
    spring = Period(date(2025, 2, 1), date(2025, 3, 1), "Custom")
    matched = SR.matched_months(spring, LOADED)
    assert (matched.basis, matched.lag) == ("whole", 12)
    assert matched.previous_months == (date(2024, 2, 1), date(2024, 3, 1))
    summer = Period(date(2025, 6, 1), date(2025, 8, 1), "Custom")
    matched = SR.matched_months(summer, LOADED)
    assert (matched.basis, matched.lag) == ("whole", 36)
    text = SR.comparable_change(series_of(VALUES), summer, "ASB").text
    assert text.startswith("Compared with the same months 3 years earlier (Jun 2022 to Aug 2022: 630), ASB")
    assert text.endswith("This is a three-year comparison, because of gaps in the months loaded a year earlier.")


def test_no_comparison_when_nothing_earlier_within_reach():
    december = Period(date(2025, 12, 1), date(2025, 12, 1), "Custom")
    matched = SR.matched_months(december, LOADED)
    assert matched.basis == "none"
    assert matched.why_none == "none of the same months a year earlier (Dec 2024) is loaded"
    nothing = SR.matched_months(Period(date(2023, 1, 1), date(2023, 6, 1), "Custom"), LOADED)
    assert nothing.basis == "none" and nothing.why_none == "no month of Jan 2023 to Jun 2023 is loaded"


def test_comparison_first_reaches_back_far_enough():
    assert SR.comparison_first(calendar_year(2025)) <= date(2022, 1, 1)
