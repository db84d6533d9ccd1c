"""The pack's "What changed since the last pack": the key figures of the previous pack's period and this
one side by side — crime, ASB, their rates, the rank among similar areas and the top wards — with the
change in plain words.

Counts are compared by the one change rule (:mod:`csp_data.series`): each month of this pack's period with
the same month of the year in the last pack's period (:func:`since_matched`), only pairs with both months
loaded, and the change tested (:func:`csp_data.change.compare_counts`). A last pack's period of another
length, or of other months of the year, is shown beside this one and not compared (crime differs by
season); one that does not end before this one's is refused. Rates share one population, so they move
with the counts and are compared only when every month of both periods is paired.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from csp_data import benchmarks as bm
from csp_data.change import compare_counts, describe_change, interval_words
from csp_data.config import Area
from csp_data.errors import CspDataError
from csp_data.figures.overview import KindSummary, Overview, build_overview
from csp_data.periods import Period, describe_months
from csp_data.report.benchmarking import benchmark_table, newest_group_summary
from csp_data.report.model import Bullets, Paragraph, Section, Table, period_title, title_with_span
from csp_data.series import MatchedMonths, RunQuery, matched_in
from csp_data.words import ordinal, plural

HEADING = "What changed since the last pack"


@dataclass(frozen=True)
class ChangeWords:
    """A change since the last pack, short (for the table) and whole (for the sentence)."""

    short: str
    sentence: str


def _label(period: Period) -> str:
    return title_with_span(period_title(period), period.span_label)


def _count(summary: KindSummary) -> str:
    return f"{summary.count:,}{summary.partial_words}"


def _rate(summary: KindSummary) -> str:
    return "–" if summary.rate_per_1000 is None else f"{summary.rate_per_1000:.1f}{summary.partial_words}"


def check_since(period: Period, since: Period) -> None:
    """Refuse a last pack's period that does not end before this pack's (the same period, or a later one).

    Raises
    ------
    ReportError
        Naming both periods.
    """
    from csp_data.report.output import ReportError

    if since.last >= period.last:
        raise ReportError(
            f"the last pack's period ({_label(since)}) should end before this pack's ({_label(period)}); "
            "give --since the period the previous pack covered"
        )


def since_matched(period: Period, since: Period, loaded: Iterable[date]) -> MatchedMonths | None:
    """The months the change since the last pack compares: each month of ``period`` loaded together with
    the same month of the year in ``since``, earlier than it. Periods a whole number of years apart pair
    month with month (:func:`csp_data.series.matched_in`); two periods of up to 12 months that start in
    different months pair the months of the year they share (2025 against 2024/25: April to December
    2025 against April to December 2024). None when ``since`` is of another length or shares no month of
    the year, earlier, with ``period``."""
    gap = (period.first.year - since.first.year) * 12 + period.first.month - since.first.month
    if since.length != period.length or gap <= 0:
        return None
    if gap % 12 == 0:
        return matched_in(period, loaded, gap)
    if period.length > 12:
        return None
    same_month = {m.month: m for m in since.months}  # each month of the year once, in up to 12 months
    shared = [(m, same_month[m.month]) for m in period.months if m.month in same_month and same_month[m.month] < m]
    if not shared:
        return None
    held = set(loaded)
    pairs = [(now, before) for now, before in shared if now in held and before in held]
    if not pairs:
        why = f"no month of the year is loaded in both {period.span_label} and {since.span_label}"
        return MatchedMonths(period, since, (), (), "none", why, gap)
    basis = "whole" if len(pairs) == period.length else "matched"
    return MatchedMonths(period, since, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs), basis, lag=gap)


OTHER_MONTHS = ChangeWords(
    "not compared: other months of the year",
    "not compared, because the last pack covered other months of the year and crime and ASB differ by season "
    "(a last pack of the same months a year or more earlier is compared and tested)",
)


def not_compared(period: Period, since: Period) -> ChangeWords:
    """Why the two periods' counts are not compared (when :func:`since_matched` is None)."""
    if since.length != period.length:
        return ChangeWords(
            "not compared: periods of different lengths",
            f"not compared, because the last pack covered {plural(since.length, 'month')} and this one "
            f"{plural(period.length, 'month')} (a last pack of the same length is compared and tested)",
        )
    return OTHER_MONTHS


