"""The Priorities and progress page's sections: the plan file read through a cache, KPI tables with their
RAG status, a priority's actions, its live police.uk indicators and ONS figures, and earlier plans.

The page script reads the area and the period, calls these in order and nothing else; the figures
come from :mod:`csp_data.figures.priorities` and the words from :mod:`csp_data.plans.wording`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data.charts import priorities as priority_charts
from csp_data.figures import priorities as pr
from csp_data.periods import Period
from csp_data.plans import Kpi, Plan, Priority, actions_frame, kpi_frame, load_plans, rag_status
from csp_data.plans.wording import RAG_LABELS, action_line, group_actions, kpi_display_table, rag_counts, rag_rules_text
from csp_data.ui.context import run_query
from csp_data.ui.downloads import download_table
from csp_data.ui.errors import guard
from csp_data.words import slug

STATUS_HELP = "Colour is only a cue: the symbol and the words give the status."
PLANS_HINT = "Check the [plans] table of the area file and the plan file it names, then reload the page."
INDICATORS_HINT = "Try another period; if this persists, check the store with `python -m csp_data status`."
ONS_HINT = "Check the ONS benchmark table held with the area's data."
#: What the ONS figures say in place of a table when the ONS table could not be read (the error is shown).
ONS_UNREADABLE = "The ONS table could not be read."
NO_MONTHS = "No police.uk months are loaded. Load some with `python -m csp_data ingest PATH`."
NO_PLAN_FILE = (
    'This area file names no plan file. Add a `[plans]` table with `file = "plans/plans.yaml"` to it '
    "(the format is described in data/medway/plans/README.md)."
)
NO_CURRENT_PLAN = "The plan file has no current plan (no plan with `status: current`); earlier plans are shown below."

KPI_COLUMNS = ["kpi", "status", "latest_value", "target", "period", "reported_in_words", "priority", "notes", "source"]
KPI_LABELS = {
    "kpi": st.column_config.TextColumn("KPI", width="large"),
    "status": st.column_config.TextColumn("Status (RAG)", help=STATUS_HELP, width="medium"),
    "latest_value": "Latest value",
    "target": "Target",
    "period": st.column_config.TextColumn("Period", width="medium"),
    "reported_in_words": "Reported in words",
    "priority": st.column_config.TextColumn("Priority or theme", width="medium"),
    "notes": st.column_config.TextColumn("Notes", width="large"),
    "source": st.column_config.TextColumn("Source", width="medium"),
}
INDICATOR_LABELS = {
    "series": "police.uk category",
    "month": st.column_config.DateColumn("Month", format="MMM YYYY"),
    "incidents": st.column_config.NumberColumn("Incidents", format="localized"),
    "loaded": "Month loaded",
}
ONS_LABELS = {
    "offence_group": None,
    "offence_label": "Offence group",
    "year_ending": st.column_config.DateColumn("Year ending", format="MMM YYYY"),
    "count": st.column_config.NumberColumn("Offences", format="localized"),
    "population": st.column_config.NumberColumn("Population", format="localized"),
    "rate_per_1000": st.column_config.NumberColumn("Per 1,000", format="%.2f"),
    "rate_lower": st.column_config.NumberColumn("95% from", format="%.2f"),
    "rate_upper": st.column_config.NumberColumn("95% to", format="%.2f"),
    "previous_year_count": st.column_config.NumberColumn("Year before", format="localized"),
    "change_percent": st.column_config.NumberColumn("Change %", format="%.1f"),
    "change": st.column_config.TextColumn("Change in words", width="medium"),
}


def file_stamp(path: Path) -> tuple[int, int]:
    """Changes when the file is edited, so an edited file is read again."""
    info = path.stat()
    return info.st_mtime_ns, info.st_size


@st.cache_data(max_entries=8, show_spinner=False)
def _cached_plans(path: str, stamp: tuple[int, int]):
    return load_plans(path)


def read_plans(path: Path | None) -> Sequence[Plan]:
    """The plans in the area's plan file, read again when the file changes; none when it names no file."""
    return _cached_plans(str(path), file_stamp(path)) if path else ()


def styled_kpis(table: pd.DataFrame):
    """The status cell shaded by its RAG status; the words and symbol carry the meaning."""
    shades = [f"background-color: {RAG_LABELS[r].background}; color: #000000" for r in table["rag"]]
    return table.style.apply(lambda _: shades, subset=["status"], axis=0)


def table_height(rows: int) -> int:
    """Tall enough to show every row, so the table reads (and prints) without scrolling."""
    return 35 * (rows + 1) + 3


