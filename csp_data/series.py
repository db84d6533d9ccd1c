"""What to count, monthly series, and the one rule for change over time.

Every page counts one of the same things — all crime, anti-social behaviour (never added to crime) or
one police.uk crime type — offered in one order (:func:`counted_choices`), and states change over time
by one rule: :func:`matched_months` pairs each month of a period with the month one period earlier and
keeps the pairs where both are loaded, so a period is compared with the previous one when both are
whole, and otherwise over just the months loaded in both (Jan–Apr 2025 against Jan–Apr 2024), saying
so. The comparison itself is judged by :mod:`csp_data.change`.

A *monthly series* has one row per month from the first to the last month asked for, with
``incidents`` a nullable integer that is ``<NA>`` for a month that is not loaded (never 0) and
``loaded`` saying which is which.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from csp_data.change import Change, compare_counts, describe_change, interval_words
from csp_data.periods import Period, add_months, describe_months, month_range
from csp_data.words import number_word, plural

#: What figures and the scrutiny pack read the store through, defined here once: ``Database.query``
#: (csp_data.store.queries) or the app's cached ``run_query`` (csp_data.ui.context), which take the same
#: query names and parameters.
RunQuery = Callable[..., pd.DataFrame]
ASB_CRIME_TYPE = "Anti-social behaviour"


@dataclass(frozen=True)
class Counted:
    """What a figure counts: all crime, all ASB, or one police.uk crime category.

    ``crime_type`` is None for every category of ``kind``; ``noun`` is how a sentence names it
    ("the most crime", "anti-social behaviour rose by 3%").
    """

    kind: str
    crime_type: str | None
    label: str
    noun: str

    @property
    def key(self) -> str:
        """'crime', 'asb' or 'crime:<category>': stable, for widgets and links."""
        return self.kind if self.crime_type is None else f"{self.kind}:{self.crime_type}"


ALL_CRIME = Counted("crime", None, "All crime", "crime")
ALL_ASB = Counted("asb", None, "Anti-social behaviour (ASB)", "anti-social behaviour")


def crime_type_counted(crime_type: str) -> Counted:
    # police.uk category names are plain words, so they read well in lower case within a sentence.
    return Counted("crime", crime_type, crime_type, crime_type[:1].lower() + crime_type[1:])


def counted_choices(crime_types: Iterable[str]) -> list[Counted]:
    """The choices every page offers, in one order: all crime, ASB, then each crime category A–Z.

    Parameters
    ----------
    crime_types : iterable of str
        The police.uk categories held (ASB, if listed, is left out: it has its own choice).
    """
    categories = sorted({c for c in crime_types if c and c != ASB_CRIME_TYPE})
    return [ALL_CRIME, ALL_ASB] + [crime_type_counted(c) for c in categories]


def choice_for_key(key: str, choices: Sequence[Counted]) -> Counted:
    """The choice with ``key``; a ``KeyError`` naming the known keys otherwise."""
    for choice in choices:
        if choice.key == key:
            return choice
    raise KeyError(f"unknown crime type choice {key!r}; known: {', '.join(c.key for c in choices)}")


def rate_per_1000(count: int, population: int | None) -> float | None:
    """Incidents per 1,000 residents, or None when the population is unknown or zero."""
    if not population:
        return None
    return count / population * 1000.0


# -- monthly series -----------------------------------------------------------------------------


def _as_dates(values: Iterable) -> list[date]:
    return [pd.Timestamp(v).date() for v in values]


def monthly_series(
    type_counts: pd.DataFrame,
    loaded: Iterable[date],
    choice: Counted,
    first: date | None = None,
    last: date | None = None,
) -> pd.DataFrame:
    """Counts of one series for every month from ``first`` to ``last``; months not loaded are ``<NA>``.

    Parameters
    ----------
    type_counts : DataFrame
        ``month, kind, crime_type, incidents`` for loaded months (absent rows count as 0).
    loaded : iterable of date
        The months held in the store (the ledger), first days of months.
    choice : Counted
    first, last : date, optional
        The months to cover; by default the first and last loaded month.

    Returns
    -------
    DataFrame
        ``month`` (date), ``incidents`` (Int64, ``<NA>`` when not loaded), ``loaded`` (bool).
    """
    loaded_set = set(loaded)
    if first is None or last is None:
        if not loaded_set:
            return pd.DataFrame({"month": [], "incidents": pd.array([], dtype="Int64"), "loaded": []})
        first = first or min(loaded_set)
        last = last or max(loaded_set)
    rows = type_counts[type_counts["kind"] == choice.kind]
    if choice.crime_type is not None:
        rows = rows[rows["crime_type"] == choice.crime_type]
    by_month = rows.groupby(_as_dates(rows["month"]))["incidents"].sum() if len(rows) else pd.Series(dtype="int64")
    months = month_range(first, last)
    counts = [int(by_month.get(m, 0)) if m in loaded_set else pd.NA for m in months]
    return pd.DataFrame(
        {
            "month": months,
            "incidents": pd.array(counts, dtype="Int64"),
            "loaded": [m in loaded_set for m in months],
        }
    )


def _loaded_counts(series: pd.DataFrame) -> dict[date, int]:
    held = series[series["loaded"]]
    return dict(zip(held["month"], held["incidents"].astype(int)))


def monthly_type_counts(run_query: RunQuery, loaded: list[date], period: Period) -> pd.DataFrame:
    """Counts by month, kind and crime type over every loaded month, the period and the one before it.

    Raises
    ------
    ValueError
        When no months are loaded.
    """
    loaded = sorted(set(loaded))
    if not loaded:
        raise ValueError("no months are loaded; load some with `python -m csp_data ingest PATH`")
    first, last = min(loaded[0], comparison_first(period)), max(loaded[-1], period.last)
    type_counts = run_query("monthly_type_counts", first=first, last=last)
    type_counts["month"] = _as_dates(type_counts["month"])
    return type_counts


# -- the one change rule ------------------------------------------------------------------------


#: How many years back a change may reach when no month of the year before is loaded: far enough for a
#: store with a gap of a few years (2025 against 2022), labelled as a longer comparison whenever used.
MAX_COMPARE_YEARS = 5


@dataclass(frozen=True)
class MatchedMonths:
    """The months a change compares: each month of ``period`` loaded together with its counterpart
    ``lag`` months earlier. ``basis`` is 'whole' (every month of both), 'matched' (some) or 'none'.
    ``lag`` is the period's own :attr:`~csp_data.periods.Period.lag_months` (the year before) unless no
    month of that year is loaded; then it is the nearest earlier year with matching months
    (:attr:`longer_term`), e.g. April–November 2025 against April–November 2022."""

    period: Period
    previous: Period
    current_months: tuple[date, ...]
    previous_months: tuple[date, ...]
    basis: str
    why_none: str = ""
    lag: int = 12

    @property
    def complete(self) -> bool:
        return self.basis == "whole"

    @property
    def years(self) -> int:
        return self.lag // 12

    @property
    def longer_term(self) -> bool:
        """True when the comparison reaches further back than the year before (a gap in the data)."""
        return self.lag > self.period.lag_months

    @property
    def label(self) -> str:
        """'year-on-year' or, for a longer reach, e.g. 'three-year comparison'."""
        return "year-on-year" if self.years == 1 else f"{number_word(self.years)}-year comparison"


def _pairs(period: Period, held: set[date], lag: int) -> list[tuple[date, date]]:
    return [(m, add_months(m, -lag)) for m in period.months if m in held and add_months(m, -lag) in held]


def _matched(period: Period, pairs: list[tuple[date, date]], lag: int) -> MatchedMonths:
    return MatchedMonths(
        period,
        period.previous(lag),
        tuple(p[0] for p in pairs),
        tuple(p[1] for p in pairs),
        "whole" if len(pairs) == period.length else "matched",
        lag=lag,
    )


def _why_none(period: Period, held: set[date]) -> str:
    previous = period.previous()
    held_before = [m for m in previous.months if m in held]
    if not any(m in held for m in period.months):
        return f"no month of {period.span_label} is loaded"
    if not held_before:
        if period.lag_months == period.length:
            return f"none of the previous {period.length:,} months ({previous.span_label}) is loaded"
        return f"none of {previous.label} ({previous.span_label}) is loaded"
    return (
        f"no month of {period.span_label} has its counterpart {period.lag_months} months earlier loaded "
        f"(loaded before: {describe_months(held_before)})"
    )


def matched_in(period: Period, loaded: Iterable[date], lag: int) -> MatchedMonths:
    """Pair each month of ``period`` with the month ``lag`` months earlier and keep the pairs where both are
    loaded (basis 'none', saying why, when no pair is): the one rule, for a chosen earlier period."""
    pairs = _pairs(period, set(loaded), lag)
    if pairs:
        return _matched(period, pairs, lag)
    previous = period.previous(lag)
    why = f"no month of {period.span_label} is loaded together with its month of {previous.span_label}"
    return MatchedMonths(period, previous, (), (), "none", why, lag)


def matched_months(period: Period, loaded: Iterable[date]) -> MatchedMonths:
    """Pair each month of ``period`` with the same month a year earlier (for a period longer than a
    year, the period's length in whole years earlier); keep the pairs where both months are loaded.

    When no pair is loaded, the nearest earlier year that has some (up to :data:`MAX_COMPARE_YEARS`
    back) is compared instead and the result says so (:attr:`MatchedMonths.longer_term`)."""
    held = set(loaded)
    base = period.lag_months
    for lag in range(base, base + 12 * MAX_COMPARE_YEARS, 12):
        pairs = _pairs(period, held, lag)
        if pairs:
            return _matched(period, pairs, lag)
        if not any(m in held for m in period.months):
            break
    return MatchedMonths(period, period.previous(), (), (), "none", _why_none(period, held), base)


def longer_comparison(period: Period, loaded: Iterable[date]) -> MatchedMonths | None:
    """A comparison further back than :func:`matched_months` gives, when it covers more months: the
    nearest earlier year (up to :data:`MAX_COMPARE_YEARS` back) with more matched months, e.g. for
    2025/26, April 2025 only against April 2024 year-on-year, but April–November against 2022. None when
    no earlier year covers more."""
    held = set(loaded)
    primary = matched_months(period, held)
    for lag in range(primary.lag + 12, period.lag_months + 12 * MAX_COMPARE_YEARS, 12):
        pairs = _pairs(period, held, lag)
        if len(pairs) > len(primary.current_months):
            return _matched(period, pairs, lag)
    return None


def comparison_first(period: Period) -> date:
    """The earliest month any comparison of ``period`` may need (for fetching a series wide enough)."""
    return add_months(period.first, -(period.lag_months + 12 * (MAX_COMPARE_YEARS - 1)))


def month_runs(months: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive months as (first, last) runs, so that a query over scattered months runs per run."""
    runs: list[list[date]] = []
    for month in sorted(set(months)):
        if runs and add_months(runs[-1][-1], 1) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return [(run[0], run[-1]) for run in runs]


def describe_matched_change(matched: MatchedMonths, now: int, before: int, subject: str) -> tuple[Change, str]:
    """Judge and word a change counted over ``matched``'s months (``now`` against ``before``)."""
    period, previous, lag = matched.period, matched.previous, matched.lag
    change = compare_counts(now, before)
    interval = f" (95% interval: {interval_words(change)})" if change.lower is not None else ""
    longer = (
        f" This is a {matched.label}, because of gaps in the months loaded a year earlier."
        if matched.longer_term
        else ""
    )
    if matched.complete:
        against = f"the previous {lag} months" if lag == period.length and not matched.longer_term else previous.label
        text = (
            f"Compared with {against} ({previous.span_label}: {before:,}), {subject} "
            f"{describe_change(change)}{interval}: {now:,} in {period.span_label}."
        )
        return change, text + longer
    left_out_now = [m for m in period.months if m not in matched.current_months]
    left_out_before = [m for m in previous.months if m not in matched.previous_months]
    text = (
        f"Comparing only the {'one month' if len(matched.current_months) == 1 else plural(len(matched.current_months), 'month')} loaded in both periods, "
        f"{describe_months(matched.current_months)} ({now:,}) against {describe_months(matched.previous_months)} "
        f"({before:,}), {subject} {describe_change(change)}{interval}. Left out: {describe_months(left_out_now)} "
        f"of this period and {describe_months(left_out_before)} of the previous one (a month is compared only when "
        f"it and the month {lag} months earlier are both loaded)."
    )
    return change, text + longer


@dataclass(frozen=True)
class ComparableChange:
    """A change between a period and the previous equal period, over the months loaded in both."""

    period: Period
    previous: Period
    current_months: tuple[date, ...]  # the months compared, in this period
    previous_months: tuple[date, ...]  # their counterparts, one period earlier
    change: Change | None
    basis: str  # 'whole' (every month in both), 'matched' (only months loaded in both) or 'none'
    text: str

    @property
    def complete(self) -> bool:
        return self.basis == "whole"


def comparable_change(series: pd.DataFrame, period: Period, subject: str) -> ComparableChange:
    """Compare ``period`` with the previous equal period over the months loaded in both (the one rule,
    :func:`matched_months`), from a monthly series; the sentence says which months were compared.

    Parameters
    ----------
    series : DataFrame
        A monthly series (``month``, ``incidents``, ``loaded``); months outside it count as not loaded.
    period : Period
    subject : str
        Used within the sentence, e.g. 'anti-social behaviour' or 'crime'.
    """
    counts = _loaded_counts(series)
    matched = matched_months(period, counts)
    if matched.basis == "none":
        text = f"No change is given for {subject}: {matched.why_none}."
        return ComparableChange(period, matched.previous, (), (), None, "none", text)
    now = sum(counts[m] for m in matched.current_months)
    before = sum(counts[m] for m in matched.previous_months)
    change, text = describe_matched_change(matched, now, before, subject)
    return ComparableChange(
        period, matched.previous, matched.current_months, matched.previous_months, change, matched.basis, text
    )
