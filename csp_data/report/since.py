"""The pack's "What changed since the last pack": the key figures of the previous pack's period and this
one side by side — crime, ASB, their rates, the rank among similar areas and the top wards — with the
change in plain words.

A change in counts is tested (:func:`csp_data.change.compare_counts`) only when the two periods are
whole and of equal length; otherwise the average a month is compared and the sentence says it is not
tested. Rates share one population, so they move with the counts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from csp_data import benchmarks as bm
from csp_data.change import compare_counts, describe_change
from csp_data.config import Area
from csp_data.errors import CspDataError
from csp_data.figures.overview import KindSummary, Overview, build_overview
from csp_data.periods import Period, describe_months
from csp_data.report.benchmarking import benchmark_table, newest_group_summary
from csp_data.report.model import Bullets, Paragraph, Section, Table, period_title
from csp_data.series import RunQuery
from csp_data.words import ordinal

HEADING = "What changed since the last pack"


def _label(period: Period) -> str:
    title = period_title(period)
    return title if title == period.span_label else f"{title} ({period.span_label})"


def _count(summary: KindSummary) -> str:
    return f"{summary.count:,}{summary.partial_words}"


def _rate(summary: KindSummary) -> str:
    return "–" if summary.rate_per_1000 is None else f"{summary.rate_per_1000:.1f}"


def _whole_and_equal(now: KindSummary, before: KindSummary) -> bool:
    return not now.partial and not before.partial and now.months_in_period == before.months_in_period


def count_change(now: KindSummary, before: KindSummary) -> str:
    """The change in a count in words: tested when both periods are whole and equal, else the average a month."""
    if _whole_and_equal(now, before):
        return describe_change(compare_counts(now.count, before.count))
    if not now.months_loaded or not before.months_loaded:
        return "cannot be compared: a period has no month loaded"
    per_month_now, per_month_before = now.monthly_average, before.monthly_average
    if per_month_before == 0:
        return "cannot be given as a percentage: there were none in the earlier period"
    percent = (per_month_now / per_month_before - 1) * 100
    if round(percent) == 0:
        words = "was about the same"
    else:
        words = f"{'rose' if percent > 0 else 'fell'} by {abs(percent):.0f}%"
    return f"the average a month {words} ({per_month_before:,.0f} to {per_month_now:,.0f}; not tested)"


def rate_change(now: KindSummary, before: KindSummary) -> str:
    if now.rate_per_1000 is None or before.rate_per_1000 is None:
        return "no rate (population not configured)"
    if not _whole_and_equal(now, before):
        return "not comparable (different months loaded)"
    return f"{now.rate_per_1000 - before.rate_per_1000:+.1f} per 1,000"


def _peer_rank(area: Area, table: pd.DataFrame | None, period: Period) -> tuple[str, str | None, int | None]:
    """The area's rank in its group in the newest ONS year ending by the period's end, in words; that
    year; and the rank."""
    if table is None:
        return "no ONS table", None, None
    end = pd.Timestamp(period.last) + pd.offsets.MonthEnd(0)
    years = [p for p in bm.available_periods(table) if p <= end]
    if not years:
        return "no ONS year ends by then", None, None
    try:
        summary = newest_group_summary(area, period_end=years[-1], table=table)
    except (CspDataError, FileNotFoundError):
        return "not in the ONS table", None, None
    year = bm.year_ending(summary.period_end)
    rank = summary.area_rank_in_group
    if rank is None:
        return f"no rate ({year})", year, None
    return f"{ordinal(rank)} of {summary.group_size} ({year})", year, rank


def rank_change(before: tuple[str, str | None, int | None], now: tuple[str, str | None, int | None]) -> str:
    _, year_before, rank_before = before
    _, year_now, rank_now = now
    if rank_now is None or rank_before is None:
        return "cannot be compared"
    if year_now == year_before:
        return f"the same ONS year serves both periods ({year_now}): no newer ONS figures"
    if rank_now == rank_before:
        return "unchanged"
    return f"from {ordinal(rank_before)} to {ordinal(rank_now)} highest"


def _wards(overview: Overview, kind: str) -> list[str]:
    return list(overview.top_wards[kind]["ward_name"])


def ward_change(now: list[str], before: list[str]) -> str:
    entered = [w for w in now if w not in before]
    left = [w for w in before if w not in now]
    if not entered and not left:
        return "the same wards" + (", in the same order" if now == before else ", in a different order")
    parts = []
    if entered:
        parts.append("new: " + ", ".join(entered))
    if left:
        parts.append("no longer in the top 5: " + ", ".join(left))
    return "; ".join(parts)


def since_section(
    run_query: RunQuery,
    area: Area,
    period: Period,
    since: Period,
    loaded: list[date],
    population: int | None,
    overview: Overview,
    store_dir: str | Path | None = None,
) -> Section:
    """The two periods side by side; ``overview`` is this pack's (for ``period``)."""
    before = build_overview(run_query, area, since, loaded, population)
    try:
        table = benchmark_table(area, store_dir)
    except (CspDataError, FileNotFoundError):
        table = None
    rank_before, rank_now = _peer_rank(area, table, since), _peer_rank(area, table, period)
    rows = [
        ("Crimes recorded", _count(before.crime), _count(overview.crime), count_change(overview.crime, before.crime)),
        (
            "Crimes per 1,000 residents",
            _rate(before.crime),
            _rate(overview.crime),
            rate_change(overview.crime, before.crime),
        ),
        ("ASB incidents recorded", _count(before.asb), _count(overview.asb), count_change(overview.asb, before.asb)),
        (
            "ASB incidents per 1,000 residents",
            _rate(before.asb),
            _rate(overview.asb),
            rate_change(overview.asb, before.asb),
        ),
        (
            "Rank among similar areas (1 = highest rate)",
            rank_before[0],
            rank_now[0],
            rank_change(rank_before, rank_now),
        ),
    ]
    for kind, noun in (("crime", "crime"), ("asb", "ASB")):
        now_wards, before_wards = _wards(overview, kind), _wards(before, kind)
        rows.append(
            (
                f"Top 5 wards for {noun}",
                ", ".join(before_wards),
                ", ".join(now_wards),
                ward_change(now_wards, before_wards),
            )
        )
    frame = pd.DataFrame(rows, columns=["Measure", "Last pack", "This pack", "Change"])
    blocks = [
        Paragraph(f"The last pack covered {_label(since)}; this one covers {_label(period)}.", "lead"),
        Bullets(
            (
                f"Recorded crime: {count_change(overview.crime, before.crime)}.",
                f"ASB: {count_change(overview.asb, before.asb)}.",
            )
        ),
        Table(frame, widths=(2.2, 2.6, 2.6, 2.8), numeric=()),
    ]
    shared = sorted(set(period.months) & set(since.months))
    notes = ["Last pack: " + before.coverage_text, "This pack: " + overview.coverage_text]
    if not _whole_and_equal(overview.crime, before.crime):
        notes.append(
            "The two periods hold different numbers of months loaded, so counts are compared by their average a "
            "month; such a comparison is not tested for chance, and rates (which cover the months loaded) are "
            "not compared."
        )
    else:
        notes.append("Rates share one population, so they change with the counts.")
    if shared:
        notes.append(
            f"The two periods share {len(shared)} month(s) ({describe_months(shared)}), so the change partly "
            "compares a period with itself."
        )
    blocks.append(Paragraph(" ".join(notes), "note"))
    return Section(HEADING, blocks)
