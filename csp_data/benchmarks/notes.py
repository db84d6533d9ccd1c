"""The notes a benchmarking page prints around its figures: captions, caveats, text alternatives, formats.

Worded from the table loaded (its years, population estimates, source files and kinds of rate)
and the area's own names, so that they read sensibly for any area file.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from csp_data.benchmarks.groups import RATE_COMPUTED, RATE_PUBLISHED, year_ending
from csp_data.benchmarks.published import PublishedSummary
from csp_data.benchmarks.statistics import GroupSummary, population_year
from csp_data.benchmarks.wording import (
    CI_MEANING,
    CSP_MEANING,
    MSG_MEANING,
    population_words,
    rank_change_words,
    rate_decimals,
    rate_text,
    year_of_label,
)
from csp_data.words import plural

__all__ = [
    "ASSESSMENT_HELP",
    "NATIONAL_HEADINGS",
    "PUBLISHED_FORMATS",
    "PUBLISHED_NOTE",
    "assessment_formats",
    "describe_data",
    "describe_dot_plot",
    "describe_dot_plot_alt",
    "describe_group_table",
    "describe_map",
    "describe_map_alt",
    "describe_published_source",
    "describe_rank_table",
    "describe_sources",
    "describe_strip_chart_alt",
    "national_display_table",
    "rank_column_labels",
    "rank_history_table",
]


def assessment_formats(decimals: int = 1) -> dict[str, str]:
    """How each number column of :func:`assessment_table` is written (printf style, as table widgets take it):
    rates and their intervals to ``decimals`` places (:func:`rate_decimals`), whole numbers with separators."""
    rate = f"%.{decimals}f"
    return {
        "rate_per_1000": rate,
        "pct_change": "%+.1f%%",
        "ci_lower": rate,
        "ci_upper": rate,
        "count": "localized",
        "previous_count": "localized",
        "population": "localized",
        "rate_population": "localized",
    }


#: Help for the columns of :func:`assessment_table` whose heading cannot say enough.
ASSESSMENT_HELP = {
    "rate_per_1000": "Offences recorded per 1,000 residents in the year.",
    "rank": "1 = the highest rate in the group.",
    "ci_lower": f"The lower end of the 95% confidence interval: {CI_MEANING}.",
    "ci_upper": f"The upper end of the 95% confidence interval: {CI_MEANING}.",
    "position": "Above or below the group average only where the whole confidence interval is on that side; "
    "otherwise the difference could be chance.",
    "rate_population": "The population the rate is per 1,000 of, which also scales its confidence interval: for "
    "ONS's own rates, the unrounded population they imply (offences × 1,000 / rate); for rates "
    "computed here, the population as printed, rounded to 100.",
}
#: How the number columns of :func:`published_rows_table` are written: as printed, one decimal and whole percents.
PUBLISHED_FORMATS = {"Rate per 1,000": "%.1f", "% change": "%+.0f%%"}
PUBLISHED_NOTE = (
    "The partnership's own benchmarking tables, shown exactly as published, beside the ONS years above. Their "
    "averages and ranks are recomputed here from the printed rows. They give rates and % changes only (no counts), "
    "so no confidence intervals can be drawn for them."
)
#: The national table's headings (:func:`national_display_table`).
NATIONAL_HEADINGS = {
    "csp_name": "CSP",
    "force_name": "Police force",
    "rate_per_1000": "Rate per 1,000",
    "rank_all": "Rank of all CSPs",
    "unitary_authority": "Unitary authority",
    "rank_unitary": "Rank of unitary authorities",
    "count": "Offences",
    "population": "Population (rounded to 100)",
    "rate_source": "Rate from",
    "rate_population": "Population behind the rate",
    "csp_code": "CSP code",
}


def describe_data(df: pd.DataFrame) -> str:
    """The page's opening caption: what the figures are and what they are not."""
    return (
        f"Police recorded crime in each Community Safety Partnership (CSP: {CSP_MEANING}), from the Office for "
        'National Statistics (ONS) "Police force area data tables". Each CSP is compared with its peers: by default '
        f"a Most Similar Group, {MSG_MEANING}. Rates are per 1,000 residents, use ONS {population_words(df)} "
        "estimates for every year shown, and exclude fraud; where ONS publishes a rate it is shown exactly as "
        'published. Each ONS year is the 12 months to the month named: the "year ending December 2024" is January '
        "to December 2024. The sidebar's period applies to the police.uk pages, not to these ONS years."
    )


