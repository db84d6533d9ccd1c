"""Priorities and progress: the current plan's priorities, KPIs with RAG status, live indicators, earlier plans."""

from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data import ui
from csp_data.area_documents import load_area_documents
from csp_data.charts import priorities as priority_charts
from csp_data.figures import priorities as pr
from csp_data.plans import actions_frame, current_plan, kpi_frame, load_plans, rag_status

STATUS_HELP = "Colour is only a cue: the symbol and the words give the status."


@st.cache_data(max_entries=8, show_spinner=False)
def cached_plans(path: str, stamp: tuple[int, int]):
    return load_plans(path)


def file_stamp(path: Path) -> tuple[int, int]:
    """Changes when the file is edited, so an edited plan file is read again."""
    info = path.stat()
    return info.st_mtime_ns, info.st_size


def styled_kpis(table: pd.DataFrame):
    """The status cell shaded by its RAG status; the words and symbol carry the meaning."""
    shades = [f"background-color: {pr.RAG_LABELS[r].background}; color: #000000" for r in table["rag"]]
    return table.style.apply(lambda _: shades, subset=["status"], axis=0)


def table_height(rows: int) -> int:
    """Tall enough to show every row, so the table reads (and prints) without scrolling."""
    return 35 * (rows + 1) + 3


KPI_COLUMNS = ["kpi", "status", "latest_value", "target", "period", "reported_in_words", "priority", "notes", "source"]


def show_kpis(kpis, plan, file_name: str, with_priority: bool = False) -> None:
    table = pr.kpi_display_table(kpis, plan if with_priority else None)
    st.dataframe(
        styled_kpis(table),
        hide_index=True,
        width="stretch",
        height=table_height(len(table)),
        column_order=[c for c in KPI_COLUMNS if c in table.columns],
        column_config={
            "kpi": st.column_config.TextColumn("KPI", width="large"),
            "status": st.column_config.TextColumn("Status (RAG)", help=STATUS_HELP, width="medium"),
            "latest_value": "Latest value",
            "target": "Target",
            "period": st.column_config.TextColumn("Period", width="medium"),
            "reported_in_words": "Reported in words",
            "priority": st.column_config.TextColumn("Priority or theme", width="medium"),
            "notes": st.column_config.TextColumn("Notes", width="large"),
            "source": st.column_config.TextColumn("Source", width="medium"),
        },
    )
    raw = kpi_frame([plan])
    ui.download_table(raw[raw["kpi_id"].isin([k.id for k in kpis])], file_name, "Download these KPIs (CSV)")


def show_badges(kpis) -> None:
    counts = pr.rag_counts(kpis)
    parts = [(status, n) for status, n in counts.items() if n]
    if not parts:
        return
    badges = []
    for status, n in parts:
        label = pr.RAG_LABELS[status]
        badges.append(f":{label.badge_colour}-badge[{label.symbol} {label.name}: {n}]")
    st.markdown(" ".join(badges))


def bullet_list(items) -> str:
    return "\n".join(f"- {pr.action_line(action)}" for _, action in items)


area = ui.current_area()
period = st.session_state.get("period")
st.title(f"{area.short_name}: priorities and progress")

try:
    documents = load_area_documents(area)
    plans = cached_plans(str(documents.plans_file), file_stamp(documents.plans_file)) if documents.plans_file else ()
except Exception as error:  # noqa: BLE001
    ui.show_error(error, "Check the [plans] table of the area file and the plan file it names, then reload the page.")
    st.stop()

if not plans:
    st.info(
        'This area file names no plan file. Add a `[plans]` table with `file = "plans/plans.yaml"` to it '
        "(the format is described in data/medway/plans/README.md)."
    )
    st.stop()

plan = current_plan(plans)
file_stem = ui.slug(area.short_name)
file_note = f"Plan file: {documents.plans_file.name}."

with st.expander("How the status of a KPI (red, amber, green) is set"):
    st.markdown("\n".join(f"- {rule}" for rule in pr.rag_rules_text()))
    st.caption(STATUS_HELP)

if plan is None:
    st.info("The plan file has no current plan (no plan with `status: current`); earlier plans are shown below.")
