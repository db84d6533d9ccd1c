"""The Priorities and progress page's sections: the plan file read through a cache, KPI tables with their
RAG status, the direction of travel of the current plan's police.uk series, a priority's actions, its live
indicators and ONS figures, and earlier plans.

Everything shown is built by three cached functions keyed on a few strings and numbers, so that a warm rerun
only looks them up and draws: :func:`plan_view` (the plans' words and tables) and :func:`ons_view` (the ONS
tables) are kept per version of the plan file and of the ONS table file, in the process (like the ward
boundaries and the Benchmarking page's ONS table: loading police data does not change them, so they stay
fresh across loads); :func:`live_view` (the police.uk series, their direction of travel, tables and chart
specifications) per store version and period, in ``st.cache_resource``. What they return is only read, so
every session shares it and a rerun neither copies nor unpickles it; its tables are Arrow already, and its
downloads are written only when clicked.

The figures come from :mod:`csp_data.figures.priorities`, the words from :mod:`csp_data.plans.wording` and the
direction-of-travel rule from :mod:`csp_data.plans.progress`. A status is always a symbol and a word on a
coloured badge, never colour alone; every table shows "–" or words where a value is missing, never "None".
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data.area_documents import file_stamp
from csp_data.benchmarks.errors import BenchmarkError
from csp_data.benchmarks.groups import period_label
from csp_data.benchmarks.peers import area_csp_code
from csp_data.charts import priorities as priority_charts
from csp_data.config import Area
from csp_data.figures import priorities as pr
from csp_data.markdown import markdown_text
from csp_data.periods import Period, named_coverage
from csp_data.plans import Plan, Priority, current_plan, load_plans
from csp_data.plans.progress import progress_cells, progress_rules_text, progress_table
from csp_data.plans.tables import MISSING, CsvFile
from csp_data.plans.wording import (
    KpiTable,
    PlanView,
    PriorityView,
    plain_note,
    plan_tables,
    rag_badge,
    rag_badges,
    rag_rules_text,
)
from csp_data.ui.charts import VegaSpec, chart_spec, show_chart
from csp_data.ui.context import FIGURES_PER_CACHE, benchmark_table, current_store, no_months_message, run_query
from csp_data.ui.folds import fold
from csp_data.ui.tables import DrawnTable, drawn_table
from csp_data.words import rate, slug

STATUS_HELP = "Colour is only a cue: the symbol and the words give the status."
ONS_HINT = "Check the ONS benchmark table held with the area's data."
#: What the ONS figures say in place of a table when the ONS table could not be read (the error is shown).
ONS_UNREADABLE = "The ONS table could not be read."
NO_PLAN_FILE = "This area file names no plan file, so there are no priorities or progress to show yet."
NO_CURRENT_PLAN = "No plan is marked as the current one, so only earlier plans are shown below."
#: The tables' names for screen readers (each table is a labelled region).
PROGRESS_TABLE = "Direction of travel of each police.uk series"
KPI_TABLE = "KPIs: status, latest figure and target"
ONS_TABLE = "Office for National Statistics figures"
INDICATORS_TABLE = "Table: live indicators by month"
INDICATOR_LABELS = {"series": "police.uk category", "month": "Month", "incidents": "Incidents"}
#: The headings of an earlier plan's actions (:data:`csp_data.plans.wording.ACTION_COLUMNS`).
ACTION_LABELS = {
    "priority_number": "No.",
    "priority_title": "Priority",
    "objective": "Objective",
    "action": "Action",
    "status": "Done or planned",
    "lead_agency": "Lead",
    "partners": "With",
}


@functools.lru_cache(maxsize=8)
def _cached_plans(path: str, stamp: tuple[int, int]):
    return load_plans(path)


def read_plans(path: Path | None) -> Sequence[Plan]:
    """The plans in the area's plan file, read again when the file changes; none when it names no file."""
    return _cached_plans(str(path), file_stamp(path)) if path else ()


def bullets(lines: Sequence[str]) -> str:
    """Lines of a plan file's text as a Markdown list, each shown as written."""
    return "\n".join(f"- {markdown_text(line)}" for line in lines)


