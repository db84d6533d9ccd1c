"""The figures of the Ward map page: ward tables, class breaks, legends, sentences and ward profiles.

Everything here is plain Python over a ``run_query(name, **params) -> DataFrame`` callable (the
:class:`~csp_data.store.queries.Database` itself, or a page's cached wrapper of it), so it is tested
without Streamlit. Change is judged only by :mod:`csp_data.change`.

Class breaks
------------
Ward counts are strongly skewed: in 2025 two town-centre wards had about 3,200 crimes each while
the quietest had about 230. Quantile classes would put 1,700 and 3,300 in the same colour while
splitting near-identical small counts into different colours. Natural breaks (Fisher–Jenks, computed
exactly, which is cheap for a few dozen wards) minimise the spread within each class, so a change of
colour marks a real gap in the values. Equal values are never split between classes (the method runs
on the distinct values, weighted by how often each occurs), and when there are fewer distinct values
than classes each value gets its own class.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from csp_data.change import Change, compare_counts, describe_change
from csp_data.config import Area, WardVintage
from csp_data.periods import Period, describe_coverage, describe_months, month_label
from csp_data.series import (
    ALL_ASB,
    ALL_CRIME,
    Counted,
    MatchedMonths,
    RunQuery,
    matched_months,
    month_runs,
    rate_per_1000,
)
from csp_data.words import percent, rank_phrase

MEASURES = ("count", "rate", "change")
MEASURE_LABELS = {
    "count": "Count",
    "rate": "Rate per 1,000 residents",
    "change": "Change on the previous equal period",
}
TOP_N = 5
DEFAULT_CLASSES = 5

# Viridis (Smith & van der Walt), sampled at nine points, light to dark: perceptually uniform and
# readable with every common colour-vision deficiency and in greyscale. Darker means more.
SEQUENTIAL_PALETTE = (
    "#fde725",
    "#addc30",
    "#5ec962",
    "#28ae80",
    "#21918c",
    "#2c728e",
    "#3b528b",
    "#472d7b",
    "#440154",
)
# ColorBrewer RdBu (5 classes), marked colour-blind safe: blue for a fall, red for a rise.
DIVERGING_PALETTE = ("#0571b0", "#92c5de", "#f7f7f7", "#f4a582", "#ca0020")
NO_DATA_COLOUR = "#bdbdbd"

# Change classes follow the verdict of csp_data.change, so the map only says "real" where the
# 95% interval does.
CHANGE_CLASSES = (
    ("real_fall", "Real fall (95% interval below no change)"),
    ("fall", "Fall within normal variation"),
    ("same", "About the same"),
    ("rise", "Rise within normal variation"),
    ("real_rise", "Real rise (95% interval above no change)"),
)
NO_COMPARISON_LABEL = "No comparison (none in the previous period)"


# --------------------------------------------------------------------------------------------
# What is counted
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------


def period_phrase(period: Period) -> str:
    """How a sentence says when: 'in 2025', 'in 2024/25', 'in the 12 months to Dec 2025', 'in Mar 2025'."""
    first, last = period.first, period.last
    if first.month == 1 and last == date(first.year, 12, 1):
        return f"in {first.year}"
    if first.month == 4 and last == date(first.year + 1, 3, 1):
        return f"in {first.year}/{str(first.year + 1)[-2:]}"
    if first == last:
        return f"in {month_label(first)}"
    if period.length == 12:
        return f"in the 12 months to {month_label(last)}"
    return f"from {month_label(first)} to {month_label(last)}"


def _join_names(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def format_rate(value: float | None) -> str:
    """A rate per 1,000 for reading: one decimal place, two below 10 (so small rates do not all read 0.0)."""
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"


# --------------------------------------------------------------------------------------------
# The ward table
# --------------------------------------------------------------------------------------------


@dataclass
class WardTable:
    """Every ward of one vintage with the figures the map, tooltips and table show.

    ``frame`` columns: ``ward_code, ward_name, incidents, share, rank, tied, population,
    rate_per_1000, rate_rank, previous_incidents, change_percent, change_lower, change_upper,
    change_verdict, change_text`` (one row per ward, wards with none hold 0, ordered by rank).
    """

    frame: pd.DataFrame
    area_name: str
    vintage: WardVintage
    period: Period
    incident_filter: Counted
    area_total: int
    in_no_ward: int
    coverage_text: str
    complete: bool
    has_rates: bool
    area_population: int | None
    population_year: str | None
    area_rate: float | None
    rate_note: str
    previous: Period | None
    change_note: str
    area_change: Change | None
    previous_complete: bool = True  # False when the change compares only some months (both sides shown)
    compared: MatchedMonths | None = None  # the months the change compares (None: no change)

    @property
    def ward_count(self) -> int:
        return len(self.frame)

    def row(self, ward_code: str) -> pd.Series:
        """The figures of one ward; ``KeyError`` naming the vintage when the code is not one of its wards."""
        match = self.frame[self.frame["ward_code"] == ward_code]
        if match.empty:
            raise KeyError(f"ward {ward_code!r} is not one of the {self.vintage.label}")
        return match.iloc[0]


def _ward_counts(run_query: RunQuery, period: Period, incident_filter: Counted, vintage: str) -> pd.DataFrame:
    return run_query(
        "ward_counts",
        first=period.first,
        last=period.last,
        kind=incident_filter.kind,
        crime_type=incident_filter.crime_type,
        vintage=vintage,
    )


def _ward_counts_in(
    run_query: RunQuery, months: tuple[date, ...], incident_filter: Counted, vintage: str
) -> tuple[pd.Series, int]:
    """Incidents per ward code, and the area's total, over the given months (one query per run of months)."""
    by_ward, total = None, 0
    for first, last in month_runs(months):
        counts = _ward_counts(run_query, Period(first, last, ""), incident_filter, vintage)
        part = counts.set_index("ward_code")["incidents"]
        by_ward = part if by_ward is None else by_ward.add(part, fill_value=0)
        total += int(counts["area_incidents"].iloc[0]) if len(counts) else 0
    return (by_ward if by_ward is not None else pd.Series(dtype="int64")), total