else:
    st.markdown(f"**{plan.title}**. {plan.summary}")
    st.caption(
        f"Priorities, actions and KPIs as published by the partnership ({plan.source.doc}, {plan.source.section}); "
        f"{file_note} Live indicators are counted from data.police.uk street-level data (Open Government "
        "Licence) for the period chosen in the sidebar." + (f" {plan.notes}" if plan.notes else "")
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

    loaded = ui.loaded_months() if period is not None else []
    population = ui.area_population(area)
    benchmarks, benchmarks_note = None, ""
    try:
        benchmarks, benchmarks_note = pr.find_ons_benchmarks(area, ui.current_store(area).root)
    except Exception as error:  # noqa: BLE001
        benchmarks_note = f"The ONS table could not be read: {error}"

    for priority in plan.priorities:
        st.header(f"Priority {priority.number}: {priority.title}", anchor=f"priority-{priority.number}")
        st.markdown(priority.summary)
        groups = pr.group_actions(priority)
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
        ui.download_table(
            actions[actions["priority_id"] == priority.id],
            f"{file_stem}-priority-{priority.number}-actions.csv",
            "Download these actions (CSV)",
        )

        st.subheader("KPIs")
        kpis = plan.kpis_for(priority.id)
        if kpis:
            show_kpis(kpis, plan, f"{file_stem}-priority-{priority.number}-kpis.csv")
        else:
            st.markdown("The plan attaches no KPI to this priority.")

        series = pr.live_series(priority)
        if series:
            st.subheader("Live indicators from police.uk")
            if period is None:
                st.info("No police.uk months are loaded. Load some with `python -m csp_data ingest PATH`.")
            else:
                try:
                    figures = [pr.indicator_figures(ui.run_query, s, period, loaded, population) for s in series]
                except Exception as error:  # noqa: BLE001
                    ui.show_error(
                        error, "Try another period; if this persists, check the store with `python -m csp_data status`."
                    )
                    figures = []
                if figures:
                    st.caption(f"{period.label}: {figures[0].coverage_text}")
                for column, figure in zip(st.columns(len(figures)) if figures else [], figures):
                    with column:
                        noun = "ASB incidents" if figure.series.kind == "asb" else "crimes"
                        count_column, rate_column = st.columns(2)
                        count_column.metric(f"{figure.series.label}: {noun} recorded", f"{figure.count:,}")
                        if figure.rate_per_1000 is not None:
                            rate_column.metric(
                                f"{figure.series.label} per 1,000 residents", f"{figure.rate_per_1000:.1f}"
                            )
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
                if figures:
                    table = pr.indicator_table(figures)
                    with st.expander("Table: live indicators by month"):
                        st.dataframe(
                            table,
                            hide_index=True,
                            width="stretch",
                            column_config={
                                "series": "police.uk category",
                                "month": st.column_config.DateColumn("Month", format="MMM YYYY"),
                                "incidents": st.column_config.NumberColumn("Incidents", format="localized"),
                                "loaded": "Month loaded",
                            },
                        )
                    ui.download_table(
                        table,
                        f"{file_stem}-priority-{priority.number}-indicators-{period.first:%Y-%m}-{period.last:%Y-%m}.csv",
                        "Download the monthly counts (CSV)",
                    )
                if any(f.series.kind == "asb" for f in figures):
                    st.caption("ASB is not crime: it is shown as its own series and never added to a crime total.")

        groups_ons = pr.ons_groups(priority)
        if groups_ons:
            st.subheader("ONS recorded crime: " + ", ".join(groups_ons).lower().capitalize())
            ons_table = None
            if benchmarks is not None and area.csp_code:
                try:
                    ons_table = pr.ons_indicator_table(benchmarks, area.csp_code, groups_ons)
                except Exception as error:  # noqa: BLE001
                    ui.show_error(error, "Check the ONS benchmark table held with the area's data.")
            if ons_table is not None and len(ons_table):
                st.caption(
                    f"ONS police recorded crime by community safety partnership, years ending as shown "
                    "(Open Government Licence); rates per 1,000 residents with exact 95% intervals. A change is "
                    "given against the year ending 12 months earlier, when the table holds it. From "
                    f"{Path(benchmarks_note).name}, held with the area's data."
                )
                st.dataframe(
                    ons_table,
                    hide_index=True,
                    width="stretch",
                    column_config={
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
                    },
                )
                ui.download_table(
                    ons_table, f"{file_stem}-priority-{priority.number}-ons.csv", "Download the ONS figures (CSV)"
                )
            else:
                st.info(
                    f"{benchmarks_note} When the ONS community safety partnership tables are loaded, the "
                    f"figures for {', '.join(groups_ons).lower()} appear here; police.uk street data cannot give them."
                )

        st.subheader("What open data cannot show")
        for note in pr.open_data_limits(priority):
            st.markdown(note)

    context_kpis = pr.unassigned_kpis(plan)
    if context_kpis:
        st.header("Other figures reported with the plan", anchor="context-figures")
        st.caption("Figures the partnership reports for the crime picture and wider work, not tied to one priority.")
        show_kpis(context_kpis, plan, f"{file_stem}-{ui.slug(plan.id)}-other-figures.csv", with_priority=True)

history = pr.previous_plans(plans)
if history:
    st.header("Earlier plans", anchor="earlier-plans")
    st.caption(
        "Earlier plans and the results they reported, as history. Their targets and figures are as "
        "published; the status follows the same rules as above."
    )
for earlier in history:
    st.subheader(earlier.title)
    st.markdown(earlier.summary)
    st.markdown("Priorities: " + "; ".join(f"{p.number}. {p.title}" for p in earlier.priorities) + ".")
    if earlier.notes:
        st.caption(earlier.notes)
    if earlier.kpis:
        show_badges(earlier.kpis)
        rated = [kpi for kpi in earlier.kpis if rag_status(kpi) != "no_data"]
        unrated = [kpi for kpi in earlier.kpis if rag_status(kpi) == "no_data"]
        slug = ui.slug(earlier.id)
        if rated:
            st.markdown("**Reported results against a target**")
            show_kpis(rated, earlier, f"{file_stem}-{slug}-kpis-rated.csv", with_priority=True)
        if unrated:
            with st.expander(f'Measures without a published target or figure ({len(unrated)}): status "No data"'):
                show_kpis(unrated, earlier, f"{file_stem}-{slug}-kpis-no-data.csv", with_priority=True)
    history_actions = actions_frame([earlier])
    with st.expander(f"Actions of the {earlier.title} ({len(history_actions)})"):
        st.dataframe(
            history_actions[["priority_number", "priority_title", "objective", "action", "status", "lead_agency"]],
            hide_index=True,
            width="stretch",
        )
    ui.download_table(history_actions, f"{file_stem}-{ui.slug(earlier.id)}-actions.csv", "Download these actions (CSV)")
