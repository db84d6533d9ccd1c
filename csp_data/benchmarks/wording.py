"""Benchmarking in plain English: the sentences and headline figures that say what a comparison found.

Everything here is worded from the data and the area's own names, never from one partnership's
facts, so that it reads sensibly for any area file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from csp_data.benchmarks.groups import OFFENCE_BY_KEY, RATE_COMPUTED, RATE_PUBLISHED, period_label, year_ending
from csp_data.benchmarks.published import PublishedSummary
from csp_data.benchmarks.statistics import GroupSummary, has_previous_year, population_year
from csp_data.words import ordinal, plural

__all__ = [
    "Metric",
    "describe_change_missing",
    "describe_default_peers",
    "describe_national",
    "describe_ons_rates",
    "describe_peer_choice",
    "describe_position",
    "describe_published",
    "describe_rank_history",
    "describe_rate_source",
    "describe_unknown_peers",
    "headline_metrics",
    "national_metrics",
    "period_label",
    "plural",
    "population_words",
    "rate_text",
    "year_ending",
]


@dataclass(frozen=True)
class Metric:
    """One headline figure: its label, its value as shown and a line of help."""

    label: str
    value: str
    help_text: str | None = None


def rate_text(rate: float) -> str:
    """A rate with enough decimals to tell small rates (homicide: 0.014) apart."""
    decimals = 1 if abs(rate) >= 10 else 2 if abs(rate) >= 1 else 3
    return f"{rate:,.{decimals}f}"


def population_words(df: pd.DataFrame) -> str:
    """'mid-2022 population', or 'population' when the table gives no year."""
    year = population_year(df)
    return f"mid-{year} population" if year else "population"


# --------------------------------------------------------------------------
# The group
# --------------------------------------------------------------------------


def describe_position(summary: GroupSummary, area_name: str) -> str:
    """A plain-English sentence on where the area stands against its group.

    "Above" or "below" the average is said only when the area's 95%
    confidence interval lies wholly on one side of the group average;
    otherwise the sentence says the difference could be chance.
    """
    row = summary.table[summary.table["is_area"]].iloc[0]
    what = summary.offence_label.lower()
    if pd.isna(row["rate_per_1000"]):
        return f"ONS gives no {what} rate for {area_name} in the {year_ending(summary.period_end)}."
    percent = round(summary.level * 100)
    rate, average = row["rate_per_1000"], summary.group_average
    interval = f"{rate_text(row['ci_lower'])} to {rate_text(row['ci_upper'])}"
    start = (
        f"{area_name}'s {what} rate, {rate_text(rate)} per 1,000 residents in the {year_ending(summary.period_end)}, "
    )
    if summary.group_size < 2:
        return start + "has no peers to be compared with: choose at least one peer CSP."
    rank = f"It ranks {ordinal(summary.area_rank_in_group)} highest of the {summary.group_size} CSPs in the group."
    if row["position"] == "above average":
        return (
            start + f"is **above** the group average of {rate_text(average)}: its {percent}% confidence "
            f"interval ({interval}) lies wholly above it. " + rank
        )
    if row["position"] == "below average":
        return (
            start + f"is **below** the group average of {rate_text(average)}: its {percent}% confidence "
            f"interval ({interval}) lies wholly below it. " + rank
        )
    side = "higher than" if rate > average else "lower than" if rate < average else "equal to"
    return (
        start + f"is {side} the group average of {rate_text(average)}, but **not significantly different** "
        f"from it: its {percent}% confidence interval ({interval}) includes the average, so the difference "
        "could be chance. " + rank
    )


def headline_metrics(summary: GroupSummary, area_name: str) -> list[Metric]:
    """The four headline figures: the area's rate, the group average, the area's rank and its % change."""
    row = summary.table[summary.table["is_area"]].iloc[0]
    size = summary.group_size
    return [
        Metric(
            f"{area_name}: rate per 1,000",
            "not published" if pd.isna(row["rate_per_1000"]) else f"{row['rate_per_1000']:.2f}",
            None if pd.isna(row["rate_source"]) else f"Rate from: {row['rate_source']}.",
        ),
        Metric(
            f"Group average ({plural(size, 'CSP')})",
            f"{summary.group_average:.2f}",
            "The mean of the group's CSP rates, each CSP counting once.",
        ),
        Metric(
            f"{area_name}'s rank in the group",
            _rank_of(summary.area_rank_in_group, size),
            "1 = the highest rate in the group.",
        ),
        Metric(
            "% change on the previous year",
            "not available" if pd.isna(row["pct_change"]) else f"{row['pct_change']:+.1f}%",
            "Offences recorded against the same 12 months a year earlier; blank when that year is not loaded "
            "or either year has fewer than 50 offences (the ONS rule).",
        ),
    ]


def describe_change_missing(df: pd.DataFrame, period_end) -> str:
    """Why no % change is given for a year ('' when one can be)."""
    if has_previous_year(df, period_end):
        return ""
    return (
        f"No % change is given for the {year_ending(period_end)}: the year before it is not in the loaded ONS tables."
    )


def describe_peer_choice(chosen: Sequence[str], shown: int = 15) -> str:
    """'**Compared with 4 peer CSPs**: Swale, Thanet, ...', naming at most ``shown`` of them."""
    names = ", ".join(chosen[:shown]) + (f" and {len(chosen) - shown} more" if len(chosen) > shown else "")
    return f"**Compared with {plural(len(chosen), 'peer CSP')}**" + (f": {names}." if chosen else ": none chosen.")


def describe_default_peers(area_name: str, area_file_peers: Sequence[str]) -> str:
    """Where the default peers come from: the area file's list, whatever the partnership calls it."""
    if not area_file_peers:
        return f"{area_name} is always in the group. The area file names no peers ([peers] csps): choose some below."
    return f"{area_name} is always in the group. The default peers are the area file's list ([peers] csps)."


