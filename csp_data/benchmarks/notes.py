"""The notes a benchmarking page prints around its figures: captions, caveats, text alternatives, formats.

Worded from the table loaded (its years, population estimates, source files and kinds of rate)
and the area's own names, so that they read sensibly for any area file.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from csp_data.benchmarks.groups import RATE_COMPUTED, RATE_PUBLISHED, year_ending
from csp_data.benchmarks.published import PublishedSummary
from csp_data.benchmarks.statistics import GroupSummary, population_year
from csp_data.benchmarks.wording import population_words
from csp_data.words import plural

__all__ = [
    "ASSESSMENT_FORMATS",
    "ASSESSMENT_HELP",
    "PUBLISHED_FORMATS",
    "PUBLISHED_NOTE",
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
    "rank_history_table",
]

#: How each number column of :func:`assessment_table` is written (printf style, as table widgets take it).
ASSESSMENT_FORMATS = {
    "rate_per_1000": "%.2f",
    "pct_change": "%+.1f%%",
    "ci_lower": "%.2f",
    "ci_upper": "%.2f",
    "count": "localized",
    "previous_count": "localized",
    "population": "localized",
    "rate_population": "%.0f",
}
#: Help for the columns of :func:`assessment_table` whose heading cannot say enough.
ASSESSMENT_HELP = {
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


def describe_data(df: pd.DataFrame) -> str:
    """The page's opening caption: what the figures are and what they are not."""
    return (
        'Police recorded crime by Community Safety Partnership (CSP), from the ONS "Police force area data '
        f'tables". Rates are per 1,000 residents, use ONS {population_words(df)} estimates for every year shown, '
        "and exclude fraud; where ONS publishes a rate it is shown exactly as published. The sidebar's period "
        "applies to the police.uk pages, not to these ONS years."
    )


def describe_group_table(summary: GroupSummary, area_name: str) -> str:
    """The caption under the group table: its order, the average and what 'above' means."""
    percent = round(summary.level * 100)
    return (
        f"{area_name} first, then its peers by name. Group average {summary.group_average:.2f}: the mean of the "
        f"{summary.group_size} CSP rates, {area_name} included, each CSP counting once (not one rate for the "
        'group\'s combined population). "Above" or "below average" only '
        f'where the CSP\'s {percent}% confidence interval lies wholly on one side of the average. "Rate from" says '
        'whether a rate is ONS\'s own or computed here; "Population behind the rate" is what it is per 1,000 of.'
    )


def describe_published_source(summary: PublishedSummary) -> str:
    """'Source: <document, section and pages>.' from the table's own ``source`` column."""
    return f"Source: {summary.table['source'].iloc[0].rsplit(',', 1)[0]}."


def describe_dot_plot_alt(summary: GroupSummary) -> str:
    """The dot plot's text alternative."""
    return (
        f"Dot plot of the {summary.offence_label.lower()} rate per 1,000 for the {summary.group_size} CSPs in "
        f"the group, with {round(summary.level * 100)}% confidence intervals and a dashed line at the group "
        "average; the table above gives the same figures."
    )


def describe_map_alt(summary: GroupSummary, area_name: str) -> str:
    """The group map's text alternative."""
    return (
        f"Map of England and Wales showing the {summary.group_size} CSPs of the group, coloured by whether "
        f"their rate is above, below or not significantly different from the group average; {area_name} "
        "is circled in black. The group table gives the same figures."
    )


def describe_strip_chart_alt(summary: GroupSummary, area_name: str) -> str:
    """The national strip chart's text alternative."""
    return (
        f"Strip chart of the {summary.offence_label.lower()} rate of every CSP in England and Wales, of the "
        f"unitary authorities and of this group, with {area_name} marked in black."
    )


def describe_dot_plot(level: float) -> str:
    """The caption under the dot plot: what a bar is and what crossing the average means."""
    percent = round(level * 100)
    return (
        f"Each bar is an exact Poisson {percent}% confidence interval for the rate: the range of rates that could "
        "plausibly have produced the count recorded, scaled by the same population as the rate itself, so the dot "
        "always lies inside its bar. Where a bar crosses the dashed group average, the difference could be chance. "
        "The table above is this chart's data."
    )


