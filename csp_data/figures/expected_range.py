"""The expected range of a month: what the same month in earlier loaded years allows for by chance.

Used by the Seasonality page (its chart and list of months outside the range) and the Overview's crime
picture in context. Like :mod:`csp_data.figures.seasonality`, it works on a *monthly series*, where a
month that is not loaded is ``<NA>`` (never 0).

Method
------
For each month, the same calendar month in up to :data:`MAX_BASELINE_YEARS` earlier years that
are loaded (``k`` of them) gives the expected count, their mean ``m``. Treating counts as Poisson
with an unchanged underlying level, a new count ``y`` differs from ``m`` with variance
``m + m / k`` (its own Poisson noise plus the uncertainty of a mean of ``k`` years), so the 95%
range is ``m ± 1.96 * sqrt(m * (1 + 1/k))``, floored at 0. It needs the month in at least one
earlier year, i.e. two years of that month; with one year the page says more history is needed.
A Poisson band is used rather than the min/max of earlier years because min/max needs several
years to mean anything and says nothing with one; it is narrow for large counts, so a general
rise or fall in the level shows up as many months outside the range, which is worth seeing.
"""

from __future__ import annotations

import math

import pandas as pd

from csp_data.change import Z_95
from csp_data.periods import describe_months, month_label
from csp_data.series import _loaded_counts

MAX_BASELINE_YEARS = 5


def expected_range(series: pd.DataFrame, z: float = Z_95, max_years: int = MAX_BASELINE_YEARS) -> pd.DataFrame:
    """The expected range of each month from the same month in earlier loaded years.

    See the module docstring for the method. Months without the same calendar month loaded in an
    earlier year get no range (``NaN``).

    Returns
    -------
    DataFrame
        ``month``, ``incidents``, ``baseline_years`` (how many earlier years, 0 when none),
        ``baseline_months`` (which, e.g. 'Jan 2023, Jan 2024'), ``expected`` (their mean),
        ``lower``, ``upper``, ``within_from`` and ``within_to`` (the whole counts inside the range,
        ``ceil(lower)`` to ``floor(upper)``, which is how the range is given in words) and
        ``position``: 'above', 'below', 'within' or '' (no range or month not loaded).
    """
    counts = _loaded_counts(series)
    rows = []
    for month in series["month"]:
        earlier = sorted(m for m in counts if m.month == month.month and m.year < month.year)[-max_years:]
        observed = counts.get(month)
        row = {
            "month": month,
            "incidents": observed if observed is not None else pd.NA,
            "baseline_years": len(earlier),
            "baseline_months": ", ".join(month_label(m) for m in earlier),
            "expected": math.nan,
            "lower": math.nan,
            "upper": math.nan,
            "within_from": pd.NA,
            "within_to": pd.NA,
            "position": "",
        }
        if earlier:
            mean = sum(counts[m] for m in earlier) / len(earlier)
            half_width = z * math.sqrt(mean * (1 + 1 / len(earlier)))
            row.update(expected=mean, lower=max(0.0, mean - half_width), upper=mean + half_width)
            row.update(within_from=math.ceil(row["lower"]), within_to=math.floor(row["upper"]))
            if observed is not None:
                row["position"] = (
                    "above" if observed > row["upper"] else "below" if observed < row["lower"] else "within"
                )
        rows.append(row)
    columns = ["month", "incidents", "baseline_years", "baseline_months", "expected", "lower", "upper"]
    frame = pd.DataFrame(rows, columns=columns + ["within_from", "within_to", "position"])
    for column in ("incidents", "within_from", "within_to"):
        frame[column] = frame[column].astype("Int64")
    for column in ("expected", "lower", "upper"):
        frame[column] = frame[column].astype(float)
    return frame


def with_expected_range(expected: pd.DataFrame) -> pd.DataFrame:
    """The loaded months that have an expected range: the months it is drawn and judged for."""
    return expected[(expected["baseline_years"] > 0) & expected["incidents"].notna()]


def has_expected_range(expected: pd.DataFrame) -> bool:
    return not with_expected_range(expected).empty


def _level_note(with_range: pd.DataFrame, outside: pd.DataFrame, as_list: bool) -> str:
    """When most months fall outside the range, what that says: the range allows for chance alone (the
    same month in earlier years, and the variation a count has by chance), not for a change in the general
    level since those years."""
    if len(with_range) < 3 or len(outside) * 2 < len(with_range):
        return ""
    above, below = (int((outside["position"] == side).sum()) for side in ("above", "below"))
    if above and below:
        how = "some months above it and some below"
    else:
        how = "the general level has " + ("risen" if above else "fallen") + " since the earlier years"
    return (
        ("\n\n" if as_list else " ")
        + f"The range allows for chance alone, not for a change in the general level between years; with "
        f"{len(outside)} of {len(with_range)} months outside it ({how}), read it as a comparison with those "
        "years rather than as what to expect."
    )


def level_note(expected: pd.DataFrame) -> str:
    """The note of :func:`expected_range_statement` for months mostly outside their range (empty otherwise)."""
    with_range = with_expected_range(expected)
    outside = with_range[with_range["position"].isin(["above", "below"])]
    return _level_note(with_range, outside, False).strip()


def expected_range_statement(expected: pd.DataFrame, subject: str, as_list: bool = False) -> str:
    """Plain words: where the expected range is drawn, which months fall outside it, or why there is none.

    With ``as_list`` the months outside it are a Markdown list ('- Jan 2024: 296, below the expected 306 to
    410') and the months without a range a paragraph of their own, for the page; otherwise one paragraph.
    """
    if expected.empty:
        return "No months are loaded, so there is no expected range."
    with_range = with_expected_range(expected)
    loaded = expected[expected["incidents"].notna()]
    if with_range.empty:
        return (
            f"No expected range is drawn: it needs the same month in at least one earlier year (two years "
            f"of history), and {subject} has only {describe_months(loaded['month'])} loaded. "
            "More history is needed."
        )
    years = sorted(set(with_range["baseline_years"]))
    years_text = (
        f"{years[0]} earlier year" + ("s" if years[0] > 1 else "")
        if len(years) == 1
        else f"{years[0]} to {years[-1]} earlier years"
    )
    text = (
        f"Expected range (95%, from the same month in {years_text}) shown for {describe_months(with_range['month'])}."
    )
    outside = with_range[with_range["position"].isin(["above", "below"])]
    rows = zip(
        outside["month"], outside["position"], outside["incidents"], outside["within_from"], outside["within_to"]
    )
    if outside.empty:
        text += f" All {len(with_range)} of those months were within it."
    elif as_list:
        text += f" {len(outside)} of {len(with_range)} months fell outside it:\n\n" + "\n".join(
            f"- {month_label(m)}: {int(n):,}, {p} the expected {int(lo):,} to {int(hi):,}" for m, p, n, lo, hi in rows
        )
    else:
        parts = [f"{month_label(m)} {p} ({int(n):,}; expected {int(lo):,} to {int(hi):,})" for m, p, n, lo, hi in rows]
        text += f" {len(outside)} of {len(with_range)} months fell outside it: " + "; ".join(parts) + "."
    text += _level_note(with_range, outside, as_list)
    without = loaded[loaded["month"].isin(set(expected.loc[expected["baseline_years"] == 0, "month"]))]
    if len(without):
        text += (
            ("\n\n" if as_list else " ")
            + f"{describe_months(without['month'])} {'has' if len(without) == 1 else 'have'} no earlier year "
            "loaded for the same month, so no range: more history is needed."
        )
    return text
