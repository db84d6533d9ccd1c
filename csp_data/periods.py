"""Reporting periods: latest 12 months, financial years (April to March), calendar years.

Months are ``datetime.date`` values on the first day of the month. A period knows which of its
months are loaded, so every figure can say whether it rests on a complete or a partial period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from csp_data.errors import CspDataError

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PERIOD_KINDS = ("latest12", "financial", "calendar", "custom")


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after ``month`` (negative for before)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    """Every month from ``first`` to ``last``, both included."""
    months, current = [], first
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def month_label(month: date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def financial_year_start(month: date) -> int:
    """The year in which the financial year holding ``month`` starts (April 2025 -> 2025, March 2025 -> 2024)."""
    return month.year if month.month >= 4 else month.year - 1


def financial_year_label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


@dataclass(frozen=True)
class Period:
    """A run of whole months, both ends included."""

    first: date
    last: date
    label: str

    def __post_init__(self):
        if self.first.day != 1 or self.last.day != 1:
            raise ValueError(f"period months must be first days of months, got {self.first} and {self.last}")
        if self.last < self.first:
            raise ValueError(f"period ends ({self.last}) before it starts ({self.first})")

    @property
    def months(self) -> list[date]:
        return month_range(self.first, self.last)

    @property
    def length(self) -> int:
        return len(self.months)

    @property
    def span_label(self) -> str:
        """'Jan 2025 to Dec 2025' (or one month's name)."""
        if self.first == self.last:
            return month_label(self.first)
        return f"{month_label(self.first)} to {month_label(self.last)}"

    @property
    def in_sentence(self) -> str:
        """The period as it reads within a sentence: 'the latest 12 months', 'financial year 2024/25',
        'Jul 2025 to Dec 2025' (a custom period by its months, whose names keep their capitals)."""
        if not self.label or self.label.startswith("Custom"):
            return self.span_label
        if self.label == "Latest 12 months":
            return "the latest 12 months"
        return self.label[0].lower() + self.label[1:]

    @property
    def lag_months(self) -> int:
        """How far back the comparison period lies: a year for a period of up to 12 months (the same
        months a year earlier, so seasons match), whole years for a longer one (so the two never overlap)."""
        return 12 * -(-self.length // 12)

    def previous(self, lag_months: int | None = None) -> Period:
        """The same months ``lag_months`` earlier (by default :attr:`lag_months`: the year before)."""
        lag = self.lag_months if lag_months is None else lag_months
        years = lag // 12
        label = "the same months a year earlier" if years == 1 else f"the same months {years} years earlier"
        return Period(add_months(self.first, -lag), add_months(self.last, -lag), label)

    def missing_months(self, loaded: Iterable[date]) -> list[date]:
        loaded_set = set(loaded)
        return [m for m in self.months if m not in loaded_set]

    def is_complete(self, loaded: Iterable[date]) -> bool:
        return not self.missing_months(loaded)


def latest_12_months(loaded: Iterable[date]) -> Period:
    """The 12 months ending with the latest loaded month."""
    last = max(loaded)
    return Period(add_months(last, -11), last, "Latest 12 months")


def financial_year(start_year: int) -> Period:
    return Period(
        date(start_year, 4, 1), date(start_year + 1, 3, 1), f"Financial year {financial_year_label(start_year)}"
    )


def calendar_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 1), f"Calendar year {year}")


def custom_period(first: date, last: date) -> Period:
    """Any run of months the user picks, compared (by the change rule) with the same months a year earlier."""
    if last < first:
        raise ValueError(f"the last month ({month_label(last)}) is before the first ({month_label(first)})")
    return Period(first, last, f"Custom: {month_label(first)} to {month_label(last)}")


def available_periods(loaded: Iterable[date]) -> dict[str, list[Period]]:
    """The periods a user can choose, by kind, newest first, for the months loaded.

    A financial or calendar year is offered when at least one of its months is loaded.
    """
    loaded = sorted(set(loaded))
    if not loaded:
        return {kind: [] for kind in PERIOD_KINDS}
    # A custom period is chosen month by month (see csp_data.ui.sidebar); none is listed here.
    financial = sorted({financial_year_start(m) for m in loaded}, reverse=True)
    calendar = sorted({m.year for m in loaded}, reverse=True)
    return {
        "latest12": [latest_12_months(loaded)],
        "financial": [financial_year(y) for y in financial],
        "calendar": [calendar_year(y) for y in calendar],
        "custom": [],
    }


def describe_coverage(period: Period, loaded: Iterable[date]) -> str:
    """One sentence saying whether the period's months are all loaded."""
    missing = period.missing_months(loaded)
    if period.length == 1:
        return f"{period.span_label}: {'not loaded' if missing else 'loaded'}."
    if not missing:
        return f"{period.span_label}: all {period.length:,} months loaded."
    held = period.length - len(missing)
    if held == 0:
        return f"{period.span_label}: no months loaded."
    return (
        f"{period.span_label}: partial, {held} of {period.length:,} months loaded (missing {describe_months(missing)})."
    )


