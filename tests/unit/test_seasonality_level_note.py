"""The expected range allows for chance alone: when most months fall outside it, the statement says why
(the general level moved since the earlier years), and says nothing when few do."""

from __future__ import annotations

from datetime import date

import pandas as pd

from csp_data.figures import expected_range as E


def series(levels: dict[int, int], bumps: dict[date, int] | None = None) -> pd.DataFrame:
    """Every month of each year at its level (synthetic test data), with some months changed."""
    bumps = bumps or {}
    rows = [
        {"month": date(y, m, 1), "incidents": bumps.get(date(y, m, 1), level), "loaded": True}
        for y, level in levels.items()
        for m in range(1, 13)
    ]
    frame = pd.DataFrame(rows)
    frame["incidents"] = frame["incidents"].astype("Int64")
    return frame


NOTE = "The range allows for chance alone, not for a change in the general level between years"


def test_a_fall_in_the_general_level_is_named():
    # 2025 at 60 against 100 in 2023 and 2024 (the range about 76 to 124 from two years' mean): every 2025
    # month is below it, 2024's are within theirs.
    text = E.expected_range_statement(E.expected_range(series({2023: 100, 2024: 100, 2025: 60})), "ASB")
    assert "12 of 24 months fell outside it" in text
    assert (
        f"{NOTE}; with 12 of 24 months outside it (the general level has fallen since the earlier years), read it "
        "as a comparison with those years rather than as what to expect."
    ) in text


def test_months_on_both_sides_are_named_so():
    bumps = {date(2025, m, 1): 60 for m in range(1, 7)} | {date(2025, m, 1): 150 for m in range(7, 13)}
    text = E.expected_range_statement(E.expected_range(series({2024: 100, 2025: 100}, bumps)), "ASB")
    assert "with 12 of 12 months outside it (some months above it and some below)" in text


def test_few_months_outside_say_nothing_more():
    text = E.expected_range_statement(E.expected_range(series({2024: 100, 2025: 100}, {date(2025, 3, 1): 150})), "ASB")
    assert "1 of 12 months fell outside it" in text and NOTE not in text


def test_the_overview_names_the_range_by_what_it_comes_from():
    from csp_data.figures.context import _seasonality_row
    from csp_data.periods import Period

    bumps = {date(2025, 5, 1): 150, date(2025, 11, 1): 60}
    text, figure = _seasonality_row(
        series({2024: 100, 2025: 100}, bumps), Period(date(2025, 1, 1), date(2025, 12, 1), "2025")
    )
    # 100 +/- 1.96 * sqrt(200) (the earlier year's count and this one's vary by chance): 73 to 127 within.
    # Named by the months it comes from: a councillor read "from the same month in earlier years" as several.
    assert text == (
        "The busiest month was May 2025 (150; above the range of 73 to 127 expected from May 2024) "
        "and the quietest Nov 2025 (60; below the range of 73 to 127 expected from Nov 2024)."
    )
    assert figure == "May 2025 / Nov 2025"


def test_the_overview_says_when_most_months_fall_outside_their_range():
    """Every month of 2025 below its range (the level fell since 2022): the Overview's row says how to read it,
    as the Seasonality page does, rather than calling the busiest month 'below the range' alone."""
    from csp_data.figures.context import _seasonality_row
    from csp_data.periods import Period

    text, _ = _seasonality_row(series({2024: 100, 2025: 60}, {}), Period(date(2025, 1, 1), date(2025, 12, 1), "2025"))
    assert text.endswith(
        "The range allows for chance alone, not for a change in the general level between years; with 12 of 12 "
        "months outside it (the general level has fallen since the earlier years), read it as a comparison with "
        "those years rather than as what to expect."
    )
