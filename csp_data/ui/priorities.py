"""The Priorities and progress page's sections: the plan file read through a cache, KPI tables with their
RAG status, the direction of travel of the current plan's police.uk series, a priority's actions, its live
indicators and ONS figures, and earlier plans.

The page script reads the area and the period, calls these in order and nothing else; the figures
come from :mod:`csp_data.figures.priorities`, the words from :mod:`csp_data.plans.wording` and the
direction-of-travel rule from :mod:`csp_data.plans.progress`. Every table shows "–" or words where a
value is missing, never "None".
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
from csp_data.plans.progress import progress_rules_text, progress_table
from csp_data.plans.tables import MISSING
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


def _figures(label: str):
    """A column of numbers written out as text (so a missing one can read "–"), aligned as numbers."""
    return st.column_config.TextColumn(label, alignment="right")


INDICATOR_LABELS = {
    "series": "police.uk category",
    "month": st.column_config.DateColumn("Month", format="MMM YYYY"),
    "incidents": _figures("Incidents"),
    "loaded": "Month loaded",
}
ONS_LABELS = {
    "offence_label": "Offence group",
    "year_ending": st.column_config.DateColumn("Year ending", format="MMM YYYY"),
    "count": _figures("Offences"),
    "population": _figures("Population"),
    "rate_per_1000": _figures("Per 1,000"),
    "rate_lower": _figures("95% from"),
    "rate_upper": _figures("95% to"),
    "previous_year_count": _figures("Year before"),
    "change_percent": _figures("Change %"),
    "change": st.column_config.TextColumn("Change in words", width="medium"),
}
#: How each ONS number is written in the table; a missing one is a dash.
ONS_FORMATS = {
    "count": "{:,.0f}",
    "population": "{:,.0f}",
    "rate_per_1000": "{:.2f}",
    "rate_lower": "{:.2f}",
    "rate_upper": "{:.2f}",
    "previous_year_count": "{:,.0f}",
    "change_percent": "{:+.1f}",
}
PROGRESS_LABELS = {
    "series": "police.uk series and priority",
    "status": "Status, and the rule that set it",
    "change": "Change (95% interval) and the months compared",
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


def as_text(column: pd.Series, template: str = "{}", missing: str = MISSING) -> pd.Series:
    """A column written out as text for a table, with ``missing`` (a dash) where there is no value."""
    return pd.Series([missing if pd.isna(v) else template.format(v) for v in column], index=column.index, dtype=object)


def ons_display(table: pd.DataFrame) -> pd.DataFrame:
    """The ONS figures as the page shows them: numbers written out, a dash where the table has none."""
    shown = table.drop(columns="offence_group")
    for column, template in ONS_FORMATS.items():
        shown[column] = as_text(shown[column], template)
    return shown


def indicator_display(table: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts as the page shows them: "not loaded" for a month the store does not hold (never 0)."""
    return table.assign(incidents=as_text(table["incidents"], "{:,}", "not loaded"))


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
    with st.expander("How the status (red, amber, green) is set"):
        st.markdown("**KPIs with a target**, rated against the target the plan sets:")
        st.markdown("\n".join(f"- {rule}" for rule in rag_rules_text()))
        st.markdown("**Direction of travel** of the police.uk series that follow a priority (no target needed):")
        st.markdown("\n".join(f"- {rule}" for rule in progress_rules_text()))
        st.caption(STATUS_HELP)


def status_badge(status: str, count: int | None = None) -> str:
    """A status as a coloured badge that also carries its symbol and word (and a count, when given)."""
    label = RAG_LABELS[status]
    return f":{label.badge_colour}-badge[{label.symbol} {label.name}{'' if count is None else f': {count}'}]"


def live_figures(
    plan: Plan, period: Period | None, loaded: Sequence[date], population: int | None
) -> dict[str, list[pr.IndicatorFigures]]:
    """The live series of every priority over the period, by priority id; empty when none can be counted."""
    if period is None:
        return {}
    with guard(INDICATORS_HINT, stop=False):
        return pr.plan_figures(run_query, plan, period, loaded, population)
    return {}