def average_members(summary: GroupSummary, area_name: str) -> str:
    """Whether the group average takes in the area's own rate: "Medway included", or, when ONS gives the area no
    rate for the year (the City of London's is withheld), that it is left out."""
    rate = summary.table.loc[summary.table["is_area"], "rate_per_1000"]
    if len(rate) and rate.notna().all():
        return f"{area_name} included"
    return f"{area_name} left out (it has no rate for this year)"


def describe_group_table(summary: GroupSummary, area_name: str) -> str:
    """The caption under the group table: its order, the average and what 'above' means."""
    percent = round(summary.level * 100)
    average = rate_text(summary.group_average, rate_decimals(summary.table["rate_per_1000"]))
    return (
        f"{area_name} first, then its peers by name. The group average, {average}, is the mean of the "
        f"{plural(summary.group_size, 'CSP rate')}, {average_members(summary, area_name)}, each CSP counting once (not one rate for the "
        'group\'s combined population). "Above" or "below average" only where the CSP\'s '
        f'{percent}% confidence interval lies wholly on one side of the average. "Rate from" says whether a rate '
        "is ONS's own or computed here."
    )


def describe_published_source(summary: PublishedSummary) -> str:
    """'Source: <document, section and pages>.' from the table's own ``source`` column."""
    return f"Source: {summary.table['source'].iloc[0].rsplit(',', 1)[0]}."


def _positions(summary: GroupSummary) -> str:
    """'9 above average, 1 not significantly different and 4 below average' (the CSPs with a rate), and how many
    have no rate ('1 with no rate') when any."""
    counts = summary.table["position"].value_counts()
    parts = [
        f"{counts[p]} {p}" for p in ("above average", "not significantly different", "below average") if p in counts
    ]
    if no_rate := int(summary.table["rate_per_1000"].isna().sum()):
        parts.append(f"{no_rate} with no rate")
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _what_and_when(summary: GroupSummary) -> str:
    return f"{summary.offence_label.lower()} rate per 1,000 residents in the {year_ending(summary.period_end)}"


def _area_figure(summary: GroupSummary, area_name: str) -> str:
    row = summary.table[summary.table["is_area"]].iloc[0]
    if pd.isna(row["rate_per_1000"]):
        return f"{area_name} has no rate"
    rate = rate_text(row["rate_per_1000"], rate_decimals(summary.table["rate_per_1000"]))
    return f"{area_name}: {rate}, {row['position']}" if isinstance(row["position"], str) else f"{area_name}: {rate}"


def describe_dot_plot_alt(summary: GroupSummary, area_name: str | None = None) -> str:
    """The dot plot's text alternative: what it shows and what it finds."""
    average = rate_text(summary.group_average, rate_decimals(summary.table["rate_per_1000"]))
    found = f" {_area_figure(summary, area_name)}." if area_name else ""
    return (
        f"Dot plot of the {_what_and_when(summary)} for the {summary.group_size} CSPs in the group, each with its "
        f"{round(summary.level * 100)}% confidence interval as a bar, and a line at the group average of "
        f"{average}.{found} Against the average: {_positions(summary)}. The group table gives the same figures."
    )


