from datetime import date

import pytest

from csp_data.periods import (
    Period,
    add_months,
    available_periods,
    calendar_year,
    describe_coverage,
    describe_gaps,
    financial_year,
    financial_year_start,
    latest_12_months,
)


def months(first, last):
    out, m = [], first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def test_add_months_across_year_ends():
    assert add_months(date(2025, 12, 1), 1) == date(2026, 1, 1)
    assert add_months(date(2025, 1, 1), -1) == date(2024, 12, 1)
    assert add_months(date(2025, 3, 1), -14) == date(2024, 1, 1)


def test_financial_year_edges():
    assert financial_year_start(date(2025, 3, 1)) == 2024
    assert financial_year_start(date(2025, 4, 1)) == 2025
    fy = financial_year(2024)
    assert (fy.first, fy.last, fy.label) == (date(2024, 4, 1), date(2025, 3, 1), "Financial year 2024/25")


def test_comparison_period_is_the_same_months_a_year_earlier():
    # Issue 13: a custom range is compared with the same months a year earlier (not the months just
    # before it), so seasons match; a range longer than a year reaches back whole years, never overlapping.
    assert calendar_year(2025).previous() == Period(
        date(2024, 1, 1), date(2024, 12, 1), "the same months a year earlier"
    )
    three = Period(date(2025, 2, 1), date(2025, 4, 1), "x")
    assert (three.previous().first, three.previous().last) == (date(2024, 2, 1), date(2024, 4, 1))
    eighteen = Period(date(2024, 7, 1), date(2025, 12, 1), "x")
    assert eighteen.lag_months == 24
    assert (eighteen.previous().first, eighteen.previous().last) == (date(2022, 7, 1), date(2023, 12, 1))
    assert calendar_year(2025).previous(36) == Period(
        date(2022, 1, 1), date(2022, 12, 1), "the same months 3 years earlier"
    )


def test_periods_offered_for_2025():
    loaded = months(date(2025, 1, 1), date(2025, 12, 1))
    offered = available_periods(loaded)
    assert offered["latest12"] == [latest_12_months(loaded)]
    assert [p.label for p in offered["financial"]] == ["Financial year 2025/26", "Financial year 2024/25"]
    assert [p.label for p in offered["calendar"]] == ["Calendar year 2025"]
    assert available_periods([]) == {"latest12": [], "financial": [], "calendar": [], "custom": []}


def test_coverage_statements_with_the_2024_gap():
    loaded = months(date(2024, 1, 1), date(2024, 4, 1)) + months(date(2025, 1, 1), date(2025, 12, 1))
    assert describe_coverage(calendar_year(2025), loaded) == "Jan 2025 to Dec 2025: all 12 months loaded."
    assert describe_coverage(calendar_year(2024), loaded) == (
        "Jan 2024 to Dec 2024: partial, 4 of 12 months loaded (missing May 2024 to Dec 2024)."
    )
    assert describe_coverage(financial_year(2023), loaded).startswith("Apr 2023 to Mar 2024: partial, 3 of 12")
    assert (
        describe_gaps(loaded)
        == "Months loaded: Jan 2024 to Apr 2024, Jan 2025 to Dec 2025. Missing: May 2024 to Dec 2024."
    )
    assert describe_gaps([]) == "No months loaded."


def test_bad_periods_are_refused():
    with pytest.raises(ValueError, match="ends"):
        Period(date(2025, 2, 1), date(2025, 1, 1), "x")
    with pytest.raises(ValueError, match="first days"):
        Period(date(2025, 2, 3), date(2025, 3, 1), "x")


def test_one_month_and_long_periods_read_as_words_do():
    """The pack said "Comparing only the 1 month loaded", "From Mar 2025, police recorded" and "27 of 2400 months"."""
    from csp_data.series import describe_matched_change, matched_months

    loaded = months(date(2024, 4, 1), date(2024, 4, 1)) + months(date(2025, 1, 1), date(2025, 12, 1))
    quarter = Period(date(2025, 4, 1), date(2025, 6, 1), "Custom")
    _, text = describe_matched_change(matched_months(quarter, loaded), 90, 100, "crime")
    assert text.startswith("Comparing only the one month loaded in both periods, Apr 2025 (90) against Apr 2024 (100)")
    long = Period(date(1900, 1, 1), date(2099, 12, 1), "Custom")
    assert describe_coverage(long, loaded).startswith("Jan 1900 to Dec 2099: partial, 13 of 2,400 months loaded")