def show_download(download: CsvFile) -> None:
    """The table's download button; its CSV is written when the button is clicked, not on every rerun."""
    st.download_button(
        download.label,
        download.data,
        file_name=download.file_name,
        mime="text/csv",
        key=f"download_{download.file_name}",
    )


# -- the plans: words and tables, by plan file ------------------------------------------------------


def _drawn_kpis(table: KpiTable | None, whose: str) -> KpiTable | None:
    """A KPI table with its cells drawn once (:class:`~csp_data.ui.tables.DrawnTable`) in its cached section;
    ``whose`` tells it apart from the page's other KPI tables for a screen reader."""
    if table is None:
        return None
    return replace(table, cells=drawn_table(table.cells, markdown=True, name=f"{KPI_TABLE}, {whose}"))


@functools.lru_cache(maxsize=8)
def _plan_view(path: str, stamp: tuple[int, int], stem: str) -> PlanView:
    view = plan_tables(_cached_plans(path, stamp), stem)
    return replace(
        view,
        priorities=[replace(p, kpis=_drawn_kpis(p.kpis, f"priority {p.priority.number}")) for p in view.priorities],
        other=_drawn_kpis(view.other, "other figures reported with the plan"),
        earlier=[
            replace(
                e,
                rated=_drawn_kpis(e.rated, f"{e.plan.title}, results against a target"),
                unrated=_drawn_kpis(e.unrated, f"{e.plan.title}, measures without a target or figure"),
                actions=drawn_table(e.actions, labels=ACTION_LABELS, name=f"Actions of the {e.plan.title}"),
            )
            for e in view.earlier
        ],
    )


def plan_view(path: Path, stem: str) -> PlanView:
    """The plans' words and tables, built once per version of the plan file."""
    return _plan_view(str(path), file_stamp(path), stem)


# -- the police.uk series: by store version and period ----------------------------------------------


@dataclass(frozen=True)
class IndicatorView:
    figures: pr.IndicatorFigures
    spec: VegaSpec
    alt: str


@dataclass(frozen=True)
class LiveView:
    """The current plan's police.uk series over a period: the direction-of-travel table and each priority's."""

    progress: DrawnTable  # from Markdown cells (:func:`csp_data.plans.progress.progress_cells`)
    counts: dict[str, int]
    download: CsvFile
    indicators: dict[str, list[IndicatorView]]  # by priority id
    tables: dict[str, tuple[DrawnTable, CsvFile]]  # monthly counts to show and to download, by priority id