def count_change(
    matched: MatchedMonths | None,
    now: pd.DataFrame,
    before: pd.DataFrame,
    kind: str,
    why_not: ChangeWords = OTHER_MONTHS,
) -> ChangeWords:
    """The change in a count since the last pack, in words, from the two overviews' monthly counts
    (``why_not`` when ``matched`` is None: :func:`not_compared`)."""
    if matched is None:
        return why_not
    if matched.basis == "none":
        return ChangeWords("not compared: no month loaded in both", f"not compared: {matched.why_none}")
    counts = {
        month: int(n)
        for frame in (now, before)
        for month, n in frame.loc[(frame["kind"] == kind) & frame["loaded"], ["month", "incidents"]].itertuples(
            index=False
        )
    }
    this = sum(counts[m] for m in matched.current_months)
    last = sum(counts[m] for m in matched.previous_months)
    change = compare_counts(this, last)
    interval = f" (95% interval: {interval_words(change)})" if change.lower is not None else ""
    if matched.complete:
        return ChangeWords(describe_change(change), f"{describe_change(change)}{interval}: {last:,} to {this:,}")
    months = plural(len(matched.current_months), "month")
    return ChangeWords(
        f"{describe_change(change)} ({months} compared: {last:,} to {this:,})",
        f"{describe_change(change)}{interval}, comparing only the {months} loaded in both: "
        f"{describe_months(matched.current_months)} ({this:,}) against {describe_months(matched.previous_months)} "
        f"({last:,})",
    )


def rate_change(now: KindSummary, before: KindSummary, matched: MatchedMonths | None) -> str:
    if now.rate_per_1000 is None or before.rate_per_1000 is None:
        return "no rate (population not configured)"
    if matched is None or not matched.complete:
        return "not compared (not the same months loaded)"
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


def _ward_list(wards: list[str], summary: KindSummary) -> str:
    """The wards, then (in brackets, so it is not read as the last ward's) the months they are ranked over when
    the period is partial."""
    return ", ".join(wards) + (f" (ranked{summary.partial_words})" if summary.partial_words else "")


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
    check_since(period, since)
    before = build_overview(run_query, area, since, loaded, population)
    try:
        table = benchmark_table(area, store_dir)
    except (CspDataError, FileNotFoundError):
        table = None
    rank_before, rank_now = _peer_rank(area, table, since), _peer_rank(area, table, period)
    matched = since_matched(period, since, loaded)
    why_not = not_compared(period, since)
    crime = count_change(matched, overview.monthly, before.monthly, "crime", why_not)
    asb = count_change(matched, overview.monthly, before.monthly, "asb", why_not)
    rows = [
        ("Crimes recorded", _count(before.crime), _count(overview.crime), crime.short),
        (
            "Crimes per 1,000 residents",
            _rate(before.crime),
            _rate(overview.crime),
            rate_change(overview.crime, before.crime, matched),
        ),
        ("ASB incidents recorded", _count(before.asb), _count(overview.asb), asb.short),
        (
            "ASB incidents per 1,000 residents",
            _rate(before.asb),
            _rate(overview.asb),
            rate_change(overview.asb, before.asb, matched),
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
        summaries = (before.crime, overview.crime) if kind == "crime" else (before.asb, overview.asb)
        rows.append(
            (
                f"Top 5 wards for {noun}",
                _ward_list(before_wards, summaries[0]),
                _ward_list(now_wards, summaries[1]),
                # Wards ranked over other months of the year differ by season, as counts do.
                ward_change(now_wards, before_wards)
                if matched is not None and matched.complete
                else "not compared (not the same months loaded)",
            )
        )
    frame = pd.DataFrame(rows, columns=["Measure", "Last pack", "This pack", "Change"])
    blocks = [
        Paragraph(f"The last pack covered {_label(since)}; this one covers {_label(period)}.", "lead"),
        Bullets((f"Recorded crime: {crime.sentence}.", f"ASB: {asb.sentence}.")),
        Table(frame, widths=(2.2, 2.6, 2.6, 2.8), numeric=()),
    ]
    shared = sorted(set(period.months) & set(since.months))
    notes = ["Last pack: " + before.coverage_text, "This pack: " + overview.coverage_text]
    if matched is not None and matched.basis != "none":
        notes.append(
            "Each month is compared with the same month of the last pack's period, only when both are loaded; "
            "a change is called real when it is too large to be chance (95% interval)."
        )
    if matched is not None and matched.complete:
        notes.append("Rates share one population, so they change with the counts.")
    if shared and matched is not None:
        notes.append(
            f"The two periods share {plural(len(shared), 'month')} ({describe_months(shared)}), so the change partly "
            "compares a period with itself."
        )
    blocks.append(Paragraph(" ".join(notes), "note"))
    return Section(HEADING, blocks)