def describe_unknown_peers(unknown: Sequence[str]) -> str:
    """The warning for area-file peers that match no CSP ('' when there are none)."""
    if not unknown:
        return ""
    return (
        f"The area file's peer(s) {', '.join(repr(n) for n in unknown)} match no CSP in the ONS table, "
        "so they are left out. Correct [peers] csps in the area file."
    )


# --------------------------------------------------------------------------
# Ranks, nationally and over time
# --------------------------------------------------------------------------


def describe_national(summary: GroupSummary, area_name: str) -> list[str]:
    """Sentences on the area's rank among all CSPs and among unitary authorities."""
    what = summary.offence_label.lower()
    sentences = []
    if summary.area_rank_all is not None:
        sentences.append(
            f"Among the {summary.n_ranked_all} CSPs in England and Wales with a rate, {area_name} has "
            f"the {ordinal(summary.area_rank_all)} highest {what} rate (1st = highest)."
        )
    if summary.area_rank_unitary is not None:
        sentences.append(
            f"Among the {summary.n_ranked_unitary} CSPs that are each one English unitary authority, it is "
            f"{ordinal(summary.area_rank_unitary)} highest."
        )
    else:
        sentences.append(f"{area_name} is not a single unitary authority CSP, so it has no unitary authority rank.")
    return sentences


def _rank_of(rank: int | None, ranked: int) -> str:
    return "—" if rank is None else f"{rank} of {ranked}"


def national_metrics(summary: GroupSummary) -> list[Metric]:
    """The area's rank among all CSPs and among unitary authorities, as two headline figures."""
    return [
        Metric(
            "Rank among all CSPs",
            _rank_of(summary.area_rank_all, summary.n_ranked_all),
            "England and Wales; 1 = the highest rate. City of London's rates are not published (tiny resident "
            "population).",
        ),
        Metric(
            "Rank among unitary authorities",
            _rank_of(summary.area_rank_unitary, summary.n_ranked_unitary),
            "CSPs that are each one English unitary authority.",
        ),
    ]


def describe_rank_history(history: pd.DataFrame, area_name: str) -> str:
    """'Medway's rank in the group of 14 (1st = highest rate): 3rd in the YE Dec 2023; ...' (:func:`rank_history`)."""
    row = history[history["is_area"]].iloc[0]
    size = len(history)
    parts = []
    for column in [c for c in history.columns if c.startswith("rank YE")]:
        label = column.removeprefix("rank ")
        value = row[column]
        parts.append(f"{'no rank' if pd.isna(value) else ordinal(int(value))} in the {label}")
    if not parts:
        return ""
    return f"{area_name}'s rank in the group of {size} (1st = highest rate): " + "; ".join(parts) + "."


# --------------------------------------------------------------------------
# Where the figures come from
# --------------------------------------------------------------------------


def describe_rate_source(df: pd.DataFrame, period_end) -> str:
    """Where one period's rates come from, in a sentence or two for the page.

    ONS's own rates (Table C4) for the year of the release; rates computed
    from counts and the printed, rounded population for the other years,
    which may differ from ONS's in the second decimal place.
    """
    period_end = pd.Timestamp(period_end)
    rows = df[df["period_end"] == period_end]
    sources = set(rows["rate_source"].dropna())
    population = population_words(rows)
    when = year_ending(period_end)
    published = (
        f"ONS's own, exactly as published in its Table C4. ONS divides by unrounded {population}s (the table "
        "prints them rounded to 100), so each confidence interval uses the population its rate implies "
        "(offences × 1,000 / rate), and each rate lies inside its interval."
    )
    computed = (
        f"computed here as offences × 1,000 / the {population} as ONS prints it, rounded to 100, because ONS "
        "publishes no CSP rates for this year in the tables loaded. They may differ from the rates ONS would give "
        "in the second decimal place (ONS divides by unrounded populations); their confidence intervals use the "
        "same rounded population."
    )
    if sources == {RATE_PUBLISHED}:
        return f"Rates for the {when} are {published}"
    if sources == {RATE_COMPUTED}:
        return f"Rates for the {when} are {computed}"
    if sources == {RATE_PUBLISHED, RATE_COMPUTED}:
        return f"Rates for the {when} are, where ONS publishes a CSP's rate, {published} Elsewhere they are {computed}"
    return f"No rates are given for the {when}."


def describe_published(summary: PublishedSummary, area_name: str) -> str:
    """The published table's average and the area's place, recomputed from its rows."""
    return (
        f"Group average **{summary.group_average:.1f}** per 1,000 (the unweighted mean of the "
        f"{summary.group_size} published rates, {area_name} included: "
        f"{summary.table['rate_per_1000'].sum():,.1f} / {summary.group_size} = {summary.group_average:.2f}). "
        f"{area_name}: {summary.area_rate:.1f}, **{ordinal(summary.area_rank)} highest of {summary.group_size}**."
    )


def describe_ons_rates(df: pd.DataFrame, area_code: str, offence_group: str, area_name: str) -> str:
    """The area's ONS rate in every loaded year, to set beside a published table ('' when there is none)."""
    if offence_group not in OFFENCE_BY_KEY:
        return ""
    rows = df[(df["csp_code"] == area_code) & (df["offence_group"] == offence_group)]
    text = "; ".join(
        f"{year_ending(r.period_end)}: {r.rate_per_1000:.2f}"
        + (" (ONS's rate)" if r.rate_source == RATE_PUBLISHED else " (computed here)")
        for r in rows.itertuples()
        if not pd.isna(r.rate_per_1000)
    )
    return f"ONS tables, {area_name}: {text}." if text else ""
