"""The statistics of a comparison: rates' exact Poisson intervals, the group summary, ranks and the national table.

Each CSP's rate per 1,000 residents is compared with the unweighted mean of its group's rates
(each CSP counting once, not one rate for the group's combined population). A CSP is "above" or
"below" that average only when its exact 95% Poisson interval lies wholly on one side of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2

from csp_data.benchmarks.errors import BenchmarkError
from csp_data.benchmarks.groups import TOTAL, available_periods, period_column_label, previous_period, year_ending
from csp_data.benchmarks.groups import offence_group as offence_group_of

__all__ = [
    "Comparison",
    "GroupSummary",
    "assessment_headings",
    "assessment_table",
    "compare",
    "group_summary",
    "national_table",
    "population_year",
    "rank_history",
    "rate_confidence_interval",
    "unitary_authority_codes",
]


def rate_confidence_interval(count, population, level: float = 0.95):
    """Exact Poisson confidence interval for a rate per 1,000 residents.

    The count of offences is treated as a Poisson variable and the population
    as known.  The limits are the exact (Garwood) ones,
    ``chi2.ppf(a/2, 2k) / 2`` and ``chi2.ppf(1 - a/2, 2k + 2) / 2`` for a
    count ``k`` and ``a = 1 - level`` (the lower limit is 0 when ``k = 0``),
    divided by the population and multiplied by 1,000.

    Why exact rather than Byar's approximation: both are standard for
    public-health and crime rates, and for the headline groups (hundreds to
    tens of thousands of offences per CSP) they agree to better than 0.01%.
    But the sub-groups go down to a handful of offences (homicide is 0-4 per
    CSP), where Byar's lower limit is off by 0.7% at 5 offences and by half at
    1, while the exact interval keeps at least its stated coverage for any
    count.  With scipy it is one vectorised call, so nothing is gained by
    approximating.

    Parameters
    ----------
    count : int or array-like
        Offences recorded (whole, non-negative; NaN gives NaN limits).
    population : int or array-like
        Residents (positive).  For a rate ONS publishes, pass the population
        that rate implies (count / rate x 1,000, the tidy frame's
        ``rate_population``), not the printed one rounded to 100, so that the
        interval is the interval of ONS's rate and contains it.
    level : float, default 0.95
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    tuple
        ``(lower, upper)`` per 1,000 residents: floats for scalar input,
        numpy arrays otherwise.

    Raises
    ------
    BenchmarkError
        For a level outside (0, 1), a negative or fractional count, or a
        population that is not positive (a ``ValueError``).
    """
    if not 0 < level < 1:
        raise BenchmarkError(f"the confidence level must be between 0 and 1, got {level!r}")
    counts = np.asarray(count, dtype=float)
    populations = np.asarray(population, dtype=float)
    known = ~np.isnan(counts)
    if np.any(counts[known] < 0) or np.any(counts[known] % 1 != 0):
        raise BenchmarkError("a count must be a whole number of offences, 0 or more")
    if np.any(populations[~np.isnan(populations)] <= 0):
        raise BenchmarkError("a population must be more than 0")
    tail = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        lower = np.where(counts > 0, chi2.ppf(tail, np.where(counts > 0, 2 * counts, 1)) / 2, 0.0)
        lower = np.where(known, lower, np.nan)
        upper = chi2.ppf(1 - tail, 2 * counts + 2) / 2
        lower, upper = lower / populations * 1000, upper / populations * 1000
    if lower.ndim == 0:
        return float(lower), float(upper)
    return lower, upper


def unitary_authority_codes(df: pd.DataFrame) -> set[str]:
    """CSP codes of the CSPs that are each one English unitary authority.

    A CSP counts when it covers exactly one local authority whose code begins
    ``E06`` and no other CSP covers that authority.  This leaves out the
    former-district CSPs inside North and West Northamptonshire and
    Buckinghamshire (they share their unitary authority's code, as Table C1
    lists) and Welsh principal areas (``W06``), matching the England-only
    unitary authority comparator group that Medway's strategic assessment quotes.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy benchmark frame (needs ``csp_code`` and ``la_codes``).

    Returns
    -------
    set of str
    """
    pairs = df[["csp_code", "la_codes"]].drop_duplicates().dropna()
    shared = pairs["la_codes"].duplicated(keep=False)
    single_e06 = pairs["la_codes"].str.startswith("E06") & ~pairs["la_codes"].str.contains(";")
    return set(pairs.loc[single_e06 & ~shared, "csp_code"])


@dataclass(frozen=True)
class GroupSummary:
    """A Most Similar Group comparison for one period and offence group.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per CSP (the area first, then the peers in the order given):
        ``csp_code, csp_name, is_area, count, population, rate_per_1000,
        rate_source, rate_population, ci_lower, ci_upper, previous_count,
        pct_change, rank, position``.  ``rate_per_1000`` is ONS's own rate
        where it publishes one, and the interval is scaled by
        ``rate_population``, the population behind the rate (see
        :mod:`csp_data.benchmarks.rates`).  ``rank`` 1 is the highest rate; ``position`` is ``'above average'``,
        ``'below average'`` or ``'not significantly different'`` (null when
        the CSP has no rate or interval).  ``pct_change`` is against the
        same CSP a year earlier, null when that year is not loaded.
    group_average : float
        Mean of the group's CSP rates, each CSP weighted equally (not one
        rate for the group's combined population); CSPs without a rate are
        left out, and ``group_size`` counts those with one.
    area_rank_all, n_ranked_all : int
        The area's rank (1 = highest rate) among all CSPs with a rate.
    area_rank_unitary, n_ranked_unitary : int or None
        The same among :func:`unitary_authority_codes`; ``None`` when the
        area is not one.
    population_year : int or None
        The year of the mid-year population estimates behind the group's
        rates (ONS uses one vintage for every CSP), for headings.
    """

    area_code: str
    period_end: pd.Timestamp
    offence_group: str
    offence_label: str
    level: float
    table: pd.DataFrame
    group_average: float
    area_rank_in_group: int | None
    group_size: int
    area_rank_all: int | None
    n_ranked_all: int
    area_rank_unitary: int | None
    n_ranked_unitary: int
    population_year: int | None = None


def _rank_of(rates: pd.Series, code: str) -> int | None:
    """Rank (1 = highest, ties share the best rank) of ``code`` in ``rates``."""
    ranks = rates.dropna().rank(ascending=False, method="min")
    return int(ranks[code]) if code in ranks.index else None


def _position(lower: float, upper: float, average: float) -> str | None:
    if np.isnan(lower) or np.isnan(upper):
        return None
    if lower > average:
        return "above average"
    if upper < average:
        return "below average"
    return "not significantly different"


def group_summary(
    df: pd.DataFrame,
    area_code: str,
    peer_codes: Sequence[str],
    period_end,
    offence_group: str = TOTAL,
    level: float = 0.95,
    min_change_base: int = 50,
    unitary: set[str] | None = None,
) -> GroupSummary:
    """Compare an area with its Most Similar Group for one period and offence group.

    The group average is the unweighted mean of the group's CSP rates,
    including the area itself: with Medway's Strategic Assessment 2024
    published rates this reproduces its averages (95.7 for all crime excluding fraud,
    39.6 for violence against the person).  A CSP is ``'above average'`` only
    when the lower limit of its exact Poisson interval (see
    :func:`rate_confidence_interval`) lies above the group average,
    ``'below average'`` when the upper limit lies below it, and otherwise
    ``'not significantly different'``; the average is treated as a fixed
    reference.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy benchmark frame (:func:`load_benchmarks` or :func:`read_benchmarks`).
    area_code : str
        CSP code of the area, e.g. ``"E22000143"`` for Medway.
    peer_codes : sequence of str
        CSP codes of the peers (see :func:`resolve_peers`).
    period_end : date-like
        End of the year to compare, e.g. ``"2024-12-31"``.
    offence_group : str, default "total_excl_fraud"
        Key from :data:`OFFENCE_GROUPS`.
    level : float, default 0.95
        Confidence level of the intervals.
    min_change_base : int, default 50
        Percentage changes are left null when either year's count is below
        this, as ONS does in Table C3 ("[u]": small base of less than 50).
    unitary : set of str, optional
        :func:`unitary_authority_codes` of ``df``, when the caller has them already.

    Returns
    -------
    GroupSummary

    Raises
    ------
    BenchmarkError
        If the offence group is unknown, the period has no rows, or a CSP code
        is not in the frame for that period (a ``ValueError``).
    """
    group = offence_group_of(offence_group)
    period_end = pd.Timestamp(period_end)
    rows = df[(df["period_end"] == period_end) & (df["offence_group"] == group.key)].set_index("csp_code")
    if rows.empty:
        raise BenchmarkError(f"no benchmark rows for the {year_ending(period_end)}: choose a year loaded")
    codes = list(dict.fromkeys([area_code, *peer_codes]))
    missing = [code for code in codes if code not in rows.index]
    if missing:
        raise BenchmarkError(f"CSP code(s) not in the {year_ending(period_end)}: {', '.join(missing)}")

    table = rows.loc[
        codes, ["csp_name", "count", "population", "rate_per_1000", "rate_source", "rate_population"]
    ].copy()
    table.insert(1, "is_area", table.index == area_code)
    has_rate = table["rate_per_1000"].notna()
    counts = table["count"].astype("float64")
    # ONS note 3: transfers can make a count negative; no interval then.  The interval is
    # scaled by the population behind the rate, so that it is the interval of the rate shown.
    lower, upper = rate_confidence_interval(
        counts.where(has_rate & (counts >= 0)).to_numpy(),
        table["rate_population"].astype("float64").to_numpy(),
        level,
    )
    table["ci_lower"], table["ci_upper"] = lower, upper
    table = table.join(_previous_counts(df, period_end, offence_group, codes))
    table["pct_change"] = _pct_change(table["count"], table["previous_count"], min_change_base)
    table["rank"] = pd.array(table["rate_per_1000"].rank(ascending=False, method="min"), dtype="Int64")
    average = float(table["rate_per_1000"].mean())
    table["position"] = [_position(lo, hi, average) for lo, hi in zip(table["ci_lower"], table["ci_upper"])]

    unitary_rates = rows.loc[
        rows.index.isin(unitary_authority_codes(df) if unitary is None else unitary), "rate_per_1000"
    ]
    return GroupSummary(
        area_code=area_code,
        period_end=period_end,
        offence_group=offence_group,
        offence_label=group.label,
        level=level,
        table=table.reset_index(),
        group_average=average,
        area_rank_in_group=_rank_of(table["rate_per_1000"], area_code),
        group_size=int(has_rate.sum()),
        area_rank_all=_rank_of(rows["rate_per_1000"], area_code),
        n_ranked_all=int(rows["rate_per_1000"].notna().sum()),
        area_rank_unitary=_rank_of(unitary_rates, area_code),
        n_ranked_unitary=int(unitary_rates.notna().sum()),
        population_year=population_year(rows.loc[codes]),
    )


def _pct_change(count: pd.Series, previous: pd.Series, min_base: int) -> pd.Series:
    """Percentage change, null where either year's count is below ``min_base``.

    This is the ONS Table C3 rule: checked against every CSP and offence group
    of the year ending December 2024 workbook, "[u]" marks exactly the changes
    where the earlier or the later count is under 50.
    """
    now, before = count.astype("float64"), previous.astype("float64")
    change = (now - before) / before * 100
    return change.where((now >= min_base) & (before >= min_base))


def _previous_counts(df: pd.DataFrame, period_end: pd.Timestamp, offence_group: str, codes: list[str]) -> pd.Series:
    previous = df[(df["period_end"] == previous_period(period_end)) & (df["offence_group"] == offence_group)]
    counts = previous.set_index("csp_code")["count"].rename("previous_count")
    return counts.reindex(codes)


def national_table(
    df: pd.DataFrame, period_end, offence_group: str = TOTAL, unitary: set[str] | None = None
) -> pd.DataFrame:
    """Every CSP's rate for one period and offence group, ranked (1 = highest), with a unitary flag.

    Columns: ``csp_code, csp_name, force_name, count, population,
    rate_per_1000, rank_all, unitary_authority, rank_unitary, rate_source,
    rate_population``; ``rate_per_1000`` is ONS's own rate where it
    publishes one.
    """
    period_end = pd.Timestamp(period_end)
    rows = df[(df["period_end"] == period_end) & (df["offence_group"] == offence_group)]
    out = rows[
        ["csp_code", "csp_name", "force_name", "count", "population", "rate_per_1000", "rate_source", "rate_population"]
    ].copy()
    out["rank_all"] = pd.array(out["rate_per_1000"].rank(ascending=False, method="min"), dtype="Int64")
    out["unitary_authority"] = out["csp_code"].isin(unitary_authority_codes(df) if unitary is None else unitary)
    unitary_rank = out.loc[out["unitary_authority"], "rate_per_1000"].rank(ascending=False, method="min")
    out["rank_unitary"] = pd.array(unitary_rank.reindex(out.index), dtype="Int64")
    rate_facts = ["rate_source", "rate_population"]
    out = out[[c for c in out.columns if c not in rate_facts] + rate_facts]
    return out.sort_values(["rank_all", "csp_name"], na_position="last").reset_index(drop=True)


def rank_history(
    df: pd.DataFrame, area_code: str, peer_codes: Sequence[str], offence_group: str = TOTAL
) -> pd.DataFrame:
    """Each group member's rank and rate in every loaded period, and how its rank moved.

    The ranks are those :func:`group_summary` gives in each period (1 = the highest rate in the
    group, ties sharing the best rank), worked out for every period at once.

    Returns
    -------
    pandas.DataFrame
        One row per CSP (the area first, then the peers by name): ``csp_code,
        csp_name, is_area``, then for each period ``rank <label>`` and
        ``rate <label>``, then ``rank change <first> to <last>`` (earlier
        rank minus later rank: positive means the CSP moved towards 1st, the
        highest rate, relative to its peers).  Period labels are like
        "YE Dec 2024" (:func:`period_column_label`).

    Raises
    ------
    BenchmarkError
        As :func:`group_summary`, for the first period it fails in.
    """
    group = offence_group_of(offence_group)
    periods = available_periods(df)
    rows = df[df["offence_group"] == group.key]
    codes = list(dict.fromkeys([area_code, *peer_codes]))
    members = rows[rows["csp_code"].isin(codes)]
    for period in periods:
        if not (rows["period_end"] == period).any():
            raise BenchmarkError(f"no benchmark rows for the {year_ending(period)}: choose a year loaded")
        present = set(members.loc[members["period_end"] == period, "csp_code"])
        missing = [code for code in codes if code not in present]
        if missing:
            raise BenchmarkError(f"CSP code(s) not in the {year_ending(period)}: {', '.join(missing)}")
    rates = members.pivot(index="csp_code", columns="period_end", values="rate_per_1000")
    rates = rates.reindex(index=codes, columns=periods).astype("float64")
    ranks = rates.rank(ascending=False, method="min")
    latest = members[members["period_end"] == periods[-1]].set_index("csp_code")["csp_name"]
    out = pd.DataFrame(
        {"csp_name": latest.reindex(codes), "is_area": [code == area_code for code in codes]}, index=codes
    )
    for period in periods:
        label = period_column_label(period)
        out[f"rank {label}"] = pd.array(ranks[period], dtype="Int64")
        out[f"rate {label}"] = rates[period]
    if len(periods) > 1:
        first, last = period_column_label(periods[0]), period_column_label(periods[-1])
        out[f"rank change {first} to {last}"] = out[f"rank {first}"] - out[f"rank {last}"]
    out.index.name = "csp_code"
    peers = out[~out["is_area"]].sort_values("csp_name", key=lambda s: s.str.casefold())
    return pd.concat([out[out["is_area"]], peers]).reset_index()


def population_year(df: pd.DataFrame) -> int | None:
    """The year of the mid-year population estimates most rows use (ONS uses one vintage per release)."""
    years = df["population_year"].dropna()
    return int(years.mode().iloc[0]) if len(years) else None


def assessment_headings(summary: GroupSummary) -> dict[str, str]:
    """Column -> heading of :func:`assessment_table`, worded from the summary's own level and population year."""
    percent = round(summary.level * 100)
    year = f"mid-{summary.population_year}, " if summary.population_year else ""
    return {
        "csp_name": "CSP",
        "rate_per_1000": "Rate per 1,000",
        "pct_change": "% change on previous year",
        "rank": "Rank (1 = highest)",
        "ci_lower": f"{percent}% confidence interval, lower",
        "ci_upper": f"{percent}% confidence interval, upper",
        "position": "Compared with group average",
        "count": "Offences",
        "previous_count": "Offences, previous year",
        "population": f"Population ({year}rounded to 100)",
        "rate_population": "Population behind the rate",
        "rate_source": "Rate from",
        "csp_code": "CSP code",
    }