def _rate_note(area: Area, vintage: WardVintage, has_rates: bool, area_population: int | None) -> str:
    population = area.population
    if population is None:
        return "Only counts are available: no population file is configured for this area, so no rates are given."
    if not has_rates:
        return (
            f"Only counts are available for the {vintage.label}: population estimates are held only for the "
            f"{area.ward_vintage(population.vintage).label}, so no rates are given for these wards."
        )
    return (
        f"Rates are per 1,000 residents, using {population.cited}; "
        f"{area.short_name} total {area_population:,} residents."
    )


def build_ward_table(
    run_query: RunQuery,
    area: Area,
    vintage: str,
    period: Period,
    incident_filter: Counted,
    loaded: Sequence[date],
) -> WardTable:
    """Count, rate, change and rank for every ward of ``vintage`` over ``period``.

    Rates are given only where the vintage has population figures. Change follows the one rule of
    :func:`csp_data.series.matched_months`: over the months loaded in both this period and the previous
    equal one (``change_note`` says which when not all); with none, the change columns are missing and
    ``change_note`` says why.

    Parameters
    ----------
    run_query : callable
        ``run_query(name, **params) -> DataFrame``.
    vintage : str
        A ward vintage id of ``area`` (e.g. ``"2023"``).
    loaded : sequence of date
        The months held in the store.

    Raises
    ------
    KeyError
        When ``vintage`` is not one of the area's.
    """
    ward_vintage = area.ward_vintage(vintage)
    counts = _ward_counts(run_query, period, incident_filter, vintage)
    frame = counts[["ward_code", "ward_name", "incidents", "share", "rank", "population"]].copy()
    frame["incidents"] = frame["incidents"].astype("int64")
    frame["rank"] = frame["rank"].astype("int64")
    frame["tied"] = frame.duplicated("rank", keep=False)
    area_total = int(counts["area_incidents"].iloc[0]) if len(counts) else 0

    population = pd.to_numeric(frame["population"], errors="coerce")
    has_rates = bool(len(frame)) and bool(population.notna().all()) and bool((population > 0).all())
    if has_rates:
        frame["population"] = population.astype("Int64")
        frame["rate_per_1000"] = frame["incidents"] / population * 1000.0
        frame["rate_rank"] = frame["rate_per_1000"].rank(ascending=False, method="min").astype("Int64")
        area_population = int(population.sum())
    else:
        frame["population"] = pd.Series([pd.NA] * len(frame), dtype="Int64", index=frame.index)
        frame["rate_per_1000"] = np.nan
        frame["rate_rank"] = pd.Series([pd.NA] * len(frame), dtype="Int64", index=frame.index)
        area_population = None

    # The one change rule: the months of the period loaded together with their counterparts a period earlier.
    matched = matched_months(period, loaded)
    previous, change_note = None, f"No change is given for {incident_filter.noun}: {matched.why_none}."
    area_change = None
    if matched.basis != "none":
        previous = matched.previous
        change_note = (
            ""
            if matched.complete
            else (
                f"The change compares only the months loaded in both periods: {describe_months(matched.current_months)} "
                f"against {describe_months(matched.previous_months)}."
            )
        )
        if matched.longer_term:  # no month of the year before is loaded: say how far back the change reaches
            change_note = (
                f"{change_note} This is a {matched.label} ({matched.previous.span_label}), because no month of "
                "the year before is loaded."
            ).strip()
        if matched.complete:
            now_by_ward, now_total = frame.set_index("ward_code")["incidents"], area_total
        else:
            now_by_ward, now_total = _ward_counts_in(run_query, matched.current_months, incident_filter, vintage)
        before_by_ward, before_total = _ward_counts_in(run_query, matched.previous_months, incident_filter, vintage)
        now = frame["ward_code"].map(now_by_ward).fillna(0).astype(int)
        frame["compared_incidents"] = now.astype("Int64")
        frame["previous_incidents"] = frame["ward_code"].map(before_by_ward).fillna(0).astype("Int64")
        changes = [compare_counts(int(a), int(b)) for a, b in zip(now, frame["previous_incidents"])]
        frame["change_percent"] = [np.nan if c.percent is None else c.percent for c in changes]
        frame["change_lower"] = [np.nan if c.lower is None else (c.lower - 1) * 100 for c in changes]
        frame["change_upper"] = [
            np.nan if c.upper is None else (math.inf if math.isinf(c.upper) else (c.upper - 1) * 100) for c in changes
        ]
        frame["change_verdict"] = [c.verdict for c in changes]
        frame["change_text"] = [describe_change(c) for c in changes]
        area_change = compare_counts(now_total, before_total)
    else:
        frame["compared_incidents"] = pd.Series([pd.NA] * len(frame), dtype="Int64", index=frame.index)
        frame["previous_incidents"] = pd.Series([pd.NA] * len(frame), dtype="Int64", index=frame.index)
        for column in ("change_percent", "change_lower", "change_upper"):
            frame[column] = np.nan
        frame["change_verdict"] = ""
        frame["change_text"] = ""

    return WardTable(
        frame=frame.reset_index(drop=True),
        area_name=area.short_name,
        vintage=ward_vintage,
        period=period,
        incident_filter=incident_filter,
        area_total=area_total,
        in_no_ward=area_total - int(frame["incidents"].sum()),
        coverage_text=describe_coverage(period, loaded),
        complete=period.is_complete(loaded),
        has_rates=has_rates,
        area_population=area_population,
        population_year=area.population.year if has_rates and area.population else None,
        area_rate=rate_per_1000(area_total, area_population),
        rate_note=_rate_note(area, ward_vintage, has_rates, area_population),
        previous=previous,
        change_note=change_note,
        previous_complete=matched.complete,
        compared=matched if matched.basis != "none" else None,
        area_change=area_change,
    )


