"""The pack's priorities section: the current plan's priorities, what police.uk data show for each over the
period, and the plan's KPIs with their RAG status in a symbol and words (never colour alone)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from csp_data.area_documents import load_area_documents
from csp_data.config import Area
from csp_data.errors import CspDataError
from csp_data.figures import priorities as pr
from csp_data.periods import Period
from csp_data.plans import Kpi, Plan, current_plan, load_plans
from csp_data.plans.progress import progress_rules_text
from csp_data.plans.wording import MISSING, RAG_LABELS, kpi_display_table, plain_note, rag_counts, rag_rules_text
from csp_data.report.model import Block, Bullets, Heading, Paragraph, Section, Table
from csp_data.series import RunQuery

HEADING = "Priorities and progress"
KPI_COLUMNS = {
    "kpi": "KPI",
    "status": "Status (RAG)",
    "latest_value": "Latest value",
    "target": "Target",
    "period": "Period",
}


def kpi_table(kpis: list[Kpi] | tuple[Kpi, ...], caption: str = "") -> Table:
    """KPIs with their status: the symbol and words carry it, so it reads in black and white. A KPI's note from
    the plan file (how the source put its figure, "Reported as 'over 600'", or what it cannot say) follows its
    name, as on the Priorities page: the figure alone ("600") claimed more than the source did."""
    table = kpi_display_table(kpis)
    noted = table["notes"] != MISSING
    table.loc[noted, "kpi"] = table.loc[noted, "kpi"] + ". Note: " + table.loc[noted, "notes"]
    shown = table[list(KPI_COLUMNS)].rename(columns=KPI_COLUMNS)
    return Table(shown, caption=caption, widths=(3.6, 2.4, 1.3, 1.3, 2.2), numeric=("Latest value",))


def travel_summary(statuses: list[str]) -> str:
    """'Of the 6 police.uk series the priorities follow: 1 green, 4 amber, 1 red, 0 with no month to compare.'"""
    parts = [f"{statuses.count(s)} {RAG_LABELS[s].name.lower()}" for s in ("green", "amber", "red")]
    return (
        f"Of the {len(statuses)} police.uk series the priorities follow, by their direction of travel: "
        f"{', '.join(parts)}, {statuses.count('no_data')} with no month to compare. Green is a real change the "
        "way the plan aims, amber a change within normal variation, red a real change the other way."
    )


def rag_summary(kpis) -> str:
    """'Of 16 KPIs: 2 green, 1 amber, 0 red, 13 not rated (no figure, target or baseline to judge by).'"""
    counts = rag_counts(kpis)
    parts = [f"{counts[s]} {RAG_LABELS[s].name.lower()}" for s in ("green", "amber", "red")]
    return f"Of the plan's {sum(counts.values())} KPIs: {', '.join(parts)}, {counts['no_data']} not rated (no figure, target or baseline to judge by)."


def _indicator_table(
    run_query: RunQuery,
    priority,
    period: Period,
    loaded: list[date],
    population: int | None,
    statuses: list[tuple[str, str]],
    plan_start_year: int | None = None,
) -> Table | None:
    """The priority's police.uk series over the period; each one's (label, direction of travel) is added to
    ``statuses``."""
    series = pr.live_series(priority)
    if not series:
        return None
    rows = []
    for one in series:
        figures = pr.indicator_figures(run_query, one, period, loaded, population, plan_start_year)
        label = RAG_LABELS[figures.progress.status]
        statuses.append((one.label, figures.progress.status))
        rows.append(
            {
                "police.uk category": one.label,
                "Recorded": f"{figures.count:,}"
                + ("" if figures.months_loaded == period.length else f" ({figures.months_loaded} months)"),
                "Per 1,000": "–" if figures.rate_per_1000 is None else f"{figures.rate_per_1000:.1f}",
                "Direction of travel": f"{label.symbol} {label.name}",
                # The plan file's caveat for the series ("a rise can reflect more enforcement"), as its README says.
                "Change": _change_cell(figures) + (f" Note: {plain_note(one.notes)}" if one.notes else ""),
            }
        )
    return Table(
        pd.DataFrame(rows),
        caption=f"What police.uk data show, {period.span_label}",
        widths=(2.0, 1.2, 0.9, 1.5, 4.4),
        numeric=("Recorded", "Per 1,000"),
    )


def _change_cell(figures: pr.IndicatorFigures) -> str:
    """The comparison the status rests on: the longer one when the year-on-year one is thin (said so), and
    then the year-on-year change as the other pages give it (as the Priorities page does), so that a
    direction from 2022 is not read as this year's."""
    progress = figures.progress
    if not progress.comparison_note:
        return figures.change_text
    text = f"{progress.comparison_text} {progress.comparison_note}"
    if progress.comparison_text != figures.change_text:
        text += f" Year-on-year, as on other pages: {figures.change_text}"
    return text


def _priority_blocks(
    run_query: RunQuery,
    plan: Plan,
    priority,
    period: Period,
    loaded: list[date],
    population: int | None,
    statuses: list[tuple[str, str]],
) -> list[Block]:
    blocks: list[Block] = [Heading(f"Priority {priority.number}: {priority.title}")]
    if priority.summary:
        blocks.append(Paragraph(priority.summary))
    indicators = _indicator_table(run_query, priority, period, loaded, population, statuses, plan.start_year)
    if indicators is not None:
        blocks.append(indicators)
    kpis = plan.kpis_for(priority.id)
    if kpis:
        blocks.append(kpi_table(kpis, "The plan's KPIs for this priority"))
    else:
        blocks.append(Paragraph("The plan sets no KPI for this priority.", "note"))
    limits = pr.open_data_limits(priority)
    if limits:
        blocks.append(Paragraph("What open data cannot show: " + " ".join(limits), "note"))
    return blocks


def priorities_section(
    run_query: RunQuery, area: Area, period: Period, loaded: list[date], population: int | None
) -> Section:
    """The section; an area without a plan file, or with one that cannot be read, gets a sentence instead."""
    try:
        documents = load_area_documents(area, survey=False)
        plans = load_plans(documents.plans_file) if documents.plans_file else ()
    except CspDataError:
        return Section(
            HEADING,
            [Paragraph("The plan file named in the area file could not be read, so no priorities are shown.")],
        )
    plan = current_plan(plans)
    if plan is None:
        return Section(HEADING, [Paragraph("The area has no current community safety plan on file.")])
    blocks: list[Block] = [
        Paragraph(f"{plan.title}. {plan.summary}", "lead"),
        Paragraph(rag_summary(plan.kpis)),
    ]
    statuses: list[tuple[str, str]] = []
    for priority in plan.priorities:
        blocks += _priority_blocks(run_query, plan, priority, period, loaded, population, statuses)
    if statuses:  # a series two priorities follow is counted once
        blocks.insert(2, Paragraph(travel_summary(list(dict(statuses).values()))))
    others = pr.unassigned_kpis(plan)
    if others:
        blocks += [Heading("Other figures in the plan"), kpi_table(others)]
    blocks += [
        Heading("How the RAG status is given"),
        Paragraph("KPIs with a target, rated against the target the plan sets:"),
        Bullets(tuple(line.replace("**", "") for line in rag_rules_text())),
        Paragraph("Direction of travel of the police.uk series that follow a priority (no target needed):"),
        Bullets(tuple(line.replace("**", "") for line in progress_rules_text())),
        Paragraph(
            "KPI figures are as the partnership published them, each for its own period; police.uk figures are for "
            "the pack's period.",
            "note",
        ),
    ]
    return Section(HEADING, blocks)