def named_coverage(period: Period, coverage: str) -> str:
    """``coverage`` (:func:`describe_coverage`) after the period's name: "Financial year 2024/25, Apr 2024 to Mar
    2025: partial, 4 of 12 months loaded …"; a custom period, named by its months, says them once."""
    if not period.label or period.label.startswith("Custom"):
        return coverage
    return f"{period.label}, {coverage}"


def describe_months(months: Iterable[date]) -> str:
    """'Jan 2024 to Apr 2024, Jun 2024' for a set of months, runs joined."""
    months = sorted(set(months))
    runs: list[list[date]] = []
    for month in months:
        if runs and add_months(runs[-1][-1], 1) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(month_label(r[0]) if len(r) == 1 else f"{month_label(r[0])} to {month_label(r[-1])}" for r in runs)


def describe_gaps(loaded: Iterable[date]) -> str:
    """Which months are loaded, and the gaps between the first and the last."""
    loaded = sorted(set(loaded))
    if not loaded:
        return "No months loaded."
    gaps = [m for m in month_range(loaded[0], loaded[-1]) if m not in set(loaded)]
    text = f"Months loaded: {describe_months(loaded)}."
    if gaps:
        text += f" Missing: {describe_months(gaps)}."
    return text


def fy_position(month: date) -> int:
    """Position of ``month`` in its financial year: April 1 .. March 12."""
    return (month.month - 4) % 12 + 1


# -- periods written as text (the command line's --period) --------------------------------------
PERIOD_SYNTAX = "latest, a calendar year (2025), a financial year (2025/26) or months (2025-01..2025-06)"
_CALENDAR_TEXT = re.compile(r"([0-9]{4})", re.ASCII)
_FINANCIAL_TEXT = re.compile(r"([0-9]{4})/([0-9]{2})", re.ASCII)
_MONTHS_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})\.\.([0-9]{4})-([0-9]{2})", re.ASCII)


_ONE_MONTH_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
_SHOWN_LENGTH = 40


def _shown(text: str) -> str:
    """The text as a message quotes it: cut to its first 40 characters (a pasted page, say, echoed whole)."""
    return repr(text) if len(text) <= _SHOWN_LENGTH else repr(text[:_SHOWN_LENGTH]) + f"… ({len(text):,} characters)"


class PeriodError(CspDataError, ValueError):
    """A period written as text that is malformed, unknown, or holds no loaded month."""


def _year_of(year: str, text: str) -> int:
    # date() needs years 1 to 9999; a financial year also needs the year after it.
    if not 1 <= int(year) <= 9998:
        raise PeriodError(f"period {_shown(text)}: {year} is not a year this tool can count")
    return int(year)


def _month_of(year: str, month: str, text: str) -> date:
    _year_of(year, text)
    if not 1 <= int(month) <= 12:
        raise PeriodError(f"period {_shown(text)}: {year}-{month} is not a month (months run from 01 to 12)")
    return date(int(year), int(month), 1)


def _period_from_text(text: str, loaded: list[date]) -> Period:
    if text.lower() == "latest":
        return latest_12_months(loaded)
    if found := _CALENDAR_TEXT.fullmatch(text):
        return calendar_year(_year_of(found[1], text))
    if found := _FINANCIAL_TEXT.fullmatch(text):
        start = _year_of(found[1], text)
        if int(found[2]) != (start + 1) % 100:
            raise PeriodError(
                f"period {_shown(text)}: a financial year runs April to March and is written "
                f"{financial_year_label(start)} (April {start} to March {start + 1})"
            )
        return financial_year(start)
    if found := _MONTHS_TEXT.fullmatch(text):
        first, last = _month_of(found[1], found[2], text), _month_of(found[3], found[4], text)
        if last < first:
            raise PeriodError(f"period {_shown(text)}: the last month ({month_label(last)}) is before the first")
        return custom_period(first, last)
    if found := _ONE_MONTH_TEXT.fullmatch(text):  # one month, written as the months form's ends are
        month = _month_of(found[1], found[2], text)
        raise PeriodError(
            f"period {_shown(text)}: one month is written as a run of one, {text}..{text} ({month_label(month)})"
        )
    raise PeriodError(f"period {_shown(text)} is not one this tool knows: give {PERIOD_SYNTAX}")


def parse_period(text: str, loaded: Iterable[date]) -> Period:
    """The period ``text`` names, checked to hold at least one loaded month.

    Parameters
    ----------
    text : str
        ``latest`` (the 12 months ending with the latest loaded month), ``2025`` (a calendar year),
        ``2025/26`` (a financial year, April 2025 to March 2026) or ``2025-01..2025-06`` (a run of
        months, both ends included).
    loaded : iterable of date
        The months held in the store.

    Raises
    ------
    PeriodError
        For text in none of these forms (a month 13, ``2025/27``, a last month before the first), when
        no month is loaded, or when none of the period's months is loaded. The message names the text.
    """
    loaded = sorted(set(loaded))
    text = text.strip()
    if not loaded:
        raise PeriodError("no police.uk months are loaded: load some with `python -m csp_data ingest PATH`")
    period = _period_from_text(text, loaded)
    if len(period.missing_months(loaded)) == period.length:
        raise PeriodError(
            f"period {_shown(text)} ({period.span_label}) holds no loaded month; months loaded: {describe_months(loaded)}"
        )
    return period