def effective_measure(table: WardTable, requested: str) -> tuple[str, str]:
    """The measure that can be drawn, and why it differs from ``requested`` (empty when it does not).

    Rates fall back to counts for a vintage without population; change falls back to counts when
    there is no fully loaded previous equal period.
    """
    if requested not in MEASURES:
        raise ValueError(f"measure should be one of {', '.join(MEASURES)}, got {requested!r}")
    if requested == "rate" and not table.has_rates:
        return "count", f"{table.rate_note} The map shows counts instead."
    if requested == "change" and table.previous is None:
        return "count", f"{table.change_note} The map shows counts instead."
    if requested == "change":
        return requested, table.change_note  # empty for whole periods; says which months otherwise
    return requested, ""


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------


def ward_summary_sentences(table: WardTable, ward_code: str) -> list[str]:
    """Plain-English statements about one ward, led by e.g. "Gillingham South had the 2nd highest
    count of violence and sexual offences in 2025: 1,234, 8.1% of Medway's total."
    """
    row = table.row(ward_code)
    n = table.ward_count
    noun = table.incident_filter.noun
    when = period_phrase(table.period)
    name = row["ward_name"]
    count = int(row["incidents"])
    partial = "" if table.complete else " (a partial period: not every month is loaded)"
    if table.area_total == 0:
        return [f"No {noun} was recorded in {table.area_name} {when}{partial}."]
    position = rank_phrase(int(row["rank"]), n, "count", tied=bool(row["tied"]))
    sentences = [
        f"{name} had {position} of {noun} of the {n} wards {when}{partial}: {count:,}, "
        f"{row['share']:.1%} of {table.area_name}'s total ({table.area_total:,})."
    ]
    if table.has_rates:
        rate_rank = int(row["rate_rank"])
        tied = int((table.frame["rate_rank"] == rate_rank).sum()) > 1
        sentences.append(
            f"Per 1,000 residents it had {rank_phrase(rate_rank, n, 'rate', tied=tied)}: "
            f"{format_rate(row['rate_per_1000'])}, against {format_rate(table.area_rate)} for "
            f"{table.area_name} as a whole ({int(row['population']):,} residents, {table.population_year} estimate)."
        )
    else:
        sentences.append(table.rate_note)
    if table.previous is not None:
        sentences.append(_change_sentence(table, row, noun, name))
    return sentences


