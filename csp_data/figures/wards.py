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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import altair as alt
import numpy as np
import pandas as pd

from csp_data.change import Change, compare_counts, describe_change
from csp_data.config import Area, WardVintage
from csp_data.periods import Period, describe_coverage, describe_months, month_label, month_range
from csp_data.series import ALL_ASB, ALL_CRIME, Counted, matched_months, month_runs, rate_per_1000
from csp_data.words import ordinal

RunQuery = Callable[..., pd.DataFrame]

MEASURES = ("count", "rate", "change")
MEASURE_LABELS = {
    "count": "Count",
    "rate": "Rate per 1,000 residents",
    "change": "Change on the previous equal period",
}
TOP_N = 5
TOP_STREETS = 10
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


def _position(rank: int, tied: bool, total: int, what: str) -> str:
    """'the highest count', 'the joint 2nd highest count', 'the lowest count'."""
    joint = "joint " if tied else ""
    if rank == 1:
        return f"the {joint}highest {what}"
    if rank == total and not tied:
        return f"the lowest {what}"
    return f"the {joint}{ordinal(rank)} highest {what}"


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
        f"Rates are per 1,000 residents, using {population.source} ({population.year}); "
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
        if matched.complete:
            now_by_ward, now_total = frame.set_index("ward_code")["incidents"], area_total
        else:
            now_by_ward, now_total = _ward_counts_in(run_query, matched.current_months, incident_filter, vintage)
        before_by_ward, before_total = _ward_counts_in(run_query, matched.previous_months, incident_filter, vintage)
        now = frame["ward_code"].map(now_by_ward).fillna(0).astype(int)
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
    return requested, ""


# --------------------------------------------------------------------------------------------
# Classes, colours and the legend
# --------------------------------------------------------------------------------------------


def natural_breaks(values: Iterable[float], classes: int = DEFAULT_CLASSES) -> list[float]:
    """Upper bounds of Fisher–Jenks natural-break classes (the last is the maximum).

    Exact: dynamic programming over the distinct values weighted by their frequency, which
    minimises the total squared deviation within classes and never splits equal values.

    Parameters
    ----------
    values : iterable of float
        The values to classify; NaN and None are ignored.
    classes : int
        The number of classes wanted (at least 1); fewer are returned when there are fewer
        distinct values.
    """
    if isinstance(classes, bool) or int(classes) != classes or classes < 1:
        raise ValueError(f"classes should be a whole number of 1 or more, got {classes!r}")
    array = np.asarray([v for v in values if v is not None and not pd.isna(v)], dtype=float)
    if array.size == 0:
        return []
    distinct, weights = np.unique(array, return_counts=True)
    k = min(int(classes), len(distinct))
    if k == len(distinct):
        return [float(v) for v in distinct]
    n = len(distinct)
    w = np.concatenate([[0.0], np.cumsum(weights)])
    s1 = np.concatenate([[0.0], np.cumsum(weights * distinct)])
    s2 = np.concatenate([[0.0], np.cumsum(weights * distinct * distinct)])

    def within(i: int, j: int) -> float:  # distinct[i:j], weighted squared deviation
        weight = w[j] - w[i]
        total = s1[j] - s1[i]
        return s2[j] - s2[i] - total * total / weight

    cost = np.full((k + 1, n + 1), np.inf)
    split = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for c in range(1, k + 1):
        for j in range(c, n + 1):
            best, best_i = np.inf, c - 1
            for i in range(c - 1, j):
                value = cost[c - 1, i] + within(i, j)
                if value < best:  # strict: among equal costs the first split wins, so results are stable
                    best, best_i = value, i
            cost[c, j], split[c, j] = best, best_i
    uppers, j = [], n
    for c in range(k, 0, -1):
        uppers.append(float(distinct[j - 1]))
        j = split[c, j]
    return sorted(uppers)


def quantile_breaks(values: Iterable[float], classes: int = DEFAULT_CLASSES) -> list[float]:
    """Upper bounds of quantile classes, with duplicate bounds (from ties) merged. For comparison."""
    array = np.asarray([v for v in values if v is not None and not pd.isna(v)], dtype=float)
    if array.size == 0:
        return []
    bounds = np.quantile(array, np.linspace(0, 1, classes + 1)[1:], method="inverted_cdf")
    return sorted({float(b) for b in bounds})


