"""Ward map classes: natural breaks (see :mod:`csp_data.figures.wards`), colours, the legend, tooltips and
the table behind the map."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csp_data.change import chance_note
from csp_data.figures.wards import (
    CHANGE_CLASSES,
    DEFAULT_CLASSES,
    DIVERGING_PALETTE,
    MEASURES,
    NO_COMPARISON_LABEL,
    NO_DATA_COLOUR,
    SEQUENTIAL_PALETTE,
    WardTable,
    format_rate,
)
from csp_data.periods import describe_months

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
        compared = table.compared
        if compared is not None and not compared.complete:  # name the months compared, not the whole periods
            spans = f"{describe_months(compared.current_months)} against {describe_months(compared.previous_months)}"
        else:
            spans = f"{table.period.span_label} against {table.previous.span_label}"
        if compared is not None and compared.longer_term:
            spans += f" ({compared.label})"
        return MapClasses(
            measure,
            f"Change in {noun}, {spans}",
            " ".join(
                part
                for part in (
                    "Classes follow the 95% confidence interval of each ward's change (exact Poisson method).",
                    chance_note(sum(k is not None for k in keys), "wards"),
                )
                if part
            ),
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
            change = (
                f"Change: {row.change_text} ({int(row.compared_incidents):,} against {int(row.previous_incidents):,}"
                f"{'' if table.previous_complete else ', compared months only'})"
            )
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
        # Rounded once, where it is written: rounded here to 2 places first, 10.149… read 10.2 beside a legend's 10.1.
        display["rate_per_1000"] = frame["rate_per_1000"]
        display["rate_rank"] = frame["rate_rank"]
    if table.previous is not None:
        if not table.previous_complete:  # both sides of a comparison of some months only
            display["compared_incidents"] = frame["compared_incidents"]
        display["previous_incidents"] = frame["previous_incidents"]
        display["change_percent"] = frame["change_percent"].round(1)
        display["change"] = frame["change_text"]
    display["map_class"] = frame["ward_code"].map(classes.ward_labels)
    return display
