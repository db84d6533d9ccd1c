"""Plans as flat tables: one row per KPI (with its RAG status) or per action, for display and download.

A text field the plan file leaves out is a dash ("–") in these tables, never None, so no table or CSV
shows "None"; only the number columns (``value``, ``baseline_value``) hold a missing value, which a CSV
writes as an empty cell. Which plans are history (:func:`previous_plans`) and which KPIs belong to no
priority (:func:`unassigned_kpis`) are decided here too, and a table's download is a :class:`CsvFile`, written
only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from csp_data.plans.model import Kpi, Plan
from csp_data.plans.rag import DEFAULT_AMBER_TOLERANCE, rag_status

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MISSING",
    "CsvFile",
    "actions_frame",
    "kpi_frame",
    "plan_kpi_rows",
    "previous_plans",
    "priority_action_rows",
    "unassigned_kpis",
]

#: What a table shows for a field the plan file leaves out.
MISSING = "–"


def _text(value: object) -> object:
    return MISSING if value is None or value == "" else value


_KPI_FRAME_COLUMNS = [
    "plan_id",
    "plan_title",
    "kpi_id",
    "name",
    "priorities",
    "theme",
    "indicator_code",
    "unit",
    "direction",
    "target",
    "value",
    "period",
    "baseline_value",
    "baseline_period",
    "reported_outcome",
    "rag",
    "source_doc",
    "source_section",
    "notes",
]
_ACTIONS_FRAME_COLUMNS = [
    "plan_id",
    "priority_id",
    "priority_number",
    "priority_title",
    "objective",
    "action",
    "status",
    "lead_agency",
    "partners",
    "source_doc",
    "source_section",
]


def kpi_frame(plans: Sequence[Plan], amber_tolerance: float = DEFAULT_AMBER_TOLERANCE) -> pd.DataFrame:
    """All KPIs as one table, one row per KPI, with its RAG status.

    Parameters
    ----------
    plans : sequence of Plan
        Plans as returned by :func:`csp_data.plans.load_plans`.
    amber_tolerance : float, optional
        Passed to :func:`csp_data.plans.rag_status`.

    Returns
    -------
    pandas.DataFrame
        Columns: plan_id, plan_title, kpi_id, name, priorities (comma-separated ids, or "–"),
        theme, indicator_code, unit, direction, target, value, period,
        baseline_value, baseline_period, reported_outcome, rag, source_doc,
        source_section, notes. ``target`` holds numbers, the words "reduce" /
        "increase" or "–" (none set), so its column has object dtype. Text fields left
        out of the file are "–"; ``value`` and ``baseline_value`` are nullable numbers.
    """
    # pandas is imported only when a table is asked for, so checking a plan file from the shell stays quick.
    import pandas as pd

    rows = [
        {
            "plan_id": plan.id,
            "plan_title": plan.title,
            "kpi_id": kpi.id,
            "name": kpi.name,
            "priorities": _text(", ".join(kpi.priorities)),
            "theme": _text(kpi.theme),
            "indicator_code": _text(kpi.indicator_code),
            "unit": kpi.unit,
            "direction": kpi.direction,
            "target": _text(kpi.target),
            "value": kpi.value,
            "period": kpi.period,
            "baseline_value": kpi.baseline.value if kpi.baseline else None,
            "baseline_period": kpi.baseline.period if kpi.baseline else MISSING,
            "reported_outcome": _text(kpi.reported_outcome),
            "rag": rag_status(kpi, amber_tolerance),
            "source_doc": kpi.source.doc,
            "source_section": kpi.source.section,
            "notes": _text(kpi.notes),
        }
        for plan in plans
        for kpi in plan.kpis
    ]
    frame = pd.DataFrame(rows, columns=_KPI_FRAME_COLUMNS)
    for column in ("value", "baseline_value"):
        frame[column] = frame[column].astype("Float64")
    frame["target"] = frame["target"].astype(object)
    return frame


def actions_frame(plans: Sequence[Plan]) -> pd.DataFrame:
    """All actions as one table, one row per action.

    Returns
    -------
    pandas.DataFrame
        Columns: plan_id, priority_id, priority_number, priority_title, objective,
        action, status, lead_agency, partners (comma-separated), source_doc,
        source_section. A lead or partners the source does not name are "–".
    """
    import pandas as pd

    rows = [
        {
            "plan_id": plan.id,
            "priority_id": priority.id,
            "priority_number": priority.number,
            "priority_title": priority.title,
            "objective": objective.title,
            "action": action.text,
            "status": action.status,
            "lead_agency": _text(action.lead_agency),
            "partners": _text(", ".join(action.partners)),
            "source_doc": action.source.doc,
            "source_section": action.source.section,
        }
        for plan in plans
        for priority in plan.priorities
        for objective in priority.objectives
        for action in objective.actions
    ]
    return pd.DataFrame(rows, columns=_ACTIONS_FRAME_COLUMNS)


def previous_plans(plans: Sequence[Plan]) -> list[Plan]:
    """The plans that are not current, newest first."""
    return sorted((p for p in plans if p.status != "current"), key=lambda p: p.start_year, reverse=True)


def unassigned_kpis(plan: Plan) -> list[Kpi]:
    """KPIs of a plan that belong to no priority (context figures or results of an earlier plan)."""
    return [kpi for kpi in plan.kpis if not kpi.priorities]


@dataclass(frozen=True)
class CsvFile:
    """A table to download as CSV, with its file name and button label. The table (``rows``: a frame, or a
    function that makes it) and its CSV are made only when asked for (:meth:`data`, which a download button
    calls when clicked), as :func:`csp_data.tables.csv_bytes` writes every download of the dashboard."""

    rows: pd.DataFrame | Callable[[], pd.DataFrame]
    file_name: str
    label: str

    def data(self) -> bytes:
        from csp_data.tables import csv_bytes

        return csv_bytes(self.rows() if callable(self.rows) else self.rows)


def plan_kpi_rows(plan: Plan, kpi_ids: Sequence[str], status_words: Mapping[str, str]) -> pd.DataFrame:
    """Some of a plan's KPIs as their CSV download gives them, in the plan's order: :func:`kpi_frame`'s rows
    without the file's internal ids, the status in the page's words (``status_words``: "Not rated", not
    "no_data") and whole figures as whole numbers (28526, not 28526.0)."""
    import pandas as pd

    rows = kpi_frame([plan])
    rows = rows[rows["kpi_id"].isin(kpi_ids)].drop(columns=["plan_id", "kpi_id"]).reset_index(drop=True)
    rows["rag"] = rows["rag"].map(status_words)
    for column in ("value", "baseline_value", "target"):
        numbers = pd.to_numeric(rows[column], errors="coerce")
        whole = numbers.notna() & (numbers == numbers.round())
        rows[column] = pd.Series([int(n) if w else v for v, n, w in zip(rows[column], numbers, whole)], dtype=object)
    for column in ("unit", "direction"):  # "lower_is_better" as words
        rows[column] = rows[column].str.replace("_", " ", regex=False)
    names = {"plan_title": "plan", "name": "measure", "rag": "status", "source_doc": "source_document"}
    return rows.reset_index(drop=True).rename(columns=names)


def priority_action_rows(plan: Plan, priority_id: str) -> pd.DataFrame:
    """A priority's actions as :func:`actions_frame` rows."""
    rows = actions_frame([plan])
    return rows[rows["priority_id"] == priority_id]
