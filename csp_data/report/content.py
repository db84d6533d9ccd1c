"""The scrutiny pack's content for an area, a store and a period, as plain data (:mod:`csp_data.report.model`).

:func:`build_pack` gathers the same figures the pages show — the Overview and its crime picture in
context, the key charts, the top wards, the Most Similar Group comparison, the plan's priorities with
their RAG status, the residents' survey — with their caveats, sources and a glossary of the terms
used. The sections of the partnership's own documents (benchmarking, priorities, survey) are built
in their own modules; a section whose file cannot be read says so and the rest of the pack is made.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from csp_data import charts
from csp_data.config import Area
from csp_data.figures.context import CrimePicture, crime_picture, peer_position
from csp_data.figures.overview import Overview
from csp_data.periods import Period, describe_months
from csp_data.plans.progress import THIN_SHARE
from csp_data.report import pictures
from csp_data.report.benchmarking import benchmarking_section
from csp_data.report.caveats import caveats_section
from csp_data.report.glossary import glossary_section
from csp_data.report.model import Bullets, Heading, Image, Pack, Paragraph, Section, Table, period_title
from csp_data.report.priorities import priorities_section
from csp_data.report.since import check_since, since_section
from csp_data.report.survey import survey_section
from csp_data.series import RunQuery, matched_months
from csp_data.words import number_word, percent, plural, rank_of


def coverage_words(period: Period, loaded: list[date]) -> str:
    """'12 of 12 months loaded', or '3 of 12 months loaded (missing Apr 2024 to Dec 2024)'."""
    missing = period.missing_months(loaded)
    if period.length == 1:
        return "the month is not loaded" if missing else "the month is loaded"
    held = period.length - len(missing)
    text = f"{held} of {period.length:,} months loaded"
    return text + (f" (missing {describe_months(missing)})" if missing else "")


def _at_a_glance(picture: CrimePicture, loaded: list[date]) -> Table:
    overview = picture.overview
    crime, asb = overview.crime, overview.asb
    rows = [("Crimes recorded", f"{crime.count:,}{crime.partial_words}")]
    if crime.rate_per_1000 is not None:
        rows.append(("Crimes per 1,000 residents", f"{crime.rate_per_1000:.1f}{crime.partial_words}"))
    rows.append(("ASB incidents recorded (not counted as crime)", f"{asb.count:,}{asb.partial_words}"))
    if asb.rate_per_1000 is not None:
        rows.append(("ASB incidents per 1,000 residents", f"{asb.rate_per_1000:.1f}{asb.partial_words}"))
    rows.append(_change_row(overview, loaded))
    longer = picture.crime_longer_change
    annual = matched_months(overview.period, loaded)
    if (
        longer is not None
        and longer.change.percent is not None
        and len(annual.current_months) < THIN_SHARE * overview.period.length
    ):
        # The comparison the priorities' direction of travel is then rated by, beside the thin annual one.
        compared = len(longer.matched.current_months)
        rows.append(
            (
                f"Change in crime, longer comparison ({compared} of {overview.period.length:,} months, against "
                f"{number_word(longer.matched.years)} years earlier)",
                f"{longer.change.percent:+.1f}%, {VERDICT_WORDS.get(longer.change.verdict, '')}".rstrip(", "),
            )
        )
    peers = picture.peers
    if peers is not None and peers.rank is not None and peers.group_size >= 2:
        verdict = f"; {peers.position}" if peers.position else ""
        rows.append(
            (
                f"Rank among similar areas ({peers.year_ending})",
                f"{rank_of(peers.rank, peers.group_size)}{verdict}",
            )
        )
    frame = pd.DataFrame(rows, columns=["Measure", "Figure"])
    return Table(frame, caption="At a glance", widths=(3, 2), numeric=("Figure",), style="glance")


VERDICT_WORDS = {"rise": "a real rise", "fall": "a real fall", "no_change_detected": "within normal variation"}


def _change_row(overview: Overview, loaded: list[date]) -> tuple[str, str]:
    """The change in crime, saying over how many months when gaps leave fewer than the whole period."""
    change = overview.crime.change
    matched = matched_months(overview.period, loaded)
    compared, length = len(matched.current_months), overview.period.length
    # The one change rule reaches back to the nearest earlier year with months loaded: say how far.
    when = "a year earlier" if matched.years == 1 else f"{number_word(matched.years)} years earlier"
    if compared in (0, length):
        label = f"Change in crime on the same months {when}"
    else:
        label = f"Change in crime ({compared} of {length:,} months, against {when})"
    if change is None or change.percent is None:
        return label, "not given: no comparable months loaded"
    return label, f"{change.percent:+.1f}%, {VERDICT_WORDS.get(change.verdict, '')}".rstrip(", ")


def _cover(picture: CrimePicture, loaded: list[date]) -> list:
    overview = picture.overview
    blocks = [_at_a_glance(picture, loaded), Paragraph(overview.crime.change_text)]
    if overview.asb.change:
        blocks.append(Paragraph(overview.asb.change_text))
    return blocks


def _in_brief(overview: Overview, area: Area) -> Section:
    return Section(
        "In brief",
        [
            Paragraph(
                f"Recorded crime and anti-social behaviour (ASB) in {area.short_name}: {overview.coverage_text}",
                "lead",
            ),
            Bullets(tuple(overview.sentences)),
            Paragraph(
                f"Rates are per 1,000 residents: {overview.population_note}. ASB is counted separately "
                "and never added to crime.",
                "note",
            ),
        ],
    )


def _crime_picture_section(picture: CrimePicture) -> Section:
    table = picture.table.rename(columns={"aspect": "Aspect", "finding": "Finding", "figure": "Key figure"})
    figures = picture.three_figures.rename(
        columns={"source": "Source", "figure": "Figure", "period": "Period", "counts": "What it counts"}
    )
    return Section(
        "The crime picture in context",
        [
            Paragraph(
                "Each aspect of crime that a strategic assessment sets out, with what the figures show and the "
                "figure behind it."
            ),
            Table(table, widths=(1.6, 5.4, 2.2)),
            Heading("Why are there different crime rates?"),
            Table(figures, widths=(2.4, 1.9, 1.7, 3.4)),
            Paragraph(picture.three_figures_note, "note"),
        ],
    )


def _monthly_chart(overview: Overview) -> Image:
    # The page's chart as it is: one legend for colour and point shape, months not loaded a grey band.
    chart = charts.monthly_trend_chart(overview.monthly) | {"width": 560, "height": 230}
    held = overview.monthly[overview.monthly["loaded"]]
    gaps = overview.period.length - held["month"].nunique()
    alt_text = (
        f"Line chart of crimes (blue line, round points) and ASB incidents (orange line, square points) recorded "
        "each month, "
        f"{overview.period.span_label}."
        + (
            f" {plural(gaps, 'month')} not loaded {'is' if gaps == 1 else 'are'} shaded grey and left as gaps."
            if gaps
            else ""
        )
        + " The 'In brief' section gives the totals."
    )
    return pictures.chart_picture(chart, alt_text, "Crimes and ASB incidents recorded each month")


def _crime_types(overview: Overview) -> tuple[Image | None, Table | None]:
    types = overview.crime_types[overview.crime_types["kind"] == "crime"]
    if types.empty:
        return None, None
    chart = charts.crime_type_chart(overview.crime_types) | {"width": 330}
    top = ", ".join(f"{t} ({int(n):,})" for t, n in zip(types["crime_type"].head(3), types["incidents"].head(3)))
    image = pictures.chart_picture(
        chart,
        f"Bar chart of crimes recorded by police.uk crime type, largest first: {top}. The table below gives "
        "every type.",
        "Crimes recorded by type",
    )
    frame = pd.DataFrame(
        {
            "Crime type": types["crime_type"],
            "Crimes": [f"{int(n):,}" for n in types["incidents"]],
            "Share of crime": [percent(s) for s in types["share"]],
            "Change": [c or "not given" for c in types["change"]],
        }
    )
    if "compared_incidents" in types.columns:  # only some months compared: both sides of the change, shown
        frame.insert(
            3,
            "Months compared: now against before",
            [
                "–" if pd.isna(n) or pd.isna(b) else f"{int(n):,} against {int(b):,}"
                for n, b in zip(types["compared_incidents"], types["previous_incidents"])
            ],
        )
        return image, Table(frame, widths=(2.6, 1.1, 1.1, 1.8, 3.0), numeric=("Crimes", "Share of crime"))
    return image, Table(frame, widths=(3, 1.2, 1.2, 3.6), numeric=("Crimes", "Share of crime"))


def _trends_section(overview: Overview) -> Section:
    blocks = [_monthly_chart(overview)]
    image, table = _crime_types(overview)
    if image is not None:
        blocks += [Heading("Crime by type"), image, table]
    blocks.append(
        Paragraph(
            "Months not loaded are shown as gaps, never as zeros. Change by type compares the same months as the "
            "change in all crime (see 'In brief'); 'within normal variation' means the change could be chance.",
            "note",
        )
    )
    return Section("Month by month and by type", blocks)


def _ward_table(overview: Overview, kind: str, area: Area) -> Table:
    top = overview.top_wards[kind]
    share = overview.top_wards_share.get(kind)
    noun = {"crime": "Crime", "asb": "ASB"}[kind]
    frame = pd.DataFrame(
        {
            "Rank": [str(int(r)) for r in top["rank"]],
            "Ward": top["ward_name"],
            "Incidents": [f"{int(n):,}" for n in top["incidents"]],
            f"Share of {area.short_name}": [percent(s) for s in top["share"]],
        }
    )
    caption = f"{noun}: the {len(top)} wards with the most" + (
        f", {percent(share, 0)} of the {area.short_name} total" if share is not None else ""
    )
    return Table(frame, caption=caption, widths=(0.8, 4, 1.4, 1.6), numeric=("Rank", "Incidents", frame.columns[-1]))


def _wards_section(overview: Overview, area: Area) -> Section:
    return Section(
        "Where: the top 5 wards",
        [
            _ward_table(overview, "crime", area),
            _ward_table(overview, "asb", area),
            Paragraph(
                f"{area.current_wards.label}. Each incident is placed in the ward whose boundary contains its "
                "police.uk map point (an anonymised snap point, not the exact address); shares are of the whole "
                "area's total.",
                "note",
            ),
        ],
    )


def build_pack(
    run_query: RunQuery,
    area: Area,
    period: Period,
    loaded: list[date],
    population: int | None,
    *,
    store_dir: str | Path | None = None,
    since: Period | None = None,
    made: date | None = None,
) -> Pack:
    """The whole scrutiny pack for ``period``.

    Parameters
    ----------
    run_query : callable
        ``run_query(name, **params) -> DataFrame`` over the store (:meth:`csp_data.store.queries.Database.query`
        or the app's cached wrapper of it).
    area : Area
    period : Period
    loaded : list of date
        The months held in the store.
    population : int, optional
        Residents of the area, for rates per 1,000.
    store_dir : path, optional
        The store, where an ONS benchmark table may be held (default: the area's).
    since : Period, optional
        The period of the previous pack: adds "What changed since the last pack".
    made : date, optional
        The day the pack is made (default: today).
    """
    pictures.warm_up()
    loaded = sorted(set(loaded))
    peers = peer_position(area, store_dir)
    if since is not None:
        check_since(period, since)  # before any work
    picture = crime_picture(run_query, area, period, loaded, population, peers)
    overview = picture.overview
    pack = Pack(
        title="Community safety scrutiny pack",
        area_name=area.name,
        short_name=area.short_name,
        period_title=period_title(period),
        span_label=period.span_label,
        coverage=coverage_words(period, loaded),
        made=made or date.today(),
        cover=_cover(picture, loaded),
    )
    pack.sections.append(_in_brief(overview, area))
    if since is not None:
        pack.sections.append(since_section(run_query, area, period, since, loaded, population, overview, store_dir))
    pack.sections += [
        _crime_picture_section(picture),
        _trends_section(overview),
        _wards_section(overview, area),
        benchmarking_section(area, store_dir),
        priorities_section(run_query, area, period, loaded, population),
        survey_section(area),
        caveats_section(run_query, area, overview, loaded),
    ]
    pack.sections.append(glossary_section(pack))
    return pack