def show_kpis(kpis: Sequence[Kpi], plan: Plan, file_name: str, with_priority: bool = False) -> None:
    """A table of KPIs with their status, and the plan file's rows for them as a download."""
    table = kpi_display_table(kpis, plan if with_priority else None)
    st.dataframe(
        styled_kpis(table),
        hide_index=True,
        width="stretch",
        height=table_height(len(table)),
        column_order=[c for c in KPI_COLUMNS if c in table.columns],
        column_config=KPI_LABELS,
    )
    raw = kpi_frame([plan])
    download_table(raw[raw["kpi_id"].isin([k.id for k in kpis])], file_name, "Download these KPIs (CSV)")


def show_badges(kpis: Sequence[Kpi]) -> None:
    """One badge per status held, with its symbol, name and count."""
    parts = [(status, n) for status, n in rag_counts(kpis).items() if n]
    badges = [
        f":{RAG_LABELS[s].badge_colour}-badge[{RAG_LABELS[s].symbol} {RAG_LABELS[s].name}: {n}]" for s, n in parts
    ]
    if badges:
        st.markdown(" ".join(badges))


def bullet_list(items) -> str:
    return "\n".join(f"- {action_line(action)}" for _, action in items)


def show_rag_rules() -> None:
    with st.expander("How the status of a KPI (red, amber, green) is set"):
        st.markdown("\n".join(f"- {rule}" for rule in rag_rules_text()))
        st.caption(STATUS_HELP)


def show_plan_intro(plan: Plan, plans_file: Path) -> None:
    """The current plan: its summary, sources, links to its priorities and its KPIs by status."""
    st.markdown(f"**{plan.title}**. {plan.summary}")
    st.caption(
        f"Priorities, actions and KPIs as published by the partnership ({plan.source.doc}, {plan.source.section}); "
        f"Plan file: {plans_file.name}. Live indicators are counted from data.police.uk street-level data (Open "
        "Government Licence) for the period chosen in the sidebar." + (f" {plan.notes}" if plan.notes else "")
    )
    links = [f"[Priority {p.number}](#priority-{p.number})" for p in plan.priorities]
    st.markdown("On this page: " + " · ".join([*links, "[Earlier plans](#earlier-plans)"]))
    st.markdown("KPIs of the current plan, by status:")
    show_badges(plan.kpis)
    if plan.kpis and all(kpi.target is None for kpi in plan.kpis):
        st.caption(
            f"The {plan.title} sets no numeric targets for the figures it reports, so each is rated "
            '"No data": they show activity and context, not progress against a target.'
        )


def show_priority(plan: Plan, priority: Priority, stem: str) -> None:
    """A priority's heading, what has been and will be done, and its KPIs."""
    st.header(f"Priority {priority.number}: {priority.title}", anchor=f"priority-{priority.number}")
    st.markdown(priority.summary)
    groups = group_actions(priority)
    done_column, planned_column = st.columns(2)
    with done_column:
        st.markdown(f"**What has been done** ({len(groups['done'])})")
        st.markdown(bullet_list(groups["done"]) or "Nothing recorded.")
    with planned_column:
        st.markdown(f"**What will be done** ({len(groups['will_do'])})")
        st.markdown(bullet_list(groups["will_do"]) or "Nothing recorded.")
        if groups["aims"]:
            st.markdown("**Aims and items to note for the partnership**")
            st.markdown(bullet_list(groups["aims"]))
    actions = actions_frame([plan])
    download_table(
        actions[actions["priority_id"] == priority.id],
        f"{stem}-priority-{priority.number}-actions.csv",
        "Download these actions (CSV)",
    )
    st.subheader("KPIs")
    kpis = plan.kpis_for(priority.id)
    if kpis:
        show_kpis(kpis, plan, f"{stem}-priority-{priority.number}-kpis.csv")
    else:
        st.markdown("The plan attaches no KPI to this priority.")


def show_indicator(figure: pr.IndicatorFigures, period: Period) -> None:
    """One live series: its count and rate, its change, and its monthly chart."""
    noun = "ASB incidents" if figure.series.kind == "asb" else "crimes"
    count_column, rate_column = st.columns(2)
    count_column.metric(f"{figure.series.label}: {noun} recorded", f"{figure.count:,}")
    if figure.rate_per_1000 is not None:
        rate_column.metric(f"{figure.series.label} per 1,000 residents", f"{figure.rate_per_1000:.1f}")
    st.caption(figure.change_text)
    chart = priority_charts.indicator_chart(figure)
    st.altair_chart(
        chart,
        width="stretch",
        height=priority_charts.display_height(chart),
        alt=f"{figure.series.label}: incidents recorded each month, {period.span_label}.",
    )
    missing = pr.describe_missing(figure)
    if missing:
        st.caption(missing)