def indicator_display(table: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts as the page shows them: "not loaded" for a month the store does not hold (never 0)."""
    counts = ["not loaded" if pd.isna(n) else f"{int(n):,}" for n in table["incidents"]]
    return table.drop(columns="loaded").assign(incidents=counts)


@st.cache_resource(max_entries=FIGURES_PER_CACHE, show_spinner="Counting the plan's police.uk series…")
def _live_view(
    plans: tuple[str, tuple], store: tuple[str, str, str], period: Period, loaded: tuple, population: int | None
) -> LiveView:
    """Built once per (plan file, area file, store and its version, period); the arguments are the cache key."""
    area_name, stem = store[0], slug(store[0])
    plan = current_plan(_cached_plans(*plans))
    figures = pr.plan_figures(run_query, plan, period, list(loaded), population)
    span = f"{period.first:%Y-%m}-{period.last:%Y-%m}"
    indicators, tables = {}, {}
    for priority in plan.priorities:
        series = figures[priority.id]
        charts = [priority_charts.indicator_chart(f) for f in series]
        alts = [priority_charts.indicator_chart_alt(f, area_name) for f in series]
        indicators[priority.id] = [IndicatorView(f, chart_spec(c), a) for f, c, a in zip(series, charts, alts)]
        if series:
            table = pr.indicator_table(series)
            name = f"{stem}-priority-{priority.number}-indicators-{span}.csv"
            tables[priority.id] = (
                drawn_table(indicator_display(table), labels=INDICATOR_LABELS, name=INDICATORS_TABLE),
                CsvFile(table, name, "Download the monthly counts (CSV)"),
            )
    table = progress_table(plan, figures)
    name = f"{stem}-direction-of-travel-{span}.csv"
    download = CsvFile(table, name, "Download the direction of travel (CSV)")
    return LiveView(
        drawn_table(progress_cells(table), markdown=True, name=PROGRESS_TABLE),
        table["status"].value_counts().to_dict(),
        download,
        indicators,
        tables,
    )


def live_view(area: Area, plans_file: Path, period: Period, loaded: Sequence[date], population: int | None):
    """The current plan's police.uk series over ``period``, counted once per store version and period."""
    store = current_store(area)
    plans = (str(plans_file), file_stamp(plans_file))
    return _live_view(
        plans,
        (area.short_name, str(area.area_file), f"{store.root}@{store.version()}"),
        period,
        tuple(loaded),
        population,
    )


# -- the ONS figures: by ONS table file ---------------------------------------------------------------


@dataclass(frozen=True)
class OnsView:
    cells: DrawnTable  # :func:`ons_cells`
    source: str
    download: CsvFile


def ons_cells(table: pd.DataFrame) -> pd.DataFrame:
    """The ONS figures as the page shows them, in five columns that wrap on a phone: years in words, counts
    with thousands separators, rates to 1 dp with their interval, the change in words with the year before."""
    rates = [
        MISSING if pd.isna(r) else f"{rate(r)} ({rate(lo)} to {rate(hi)})"
        for r, lo, hi in zip(table["rate_per_1000"], table["rate_lower"], table["rate_upper"])
    ]
    changes = [
        change if pd.isna(before) else f"{change}; {int(before):,} the year before"
        for change, before in zip(table["change"], table["previous_year_count"])
    ]
    return pd.DataFrame(
        {
            "Offence group": list(table["offence_label"]),
            "Year": [period_label(end) for end in table["year_ending"]],
            "Offences": [MISSING if pd.isna(n) else f"{int(n):,}" for n in table["count"]],
            "Per 1,000 residents (95% interval)": rates,
            "Change on the year before": changes,
        }
    )


@functools.lru_cache(maxsize=8)
def _ons_view(table: tuple[str, int], csp_code: str, plans: tuple[str, tuple], stem: str) -> dict[str, OnsView]:
    benchmarks = benchmark_table(*table)
    # The area's rows and the columns used, once (not once a priority): a small frame is quick to work on.
    columns = ["csp_code", "period_end", "offence_group", "count", "population"]
    benchmarks = benchmarks.loc[benchmarks["csp_code"] == csp_code, columns]
    views = {}
    for priority in current_plan(_cached_plans(*plans)).priorities:
        if groups := pr.ons_groups(priority):
            figures = pr.ons_indicator_table(benchmarks, csp_code, groups)
            if len(figures):
                name = f"{stem}-priority-{priority.number}-ons.csv"
                download = CsvFile(figures, name, "Download the ONS figures (CSV)")
                views[priority.id] = OnsView(
                    drawn_table(ons_cells(figures), name=f"{ONS_TABLE}, priority {priority.number}"),
                    pr.ons_source_text(figures),
                    download,
                )
    return views


def ons_view(area: Area, plans_file: Path) -> tuple[dict[str, OnsView], str]:
    """The ONS figures of each priority that follows ONS offence groups, and what to say where there are none."""
    path = pr.ons_table_path(area, current_store(area).root)
    if path is None:
        return {}, pr.NO_ONS_TABLE
    if not area.csp_code:
        return {}, "The ONS figures cannot be matched to this area: its partnership code is not known."
    try:  # a code copied from another area's file would show that area's figures under this one's name
        area_csp_code(benchmark_table(path), area.csp_code, [area.short_name, area.name], area.local_authority_codes)
    except BenchmarkError as error:
        reason = str(error).rstrip(".")
        return {}, f"The ONS figures are not shown: {reason[:1].lower()}{reason[1:]}."
    plans = (str(plans_file), file_stamp(plans_file))
    views = _ons_view((str(path), path.stat().st_mtime_ns), area.csp_code, plans, slug(area.short_name))
    return views, "The ONS table holds no figures for this area."


# -- sections ----------------------------------------------------------------------------------------


def show_rag_rules() -> None:
    with st.expander("How the status (red, amber, green) is set"):
        st.markdown("**KPIs with a target**, rated against the target the plan sets:")
        st.markdown("\n".join(f"- {rule}" for rule in rag_rules_text()))
        st.markdown("**Direction of travel** of the police.uk series that follow a priority (no target needed):")
        st.markdown("\n".join(f"- {rule}" for rule in progress_rules_text()))
        st.caption(STATUS_HELP)


def show_plan_intro(plan: Plan, view: PlanView) -> None:
    """The current plan: its summary, sources, links to its priorities and its KPIs by status."""
    st.markdown(f"**{markdown_text(plan.title)}**. {markdown_text(plan.summary)}")
    st.caption(
        f"Priorities, actions and key performance indicators (KPIs: figures the partnership reports to show "
        f"progress) as published by the partnership in the {markdown_text(plan.title)}. Live indicators are counted from "
        "police.uk street-level crime data (Open Government Licence) for the period chosen in the sidebar."
        + (f" {markdown_text(plain_note(plan.notes))}" if plan.notes else "")
    )
    if view.terms:
        st.caption(view.terms)
    links = [f"[Priority {p.number}](#priority-{p.number})" for p in plan.priorities]
    st.markdown("On this page: " + " · ".join([*links, "[Earlier plans](#earlier-plans)"]))
    if plan.kpis:
        st.markdown("KPIs of the current plan, by status: " + rag_badges(view.counts))
    if plan.kpis and all(kpi.target is None for kpi in plan.kpis):
        st.caption(
            f"The {markdown_text(plan.title)} sets no numeric targets for the figures it reports, so none is "
            'rated ("Not rated"): they show activity and context, not progress against a target. Progress is '
            "followed instead by the direction of travel of the police.uk series below."
        )


def show_progress(live: LiveView | None, period: Period | None) -> None:
    """The current plan's police.uk series with their direction-of-travel status, the rule beside each."""
    if live is None or period is None or not live.progress.rows:
        return
    st.header(f"Direction of travel: {period.label} ({period.span_label})", anchor="direction-of-travel")
    st.caption(
        "The plan sets no target for the police.uk series that follow its priorities, so each is judged by its "
        "change against the same months of an earlier year, by the one change rule of every page (the rules are "
        'under "How the status is set" above). When the months loaded a year earlier cover fewer than half of '
        "the period, a longer comparison that covers more is used, as the table says. Each priority below "
        "gives the full comparison."
    )
    st.markdown(rag_badges(live.counts))
    st.html(live.progress.html)
    show_download(live.download)


def show_kpi_table(table: KpiTable) -> None:
    st.html(table.cells.html)
    st.caption(table.note)
    show_download(table.download)


def show_priority(view: PriorityView) -> None:
    """A priority's heading, what has been and will be done, and its KPIs."""
    priority = view.priority
    st.header(f"Priority {priority.number}: {markdown_text(priority.title)}", anchor=f"priority-{priority.number}")
    st.markdown(markdown_text(priority.summary))
    done_column, planned_column = st.columns(2)
    done_column.markdown(
        f"**What has been done** ({len(view.done)})\n\n" + (bullets(view.done) or "The plan records nothing done yet.")
    )
    planned = bullets(view.will_do) or "The plan lists nothing still to do."
    if view.aims:
        planned += "\n\n**Aims and items to note for the partnership**\n\n" + bullets(view.aims)
    planned_column.markdown(f"**What will be done** ({len(view.will_do)})\n\n{planned}")
    if view.terms:
        st.caption(view.terms)
    show_download(view.download)
    st.subheader("Key performance indicators (KPIs)", anchor=f"priority-{priority.number}-kpis")
    if view.kpis is None:
        st.markdown("The plan attaches no KPI to this priority.")
    else:
        show_kpi_table(view.kpis)


def show_indicator(view: IndicatorView) -> None:
    """One live series: its count and rate, its direction-of-travel status with the rule, and its chart."""
    figure = view.figures
    noun = "ASB incidents" if figure.series.kind == "asb" else "crimes"
    count_column, rate_column = st.columns(2)
    count_column.metric(f"{figure.series.label}: {noun} recorded", f"{figure.count:,}")
    if figure.rate_per_1000 is not None:
        rate_column.metric(f"{figure.series.label} per 1,000 residents", rate(figure.rate_per_1000))
    progress = figure.progress
    st.markdown(f"Direction of travel: {rag_badge(progress.status)} – {progress.reason}.")
    year_on_year = "" if progress.comparison_text == figure.change_text else figure.change_text
    st.caption(progress.detail + (f"\n\nYear-on-year, as on other pages: {year_on_year}" if year_on_year else ""))
    show_chart(view.spec, view.alt, height=priority_charts.PLOT_HEIGHT + priority_charts.AXIS_SPACE)
    if missing := pr.describe_missing(figure):
        st.caption(missing)


def show_live_indicators(priority: Priority, live: LiveView | None, period: Period | None) -> None:
    """The police.uk series that follow a priority, side by side, with their monthly counts as a table."""
    if not pr.live_series(priority):
        return
    st.subheader("Live indicators from police.uk", anchor=f"priority-{priority.number}-live-indicators")
    if period is None:
        st.info(no_months_message())
        return
    views = live.indicators.get(priority.id, []) if live is not None else []
    if not views:
        return
    st.caption(named_coverage(period, views[0].figures.coverage_text))
    for column, view in zip(st.columns(len(views)), views):
        with column:
            show_indicator(view)
    shown, download = live.tables[priority.id]
    if table := fold("Table: live indicators by month", f"live indicators {priority.id}"):
        table.html(shown.html)
    show_download(download)
    if any(v.figures.series.kind == "asb" for v in views):
        st.caption("ASB is not crime: it is shown as its own series and never added to a crime total.")


def show_ons(priority: Priority, views: dict[str, OnsView] | None, note: str) -> None:
    """The ONS recorded-crime figures for offence groups police.uk does not separate, or why there are none."""
    groups = pr.ons_groups(priority)
    if not groups:
        return
    named = "; ".join(groups).lower()
    st.subheader(f"Office for National Statistics figures: {named}", anchor=f"priority-{priority.number}-ons")
    view = (views or {}).get(priority.id)
    if view is None:
        st.info(
            f"{ONS_UNREADABLE if views is None else note} When the ONS tables for community safety partnerships "
            f"are loaded, the figures for {named} appear here; police.uk street data cannot give them."
        )
        return
    st.caption(
        f"{view.source} Rates per 1,000 residents with exact 95% intervals; each change is against the year "
        "ending 12 months earlier, where the table holds it."
    )
    st.html(view.cells.html)
    show_download(view.download)


def show_limits(priority: Priority) -> None:
    st.subheader("What open data cannot show", anchor=f"priority-{priority.number}-limits")
    for note in pr.open_data_limits(priority):
        st.markdown(note)


def show_other_figures(view: PlanView) -> None:
    """KPIs reported with the plan that belong to no priority."""
    if view.other is not None:
        st.header("Other figures reported with the plan", anchor="context-figures")
        st.caption("Figures the partnership reports for the crime picture and wider work, not tied to one priority.")
        show_kpi_table(view.other)


def show_earlier_plans(view: PlanView) -> None:
    """Earlier plans as history: their priorities, their KPIs (rated, then without a target) and actions."""
    if not view.earlier:
        return
    st.header("Earlier plans", anchor="earlier-plans")
    st.caption(
        "Earlier plans and the results they reported, as history. Their targets and figures are as "
        "published; the status follows the same rules as above."
    )
    for earlier in view.earlier:
        plan = earlier.plan
        st.subheader(markdown_text(plan.title))
        st.markdown(markdown_text(plan.summary))
        st.markdown("Priorities: " + "; ".join(f"{p.number}. {markdown_text(p.title)}" for p in plan.priorities) + ".")
        if plan.notes:
            st.caption(markdown_text(plain_note(plan.notes)))
        if earlier.terms:
            st.caption(earlier.terms)
        if plan.kpis:
            st.markdown(rag_badges(earlier.counts))
        if earlier.rated is not None:
            st.markdown("**Reported results against a target**")
            show_kpi_table(earlier.rated)
        if earlier.unrated is not None:
            unrated = earlier.unrated.cells.rows
            label = f'Measures without a published target or figure ({unrated}): status "Not rated"'
            if table := fold(label, f"unrated {plan.title}"):
                with table:
                    show_kpi_table(earlier.unrated)
        if table := fold(
            f"Actions of the {markdown_text(plan.title)} ({earlier.actions.rows})", f"actions {plan.title}"
        ):
            table.html(earlier.actions.html)
        show_download(earlier.download)
