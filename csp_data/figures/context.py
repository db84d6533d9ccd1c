"""The crime picture in context, as a strategic assessment sets it out, generated from the data.

One row per aspect — level of crime, position among the peer group, annual change (and a longer
comparison where gaps make the annual one thin), the general trend, seasonality, the crime types, the
top wards — each a finding in plain words and its key figure. :func:`three_figures` puts the three
kinds of crime figure a reader meets side by side (police.uk street-level counts, ONS recorded crime,
the partnership's own published figure) and says why they differ. Plain data, no Streamlit: the
Overview page and the scrutiny pack both use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from csp_data import benchmarks as bm
from csp_data.benchmarks.groups import TOTAL
from csp_data.change import Change, compare_counts, describe_change
from csp_data.config import Area
from csp_data.errors import CspDataError
from csp_data.figures.expected_range import expected_range, level_note
from csp_data.figures.overview import Overview, build_overview
from csp_data.periods import Period, describe_months, month_label
from csp_data.series import (
    ALL_ASB,
    ALL_CRIME,
    MatchedMonths,
    RunQuery,
    describe_matched_change,
    longer_comparison,
    matched_months,
    monthly_series,
    monthly_type_counts,
)
from csp_data.words import percent, plural, rank_of

ASPECTS = (
    "Level of crime",
    "Compared with similar areas",
    "Annual change",
    "Longer comparison",
    "ASB, longer comparison",
    "General trend",
    "Seasonality",
    "Types of crime",
    "Where crime is concentrated",
)


@dataclass
class Peers:
    """The area's place in its Most Similar Group in the newest ONS table."""

    year_ending: str
    rate: float | None
    rank: int | None
    group_size: int
    group_average: float
    position: str | None  # 'above average', 'below average', 'not significantly different' or None
    sentence: str
    rate_published: bool = False  # ONS's own rate (Table C4), not worked out here from Table C2's count


@dataclass(frozen=True)
class LongerChange:
    """A longer comparison than the annual one (see :func:`csp_data.series.longer_comparison`)."""

    text: str  # the sentence, saying which months were compared
    figure: str  # "-17.6% (three-year comparison)"
    matched: MatchedMonths
    change: Change


@dataclass
class CrimePicture:
    overview: Overview
    table: pd.DataFrame  # aspect, finding, figure
    peers: Peers | None
    three_figures: pd.DataFrame  # source, figure, period, counts
    three_figures_note: str
    asb_longer: str | None = None  # ASB's longer comparison in words, when there is one
    crime_longer_change: LongerChange | None = None  # crime's (also a row of the table), with its figures

    @property
    def crime_longer(self) -> str | None:
        """Crime's longer comparison in words, when there is one."""
        return None if self.crime_longer_change is None else self.crime_longer_change.text


def peer_position(area: Area, store_dir=None, read_table=bm.read_benchmark_table) -> Peers | None:
    """The area's rank and interval verdict for all recorded crime in the newest ONS year; None without a table,
    and without a rank (its sentence saying why) when the table does not hold the area. Peers the area file names
    that the table does not hold are left out (the Benchmarking page names them).

    ``read_table`` reads the table from its path (the app passes one that keeps it for every page)."""
    try:
        path = bm.find_benchmark_table(store_dir or area.store_dir, area.area_file.parent)
        table = read_table(path)
    except (CspDataError, ValueError, FileNotFoundError):
        return None
    try:
        code = bm.area_csp_code(table, area.csp_code, [area.short_name, area.name], area.local_authority_codes)
        rows = table[table["offence_group"] == TOTAL]  # all crime only: a 23rd of the table for each step below
        known, unknown = bm.usable_peer_names(rows, area.peers, code)  # a peer the table does not name is left out
        summary = bm.group_summary(rows, code, bm.resolve_peers(rows, known), table["period_end"].max())
    except (CspDataError, ValueError) as error:
        reason = str(error).rstrip(".")
        reason = reason[:1].lower() + reason[1:]
        return Peers("", None, None, 0, math.nan, None, f"No comparison with similar areas is given: {reason}.")
    row = summary.table[summary.table["is_area"]].iloc[0]
    rate = None if pd.isna(row["rate_per_1000"]) else float(row["rate_per_1000"])
    return Peers(
        year_ending=bm.year_ending(summary.period_end),
        rate=rate,
        rank=summary.area_rank_in_group,
        group_size=summary.group_size,
        group_average=float(summary.group_average),
        position=None if pd.isna(row["position"]) else str(row["position"]),
        sentence=bm.describe_position(summary, area.short_name).replace("**", "")
        # The Overview is read by residents who have not seen the Benchmarking page's explanation.
        + (
            f" A CSP (Community Safety Partnership) is {bm.CSP_MEANING}; the group is "
            + bm.MSG_MEANING.replace("most like it", f"most like {area.short_name}")
            + "."
            if summary.group_size >= 2
            else ""
        )
        + (
            f" The partnership's list of similar areas also names {', '.join(repr(n) for n in unknown)}, which the "
            "ONS table does not hold, so the group leaves " + ("it" if len(unknown) == 1 else "them") + " out."
            if unknown
            else ""
        ),
        rate_published=row["rate_source"] == bm.RATE_PUBLISHED,
    )