def show_progress(plan: Plan, figures: dict[str, list[pr.IndicatorFigures]], period: Period | None, stem: str) -> None:
    """The current plan's police.uk series with their direction-of-travel status, the rule beside each."""
    if not any(figures.values()):
        return
    table = progress_table(plan, figures)
    st.header(f"Direction of travel: {period.label} ({period.span_label})", anchor="direction-of-travel")
    st.caption(
        "The plan sets no target for the police.uk series that follow its priorities, so each is judged by its "
        "change against the same months of an earlier year, by the one change rule of every page (the rules are "
        'under "How the status is set" above). When the months loaded a year earlier cover fewer than half of '
        "the period, a longer comparison that covers more is used, as the table says. Each priority below "
        "gives the full comparison."
    )
    counts = table["status"].value_counts()
    st.markdown(" ".join(f"{status_badge(s, int(counts[s]))}" for s in RAG_LABELS if s in counts))
    shades = [f"background-color: {RAG_LABELS[r].background}; color: #000000" for r in table["status"]]
    shown = pd.DataFrame(
        {
            "series": [f"{i} (aim: {a}), {p}" for i, a, p in zip(table["indicator"], table["aim"], table["priority"])],
            "status": [
                f"{label} – {text.split(': ', 1)[1]}"
                for label, text in zip(table["status_label"], table["status_text"])
            ],
            "change": [
                c if m == MISSING else f"{c[:1].upper()}{c[1:]}; {m}"
                for c, m in zip(table["change"], table["compared"])
            ],
        }
    ).rename(columns=PROGRESS_LABELS)
    status_column = PROGRESS_LABELS["status"]
    st.table(shown.style.apply(lambda _: shades, subset=[status_column], axis=0).hide(axis="index"))
    download_table(
        table,
        f"{stem}-direction-of-travel-{period.first:%Y-%m}-{period.last:%Y-%m}.csv",
        "Download the direction of travel (CSV)",
    )


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
            '"No data": they show activity and context, not progress against a target. Progress is '
            "followed instead by the direction of travel of the police.uk series below."
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
    """One live series: its count and rate, its direction-of-travel status with the rule, and its chart."""
    noun = "ASB incidents" if figure.series.kind == "asb" else "crimes"
    count_column, rate_column = st.columns(2)
    count_column.metric(f"{figure.series.label}: {noun} recorded", f"{figure.count:,}")
    if figure.rate_per_1000 is not None:
        rate_column.metric(f"{figure.series.label} per 1,000 residents", f"{figure.rate_per_1000:.1f}")
    progress = figure.progress
    st.markdown(f"Direction of travel: {status_badge(progress.status)} – {progress.reason}.")
    st.caption(progress.detail)
    if progress.comparison_text != figure.change_text:
        st.caption(f"Year-on-year, as on other pages: {figure.change_text}")
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
    priority: Priority, figures: Sequence[pr.IndicatorFigures], period: Period | None, stem: str
) -> None:
    """The police.uk series that follow a priority, side by side, with their monthly counts as a table."""
    if not pr.live_series(priority):
        return
    st.subheader("Live indicators from police.uk")
    if period is None:
        st.info(NO_MONTHS)
        return
    if not figures:
        return
    st.caption(f"{period.label}: {figures[0].coverage_text}")
    for column, figure in zip(st.columns(len(figures)), figures):
        with column:
            show_indicator(figure, period)
    table = pr.indicator_table(figures)
    with st.expander("Table: live indicators by month"):
        st.dataframe(indicator_display(table), hide_index=True, width="stretch", column_config=INDICATOR_LABELS)
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
    st.dataframe(ons_display(ons_table), hide_index=True, width="stretch", column_config=ONS_LABELS)
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