def show_live_indicators(
    priority: Priority, period: Period | None, loaded: Sequence[date], population: int | None, stem: str
) -> None:
    """The police.uk series that follow a priority, side by side, with their monthly counts as a table."""
    series = pr.live_series(priority)
    if not series:
        return
    st.subheader("Live indicators from police.uk")
    if period is None:
        st.info(NO_MONTHS)
        return
    figures: list[pr.IndicatorFigures] = []
    with guard(INDICATORS_HINT, stop=False):
        figures = [pr.indicator_figures(run_query, s, period, loaded, population) for s in series]
    if not figures:
        return
    st.caption(f"{period.label}: {figures[0].coverage_text}")
    for column, figure in zip(st.columns(len(figures)), figures):
        with column:
            show_indicator(figure, period)
    table = pr.indicator_table(figures)
    with st.expander("Table: live indicators by month"):
        st.dataframe(table, hide_index=True, width="stretch", column_config=INDICATOR_LABELS)
    download_table(
        table,
        f"{stem}-priority-{priority.number}-indicators-{period.first:%Y-%m}-{period.last:%Y-%m}.csv",
        "Download the monthly counts (CSV)",
    )
    if any(f.series.kind == "asb" for f in figures):
        st.caption("ASB is not crime: it is shown as its own series and never added to a crime total.")


def show_ons(
    priority: Priority, csp_code: str | None, benchmarks: pd.DataFrame | None, benchmarks_note: str, stem: str
) -> None:
    """The ONS recorded-crime figures for offence groups police.uk does not separate, or why there are none."""
    groups = pr.ons_groups(priority)
    if not groups:
        return
    st.subheader("ONS recorded crime: " + ", ".join(groups).lower().capitalize())
    ons_table = None
    if benchmarks is not None and csp_code:
        with guard(ONS_HINT, stop=False):
            ons_table = pr.ons_indicator_table(benchmarks, csp_code, groups)
    if ons_table is None or not len(ons_table):
        st.info(
            f"{benchmarks_note} When the ONS community safety partnership tables are loaded, the "
            f"figures for {', '.join(groups).lower()} appear here; police.uk street data cannot give them."
        )
        return
    st.caption(
        f"ONS police recorded crime by community safety partnership, years ending as shown "
        "(Open Government Licence); rates per 1,000 residents with exact 95% intervals. A change is "
        "given against the year ending 12 months earlier, when the table holds it. From "
        f"{Path(benchmarks_note).name}, held with the area's data."
    )
    st.dataframe(ons_table, hide_index=True, width="stretch", column_config=ONS_LABELS)
    download_table(ons_table, f"{stem}-priority-{priority.number}-ons.csv", "Download the ONS figures (CSV)")


def show_limits(priority: Priority) -> None:
    st.subheader("What open data cannot show")
    for note in pr.open_data_limits(priority):
        st.markdown(note)


def show_other_figures(plan: Plan, stem: str) -> None:
    """KPIs reported with the plan that belong to no priority."""
    kpis = pr.unassigned_kpis(plan)
    if kpis:
        st.header("Other figures reported with the plan", anchor="context-figures")
        st.caption("Figures the partnership reports for the crime picture and wider work, not tied to one priority.")
        show_kpis(kpis, plan, f"{stem}-{slug(plan.id)}-other-figures.csv", with_priority=True)


def show_history_heading() -> None:
    st.header("Earlier plans", anchor="earlier-plans")
    st.caption(
        "Earlier plans and the results they reported, as history. Their targets and figures are as "
        "published; the status follows the same rules as above."
    )


def show_earlier_plan(earlier: Plan, stem: str) -> None:
    """An earlier plan as history: its priorities, its KPIs (rated, then without a target) and actions."""
    st.subheader(earlier.title)
    st.markdown(earlier.summary)
    st.markdown("Priorities: " + "; ".join(f"{p.number}. {p.title}" for p in earlier.priorities) + ".")
    if earlier.notes:
        st.caption(earlier.notes)
    plan_slug = slug(earlier.id)
    if earlier.kpis:
        show_badges(earlier.kpis)
        rated = [kpi for kpi in earlier.kpis if rag_status(kpi) != "no_data"]
        unrated = [kpi for kpi in earlier.kpis if rag_status(kpi) == "no_data"]
        if rated:
            st.markdown("**Reported results against a target**")
            show_kpis(rated, earlier, f"{stem}-{plan_slug}-kpis-rated.csv", with_priority=True)
        if unrated:
            with st.expander(f'Measures without a published target or figure ({len(unrated)}): status "No data"'):
                show_kpis(unrated, earlier, f"{stem}-{plan_slug}-kpis-no-data.csv", with_priority=True)
    actions = actions_frame([earlier])
    with st.expander(f"Actions of the {earlier.title} ({len(actions)})"):
        st.dataframe(
            actions[["priority_number", "priority_title", "objective", "action", "status", "lead_agency"]],
            hide_index=True,
            width="stretch",
        )
    download_table(actions, f"{stem}-{plan_slug}-actions.csv", "Download these actions (CSV)")