def sequential_colours(count: int) -> list[str]:
    """``count`` colours from the sequential palette, light (least) to dark (most), spread evenly."""
    if count <= 0:
        return []
    if count == 1:
        return [SEQUENTIAL_PALETTE[len(SEQUENTIAL_PALETTE) // 2]]
    positions = np.linspace(0, len(SEQUENTIAL_PALETTE) - 1, count).round().astype(int)
    return [SEQUENTIAL_PALETTE[p] for p in positions]


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    wards: int


@dataclass(frozen=True)
class MapClasses:
    """The classes the map is coloured by: a legend and each ward's colour."""

    measure: str
    title: str
    method: str
    entries: tuple[LegendEntry, ...]
    ward_colours: dict[str, str]
    ward_labels: dict[str, str]
    breaks: tuple[float, ...] = ()


def _value_label(value: float, measure: str, decimals: int) -> str:
    return f"{value:,.{decimals}f}" if measure == "rate" else f"{int(round(value)):,}"


def _change_class(verdict: str, percent: float) -> str | None:
    if verdict == "rise":
        return "real_rise"
    if verdict == "fall":
        return "real_fall"
    if verdict == "no_change_detected":
        if round(percent) == 0:
            return "same"
        return "rise" if percent > 0 else "fall"
    return None


def classify_wards(table: WardTable, measure: str, classes: int = DEFAULT_CLASSES) -> MapClasses:
    """Colour classes for the wards of ``table`` on ``measure`` ('count', 'rate' or 'change').

    Counts and rates use natural breaks and the sequential palette; change uses the verdict of
    :func:`csp_data.change.compare_counts` and the diverging palette. Each legend entry gives
    the range of the values actually in its class.

    Raises
    ------
    ValueError
        For an unknown measure, or one the table cannot give (rates without population, change
        without a previous period); use :func:`effective_measure` first.
    """
    frame = table.frame
    codes = list(frame["ward_code"])
    noun = table.incident_filter.noun
    if measure == "change":
        if table.previous is None:
            raise ValueError(f"change cannot be mapped: {table.change_note}")
        keys = [_change_class(v, p) for v, p in zip(frame["change_verdict"], frame["change_percent"])]
        entries, colours, labels = [], {}, {}
        for (key, label), colour in zip(CHANGE_CLASSES, DIVERGING_PALETTE):
            wards = [c for c, k in zip(codes, keys) if k == key]
            entries.append(LegendEntry(label, colour, len(wards)))
            colours.update(dict.fromkeys(wards, colour))
            labels.update(dict.fromkeys(wards, label))
        without = [c for c, k in zip(codes, keys) if k is None]
        if without:
            entries.append(LegendEntry(NO_COMPARISON_LABEL, NO_DATA_COLOUR, len(without)))
            colours.update(dict.fromkeys(without, NO_DATA_COLOUR))
            labels.update(dict.fromkeys(without, NO_COMPARISON_LABEL))
        return MapClasses(
            measure,
            f"Change in {noun}, {table.period.span_label} against {table.previous.span_label}",
            "Classes follow the 95% confidence interval of each ward's change (exact Poisson method).",
            tuple(entries),
            colours,
            labels,
        )
    if measure == "rate":
        if not table.has_rates:
            raise ValueError(f"rates cannot be mapped: {table.rate_note}")
        values = frame["rate_per_1000"].astype(float)
        title = f"{noun.capitalize()} per 1,000 residents"
    elif measure == "count":
        values = frame["incidents"].astype(float)
        title = f"{noun.capitalize()}: number recorded"
    else:
        raise ValueError(f"measure should be one of {', '.join(MEASURES)}, got {measure!r}")
    uppers = natural_breaks(values, classes)
    palette = sequential_colours(len(uppers))
    class_of = np.searchsorted(np.asarray(uppers), values.to_numpy(), side="left")
    # One precision for the whole legend: two decimals only when every rate is below 10.
    decimals = 2 if len(values) and float(values.max()) < 10 else 1
    entries, colours, labels = [], {}, {}
    for index, colour in enumerate(palette):
        in_class = values[class_of == index]
        low, high = float(in_class.min()), float(in_class.max())
        low_text, high_text = _value_label(low, measure, decimals), _value_label(high, measure, decimals)
        label = low_text if low_text == high_text else f"{low_text} to {high_text}"
        wards = [c for c, k in zip(codes, class_of) if k == index]
        entries.append(LegendEntry(label, colour, len(wards)))
        colours.update(dict.fromkeys(wards, colour))
        labels.update(dict.fromkeys(wards, label))
    method = (
        f"Natural breaks (Fisher–Jenks), {len(uppers)} classes"
        if len(uppers) == classes
        else f"{len(uppers)} classes: only {len(uppers)} different values"
    )
    return MapClasses(measure, title, method, tuple(entries), colours, labels, tuple(uppers))


def tooltip_fields(table: WardTable) -> dict[str, dict[str, str]]:
    """Text shown in each ward's tooltip, by ward code: count, rate, rank and change lines."""
    fields = {}
    n = table.ward_count
    noun = table.incident_filter.noun
    for row in table.frame.itertuples(index=False):
        share = "" if pd.isna(row.share) else f" ({row.share:.1%} of {table.area_name})"
        rank = f"Rank {'joint ' if row.tied else ''}{row.rank} of {n} by count"
        if table.has_rates:
            rate = f"{format_rate(row.rate_per_1000)} per 1,000 residents (rank {row.rate_rank} of {n})"
        else:
            rate = "Rate: not available for these wards"
        change = ""
        if table.previous is not None:
            change = f"Change: {row.change_text} (previous period {int(row.previous_incidents):,})"
        fields[row.ward_code] = {
            "count_text": f"{noun.capitalize()}: {row.incidents:,}{share}",
            "rate_text": rate,
            "rank_text": rank,
            "change_text": change,
        }
    return fields


# --------------------------------------------------------------------------------------------
# The table behind the map
# --------------------------------------------------------------------------------------------


def ward_display_table(table: WardTable, classes: MapClasses) -> pd.DataFrame:
    """The accessible equivalent of the map: every ward with the same figures, for display and CSV."""
    frame = table.frame
    display = pd.DataFrame(
        {
            "rank": frame["rank"],
            "ward": frame["ward_name"],
            "ward_code": frame["ward_code"],
            "incidents": frame["incidents"],
            "share_of_area_percent": (frame["share"] * 100).round(1),
        }
    )
    if table.has_rates:
        display["population"] = frame["population"]
        display["rate_per_1000"] = frame["rate_per_1000"].round(2)
        display["rate_rank"] = frame["rate_rank"]
    if table.previous is not None:
        display["previous_incidents"] = frame["previous_incidents"]
        display["change_percent"] = frame["change_percent"].round(1)
        display["change"] = frame["change_text"]
    display["map_class"] = frame["ward_code"].map(classes.ward_labels)
    return display


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
    position = _position(int(row["rank"]), bool(row["tied"]), n, "count")
    sentences = [
        f"{name} had {position} of {noun} of the {n} wards {when}{partial}: {count:,}, "
        f"{row['share']:.1%} of {table.area_name}'s total ({table.area_total:,})."
    ]
    if table.has_rates:
        rate_rank = int(row["rate_rank"])
        tied = int((table.frame["rate_rank"] == rate_rank).sum()) > 1
        sentences.append(
            f"Per 1,000 residents it had {_position(rate_rank, tied, n, 'rate')}: "
            f"{format_rate(row['rate_per_1000'])}, against {format_rate(table.area_rate)} for "
            f"{table.area_name} as a whole ({int(row['population']):,} residents, {table.population_year} estimate)."
        )
    else:
        sentences.append(table.rate_note)
    if table.previous is not None:
        sentences.append(
            f"Against the previous equal period ({table.previous.span_label}: {int(row['previous_incidents']):,}), "
            f"{noun} in {name} {row['change_text']}."
        )
    return sentences


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
            f"had {self.share:.0%} of it ({self.incidents:,} of {self.area_total:,})."
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


# --------------------------------------------------------------------------------------------
# The ward profile
# --------------------------------------------------------------------------------------------


@dataclass
class WardProfile:
    """One ward in detail.

    ``monthly``: ``month, ward_incidents, area_average, loaded`` over every month of the
    period (months not loaded hold missing values, never zeros); ``area_average`` is the area
    total divided by the number of wards. ``mix``: crime categories with the ward's and the area's
    share of crime. ``top_streets``: ``rank, location, incidents, share_of_ward``.
    """

    ward_code: str
    ward_name: str
    figures: pd.Series
    sentences: list[str]
    monthly: pd.DataFrame
    mix: pd.DataFrame
    asb_incidents: int
    asb_share_of_area: float | None
    top_streets: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _monthly(run_query: RunQuery, table: WardTable, ward_code: str) -> pd.DataFrame:
    period, incident_filter = table.period, table.incident_filter
    frame = run_query(
        "ward_monthly",
        first=period.first,
        last=period.last,
        kind=incident_filter.kind,
        crime_type=incident_filter.crime_type,
        vintage=table.vintage.vintage,
        ward_code=ward_code,
    )
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame = frame.set_index("month").reindex(month_range(period.first, period.last))
    frame.index.name = "month"
    frame = frame.reset_index()
    result = pd.DataFrame({"month": frame["month"]})
    result["ward_incidents"] = frame["ward_incidents"].astype("Int64")
    result["area_average"] = (frame["area_incidents"] / table.ward_count).round(1)
    result["loaded"] = result["ward_incidents"].notna()
    return result


def _mix(run_query: RunQuery, table: WardTable, ward_code: str) -> tuple[pd.DataFrame, int, float | None]:
    frame = run_query(
        "ward_crime_mix",
        first=table.period.first,
        last=table.period.last,
        vintage=table.vintage.vintage,
        ward_code=ward_code,
    )
    crime = frame[frame["kind"] == "crime"][
        ["crime_type", "ward_incidents", "area_incidents", "ward_share", "area_share"]
    ]
    crime = crime.reset_index(drop=True).copy()
    crime["ward_incidents"] = crime["ward_incidents"].astype("int64")
    crime["area_incidents"] = crime["area_incidents"].astype("int64")
    crime["ward_share"] = crime["ward_share"].astype(float).fillna(0.0)
    crime["difference_points"] = ((crime["ward_share"] - crime["area_share"]) * 100).round(1)
    asb = frame[frame["kind"] == "asb"]
    asb_ward = int(asb["ward_incidents"].sum())
    asb_area = int(asb["area_incidents"].sum())
    return crime, asb_ward, (asb_ward / asb_area if asb_area else None)


def _mix_sentence(mix: pd.DataFrame, ward_name: str, area_name: str) -> str:
    if mix.empty or mix["ward_incidents"].sum() == 0:
        return ""
    # Only call out categories large enough for a difference in share to mean something.
    material = mix[(mix["ward_incidents"] >= 10) & (mix["difference_points"].abs() >= 2)]
    if material.empty:
        return f"The mix of crime types in {ward_name} is close to {area_name}'s (no category's share differs by 2 percentage points or more)."
    highest = material.loc[material["difference_points"].idxmax()]
    lowest = material.loc[material["difference_points"].idxmin()]
    parts = []
    if highest["difference_points"] > 0:
        parts.append(
            f"a larger share of {highest['crime_type'].lower()} ({highest['ward_share']:.0%} of its crime, "
            f"against {highest['area_share']:.0%} across {area_name})"
        )
    if lowest["difference_points"] < 0:
        parts.append(
            f"a smaller share of {lowest['crime_type'].lower()} ({lowest['ward_share']:.0%} against "
            f"{lowest['area_share']:.0%})"
        )
    return f"Compared with {area_name} as a whole, {ward_name} has {' and '.join(parts)}."


def build_ward_profile(
    run_query: RunQuery, table: WardTable, ward_code: str, top_streets: int = TOP_STREETS
) -> WardProfile:
    """The profile of ``ward_code``: trend, mix of crime types against the area's, top streets and rank.

    Raises
    ------
    KeyError
        When ``ward_code`` is not a ward of the table's vintage.
    """
    figures = table.row(ward_code)
    name = str(figures["ward_name"])
    monthly = _monthly(run_query, table, ward_code)
    mix, asb_ward, asb_share = _mix(run_query, table, ward_code)
    streets = run_query(
        "ward_top_streets",
        first=table.period.first,
        last=table.period.last,
        kind=table.incident_filter.kind,
        crime_type=table.incident_filter.crime_type,
        vintage=table.vintage.vintage,
        ward_code=ward_code,
        limit=top_streets,
    )
    streets["incidents"] = streets["incidents"].astype("int64")
    streets["rank"] = streets["rank"].astype("int64")
    sentences = ward_summary_sentences(table, ward_code)
    mix_sentence = _mix_sentence(mix, name, table.area_name)
    if mix_sentence:
        sentences.append(mix_sentence)
    if len(streets):
        top = streets.iloc[0]
        sentences.append(
            f"The location with the most {table.incident_filter.noun} in {name} was "
            f"\u201c{top['location']}\u201d ({int(top['incidents']):,}, {top['share_of_ward']:.0%} of the ward's)."
        )
    notes = [
        "police.uk locations are anonymised snap points: each incident is moved to a nearby street or "
        "place (such as \u201cParking Area\u201d or \u201cSupermarket\u201d), so a location is approximate, not an address.",
    ]
    missing = int((~monthly["loaded"]).sum())
    if missing:
        notes.append(f"{missing} month(s) of the period are not loaded and are shown as gaps, not zeros.")
    return WardProfile(
        ward_code=ward_code,
        ward_name=name,
        figures=figures,
        sentences=sentences,
        monthly=monthly,
        mix=mix,
        asb_incidents=asb_ward,
        asb_share_of_area=asb_share,
        top_streets=streets[["rank", "location", "incidents", "share_of_ward"]],
        notes=notes,
    )


# --------------------------------------------------------------------------------------------
# Charts for the ward profile (Okabe–Ito colours, as in csp_data.charts)
# --------------------------------------------------------------------------------------------

WARD_COLOUR = "#0072B2"
AREA_COLOUR = "#E69F00"


def ward_trend_chart(profile: WardProfile, area_name: str, noun: str) -> alt.Chart:
    """The ward's monthly counts against the area's average per ward; months not loaded are gaps."""
    label_ward, label_area = profile.ward_name, f"{area_name} average per ward"
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "month": profile.monthly["month"],
                    "series": label_ward,
                    "incidents": profile.monthly["ward_incidents"].astype("float"),
                }
            ),
            pd.DataFrame(
                {
                    "month": profile.monthly["month"],
                    "series": label_area,
                    "incidents": profile.monthly["area_average"].where(profile.monthly["loaded"]).astype("float"),
                }
            ),
        ],
        ignore_index=True,
    )
    data["month"] = pd.to_datetime(data["month"])
    return (
        alt.Chart(data)
        .mark_line(point=True, invalid="break-paths-show-domains")
        .encode(
            x=alt.X("yearmonth(month):T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-45)),
            y=alt.Y("incidents:Q", title=f"{noun.capitalize()} recorded"),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[label_ward, label_area], range=[WARD_COLOUR, AREA_COLOUR]),
                legend=alt.Legend(orient="top", labelLimit=360),
            ),
            strokeDash=alt.StrokeDash("series:N", title=None, sort=[label_ward, label_area]),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                alt.Tooltip("incidents:Q", title="Incidents", format=",.1f"),
            ],
        )
        .properties(height=280)
    )


