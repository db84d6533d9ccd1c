"""The crime picture in context: the figures and sentences of the Overview page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from csp_data.change import Change, compare_counts, describe_change
from csp_data.config import Area
from csp_data.periods import Period, describe_coverage, month_label, month_range
from csp_data.series import (
    ALL_ASB,
    ALL_CRIME,
    ComparableChange,
    MatchedMonths,
    RunQuery,
    comparable_change,
    comparison_first,
    matched_months,
    monthly_series,
    monthly_type_counts,
    rate_per_1000,
)
from csp_data.words import percent

KIND_LABELS = {"crime": "recorded crime", "asb": "anti-social behaviour (ASB)"}
TOP_N_WARDS = 5


@dataclass(frozen=True)
class KindSummary:
    """Count, rate and change for one kind (crime or ASB) over the period."""

    kind: str
    count: int
    rate_per_1000: float | None
    change: Change | None
    change_text: str
    months_loaded: int = 0
    months_in_period: int = 0

    @property
    def partial(self) -> bool:
        return self.months_loaded < self.months_in_period

    @property
    def monthly_average(self) -> float | None:
        """The average count per loaded month: the figure to compare when a period is partial."""
        return self.count / self.months_loaded if self.months_loaded else None

    @property
    def partial_words(self) -> str:
        """' in 9 of 12 months' for a partial period, else ''."""
        return f" in {self.months_loaded} of {self.months_in_period} months" if self.partial else ""

    @property
    def figure(self) -> str:
        """'26,180; 66.0 per 1,000 in 9 of 12 months': a partial period says so on the figure itself."""
        rate = "" if self.rate_per_1000 is None else f"; {self.rate_per_1000:.1f} per 1,000"
        return f"{self.count:,}{rate}{self.partial_words}"


@dataclass
class Overview:
    area_name: str
    period: Period
    coverage_text: str
    complete: bool
    population: int | None
    population_note: str
    crime: KindSummary
    asb: KindSummary
    monthly: pd.DataFrame
    crime_types: pd.DataFrame
    top_wards: dict[str, pd.DataFrame]
    top_wards_share: dict[str, float | None]
    sentences: list[str] = field(default_factory=list)

    @property
    def months_loaded(self) -> int:
        return self.crime.months_loaded


def _within(type_counts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The rows of ``type_counts`` (month, kind, crime_type, incidents) inside ``period``."""
    return type_counts[(type_counts["month"] >= period.first) & (type_counts["month"] <= period.last)]


def _totals(type_counts: pd.DataFrame, period: Period) -> dict[str, int]:
    sums = _within(type_counts, period).groupby("kind")["incidents"].sum()
    return {kind: int(sums.get(kind, 0)) for kind in ("crime", "asb")}


def _full_monthly(type_counts: pd.DataFrame, period: Period, loaded: list[date]) -> pd.DataFrame:
    """Monthly counts over every month of the period: 0 for a loaded month with none, missing for a month not loaded."""
    sums = _within(type_counts, period).groupby(["month", "kind"])["incidents"].sum()
    grid = pd.MultiIndex.from_product(
        [month_range(period.first, period.last), ["crime", "asb"]], names=["month", "kind"]
    )
    frame = sums.reindex(grid).reset_index()
    loaded_set = set(loaded)
    frame["loaded"] = frame["month"].isin(loaded_set)
    frame["incidents"] = frame["incidents"].fillna(0).astype("Int64").where(frame["loaded"], pd.NA)
    return frame


def _type_counts_in(type_counts: pd.DataFrame, period: Period) -> pd.DataFrame:
    counted = _within(type_counts, period).groupby(["kind", "crime_type"], as_index=False)["incidents"].sum()
    counted["incidents"] = counted["incidents"].astype(int)
    counted["share"] = counted["incidents"] / counted.groupby("kind")["incidents"].transform("sum")
    counted["kind_order"] = counted["kind"].map({"crime": 0, "asb": 1})
    counted = counted.sort_values(["kind_order", "incidents", "crime_type"], ascending=[True, False, True])
    return counted.drop(columns="kind_order").reset_index(drop=True)


def _sum_by_type(type_counts: pd.DataFrame, months: tuple[date, ...]) -> pd.Series:
    return type_counts[type_counts["month"].isin(set(months))].groupby("crime_type")["incidents"].sum()


def _crime_types(type_counts: pd.DataFrame, period: Period, matched: MatchedMonths) -> pd.DataFrame:
    """Counts and shares by crime type; the change by the one rule (the months loaded in both periods)."""
    current = _type_counts_in(type_counts, period)[["kind", "crime_type", "incidents", "share"]]
    if matched.basis == "none":
        current["previous_incidents"] = pd.Series([pd.NA] * len(current), dtype="Int64")
        current["change_percent"] = float("nan")
        current["change"] = ""
        return current
    now = current["crime_type"].map(_sum_by_type(type_counts, matched.current_months)).fillna(0).astype(int)
    before = _sum_by_type(type_counts, matched.previous_months)
    if not matched.complete:  # both sides of a comparison of some months only
        current["compared_incidents"] = now.astype("Int64")
    current["previous_incidents"] = current["crime_type"].map(before).fillna(0).astype("Int64")
    changes = [compare_counts(int(a), int(b)) for a, b in zip(now, current["previous_incidents"])]
    current["change_percent"] = [c.percent if c.percent is not None else float("nan") for c in changes]
    current["change"] = [describe_change(c) for c in changes]
    return current


