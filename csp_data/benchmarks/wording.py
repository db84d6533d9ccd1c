"""Benchmarking in plain English: the sentences and headline figures that say what a comparison found.

Everything here is worded from the data and the area's own names, never from one partnership's
facts, so that it reads sensibly for any area file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csp_data.benchmarks.groups import (
    OFFENCE_BY_KEY,
    RATE_COMPUTED,
    RATE_PUBLISHED,
    has_previous_year,
    period_label,
    year_ending,
)
from csp_data.benchmarks.published import PublishedSummary
from csp_data.benchmarks.statistics import GroupSummary, population_year
from csp_data.words import ordinal, plural, rank_of, rank_phrase

__all__ = [
    "CI_MEANING",
    "CSP_MEANING",
    "MSG_MEANING",
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
    "rank_change_words",
    "rate_decimals",
    "rate_text",
    "year_ending",
    "year_of_label",
]

#: The jargon of the page, each said once in a plain phrase where it first appears.
CSP_MEANING = "the council, police and other local services working together against crime in one area"
MSG_MEANING = (
    "the CSPs most like it in the make-up of their people and places (age, income, housing and other things "
    "linked to crime)"
)
CI_MEANING = "the range its rate could plausibly take through chance alone"


@dataclass(frozen=True)
class Metric:
    """One headline figure: its label, its value as shown and a line of help."""

    label: str
    value: str
    help_text: str | None = None


def rate_decimals(rates) -> int:
    """Decimal places for a set of rates shown together: 1, or more where the typical rate is under 1 per
    1,000 (homicide: 0.014), so that a table, its chart and its sentences all show the same precision."""
    try:
        values = np.abs(np.asarray(rates, dtype="float64"))
    except (TypeError, ValueError):  # nullable numbers with pd.NA
        values = np.abs(pd.Series(rates, dtype="Float64").to_numpy("float64", na_value=np.nan))
    values = values[~np.isnan(values)]
    typical = float(np.median(values)) if values.size else 10.0
    return 1 if typical >= 1 else 2 if typical >= 0.1 else 3


def rate_text(rate: float, decimals: int | None = None) -> str:
    """A rate per 1,000 as written: ``decimals`` places (by default :func:`rate_decimals` of the rate alone)."""
    places = rate_decimals([rate]) if decimals is None else decimals
    return f"{rate:,.{places}f}"


def rank_change_words(change) -> str:
    """An earlier rank minus a later one, in words: '2 places higher, a worse position' (towards 1st, the
    highest rate), '1 place lower, a better position', 'no change'; '' when either rank is missing."""
    if change is None or pd.isna(change):
        return ""
    change = int(change)
    if change > 0:
        return f"{plural(change, 'place')} higher, a worse position"
    if change < 0:
        return f"{plural(-change, 'place')} lower, a better position"
    return "no change"


def population_words(df: pd.DataFrame) -> str:
    """'mid-2022 population', or 'population' when the table gives no year."""
    year = population_year(df)
    return f"mid-{year} population" if year else "population"


def _decimals(summary: GroupSummary) -> int:
    return rate_decimals(summary.table["rate_per_1000"])


# --------------------------------------------------------------------------
# The group
# --------------------------------------------------------------------------


def _area_rank(summary: GroupSummary) -> str:
    """'the 5th highest rate of the 14 CSPs in the group', with 'joint' where another CSP shares the rate
    ('of the 13 CSPs in the group with a rate' when a peer has none)."""
    rates = summary.table["rate_per_1000"]
    area_rate = rates[summary.table["is_area"]].iloc[0]
    tied = int((rates == area_rate).sum()) > 1
    phrase = rank_phrase(summary.area_rank_in_group, summary.group_size, tied=tied)
    with_rate = " with a rate" if _peers_without_rate(summary) else ""
    return f"{phrase} of the {summary.group_size} CSPs in the group{with_rate}"


def _peers_without_rate(summary: GroupSummary) -> list[str]:
    """The chosen peers ONS gives no rate for in the year (City of London, whose residents are too few)."""
    table = summary.table
    return list(table.loc[~table["is_area"] & table["rate_per_1000"].isna(), "csp_name"])


def _no_rate_note(summary: GroupSummary) -> str:
    """'City of London has no rate in the year ending December 2024 (ONS publishes none), so it is left out of
    the average and the ranks.' ('' when every peer has a rate)."""
    names = _peers_without_rate(summary)
    if not names:
        return ""
    one = len(names) == 1
    return (
        f"{_and_list(names)} {'has' if one else 'have'} no {summary.offence_label.lower()} rate in the "
        f"{year_ending(summary.period_end)} (ONS publishes none), so {'it is' if one else 'they are'} left out of "
        "the average and the ranks."
    )


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
    decimals = _decimals(summary)
    percent = round(summary.level * 100)
    rate, average = row["rate_per_1000"], summary.group_average
    interval = (
        f"its {percent}% confidence interval, {rate_text(row['ci_lower'], decimals)} to "
        f"{rate_text(row['ci_upper'], decimals)} ({CI_MEANING}),"
    )
    start = (
        f"{area_name}'s {what} rate, {rate_text(rate, decimals)} per 1,000 residents in the "
        f"{year_ending(summary.period_end)}, "
    )
    if summary.group_size < 2:
        if note := _no_rate_note(summary):
            return f"{start}has no peer with a rate to be compared with: {note} Choose another peer CSP."
        return start + "has no peers to be compared with: choose at least one peer CSP."
    rank = f"It has {_area_rank(summary)}." + (f" {note}" if (note := _no_rate_note(summary)) else "")
    if row["position"] in ("above average", "below average"):
        side = row["position"].split()[0]
        return (
            start + f"is **{side}** the group average of {rate_text(average, decimals)}: {interval} lies wholly "
            f"{side} it, so the difference is unlikely to be chance. " + rank
        )
    side = "higher than" if rate > average else "lower than" if rate < average else "equal to"
    return (
        start + f"is {side} the group average of {rate_text(average, decimals)}, but **not significantly "
        f"different** from it: {interval} includes the average, so the difference could be chance. " + rank
    )