def _peer_row(peers: Peers | None) -> tuple[str, str]:
    if peers is None:
        return "No ONS benchmark table is loaded, so no comparison with similar areas is given.", "–"
    if peers.rank is None or peers.rate is None or peers.group_size < 2:  # no rank among one
        return peers.sentence, "–"
    return peers.sentence, f"{rank_of(peers.rank, peers.group_size)}; {peers.rate:.1f} per 1,000"


def _change_row(overview: Overview, loaded: list[date]) -> tuple[str, str]:
    change = overview.crime.change
    figure = "–" if change is None or change.percent is None else f"{change.percent:+.1f}%"
    matched = matched_months(overview.period, loaded)
    if figure != "–" and matched.longer_term:  # gaps a year earlier: say how far back it reaches
        figure += f" ({matched.label})"
    return overview.crime.change_text, figure


def _longer_row(series: pd.DataFrame, loaded: list[date], period: Period, noun: str = "crime") -> LongerChange | None:
    matched: MatchedMonths | None = longer_comparison(period, loaded)
    if matched is None:
        return None
    counts = dict(zip(series["month"], series["incidents"]))
    now = int(sum(counts[m] for m in matched.current_months))
    before = int(sum(counts[m] for m in matched.previous_months))
    change, text = describe_matched_change(matched, now, before, noun)
    figure = f"{change.percent:+.1f}% ({matched.label})" if change.percent is not None else matched.label
    return LongerChange(text, figure, matched, change)


def _trend_row(series: pd.DataFrame, period: Period) -> tuple[str, str]:
    """Average crimes a month in each calendar year loaded up to the period's end (a pack for a past period
    says nothing of later years): honest across gaps, and comparable."""
    held = series[series["loaded"] & (series["month"] <= period.last)].copy()
    held["year"] = [m.year for m in held["month"]]
    parts = []
    for year, rows in held.groupby("year"):
        average = float(rows["incidents"].astype(int).mean())
        months = "" if len(rows) == 12 else f" ({describe_months(rows['month'])})"
        parts.append((year, average, f"{year}{months}: {average:,.0f} a month", len(rows)))
    text = "Average crimes recorded a month, by calendar year loaded: " + "; ".join(p[2] for p in parts) + "."
    if len(parts) >= 2:
        # The first year against the last over the months of the year loaded in both (crime differs by
        # season, so Jan to Nov of one year is not set against Jan to Dec of another), as counted.
        first, last = parts[0][0], parts[-1][0]
        counts = {(m.year, m.month): int(n) for m, n in zip(held["month"], held["incidents"])}
        shared = sorted({mo for y, mo in counts if y == first} & {mo for y, mo in counts if y == last})
        if not shared:
            text += f" No month of the year is loaded in both {first} and {last}, so they are not compared."
        else:
            change = compare_counts(sum(counts[(last, mo)] for mo in shared), sum(counts[(first, mo)] for mo in shared))
            months = describe_months([date(last, mo, 1) for mo in shared]).replace(f" {last}", "")
            text += (
                f" From {first} to {last}, over the months of the year loaded in both ({months}), crime "
                f"{describe_change(change)} (months not loaded are left out, never counted as 0)."
            )
    # A year with months missing says how many its average is over (2024's four, Jan to Apr, are not a year's).
    figure = " → ".join(f"{p[0]}{'' if p[3] == 12 else f' ({p[3]} months)'}: {p[1]:,.0f}" for p in parts)
    return text, f"{figure} a month"


