"""Seasonality and trends: monthly series over every loaded month, made honest about gaps.

Every function here is pure (no Streamlit) and works on a *monthly series*: one row per month from
the first to the last month asked for, with ``incidents`` a nullable integer that is ``<NA>`` for a
month that is not loaded (never 0) and ``loaded`` saying which is which.

Methods, and why
----------------
Expected range
    See :mod:`csp_data.figures.expected_range`.
Smoothed trend
    A centred 3-month moving average, given only where the month and both neighbours are loaded. It
    is reproducible by hand, needs no library, never bridges a gap in the data and never extrapolates
    at the ends (LOESS would do both), and with a year or two of data a 5- or 12-month window would
    leave too few points.
Rolling 12-month totals
    The sum of a month and the 11 before it, given only when all 12 are loaded.
Change over time
    By the one rule of :mod:`csp_data.series` (months loaded in both periods), judged by
    :mod:`csp_data.change`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from csp_data.figures.expected_range import expected_range, expected_range_statement, has_expected_range
from csp_data.figures.seasonal_events import seasonal_event_marks
from csp_data.periods import (
    MONTH_NAMES,
    Period,
    add_months,
    describe_gaps,
    describe_months,
    financial_year_label,
    financial_year_start,
    fy_position,
    month_label,
    month_range,
)
from csp_data.series import (
    ComparableChange,
    Counted,
    _loaded_counts,
    choice_for_key,
    comparable_change,
    comparison_first,
    counted_choices,
    monthly_series,
)

TREND_WINDOW = 3
FY_MONTH_NAMES = MONTH_NAMES[3:] + MONTH_NAMES[:3]  # Apr .. Mar


# -- financial years overlaid -------------------------------------------------------------------


def financial_year_overlay(series: pd.DataFrame) -> pd.DataFrame:
    """One row per month of every financial year (April to March) the series touches.

    Returns
    -------
    DataFrame
        ``financial_year`` ('2024/25'), ``fy_start`` (2024), ``fy_position`` (Apr 1 .. Mar 12),
        ``month_name``, ``month``, ``incidents`` (``<NA>`` when not loaded), ``loaded``,
        ``months_loaded`` and ``partial`` (per financial year), and ``line_label``, the year's
        label with '(partial: n of 12 months)' when it is partial.
    """
    columns = ["financial_year", "fy_start", "fy_position", "month_name", "month", "incidents", "loaded"]
    columns += ["months_loaded", "partial", "line_label"]
    if series.empty:
        return pd.DataFrame(columns=columns)
    counts = _loaded_counts(series)
    first_fy = financial_year_start(series["month"].iloc[0])
    last_fy = financial_year_start(series["month"].iloc[-1])
    rows = []
    for start in range(first_fy, last_fy + 1):
        months = month_range(date(start, 4, 1), date(start + 1, 3, 1))
        held = sum(m in counts for m in months)
        if held == 0:
            continue  # a year with nothing loaded would be an empty line
        label = financial_year_label(start)
        line_label = label if held == 12 else f"{label} (partial: {held} of 12 months)"
        for month in months:
            rows.append(
                {
                    "financial_year": label,
                    "fy_start": start,
                    "fy_position": fy_position(month),
                    "month_name": MONTH_NAMES[month.month - 1],
                    "month": month,
                    "incidents": counts.get(month, pd.NA),
                    "loaded": month in counts,
                    "months_loaded": held,
                    "partial": held < 12,
                    "line_label": line_label,
                }
            )
    frame = pd.DataFrame(rows, columns=columns)
    frame["incidents"] = frame["incidents"].astype("Int64")
    return frame


# -- month x year heat map ----------------------------------------------------------------------


def heat_map_table(series: pd.DataFrame) -> pd.DataFrame:
    """Calendar month by calendar year, every month of every year the series touches.

    Returns ``year``, ``month_number``, ``month_name``, ``month``, ``incidents`` (``<NA>`` when not
    loaded), ``loaded``, and ``year_label`` ('2024 (partial: 4 of 12 months)' for a partial year).
    """
    columns = ["year", "month_number", "month_name", "month", "incidents", "loaded", "year_label"]
    if series.empty:
        return pd.DataFrame(columns=columns)
    counts = _loaded_counts(series)
    rows = []
    for year in range(series["month"].iloc[0].year, series["month"].iloc[-1].year + 1):
        months = month_range(date(year, 1, 1), date(year, 12, 1))
        held = sum(m in counts for m in months)
        year_label = (
            str(year)
            if held == 12
            else f"{year} (not loaded)"
            if held == 0
            else f"{year} (partial: {held} of 12 months)"
        )
        for month in months:
            rows.append(
                {
                    "year": year,
                    "month_number": month.month,
                    "month_name": MONTH_NAMES[month.month - 1],
                    "month": month,
                    "incidents": counts.get(month, pd.NA),
                    "loaded": month in counts,
                    "year_label": year_label,
                }
            )
    frame = pd.DataFrame(rows, columns=columns)
    frame["incidents"] = frame["incidents"].astype("Int64")
    return frame


# -- rolling 12 months --------------------------------------------------------------------------


def rolling_12_months(series: pd.DataFrame) -> pd.DataFrame:
    """Rolling 12-month totals: each month and the 11 before it, only when all 12 are loaded.

    Returns ``month``, ``incidents``, ``months_loaded_in_window`` and ``rolling_12`` (Int64,
    ``<NA>`` unless the whole window is loaded).
    """
    counts = _loaded_counts(series)
    rows = []
    for month in series["month"]:
        window = [add_months(month, -k) for k in range(12)]
        held = [counts[m] for m in window if m in counts]
        rows.append(
            {
                "month": month,
                "incidents": counts.get(month, pd.NA),
                "months_loaded_in_window": len(held),
                "rolling_12": sum(held) if len(held) == 12 else pd.NA,
            }
        )
    frame = pd.DataFrame(rows, columns=["month", "incidents", "months_loaded_in_window", "rolling_12"])
    frame["incidents"] = frame["incidents"].astype("Int64")
    frame["rolling_12"] = frame["rolling_12"].astype("Int64")
    return frame


def rolling_statement(rolling: pd.DataFrame, subject: str) -> str:
    """Where rolling 12-month totals can be given, and why not elsewhere."""
    available = [m for m, v in zip(rolling["month"], rolling["rolling_12"]) if not pd.isna(v)]
    if not available:
        return (
            f"No rolling 12-month total can be given for {subject}: it needs 12 consecutive loaded "
            "months, and the store does not hold them."
        )
    latest = rolling.loc[rolling["month"] == available[-1], "rolling_12"].iloc[0]
    text = (
        f"Rolling 12-month totals are given for {describe_months(available)}: the latest, {subject} in the "
        f"12 months to {month_label(available[-1])}, is {int(latest):,}."
    )
    if len(available) < len(rolling):
        text += " Other months have one or more of their 12 months not loaded, so no total is given for them."
    return text


# -- smoothed trend -----------------------------------------------------------------------------


def centred_moving_average(series: pd.DataFrame, window: int = TREND_WINDOW) -> pd.Series:
    """Centred moving average over ``window`` months (odd), ``NaN`` unless every month in it is loaded.

    ``series`` is a monthly series (one row per month, in order), so a window reaching past either
    end, or over a month not loaded (``<NA>``), has fewer than ``window`` values and gives ``NaN``.
    """
    if window < 1 or window % 2 == 0:
        raise ValueError(f"window should be an odd number of months, got {window!r}")
    counts = series["incidents"].astype("Float64").astype(float)
    trend = counts.rolling(window, center=True, min_periods=window).mean()
    return pd.Series(trend.to_numpy(), index=series.index, dtype=float, name="trend")


def trend_table(series: pd.DataFrame, period: Period, window: int = TREND_WINDOW) -> pd.DataFrame:
    """The months of ``period`` with counts and the centred moving average.

    The average is computed on the whole series, so the period's first and last months use their
    neighbours outside the period when those are loaded.
    """
    frame = series.assign(trend=centred_moving_average(series, window))
    inside = frame[(frame["month"] >= period.first) & (frame["month"] <= period.last)]
    grid = pd.DataFrame({"month": period.months})
    out = grid.merge(inside, on="month", how="left")
    out["loaded"] = out["loaded"].fillna(False).astype(bool)
    out["incidents"] = out["incidents"].astype("Int64")
    return out[["month", "incidents", "loaded", "trend"]]


def small_multiples_table(
    type_counts: pd.DataFrame, loaded: Iterable[date], period: Period, window: int = TREND_WINDOW
) -> pd.DataFrame:
    """Each crime type's monthly counts and trend over ``period`` (ASB is not crime, so not here).

    Every type is counted at once (a month by type table), with the same rules as
    :func:`csp_data.series.monthly_series` and :func:`centred_moving_average`: a loaded month without a
    row counts 0, a month not loaded is ``<NA>``, and the trend may use neighbours outside the period.

    Returns ``crime_type``, ``month``, ``incidents`` (``<NA>`` when not loaded), ``loaded``,
    ``trend``, ordered by the type's total in the period, largest first.
    """
    held = set(loaded)
    columns = ["crime_type", "month", "incidents", "loaded", "trend"]
    crime = type_counts[type_counts["kind"] == "crime"]
    if not held or crime.empty:
        return pd.DataFrame(columns=columns)
    months = month_range(min(min(held), period.first), max(max(held), period.last))
    is_loaded = [m in held for m in months]
    counts = crime.pivot_table(index="month", columns="crime_type", values="incidents", aggfunc="sum")
    counts = counts.reindex(months).fillna(0.0).astype(float)
    counts.loc[[not ok for ok in is_loaded]] = math.nan  # not loaded: missing, never 0
    trend = counts.rolling(window, center=True, min_periods=window).mean()
    inside = [period.first <= m <= period.last for m in months]
    counts, trend = counts.loc[inside], trend.loc[inside]
    totals = counts.sum()
    order = sorted(counts.columns, key=lambda t: (-totals[t], t))
    frame = pd.DataFrame(
        {
            "crime_type": [t for t in order for _ in range(len(counts))],
            "month": list(counts.index) * len(order),
            "incidents": pd.array(counts[order].to_numpy().T.ravel(), dtype="Float64").astype("Int64"),
            "loaded": [ok for ok, keep in zip(is_loaded, inside) if keep] * len(order),
            "trend": trend[order].to_numpy().T.ravel(),
        }
    )
    return frame[columns]


# -- coverage -----------------------------------------------------------------------------------


def coverage_statement(loaded: Iterable[date]) -> str:
    """Which months are loaded, the gaps (shown as gaps, never zeros) and the partial financial years."""
    loaded = sorted(set(loaded))
    if not loaded:
        return "No months are loaded."
    text = describe_gaps(loaded)
    if len(loaded) < len(month_range(loaded[0], loaded[-1])):
        text += " These months are shown as gaps, never as zeros, and no total or change uses them."
    partial = []
    for start in range(financial_year_start(loaded[0]), financial_year_start(loaded[-1]) + 1):
        held = sum(1 for m in loaded if financial_year_start(m) == start)
        if 0 < held < 12:
            partial.append(f"{financial_year_label(start)} ({held} of 12 months)")
    if partial:
        text += " Partial financial years: " + ", ".join(partial) + "."
    return text


# -- everything the page shows ------------------------------------------------------------------


@dataclass
class Seasonality:
    """Every table and statement of the Seasonality page for one series and period."""

    choice: Counted
    choices: list[Counted]
    period: Period
    loaded: list[date]
    series: pd.DataFrame
    overlay: pd.DataFrame
    heat_map: pd.DataFrame
    rolling: pd.DataFrame
    expected: pd.DataFrame
    events: pd.DataFrame
    trend: pd.DataFrame
    change: ComparableChange
    coverage_text: str
    expected_text: str
    rolling_text: str
    partial_years: list[str] = field(default_factory=list)

    @property
    def has_expected_range(self) -> bool:
        return has_expected_range(self.expected)


def build_seasonality(type_counts: pd.DataFrame, loaded: list[date], series_key: str, period: Period) -> Seasonality:
    """Gather the Seasonality page's tables for the series with ``series_key`` and ``period``.

    Parameters
    ----------
    type_counts : DataFrame
        From :func:`csp_data.series.monthly_type_counts`.
    loaded : list of date
        The months held in the store.
    series_key : str
        'asb', 'crime' or 'crime:<crime type>' (see :func:`csp_data.series.counted_choices`).
    period : Period
        The chosen period: the trend and the change use it; the seasonal views use every loaded
        month. (Each crime type's panel is :func:`small_multiples_table`, which needs no series.)

    Raises
    ------
    ValueError
        When no months are loaded. ``KeyError`` for an unknown ``series_key``.
    """
    loaded = sorted(set(loaded))
    if not loaded:
        raise ValueError("no months are loaded; load some with `python -m csp_data ingest PATH`")
    first, last = min(loaded[0], comparison_first(period)), max(loaded[-1], period.last)
    choices = counted_choices(type_counts.loc[type_counts["kind"] == "crime", "crime_type"])
    choice = choice_for_key(series_key, choices)
    series = monthly_series(type_counts, loaded, choice)  # first to last loaded month
    wide = monthly_series(type_counts, loaded, choice, first, last)  # reaches the period and the one before
    expected = expected_range(series)
    rolling = rolling_12_months(series)
    overlay = financial_year_overlay(series)
    return Seasonality(
        choice=choice,
        choices=choices,
        period=period,
        loaded=loaded,
        series=series,
        overlay=overlay,
        heat_map=heat_map_table(series),
        rolling=rolling,
        expected=expected,
        events=seasonal_event_marks(series["month"].iloc[0], series["month"].iloc[-1], loaded),
        trend=trend_table(wide, period),
        change=comparable_change(wide, period, choice.noun),
        coverage_text=coverage_statement(loaded),
        expected_text=expected_range_statement(expected, choice.noun, as_list=True),
        rolling_text=rolling_statement(rolling, choice.noun),
        partial_years=sorted(set(overlay.loc[overlay["partial"], "line_label"])),
    )