def describe_map_alt(summary: GroupSummary, area_name: str) -> str:
    """The group map's text alternative."""
    return (
        f"Map of England and Wales showing where the {len(summary.table)} CSPs of the group are, each coloured by "
        f"how its {_what_and_when(summary)} compares with the group average: {_positions(summary)}. {area_name} "
        "is ringed in black. The group table gives the same figures."
    )


def describe_strip_chart_alt(summary: GroupSummary, area_name: str) -> str:
    """The national strip chart's text alternative."""
    rank = f" ({summary.area_rank_all} of {summary.n_ranked_all}, 1 = highest)" if summary.area_rank_all else ""
    return (
        f"Strip chart of the {_what_and_when(summary)}: one grey tick for each of the {summary.n_ranked_all} CSPs in "
        f"England and Wales with a rate, in three rows (all CSPs, the {summary.n_ranked_unitary} unitary "
        f"authorities and the {summary.group_size} CSPs of this group), with {area_name} marked in black{rank}."
    )


def describe_dot_plot(level: float) -> str:
    """The caption under the dot plot: what a bar is and what crossing the average means."""
    percent = round(level * 100)
    return (
        f"Each mark is a CSP's rate and its bar the {percent}% confidence interval, {CI_MEANING} (an exact Poisson "
        "interval for the count recorded, scaled by the same population as the rate, so the mark always lies inside "
        "its bar). Where a bar crosses the black line at the group average, the difference could be chance. A "
        "triangle pointing up is above the average, one pointing down below it, and a circle not significantly "
        "different. The area itself is the larger mark with a heavy outline, named in bold. The rate axis starts near the lowest bar, not at zero. "
        "The table above is this chart's data."
    )


def rank_history_table(history: pd.DataFrame) -> pd.DataFrame:
    """:func:`rank_history` as shown and downloaded, in words: 'CSP', a rank for each year, the change in rank
    ('2 places higher, a worse position'), then each year's rate and 'CSP code' last; no ``is_area``."""
    ranks = [c for c in history.columns if c.startswith("rank YE")]
    rates = [c for c in history.columns if c.startswith("rate YE")]
    change = [c for c in history.columns if c.startswith("rank change")]
    table = pd.DataFrame({"CSP": history["csp_name"]})
    for column in ranks:
        table[f"Rank, {year_of_label(column)}"] = history[column]
    if change:
        table[f"Change in rank since the {year_of_label(ranks[0])}"] = history[change[0]].map(rank_change_words)
    for column in rates:
        table[f"Rate per 1,000, {year_of_label(column)}"] = history[column]
    table["CSP code"] = history["csp_code"]
    return table