def _kind_summary(
    kind: str, count: int, comparable: ComparableChange, population: int | None, period: Period, loaded: list[date]
) -> KindSummary:
    """Count and rate for the period; the change over the months loaded in both it and the previous period."""
    held = len([m for m in period.months if m in set(loaded)])
    return KindSummary(
        kind, count, rate_per_1000(count, population), comparable.change, comparable.text, held, period.length
    )


def build_overview(
    run_query: RunQuery,
    area: Area,
    period: Period,
    loaded: list[date],
    population: int | None,
    type_counts: pd.DataFrame | None = None,
) -> Overview:
    """Gather every figure of the Overview page for ``period``.

    Parameters
    ----------
    run_query : callable
        ``run_query(name, **params) -> DataFrame``, e.g. :meth:`csp_data.store.queries.Database.query`
        or the page's cached wrapper of it.
    loaded : list of date
        The months held in the store.
    population : int, optional
        Residents of the area, for rates per 1,000.
    type_counts : DataFrame, optional
        :func:`csp_data.series.monthly_type_counts` for ``loaded`` and ``period``, when the caller has it.
    """
    # One scan of the store gives the totals, the monthly series, the crime types and the change.
    if type_counts is None:
        type_counts = monthly_type_counts(run_query, loaded, period)
    totals = _totals(type_counts, period)
    comparable = {
        kind: comparable_change(
            monthly_series(type_counts, loaded, choice, comparison_first(period), period.last),
            period,
            KIND_LABELS[kind],
        )
        for kind, choice in (("crime", ALL_CRIME), ("asb", ALL_ASB))
    }
    top_wards, shares = {}, {}
    for kind in ("crime", "asb"):
        wards = run_query(
            "ward_counts",
            first=period.first,
            last=period.last,
            kind=kind,
            crime_type=None,
            vintage=area.current_wards.vintage,
        )
        top = wards.head(TOP_N_WARDS)[["rank", "ward_name", "ward_code", "incidents", "share"]].reset_index(drop=True)
        top_wards[kind] = top
        shares[kind] = float(top["incidents"].sum() / totals[kind]) if totals.get(kind) else None
    overview = Overview(
        area_name=area.short_name,
        period=period,
        coverage_text=describe_coverage(period, loaded),
        complete=period.is_complete(loaded),
        population=population,
        population_note=(
            f"{population:,} residents ({area.population.source})"
            if population and area.population
            else "population not configured, so no rates"
        ),
        crime=_kind_summary("crime", totals.get("crime", 0), comparable["crime"], population, period, loaded),
        asb=_kind_summary("asb", totals.get("asb", 0), comparable["asb"], population, period, loaded),
        monthly=_full_monthly(type_counts, period, loaded),
        crime_types=_crime_types(type_counts, period, matched_months(period, loaded)),
        top_wards=top_wards,
        top_wards_share=shares,
    )
    overview.sentences = overview_sentences(overview)
    return overview


def _rate_phrase(summary: KindSummary) -> str:
    if summary.rate_per_1000 is None:
        return ""
    return f", {summary.rate_per_1000:.1f} per 1,000 residents{summary.partial_words}"


def overview_sentences(overview: Overview) -> list[str]:
    """Plain-English statements generated from the figures."""
    period, crime, asb = overview.period, overview.crime, overview.asb
    partial = "" if overview.complete else " (a partial period: not every month is loaded)"
    sentences = [
        f"{'In' if period.length == 1 else 'From'} {period.span_label}{partial}, police recorded {crime.count:,} crimes in "
        f"{overview.area_name}{_rate_phrase(crime)}.",
        f"Separately, {asb.count:,} incidents of anti-social behaviour were recorded{_rate_phrase(asb)}; "
        "ASB is not counted as crime.",
    ]
    types = overview.crime_types[overview.crime_types["kind"] == "crime"]
    if len(types):
        largest = types.iloc[0]
        sentences.append(
            f"{largest['crime_type']} was the largest category, {largest['share']:.0%} of all crime "
            f"({int(largest['incidents']):,})."
        )
    for kind, noun in (("crime", "crime"), ("asb", "ASB")):
        share = overview.top_wards_share.get(kind)
        if share is not None:
            names = list(overview.top_wards[kind]["ward_name"])
            sentences.append(
                f"The {len(names)} wards with the most {noun} ({', '.join(names[:-1])} and {names[-1]}) "
                f"had {percent(share, 0)} of it."
            )
    monthly = overview.monthly[(overview.monthly["kind"] == "crime") & overview.monthly["loaded"]]
    if len(monthly) >= 3:
        peak = monthly.loc[monthly["incidents"].astype(float).idxmax()]
        sentences.append(f"The busiest month for crime was {month_label(peak['month'])} ({int(peak['incidents']):,}).")
    sentences.append(crime.change_text)
    if asb.change:
        sentences.append(asb.change_text)
    return [s for s in sentences if s]