def headline_metrics(summary: GroupSummary, area_name: str) -> list[Metric]:
    """The four headline figures: the area's rate, the group average, the area's rank and its % change."""
    row = summary.table[summary.table["is_area"]].iloc[0]
    size = summary.group_size
    decimals = _decimals(summary)
    return [
        Metric(
            f"{area_name}: rate per 1,000",
            "not published" if pd.isna(row["rate_per_1000"]) else rate_text(row["rate_per_1000"], decimals),
            None if pd.isna(row["rate_source"]) else f"Offences per 1,000 residents. Rate from: {row['rate_source']}.",
        ),
        Metric(
            f"Group average ({plural(size, 'CSP')})",
            rate_text(summary.group_average, decimals),
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
    """Where the default peers come from: the dashboard's own list for the area, whatever the partnership calls it."""
    if not area_file_peers:
        return (
            f"{area_name} is always in the group. The dashboard's settings name no peers for it: choose some below, "
            "or a ready-made list."
        )
    return (
        f"{area_name} is always in the group. The default peers are the list set up for this dashboard, usually "
        f"the partnership's Most Similar Group: {MSG_MEANING}. Any other CSPs can be chosen below."
    )


def describe_unknown_peers(unknown: Sequence[str]) -> str:
    """The warning for default peers that match no CSP ('' when there are none)."""
    if not unknown:
        return ""
    one = len(unknown) == 1
    return (
        f"The dashboard's list of default peers names {', '.join(repr(n) for n in unknown)}, which "
        f"{'matches' if one else 'match'} no CSP in the ONS tables, so {'it is' if one else 'they are'} left out "
        "of the group. The site's maintainers can correct the list."
    )


# --------------------------------------------------------------------------
# Ranks, nationally and over time
# --------------------------------------------------------------------------


def describe_national(summary: GroupSummary, area_name: str) -> list[str]:
    """Sentences on the area's rank among all CSPs and among unitary authorities."""
    what = f"{summary.offence_label.lower()} rate"
    sentences = []
    if summary.area_rank_all is not None:
        sentences.append(
            f"Among the {summary.n_ranked_all} CSPs in England and Wales with a rate, {area_name} has "
            f"{rank_phrase(summary.area_rank_all, summary.n_ranked_all, what)}."
        )
    if summary.area_rank_unitary is not None:
        sentences.append(
            f"Among the {summary.n_ranked_unitary} CSPs that are each one English unitary authority (a single "
            f"council for all local services), it has {rank_phrase(summary.area_rank_unitary, summary.n_ranked_unitary)}."
        )
    else:
        sentences.append(
            f"{area_name} is not one of the CSPs that are each one English unitary authority (a single council "
            "for all local services, in England), so it has no rank in that group."
        )
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


def year_of_label(label: str) -> str:
    """'year ending December 2023' for a :func:`rank_history` column or its label ('rank YE Dec 2023')."""
    return year_ending(pd.to_datetime(label[label.index("YE ") + 3 :], format="%b %Y"))


def _and_list(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def describe_rank_history(history: pd.DataFrame, area_name: str) -> str:
    """'Medway's rank in the group of 14 (1st = the highest rate): 7th in the year ending December 2023 and 5th in
    the year ending June 2025. Over those years it moved 2 places higher, a worse position.' (:func:`rank_history`)."""
    row = history[history["is_area"]].iloc[0]
    columns = [c for c in history.columns if c.startswith("rank YE")]
    if not columns:
        return ""
    # Ranks are among the CSPs with a rate that year; a peer with none (City of London) has no rank.
    ranked = {c: int(history[c].notna().sum()) for c in columns}
    same = len(set(ranked.values())) == 1
    parts = [
        f"{'no rank' if pd.isna(row[c]) else ordinal(int(row[c]))}{'' if same else f' of {ranked[c]}'} in the "
        f"{year_of_label(c)}"
        for c in columns
    ]
    if same and ranked[columns[0]] == len(history):
        group = f"in the group of {len(history)}"
    elif same:
        group = f"among the {ranked[columns[0]]} of the group's {len(history)} CSPs with a rate"
    else:
        group = f"among the CSPs of the group of {len(history)} with a rate each year"
    text = f"{area_name}'s rank {group} (1st = the highest rate): {_and_list(parts)}."
    change = [c for c in history.columns if c.startswith("rank change")]
    words = rank_change_words(row[change[0]]) if change else ""
    if words == "no change":
        text += f" Its rank in the {year_of_label(columns[-1])} is the same as in the first."
    elif words:
        first, last = (year_of_label(c) for c in (columns[0], columns[-1]))
        text += f" From the {first} to the {last} it moved {words}."
    return text


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
    rows = df[["period_end", "rate_source", "population_year"]]
    rows = rows[rows["period_end"] == period_end]
    sources = set(rows["rate_source"].dropna().unique())
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
        f"{area_name}: {summary.area_rate:.1f}, **{rank_of(summary.area_rank, summary.group_size)}**."
    )


def describe_ons_rates(df: pd.DataFrame, area_code: str, offence_group: str, area_name: str) -> str:
    """The area's ONS rate in every loaded year, to set beside a published table ('' when there is none)."""
    if offence_group not in OFFENCE_BY_KEY:
        return ""
    rows = df[(df["csp_code"] == area_code) & (df["offence_group"] == offence_group)]
    decimals = rate_decimals(rows["rate_per_1000"])
    text = "; ".join(
        f"{year_ending(r.period_end)}: {rate_text(r.rate_per_1000, decimals)}"
        + (" (ONS's rate)" if r.rate_source == RATE_PUBLISHED else " (computed here)")
        for r in rows.itertuples()
        if not pd.isna(r.rate_per_1000)
    )
    return f"ONS tables, {area_name}: {text}." if text else ""
