"""The times of year that partners plan for (the school summer holidays, Halloween, Bonfire Night), as
marks on the seasonality charts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from csp_data.periods import fy_position, month_range


@dataclass(frozen=True)
class SeasonalEvent:
    name: str
    first_month: int  # calendar month numbers the event touches
    last_month: int
    when: str
    note: str


SEASONAL_EVENTS = (
    SeasonalEvent(
        "Summer holidays",
        7,
        8,
        "late July to August",
        "School summer holidays: partners plan for increased demand, especially ASB.",
    ),
    SeasonalEvent("Halloween", 10, 10, "31 October", "Shown on the October count."),
    SeasonalEvent(
        "Bonfire Night", 11, 11, "5 November", "Fireworks and deliberate fires; shown on the November count."
    ),
)


def seasonal_event_marks(first: date, last: date, loaded: Iterable[date] | None = None) -> pd.DataFrame:
    """Each seasonal event partners plan for, once per year, that falls between ``first`` and ``last``.

    When ``loaded`` is given, events whose months are none of them loaded are left out: there is
    nothing to read them against.

    Returns ``event``, ``when``, ``note``, ``first_month`` and ``last_month`` (the months whose counts
    include it), for marking on a monthly chart.
    """
    held = None if loaded is None else set(loaded)
    rows = []
    for year in range(first.year, last.year + 1):
        for event in SEASONAL_EVENTS:
            start, end = date(year, event.first_month, 1), date(year, event.last_month, 1)
            if end < first or start > last:
                continue
            if held is not None and not any(m in held for m in month_range(start, end)):
                continue
            rows.append(
                {
                    "event": event.name,
                    "when": f"{event.when} {year}",
                    "note": event.note,
                    "first_month": max(start, first),
                    "last_month": min(end, last),
                }
            )
    return pd.DataFrame(rows, columns=["event", "when", "note", "first_month", "last_month"])


def seasonal_event_positions() -> pd.DataFrame:
    """The events by position in the financial year (April 1 .. March 12), for the overlay chart."""
    return pd.DataFrame(
        [
            {
                "event": e.name,
                "when": e.when,
                "note": e.note,
                "first_position": fy_position(date(2000, e.first_month, 1)),
                "last_position": fy_position(date(2000, e.last_month, 1)),
            }
            for e in SEASONAL_EVENTS
        ]
    )