def rank_column_labels(history: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """For each rank column of :func:`rank_history_table`, a heading short enough for a phone ('Year to Dec
    2023') and its help ('Rank in the group in the year ending December 2023 (1 = the highest rate)')."""
    return {
        f"Rank, {year_of_label(c)}": (
            f"Year to {c.split('YE ', 1)[1]}",
            f"Rank in the group in the {year_of_label(c)} (1 = the highest rate)",
        )
        for c in history.columns
        if c.startswith("rank YE")
    }


def national_display_table(national: pd.DataFrame) -> pd.DataFrame:
    """:func:`national_table` as shown and downloaded: plain headings, the rate's population whole."""
    table = national[list(NATIONAL_HEADINGS)].copy()
    table["rate_population"] = table["rate_population"].round().astype("Int64")
    return table.rename(columns=NATIONAL_HEADINGS)


def _overlaps(periods: Sequence[pd.Timestamp]) -> list[str]:
    """'the year ending June 2025 overlaps the year ending December 2024 by 6 months', for years under 12 apart."""
    sentences = []
    for earlier, later in zip(periods, periods[1:]):
        apart = (later.year - earlier.year) * 12 + later.month - earlier.month
        if 0 < apart < 12:
            sentences.append(
                f"the {year_ending(later)} overlaps the {year_ending(earlier)} by {plural(12 - apart, 'month')}"
            )
    return sentences


def describe_rank_table(table: pd.DataFrame, periods: Sequence[pd.Timestamp]) -> str:
    """The caption under the rank history: what rank 1 is, how the years are named, what a move in rank means
    and which years overlap."""
    periods = sorted(pd.Timestamp(p) for p in periods)
    overlaps = _overlaps(periods)
    parts = ["Rank 1 is the highest rate in the group, with the same peers in every year."]
    if periods:
        parts.append(
            f'Each column is an ONS year, named by the month it ends: "Year to {periods[0]:%b %Y}" is the '
            f"{year_ending(periods[0])}."
        )
    if any(c.startswith("Change in rank") for c in table.columns):
        parts.append(
            "A CSP that moves higher (towards 1st) has a higher rate than before relative to its peers: a worse "
            "position."
        )
    if overlaps:
        parts.append(f"Years less than 12 months apart share months: {'; '.join(overlaps)}.")
    return " ".join(parts)


def describe_map(rows: pd.DataFrame) -> str:
    """The caption under the group map: the boundaries, and the CSPs not drawn or drawn as a larger area."""
    notes = [
        "Boundaries: ONS Local Authority Districts (May 2023), generalised; each CSP is drawn as its local authorities."
    ]
    if len(rows):
        missing = sorted(set(rows.loc[~rows["drawn"], "csp_name"]))
        if missing:
            notes.append(f"Not drawn (their local authorities were abolished before May 2023): {', '.join(missing)}.")
        shared = rows[rows["drawn"]].groupby("lad_code")["csp_name"].nunique()
        shared_names = sorted(set(rows.loc[rows["lad_code"].isin(shared[shared > 1].index), "csp_name"]))
        if shared_names:
            notes.append(f"Drawn as the whole local authority they are now part of: {', '.join(shared_names)}.")
    return " ".join(notes)


def _shown_differently(first: np.ndarray, second: np.ndarray) -> int:
    """How many pairs read differently at two decimals (as ``f"{x:.2f}"`` writes them), formatting only the
    pairs within a hair of a rounding boundary, where ``rint(100 x)`` might round the other way."""
    scaled_first, scaled_second = first * 100, second * 100
    boundary = (np.abs(scaled_first % 1 - 0.5) < 1e-6) | (np.abs(scaled_second % 1 - 0.5) < 1e-6)
    rounded_first, rounded_second = np.rint(scaled_first), np.rint(scaled_second)
    # "-0.00" is not "0.00"; two missing values both read "nan"
    differ = (rounded_first != rounded_second) | (np.signbit(rounded_first) != np.signbit(rounded_second))
    differ &= ~boundary & ~(np.isnan(first) & np.isnan(second))
    return int(differ.sum()) + sum(f"{a:.2f}" != f"{b:.2f}" for a, b in zip(first[boundary], second[boundary]))


def _rate_notes(df: pd.DataFrame, area_code: str, area_name: str) -> list[str]:
    """The two kinds of rate, the years of each and, for computed ones, how far they can be from ONS's."""
    # Whole columns as arrays, then the rows wanted: taking rows of the whole table was most of the time here.
    published = (df["rate_source"] == RATE_PUBLISHED).to_numpy(bool, na_value=False)
    computed = (df["rate_source"] == RATE_COMPUTED).to_numpy(bool, na_value=False)
    periods = df["period_end"].to_numpy()
    published_years = [year_ending(p) for p in np.unique(periods[published])]
    computed_years = [year_ending(p) for p in np.unique(periods[computed])]
    notes = []
    if published_years:
        columns = df[["csp_code", "rate_population", "population"]]
        area = columns[(df["csp_code"] == area_code).to_numpy(bool) & published]
        own = area.head(1)
        example = "".join(
            f" ({area_name}: {r.rate_population:,.0f} people, printed as {r.population:,})" for r in own.itertuples()
        )
        notes.append(
            f"- **ONS's own rates** for the {' and the '.join(published_years)}: shown exactly as published in Table "
            "C4, in the tables, charts, ranks and group averages. ONS divides by unrounded populations, which Table "
            "C4 prints rounded to 100; the confidence intervals use the population each rate implies, offences × "
            f"1,000 / rate{example}."
        )
    if computed_years:
        # How often count / printed population misses ONS's own rate at two decimals, where both can be had.
        count = df["count"].to_numpy("float64", na_value=np.nan)[published]
        population = df["population"].to_numpy("float64", na_value=np.nan)[published]
        ons_rates = df["rate_per_1000"].to_numpy("float64")[published]
        differ = _shown_differently(count / population * 1000, ons_rates)  # as displayed
        evidence = (
            (
                f" (for the {' and the '.join(published_years)}, where both can be had, {differ:,} of ONS's "
                f"{ons_rates.size:,} CSP rates differ from this calculation at two decimals)"
            )
            if ons_rates.size
            else ""
        )
        notes.append(
            f"- **Rates computed here** for the {' and the '.join(computed_years)}: the tables loaded give counts but "
            f"no rates for these years, so the rate is offences × 1,000 / the {population_words(df)} as printed, "
            f"rounded to 100, and may differ from the rate ONS would publish in the second decimal place{evidence}. "
            "A year loaded from a counts table alone (a CSV export of Table C2) takes its populations from the "
            "workbook."
        )
    return notes


def _years(periods) -> str:
    """'the year ending December 2023 and the year ending December 2024'."""
    names = [f"the {year_ending(p)}" for p in sorted(set(periods))]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def describe_sources(df: pd.DataFrame, area_code: str, area_name: str) -> str:
    """The page's "Sources and caveats", as a Markdown list worded from the table loaded (no file names)."""
    files = df[["period_end", "source_file"]].drop_duplicates()
    from_csv = files["source_file"].astype("str").str.lower().str.endswith(".csv")
    csv_years = f"; {_years(files.loc[from_csv, 'period_end'])} from a CSV export of Table C2" if from_csv.any() else ""
    year = population_year(df)
    since = f"; a population change since {year} is not reflected" if year else ""
    lines = [
        '- **Source**: Office for National Statistics (ONS), *Crime in England and Wales*, "Police force area data '
        f'tables" (Tables C1–C5{csv_years}), for {_years(files["period_end"])}. Source: Office for National '
        "Statistics licensed under the Open Government Licence v3.0.",
        "- **Rates exclude fraud** (ONS does not give fraud by CSP) and are per 1,000 residents on the **ONS "
        f"{population_words(df)} estimates** for every year{since}.",
        *_rate_notes(df, area_code, area_name),
        "- **Police recorded crime** depends on reporting and recording practice, which differ between forces and "
        "over time; a difference between CSPs in different forces is partly a difference in recording.",
        "- **Confidence intervals** (for each rate, the range it could plausibly take through chance alone) treat "
        "each count as a Poisson variable (exact method) and the "
        "group average as fixed; they are scaled by the population behind each rate, so they are the intervals of "
        "the rates shown. They show chance variation, not recording differences.",
        "- **% change** is left blank when the year before is not loaded or either year has fewer than 50 offences "
        "(the ONS rule in Table C3).",
        "- **Peers**: the default group is the list set up for this dashboard, such as a Most Similar Group the "
        f"partnership already compares itself with: {MSG_MEANING}. The Home Office no longer maintains Most Similar "
        "Groups; any list can be chosen above.",
        "- **Unitary authorities**: CSPs that are each exactly one English unitary authority, a single council for "
        "all local services (not the former districts within North and West Northamptonshire or Buckinghamshire, "
        "nor Welsh principal areas).",
        "- **Boundaries**: ONS Local Authority Districts (May 2023), generalised. Contains OS data © Crown copyright "
        "and database right 2023.",
    ]
    return "\n".join(lines)