def _seasonality_row(series: pd.DataFrame, period: Period) -> tuple[str, str]:
    expected = expected_range(series)
    inside = expected[(expected["month"] >= period.first) & (expected["month"] <= period.last)]
    inside = inside[inside["incidents"].notna()]
    if len(inside) < 2:
        return "Too few months are loaded in the period to name its busiest and quietest.", "–"
    busiest = inside.loc[inside["incidents"].astype(float).idxmax()]
    quietest = inside.loc[inside["incidents"].astype(float).idxmin()]

    def against(row) -> str:
        if not row["baseline_years"]:
            return "no earlier year of the same month is loaded, so no expected range"
        low, high = int(row["within_from"]), int(row["within_to"])
        where = {"above": "above", "below": "below"}.get(row["position"], "within")
        return f"{where} the range of {low:,} to {high:,} expected from {row['baseline_months']}"

    text = (
        f"The busiest month was {month_label(busiest['month'])} ({int(busiest['incidents']):,}; {against(busiest)}) "
        f"and the quietest {month_label(quietest['month'])} ({int(quietest['incidents']):,}; {against(quietest)})."
    )
    if note := level_note(inside):
        text += " " + note
    return text, f"{month_label(busiest['month'])} / {month_label(quietest['month'])}"


def _types_row(overview: Overview) -> tuple[str, str]:
    crime = overview.crime_types[overview.crime_types["kind"] == "crime"].head(3)
    if crime.empty:
        return "No crime is recorded in the period.", "–"
    parts = [f"{t} {s:.0%} ({int(n):,})" for t, s, n in zip(crime["crime_type"], crime["share"], crime["incidents"])]
    text = "The largest types of crime: " + ", ".join(parts) + "."
    top = crime.iloc[0]
    return text, f"{top['crime_type']}: {top['share']:.0%}"


def _wards_row(overview: Overview) -> tuple[str, str]:
    share = overview.top_wards_share.get("crime")
    top = overview.top_wards["crime"]
    if share is None or top.empty:
        return "No crime is placed in a ward in the period.", "–"
    names = list(top["ward_name"])
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    return (
        f"The {len(names)} wards with the most crime ({listed}) had {percent(share, 0)} of the area's crime.",
        f"top {len(names)}: {percent(share, 0)}",
    )