def ward_mix_chart(profile: WardProfile, area_name: str) -> alt.Chart:
    """Each crime category's share of the ward's crime beside its share of the area's."""
    label_ward, label_area = profile.ward_name, area_name
    mix = profile.mix
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "crime_type": mix["crime_type"],
                    "series": label_ward,
                    "share": mix["ward_share"],
                    "incidents": mix["ward_incidents"],
                }
            ),
            pd.DataFrame(
                {
                    "crime_type": mix["crime_type"],
                    "series": label_area,
                    "share": mix["area_share"],
                    "incidents": mix["area_incidents"],
                }
            ),
        ],
        ignore_index=True,
    )
    order = list(mix.sort_values("area_share", ascending=False)["crime_type"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title="Share of crime", axis=alt.Axis(format="%")),
            y=alt.Y("crime_type:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("series:N", sort=[label_ward, label_area]),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[label_ward, label_area], range=[WARD_COLOUR, AREA_COLOUR]),
                legend=alt.Legend(orient="top", labelLimit=360),
            ),
            tooltip=[
                alt.Tooltip("crime_type:N", title="Crime type"),
                alt.Tooltip("series:N", title="Where"),
                alt.Tooltip("share:Q", title="Share of crime", format=".1%"),
                alt.Tooltip("incidents:Q", title="Crimes", format=","),
            ],
        )
        .properties(height=30 * max(len(mix), 1))
    )