def assessment_table(summary: GroupSummary) -> pd.DataFrame:
    """The comparison as a table: the area first, then its peers by name.

    Columns are the headings of :func:`assessment_headings` (CSP, rate per
    1,000, % change on the previous year, then rank, confidence interval,
    position against the group average, counts, the population as printed and
    the population behind the rate, and where the rate comes from).  Values
    are unrounded; rounding is for display.
    """
    headings = assessment_headings(summary)
    table = summary.table
    peers = table[~table["is_area"]].sort_values("csp_name", key=lambda s: s.str.casefold())
    ordered = pd.concat([table[table["is_area"]], peers])
    return ordered[list(headings)].rename(columns=headings).reset_index(drop=True)


@dataclass(frozen=True)
class Comparison:
    """Everything a page shows for one choice of peers, year and offence group.

    Attributes
    ----------
    summary : GroupSummary
        The group in the chosen year (:func:`group_summary`).
    history : pandas.DataFrame
        The group's ranks in every loaded year (:func:`rank_history`).
    national : pandas.DataFrame
        Every CSP in the chosen year (:func:`national_table`).
    """

    summary: GroupSummary
    history: pd.DataFrame
    national: pd.DataFrame


def compare(
    df: pd.DataFrame, area_code: str, peer_codes: Sequence[str], period_end, offence_group: str = TOTAL
) -> Comparison:
    """The area against its peers for one year and offence group: the group, its rank history, all CSPs.

    Raises
    ------
    BenchmarkError
        As :func:`group_summary`.
    """
    # Every figure below is of one offence group: filtering once keeps each step to a 23rd of the table.
    rows = df[df["offence_group"] == offence_group_of(offence_group).key]
    unitary = unitary_authority_codes(rows)
    return Comparison(
        summary=group_summary(rows, area_code, peer_codes, period_end, offence_group, unitary=unitary),
        history=rank_history(rows, area_code, peer_codes, offence_group),
        national=national_table(rows, period_end, offence_group, unitary),
    )