def three_figures(area: Area, overview: Overview, peers: Peers | None) -> tuple[pd.DataFrame, str]:
    """The three crime figures side by side, and why they differ."""
    rows = [
        {
            "source": "police.uk street-level data (this dashboard)",
            "figure": ("–" if overview.crime.rate_per_1000 is None else f"{overview.crime.rate_per_1000:.1f} per 1,000")
            + f" ({overview.crime.count:,} crimes)",
            "period": overview.period.span_label
            + ("" if overview.complete else f" ({overview.months_loaded} of {overview.period.length:,} months)"),
            "counts": "Crimes with a map point in the area, as published each month; excludes fraud.",
        }
    ]
    if peers is not None and peers.rate is not None:
        rows.append(
            {
                "source": "ONS police recorded crime "
                + ("(Table C4)" if peers.rate_published else "(Table C2's count over ONS's population)"),
                "figure": f"{peers.rate:.1f} per 1,000",
                "period": _sentence_case(peers.year_ending),
                "counts": "All crimes the police recorded for the area, excluding fraud, revised after publication.",
            }
        )
    published = _published_rate(area)
    if published is not None:
        rows.append(
            {
                "source": "Figure published by the partnership",
                "figure": f"{published[0]:.1f} per 1,000",
                "period": published[1],
                "counts": "As printed in the partnership's own benchmarking table, from an earlier ONS release.",
            }
        )
    note = (
        "police.uk street-level data are what each page counts: the crimes the "
        "police could place on the map, published month by month. The ONS figure counts all "
        "recorded crime for the area over a year ending at a quarter, with later corrections. A figure "
        "published by the partnership was taken from an ONS release at the time it was written. They "
        "cover different periods and releases, so they differ; each is right for its own purpose."
    )
    if overview.months_loaded and overview.months_loaded != 12 and len(rows) > 1:
        # The others are a year's: a police.uk figure over other than 12 months loaded is not (more than a
        # year's over a longer period, less over a partial one).
        loaded = (
            f"counts the {overview.months_loaded} of {overview.period.length:,} months loaded"
            if not overview.complete
            else f"counts {plural(overview.months_loaded, 'month')}"
        )
        size = "lower" if overview.months_loaded < 12 else "higher"
        note += (
            f" The police.uk figure {loaded}, not 12, so it is {size} than a year's would be: compare it with the "
            "others only as a share of a year."
        )
    return pd.DataFrame(rows), note


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _published_rate(area: Area) -> tuple[float, str] | None:
    """The area's all-crime rate in the partnership's first published benchmarking table, if any."""
    try:
        paths = bm.published_table_paths(area.area_file.parent)
        for path in paths:
            for summary in bm.summarise_published_file(path, area.short_name):
                if summary.offence_group == TOTAL:
                    return float(summary.area_rate), _sentence_case(bm.year_ending(summary.period_end))
    except (CspDataError, ValueError, OSError):
        return None
    return None


def crime_picture(
    run_query: RunQuery,
    area: Area,
    period: Period,
    loaded: list[date],
    population: int | None,
    peers: Peers | None = None,
) -> CrimePicture:
    """Every aspect of the crime picture for ``period``, from the store and ``peers`` (see :func:`peer_position`)."""
    type_counts = monthly_type_counts(run_query, loaded, period)
    overview = build_overview(run_query, area, period, loaded, population, type_counts)
    # Every loaded month's crime, for the rows that look beyond the period.
    series = monthly_series(type_counts, loaded, ALL_CRIME)
    level = (
        f"Police recorded {overview.crime.count:,} crimes in {area.short_name} in {period.span_label}"
        + ("" if overview.complete else f" ({overview.months_loaded} of {period.length:,} months loaded)")
        + (
            ""
            if overview.crime.rate_per_1000 is None
            else f": {overview.crime.rate_per_1000:.1f} per 1,000 residents"
            + ("" if overview.complete else f", about {overview.crime.monthly_average:,.0f} a month")
        )
        + "."
    )
    rows = [
        ("Level of crime", level, overview.crime.figure),
        ("Compared with similar areas", *_peer_row(peers)),
        ("Annual change", *_change_row(overview, loaded)),
    ]
    longer = _longer_row(series, loaded, period)
    if longer is not None:
        rows.append(("Longer comparison", longer.text, longer.figure))
    # ASB's too: its annual change can rest on a few months while a longer comparison covers most of the year.
    asb_longer = _longer_row(monthly_series(type_counts, loaded, ALL_ASB), loaded, period, ALL_ASB.noun)
    if asb_longer is not None:
        rows.append(("ASB, longer comparison", asb_longer.text, asb_longer.figure))
    rows += [
        ("General trend", *_trend_row(series, period)),
        ("Seasonality", *_seasonality_row(series, period)),
        ("Types of crime", *_types_row(overview)),
        ("Where crime is concentrated", *_wards_row(overview)),
    ]
    table = pd.DataFrame(rows, columns=["aspect", "finding", "figure"])
    figures, note = three_figures(area, overview, peers)
    return CrimePicture(
        overview,
        table,
        peers,
        figures,
        note,
        None if asb_longer is None else asb_longer.text,
        longer,
    )