def rank_history_table(history: pd.DataFrame) -> pd.DataFrame:
    """:func:`rank_history` as shown and downloaded: 'CSP' first, 'CSP code' last, no ``is_area``."""
    table = history.drop(columns=["is_area"]).rename(columns={"csp_code": "CSP code", "csp_name": "CSP"})
    return table[[c for c in table.columns if c != "CSP code"] + ["CSP code"]]


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
    """The caption under the rank history: what rank 1 is, what a rank change means, which years overlap."""
    change = [c for c in table.columns if c.startswith("rank change")]
    overlaps = _overlaps(sorted(pd.Timestamp(p) for p in periods))
    return (
        "Rank 1 is the highest rate in the group, with the same peers in every year. "
        + (
            f'"{change[0]}" is the earlier rank minus the later one: positive means the CSP moved up '
            "towards 1st (a higher rate relative to its peers). "
            if change
            else ""
        )
        + (f"Years less than 12 months apart share months: {'; '.join(overlaps)}." if overlaps else "")
    ).strip()


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


def _rate_notes(df: pd.DataFrame, area_code: str, area_name: str) -> list[str]:
    """The two kinds of rate, the years of each and, for computed ones, how far they can be from ONS's."""
    by_period = df.dropna(subset=["rate_source"]).groupby("period_end")["rate_source"].agg(set)
    published_years = [year_ending(p) for p, kinds in by_period.items() if RATE_PUBLISHED in kinds]
    computed_years = [year_ending(p) for p, kinds in by_period.items() if RATE_COMPUTED in kinds]
    notes = []
    if published_years:
        own = df[(df["csp_code"] == area_code) & (df["rate_source"] == RATE_PUBLISHED)].head(1)
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
        ons = df[df["rate_source"] == RATE_PUBLISHED]
        recomputed = ons["count"].astype("float64") / ons["population"].astype("float64") * 1000
        differ = sum(f"{a:.2f}" != f"{b:.2f}" for a, b in zip(recomputed, ons["rate_per_1000"]))  # as displayed
        evidence = (
            (
                f" (for the {' and the '.join(published_years)}, where both can be had, {differ:,} of ONS's "
                f"{len(ons):,} CSP rates differ from this calculation at two decimals)"
            )
            if len(ons)
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


def describe_sources(df: pd.DataFrame, area_code: str, area_name: str, table_file: str) -> str:
    """The page's "Sources and caveats", as a Markdown list worded from the table loaded."""
    csv_years = sorted(
        {year_ending(p) for p, f in zip(df["period_end"], df["source_file"]) if str(f).lower().endswith(".csv")}
    )
    from_csv = f"; the {' and the '.join(csv_years)} from a CSV export of Table C2" if csv_years else ""
    year = population_year(df)
    since = f"; a population change since {year} is not reflected" if year else ""
    lines = [
        '- **Source**: Office for National Statistics, *Crime in England and Wales*, "Police force area data '
        f'tables" (Tables C1–C5{from_csv}). Source: Office for National Statistics licensed under the Open '
        f"Government Licence v3.0. Loaded from `{table_file}` ({', '.join(sorted(set(df['source_file'])))}).",
        "- **Rates exclude fraud** (ONS does not give fraud by CSP) and are per 1,000 residents on the **ONS "
        f"{population_words(df)} estimates** for every year{since}.",
        *_rate_notes(df, area_code, area_name),
        "- **Police recorded crime** depends on reporting and recording practice, which differ between forces and "
        "over time; a difference between CSPs in different forces is partly a difference in recording.",
        "- **Confidence intervals** treat each count as a Poisson variable (exact method) and the group average as "
        "fixed; they are scaled by the population behind each rate, so they are the intervals of the rates shown. "
        "They show chance variation, not recording differences.",
        "- **% change** is left blank when the year before is not loaded or either year has fewer than 50 offences "
        "(the ONS rule in Table C3).",
        "- **Peers**: the default group is the one the area file names ([peers] csps), such as a Most Similar "
        "Group the partnership already compares itself with. The Home Office no longer maintains Most Similar "
        "Groups; any list can be chosen above.",
        "- **Unitary authorities**: CSPs that are each exactly one English unitary authority (not the former "
        "districts within North and West Northamptonshire or Buckinghamshire, nor Welsh principal areas).",
        "- **Boundaries**: ONS Local Authority Districts (May 2023), generalised. Contains OS data © Crown copyright "
        "and database right 2023.",
    ]
    return "\n".join(lines)