def _change_sentence(table: WardTable, row: pd.Series, noun: str, name: str) -> str:
    """The ward's change, naming what it compares: the previous equal period when every month of both is
    loaded; otherwise the months compared, with both counts (the ward's count for the period is not one side)."""
    before = int(row["previous_incidents"])
    compared = table.compared
    if compared is None or (compared.complete and not compared.longer_term):
        return f"Against the previous equal period ({table.previous.span_label}: {before:,}), {noun} in {name} {row['change_text']}."
    why = compared.label if compared.longer_term else "the months loaded in both periods"
    return (
        f"Comparing {describe_months(compared.current_months)} with {describe_months(compared.previous_months)} "
        f"({why}: {int(row['compared_incidents']):,} against {before:,}), {noun} in {name} {row['change_text']}."
    )


@dataclass(frozen=True)
class TopShare:
    kind: str
    noun: str
    wards: tuple[str, ...]
    incidents: int
    area_total: int

    @property
    def share(self) -> float | None:
        return self.incidents / self.area_total if self.area_total else None

    @property
    def sentence(self) -> str:
        if self.share is None:
            return f"No {self.noun} was recorded in the period."
        return (
            f"The {len(self.wards)} wards with the most {self.noun} ({_join_names(self.wards)}) "
            f"had {percent(self.share, 0)} of it ({self.incidents:,} of {self.area_total:,})."
        )


def top_wards_share(run_query: RunQuery, period: Period, vintage: str, n: int = TOP_N) -> list[TopShare]:
    """The share of all crime, and of all ASB, held by the ``n`` wards with the most of each.

    Wards tied at the ``n``-th place are taken in name order, so exactly ``n`` wards are counted.
    """
    shares = []
    for incident_filter, noun in ((ALL_CRIME, "crime"), (ALL_ASB, "ASB")):
        counts = _ward_counts(run_query, period, incident_filter, vintage)
        top = counts.head(n)
        total = int(counts["area_incidents"].iloc[0]) if len(counts) else 0
        shares.append(TopShare(incident_filter.kind, noun, tuple(top["ward_name"]), int(top["incidents"].sum()), total))
    return shares
