"""Priorities and progress: the figures behind the Priorities page, without Streamlit.

Two kinds of figure:

* **Live indicators** from the incidents store: police.uk categories counted month by month for
  the chosen period, with a rate per 1,000 residents, an honest change on the same months a year
  earlier (:mod:`csp_data.change`, the one place change is judged) and a direction-of-travel status
  (:mod:`csp_data.plans.progress`; :func:`current_plan_progress` gives it for every series of a plan).
* **ONS figures** for offences police.uk does not separate (sexual offences, stalking and
  harassment), read from the ONS community safety partnership table when the store holds one.

With them, what open data cannot show about each priority, and the plans and KPIs shown as history.
The plans in words (KPI tables with each KPI's RAG status in a symbol and words, never by colour
alone; a priority's actions grouped; the RAG rules) are in :mod:`csp_data.plans.wording`.

Functions take a ``run_query(name, **params)`` callable, so they run on a
:class:`csp_data.store.queries.Database` in tests and on the page's cached wrapper in the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from csp_data.change import Change, compare_counts, describe_change
from csp_data.charts.colours import ASB_COLOUR, CATEGORY_COLOURS, CRIME_COLOUR
from csp_data.config import Area
from csp_data.periods import Period, describe_coverage, describe_months, month_range
from csp_data.plans import Plan, Priority
from csp_data.plans.progress import Progress, direction_of_travel, progress_table
from csp_data.plans.tables import previous_plans, unassigned_kpis  # re-exported: the pages and pack use them here
from csp_data.series import RunQuery, comparable_change, comparison_first, rate_per_1000
from csp_data.words import slug

__all__ = [
    "COMPANION_CATEGORIES",
    "COMPANION_ONS_GROUPS",
    "OPEN_DATA_LIMITS",
    "IndicatorFigures",
    "LiveSeries",
    "current_plan_progress",
    "describe_missing",
    "NO_ONS_TABLE",
    "find_ons_benchmarks",
    "indicator_figures",
    "indicator_table",
    "live_series",
    "ons_groups",
    "ons_indicator_table",
    "ons_source_text",
    "ons_table_path",
    "open_data_limits",
    "plan_figures",
    "previous_plans",
    "series_for_category",
    "unassigned_kpis",
]


# ---------------------------------------------------------------------------------
# Live indicators from the store
# ---------------------------------------------------------------------------------

ASB_CATEGORY = "Anti-social behaviour"

#: Categories followed beside a tracked one. Drug supply and weapon carrying go together (county
#: lines), and the partnership follows possession of weapons under its drugs priority.
COMPANION_CATEGORIES: dict[str, tuple[str, ...]] = {"Drugs": ("Possession of weapons",)}

# The shared colours (csp_data.charts.colours, each 3:1 or more on white): ASB vermillion, crime blue.
_SERIES_COLOURS = {
    ASB_CATEGORY: ASB_COLOUR,
    "Violence and sexual offences": CRIME_COLOUR,
    "Drugs": CATEGORY_COLOURS[2],
    "Possession of weapons": CATEGORY_COLOURS[3],
}
#: Any other category: Paul Tol's indigo from the shared palette (12:1 on white).
_OTHER_COLOUR = CATEGORY_COLOURS[5]

#: ONS offence groups followed beside a tracked one (see COMPANION_CATEGORIES).
COMPANION_ONS_GROUPS: dict[str, tuple[str, ...]] = {"Drug offences": ("Possession of weapons offences",)}

#: What open data cannot show about a series, by police.uk category.
OPEN_DATA_LIMITS: dict[str, str] = {
    ASB_CATEGORY: (
        "police.uk holds only the ASB incidents reported to the police. ASB reported to the council, "
        "housing providers or the fire and rescue service (for example fires in derelict buildings) is not "
        "in it, and neither are fines under a Public Spaces Protection Order (PSPO), Section 59 notices or "
        "vehicles seized."
    ),
    "Violence and sexual offences": (
        "police.uk does not separate sexual offences or stalking and harassment: it has one broad "
        'category, "Violence and sexual offences", and says nothing of the victim\'s sex or of domestic '
        "abuse. Only the ONS recorded-crime tables for community safety partnerships give sexual "
        "offences and stalking and harassment separately, for whole years."
    ),
    "Drugs": (
        "Recorded drug offences count what police find, so they rise and fall with enforcement (stop "
        "and search, operations against county lines) as much as with drug use or dealing. Treatment, "
        "drug-related deaths and alcohol harm are not in police data."
    ),
}
REOFFENDING_LIMITS = (
    "Open data cannot show reoffending. Whether people offend again is measured by the Ministry of "
    "Justice's proven reoffending statistics and by probation and youth justice records; none of these "
    "is in police.uk or in the ONS recorded-crime tables, and the dashboard does not hold them. A "
    'police.uk "outcome" says what happened to a crime, not whether the offender went on to offend '
    "again. Progress on this priority rests on the partners' own reports, shown above."
)
NO_SERIES_LIMITS = (
    "No open data series follows this priority: progress on it rests on the partners' own reports, shown above."
)


def open_data_limits(priority: Priority) -> list[str]:
    """What open data cannot show about a priority, in plain sentences."""
    categories = [c for s in live_series(priority) for c in s.categories]
    notes = [OPEN_DATA_LIMITS[c] for c in categories if c in OPEN_DATA_LIMITS]
    if not categories:
        notes.append(REOFFENDING_LIMITS if "offending" in priority.title.lower() else NO_SERIES_LIMITS)
    return notes


def ons_groups(priority: Priority) -> tuple[str, ...]:
    """The ONS offence groups that follow a priority, with their companions."""
    groups: list[str] = []
    for indicator in priority.tracked_indicators:
        for group in indicator.ons_offence_groups:
            for name in (group, *COMPANION_ONS_GROUPS.get(group, ())):
                if name not in groups:
                    groups.append(name)
    return tuple(groups)


@dataclass(frozen=True)
class LiveSeries:
    """One series the store can count: a police.uk category followed for a priority."""

    key: str
    label: str
    categories: tuple[str, ...]
    kind: str  # "asb" or "crime": ASB is never added to crime
    colour: str
    notes: str | None = None
    direction: str = "lower_is_better"  # the way the plan wants it to move


def live_series(priority: Priority) -> tuple[LiveSeries, ...]:
    """The store series for a priority: one per police.uk category of its tracked indicators.

    Each category is its own series (so ASB never joins a crime series), followed by the
    :data:`COMPANION_CATEGORIES` of any category tracked, which share its direction. An unknown
    category is still counted; it simply finds nothing if police.uk does not use it.
    """
    categories: dict[str, tuple[str | None, str]] = {}
    for indicator in priority.tracked_indicators:
        for category in indicator.police_uk_categories:
            categories.setdefault(category, (indicator.notes, indicator.direction))
    for category, (_, direction) in list(categories.items()):
        for companion in COMPANION_CATEGORIES.get(category, ()):
            categories.setdefault(companion, (None, direction))
    return tuple(series_for_category(c, notes, direction) for c, (notes, direction) in categories.items())


def series_for_category(category: str, notes: str | None = None, direction: str = "lower_is_better") -> LiveSeries:
    """A live series for one police.uk category (e.g. ``"Drugs"``)."""
    return LiveSeries(
        key=slug(category),
        label=category,
        categories=(category,),
        kind="asb" if category == ASB_CATEGORY else "crime",
        colour=_SERIES_COLOURS.get(category, _OTHER_COLOUR),
        notes=notes,
        direction=direction,
    )


@dataclass(frozen=True)
class IndicatorFigures:
    """A live series over the chosen period.

    ``monthly`` has one row per month of the period (``month``, ``incidents``, ``loaded``); months
    not loaded hold a missing value, never a zero. ``change`` and ``change_text`` are the one change
    rule's; ``progress`` is the series' direction-of-travel status (:mod:`csp_data.plans.progress`),
    which may use a longer comparison when the year-on-year one is thin, and says so.
    """

    series: LiveSeries
    period: Period
    count: int
    months_loaded: int
    rate_per_1000: float | None
    monthly: pd.DataFrame
    coverage_text: str
    previous: Period | None
    previous_count: int | None
    change: Change | None
    change_text: str
    progress: Progress


def _monthly(run_query: RunQuery, categories: Sequence[str], first: date, last: date) -> pd.DataFrame:
    """Counts per loaded month, the categories added together."""
    frame = run_query("indicator_monthly", first=first, last=last, crime_types=list(categories))
    if frame.empty:
        return pd.DataFrame({"month": pd.Series(dtype=object), "incidents": pd.Series(dtype="int64")})
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame.groupby("month", as_index=False)["incidents"].sum()


def indicator_figures(
    run_query: RunQuery,
    series: LiveSeries,
    period: Period,
    loaded: Sequence[date],
    population: int | None,
    plan_start_year: int | None = None,
) -> IndicatorFigures:
    """Count a live series over ``period``, with its rate and its change on the previous equal period.

    Parameters
    ----------
    run_query : callable
        ``run_query(name, **params) -> DataFrame`` over the store (``indicator_monthly``).
    series : LiveSeries
        From :func:`live_series`.
    period : Period
        The chosen period.
    loaded : sequence of date
        The months held in the store.
    population : int, optional
        Residents, for a rate per 1,000; ``None`` gives no rate.
    plan_start_year : int, optional
        The first year of the plan the series follows (see :func:`csp_data.plans.progress.direction_of_travel`).

    Returns
    -------
    IndicatorFigures
        The change follows the one rule of :mod:`csp_data.series`: over the months loaded in both the
        period and the same months a year earlier (further back when none of those is loaded); with
        none, ``change_text`` says why not.
    """
    first = comparison_first(period)
    found = _monthly(run_query, series.categories, first, period.last)
    held = dict(zip(found["month"], found["incidents"].astype(int)))
    counts = {m: n for m, n in held.items() if period.first <= m <= period.last}
    months = month_range(period.first, period.last)
    monthly = pd.DataFrame(
        {
            "month": months,
            "incidents": pd.array([counts.get(m) for m in months], dtype="Int64"),
        }
    )
    monthly["loaded"] = monthly["incidents"].notna()
    count = int(sum(counts.values()))
    # The one change rule (csp_data.series): the months loaded in both this period and the one before.
    both = month_range(first, period.last)
    wide = pd.DataFrame(
        {
            "month": both,
            "incidents": pd.array([held.get(m) for m in both], dtype="Int64"),
            "loaded": [m in held for m in both],
        }
    )
    comparison = comparable_change(wide, period, series.label.lower())
    progress = direction_of_travel(wide, period, series.direction, series.label.lower(), plan_start_year)
    compared = comparison.change is not None
    return IndicatorFigures(
        series,
        period,
        count,
        len(counts),
        rate_per_1000(count, population),
        monthly,
        describe_coverage(period, loaded),
        comparison.previous if compared else None,
        int(sum(held[m] for m in comparison.previous_months)) if compared else None,
        comparison.change,
        comparison.text,
        progress,
    )


def plan_figures(
    run_query: RunQuery, plan: Plan, period: Period, loaded: Sequence[date], population: int | None
) -> dict[str, list[IndicatorFigures]]:
    """The live series of every priority of ``plan`` over ``period``, by priority id (empty lists included).

    Their monthly counts are read in one query for all the plan's categories, not one query a series.
    """
    series = {p.id: live_series(p) for p in plan.priorities}
    categories = sorted({c for found in series.values() for s in found for c in s.categories})
    first = comparison_first(period)
    held = run_query("indicator_monthly", first=first, last=period.last, crime_types=categories) if categories else None

    def counted(name: str, **params) -> pd.DataFrame:
        if name == "indicator_monthly" and (params["first"], params["last"]) == (first, period.last):
            return held[held["crime_type"].isin(params["crime_types"])].copy()
        return run_query(name, **params)

    return {
        key: [indicator_figures(counted, s, period, loaded, population, plan.start_year) for s in found]
        for key, found in series.items()
    }


def current_plan_progress(
    run_query: RunQuery, plan: Plan, period: Period, loaded: Sequence[date], population: int | None
) -> pd.DataFrame:
    """The direction-of-travel status of every live series of a plan over ``period``, for the page and the pack.

    Parameters
    ----------
    run_query : callable
        ``run_query(name, **params) -> DataFrame`` over the store.
    plan : Plan
        Usually the current plan (:func:`csp_data.plans.current_plan`).
    period : Period
        The chosen period.
    loaded : sequence of date
        The months held in the store.
    population : int, optional
        Residents, for the rate per 1,000.

    Returns
    -------
    pandas.DataFrame
        One row per series, priorities in plan order; columns ``priority``, ``indicator``, ``aim``,
        ``status`` (green / amber / red / no_data), ``status_label``, ``status_text``, ``change``, ``compared``,
        ``comparison``, ``rule_text``, ``incidents``, ``rate_per_1000``, ``caveat``
        (:func:`csp_data.plans.progress.progress_table`).
    """
    return progress_table(plan, plan_figures(run_query, plan, period, loaded, population))


def indicator_table(figures: Sequence[IndicatorFigures]) -> pd.DataFrame:
    """Monthly counts of several series as one long table (for a CSV download).

    Columns: ``series``, ``month`` (first day), ``incidents`` (missing where the month is not
    loaded), ``loaded``.
    """
    frames = [f.monthly.assign(series=f.series.label)[["series", "month", "incidents", "loaded"]] for f in figures]
    if not frames:
        return pd.DataFrame(columns=["series", "month", "incidents", "loaded"])
    return pd.concat(frames, ignore_index=True)


def describe_missing(figures: IndicatorFigures) -> str:
    """'' when every month is loaded, else a sentence naming the missing months."""
    missing = [m for m, ok in zip(figures.monthly["month"], figures.monthly["loaded"]) if not ok]
    if not missing:
        return ""
    return f"Not loaded, so not counted (missing, not zero): {describe_months(missing)}."


# ---------------------------------------------------------------------------------
# ONS figures for what police.uk does not separate
# ---------------------------------------------------------------------------------


#: What the ONS sections say when no ONS table is held.
NO_ONS_TABLE = "No ONS community safety partnership table is held with this area's data yet."


def ons_table_path(area: Area, store_dir: str | Path | None = None) -> Path | None:
    """The ONS CSP table the area uses (:func:`csp_data.benchmarks.find_benchmark_table`, as the Benchmarking
    page finds it: the store's, else the area folder's, else the embedded one); ``None`` when none is held."""
    from csp_data import benchmarks as bm

    store_root = Path(store_dir) if store_dir is not None else area.store_dir
    try:
        return bm.find_benchmark_table(store_root, Path(area.area_file).parent)
    except bm.BenchmarkFileNotFoundError:
        return None


def find_ons_benchmarks(area: Area, store_dir: str | Path | None = None) -> tuple[pd.DataFrame | None, str]:
    """The ONS CSP table for the area (:func:`ons_table_path`), if one is held; and the file it came from, or
    :data:`NO_ONS_TABLE` and ``None`` when there is none."""
    from csp_data import benchmarks as bm

    path = ons_table_path(area, store_dir)
    if path is None:
        return None, NO_ONS_TABLE
    return bm.read_benchmark_table(path), str(path)


def ons_source_text(table: pd.DataFrame) -> str:
    """Where the ONS figures come from, in words: the publication and the years the table shows."""
    from csp_data.benchmarks.groups import year_ending

    ends = sorted(set(table["year_ending"]))
    years = year_ending(ends[0]) if len(ends) == 1 else f"{year_ending(ends[0])} to {year_ending(ends[-1])[12:]}"
    return (
        "Office for National Statistics, Crime in England and Wales: police recorded crime by community "
        f"safety partnership, {years} (Open Government Licence)."
    )


def _ons_group_keys(labels: Iterable[str]) -> list[tuple[str, str]]:
    from csp_data.benchmarks import OFFENCE_GROUPS

    by_label = {g.label.casefold(): g for g in OFFENCE_GROUPS}
    by_label.update({g.key: g for g in OFFENCE_GROUPS})
    keys = []
    for label in labels:
        group = by_label.get(label.casefold()) or by_label.get(f"{label} offences".casefold())
        if group is None:
            known = ", ".join(g.label for g in OFFENCE_GROUPS)
            raise ValueError(f"{label!r} is not an ONS offence group; known groups: {known}")
        keys.append((group.key, group.label))
    return keys


def ons_indicator_table(benchmarks: pd.DataFrame, csp_code: str, offence_groups: Sequence[str]) -> pd.DataFrame:
    """The area's ONS figures for some offence groups, each year with its rate and change.

    Parameters
    ----------
    benchmarks : pandas.DataFrame
        The tidy ONS CSP table (:data:`csp_data.benchmarks.TIDY_COLUMNS`).
    csp_code : str
        The area's CSP code (``area.csp_code``).
    offence_groups : sequence of str
        ONS offence group labels ("Sexual offences") or keys ("sexual_offences").

    Returns
    -------
    pandas.DataFrame
        One row per group and year end, oldest first within each group. Columns:
        ``offence_group``, ``offence_label``, ``year_ending``, ``count``, ``population``,
        ``rate_per_1000``, ``rate_lower``, ``rate_upper`` (exact Poisson 95% interval),
        ``previous_year_count`` (the year ending 12 months earlier, when held),
        ``change_percent`` and ``change`` (words from :func:`csp_data.change.describe_change`, or
        "no figure for the year before"). Empty when the table holds nothing for the area.
    """
    from csp_data.benchmarks import rate_confidence_interval
    from csp_data.benchmarks.groups import previous_period

    columns = [
        "offence_group",
        "offence_label",
        "year_ending",
        "count",
        "population",
        "rate_per_1000",
        "rate_lower",
        "rate_upper",
        "previous_year_count",
        "change_percent",
        "change",
    ]
    keys = _ons_group_keys(offence_groups)
    own = benchmarks[benchmarks["csp_code"] == csp_code].copy()
    own["period_end"] = pd.to_datetime(own["period_end"])
    rows = []
    for key, label in keys:
        group = own[own["offence_group"] == key].sort_values("period_end")
        by_end = {pd.Timestamp(r.period_end): r for r in group.itertuples()}
        for end, row in by_end.items():
            count = None if pd.isna(row.count) else int(row.count)
            population = None if pd.isna(row.population) else int(row.population)
            rate = lower = upper = None
            if count is not None and population:
                rate = count / population * 1000
                lower, upper = rate_confidence_interval(count, population)
            year_before = by_end.get(previous_period(end))  # the year ending 12 months earlier
            previous = None if year_before is None or pd.isna(year_before.count) else int(year_before.count)
            change = compare_counts(count, previous) if count is not None and previous is not None else None
            rows.append(
                {
                    "offence_group": key,
                    "offence_label": label,
                    "year_ending": end.date(),
                    "count": count,
                    "population": population,
                    "rate_per_1000": rate,
                    "rate_lower": lower,
                    "rate_upper": upper,
                    "previous_year_count": previous,
                    "change_percent": None if change is None else change.percent,
                    "change": "no figure for the year before" if change is None else describe_change(change),
                }
            )
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("count", "population", "previous_year_count"):
        frame[column] = frame[column].astype("Int64")
    for column in ("rate_per_1000", "rate_lower", "rate_upper", "change_percent"):
        frame[column] = frame[column].astype("Float64")
    return frame
