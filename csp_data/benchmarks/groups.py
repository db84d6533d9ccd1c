"""What the benchmark table holds: the ONS offence groups, its columns, where each rate comes from, its years
(and which of them a page opens on)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from csp_data.benchmarks.errors import BenchmarkError

__all__ = [
    "OFFENCE_GROUPS",
    "OFFENCE_KEYS",
    "RATE_COMPUTED",
    "RATE_PUBLISHED",
    "TIDY_COLUMNS",
    "TOTAL",
    "OffenceGroup",
    "available_periods",
    "chosen_offence_group",
    "chosen_period_key",
    "default_period",
    "has_previous_year",
    "offence_group",
    "offence_group_label",
    "period_column_label",
    "period_keys",
    "period_label",
    "year_ending",
]


@dataclass(frozen=True)
class OffenceGroup:
    """One offence column of the ONS CSP tables.

    Attributes
    ----------
    key : str
        Stable snake_case identifier used in the store.
    label : str
        The ONS column heading (line breaks collapsed).
    parent : str or None
        Key of the group this one is part of; ``None`` for the total.
    """

    key: str
    label: str
    parent: str | None


#: Key of the headline group, all police recorded crime but fraud.
TOTAL = "total_excl_fraud"

#: The 23 offence columns of Tables C2-C5, in the ONS order.
OFFENCE_GROUPS: tuple[OffenceGroup, ...] = (
    OffenceGroup(TOTAL, "Total recorded crime (excluding fraud)", None),
    OffenceGroup("violence_against_the_person", "Violence against the person", TOTAL),
    OffenceGroup("homicide", "Homicide", "violence_against_the_person"),
    OffenceGroup(
        "death_or_serious_injury_illegal_driving",
        "Death or serious injury caused by illegal driving",
        "violence_against_the_person",
    ),
    OffenceGroup("violence_with_injury", "Violence with injury", "violence_against_the_person"),
    OffenceGroup("violence_without_injury", "Violence without injury", "violence_against_the_person"),
    OffenceGroup("stalking_and_harassment", "Stalking and harassment", "violence_against_the_person"),
    OffenceGroup("sexual_offences", "Sexual offences", TOTAL),
    OffenceGroup("robbery", "Robbery", TOTAL),
    OffenceGroup("theft", "Theft offences", TOTAL),
    OffenceGroup("burglary", "Burglary", "theft"),
    OffenceGroup("residential_burglary", "Residential burglary", "burglary"),
    OffenceGroup("non_residential_burglary", "Non-residential burglary", "burglary"),
    OffenceGroup("vehicle_offences", "Vehicle offences", "theft"),
    OffenceGroup("theft_from_the_person", "Theft from the person", "theft"),
    OffenceGroup("bicycle_theft", "Bicycle theft", "theft"),
    OffenceGroup("shoplifting", "Shoplifting", "theft"),
    OffenceGroup("all_other_theft", "All other theft offences", "theft"),
    OffenceGroup("criminal_damage_and_arson", "Criminal damage and arson", TOTAL),
    OffenceGroup("drug_offences", "Drug offences", TOTAL),
    OffenceGroup("possession_of_weapons", "Possession of weapons offences", TOTAL),
    OffenceGroup("public_order", "Public order offences", TOTAL),
    OffenceGroup("misc_crimes_against_society", "Miscellaneous crimes against society", TOTAL),
)
OFFENCE_KEYS = tuple(group.key for group in OFFENCE_GROUPS)
OFFENCE_BY_KEY = {group.key: group for group in OFFENCE_GROUPS}

#: Columns of the tidy benchmark frame, in order.
TIDY_COLUMNS: tuple[str, ...] = (
    "csp_code",
    "csp_name",
    "force_code",
    "force_name",
    "la_codes",
    "period_end",
    "offence_group",
    "offence_label",
    "parent_group",
    "count",
    "population",
    "population_year",
    "population_source",
    "rate_per_1000",
    "rate_source",
    "rate_population",
    "published_rate_per_1000",
    "source_file",
    "source_table",
)

#: ``rate_source`` of a rate ONS publishes, and of one computed here.
RATE_PUBLISHED = "ONS Table C4, as published"
RATE_COMPUTED = "computed: count × 1,000 / population rounded to 100 (ONS publishes no rate for this year)"


def offence_group(key: str) -> OffenceGroup:
    """The offence group with this key.

    Raises
    ------
    BenchmarkError
        Naming the key and the keys there are.
    """
    try:
        return OFFENCE_BY_KEY[key]
    except KeyError:
        raise BenchmarkError(f"unknown offence_group {key!r}; expected one of {', '.join(OFFENCE_KEYS)}") from None


def chosen_offence_group(key: str | None) -> str:
    """``key`` when it is an offence group, else the headline group (a key kept from an older page)."""
    return key if key in OFFENCE_BY_KEY else TOTAL


def offence_group_label(key: str) -> str:
    """The ONS heading of an offence group, with the group it belongs to for sub-groups."""
    group = offence_group(key)
    if group.parent in (None, TOTAL):
        return group.label
    return f"{group.label} (part of {OFFENCE_BY_KEY[group.parent].label.lower()})"


def year_ending(period_end) -> str:
    """'year ending December 2024' for 2024-12-31, as a sentence says it (ONS names its rolling years so)."""
    return f"year ending {pd.Timestamp(period_end):%B %Y}"


def period_label(period_end) -> str:
    """'Year ending December 2024' for 2024-12-31, as a heading or a choice says it."""
    text = year_ending(period_end)
    return text[:1].upper() + text[1:]


def previous_period(period_end: pd.Timestamp) -> pd.Timestamp:
    """The end of the year that ends 12 months before ``period_end`` (month ends stay month ends)."""
    return period_end - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)


def period_column_label(period_end) -> str:
    """'YE Dec 2024': the short label of a year in :func:`rank_history`'s column names (never shown as such)."""
    return f"YE {pd.Timestamp(period_end):%b %Y}"


def available_periods(df: pd.DataFrame) -> list[pd.Timestamp]:
    """The period ends in a tidy frame, oldest first."""
    return sorted(pd.Timestamp(value) for value in df["period_end"].dropna().unique())


def has_previous_year(df: pd.DataFrame, period_end) -> bool:
    """Whether the year before ``period_end`` is loaded, so that a % change can be given."""
    return bool((df["period_end"] == previous_period(pd.Timestamp(period_end))).any())


def default_period(df: pd.DataFrame) -> pd.Timestamp:
    """The year a page opens on: the latest with the year before it loaded (so with a % change), else the latest."""
    periods = available_periods(df)
    with_change = [period for period in periods if has_previous_year(df, period)]
    return (with_change or periods)[-1]


def period_keys(df: pd.DataFrame) -> list[str]:
    """The loaded period ends as ``"YYYY-MM-DD"`` keys (what a page's choice of year holds), oldest first."""
    return [f"{period:%Y-%m-%d}" for period in available_periods(df)]


def chosen_period_key(df: pd.DataFrame, key: str | None) -> str:
    """``key`` when that year is loaded, else the key of :func:`default_period` (a key kept from another table)."""
    return key if key in period_keys(df) else f"{default_period(df):%Y-%m-%d}"
