"""Plans in plain English: RAG statuses and their reasons, KPI tables, actions, and the one-line
summaries the shell check prints."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from csp_data.plans.model import Action, Kpi, Plan, Priority
from csp_data.plans.rag import DEFAULT_AMBER_TOLERANCE, rag_status
from csp_data.plans.tables import MISSING
from csp_data.words import count


def _count_of(number: int, singular: str, plural: str) -> str:
    """``"1 priority"``, ``"4 priorities"``: a count with its noun in the right number."""
    return f"{count(number)} {singular if number == 1 else plural}"


def plan_summary(plan: Plan) -> str:
    """What a plan holds, in one line: ``"csp_2024_28: 4 priorities, 43 actions, 16 KPIs"``."""
    actions = sum(len(objective.actions) for priority in plan.priorities for objective in priority.objectives)
    parts = [
        _count_of(len(plan.priorities), "priority", "priorities"),
        _count_of(actions, "action", "actions"),
        _count_of(len(plan.kpis), "KPI", "KPIs"),
    ]
    return f"{plan.id}: {', '.join(parts)}"


# ---------------------------------------------------------------------------------
# RAG in words
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RagLabel:
    """How a RAG status is shown: a name, a symbol that does not rely on colour, and colours."""

    name: str
    symbol: str
    badge_colour: str  # a colour name st.badge accepts
    icon: str  # a Material icon for st.badge
    background: str  # light cell background; text stays black, so contrast holds


RAG_LABELS: dict[str, RagLabel] = {
    "green": RagLabel("Green", "✔", "green", ":material/check_circle:", "#c8ead9"),
    "amber": RagLabel("Amber", "▲", "orange", ":material/warning:", "#fbe3b4"),
    "red": RagLabel("Red", "✖", "red", ":material/cancel:", "#f6c9c2"),
    "no_data": RagLabel("No data", "○", "gray", ":material/help:", "#e8e8e8"),
}

REPORTED_OUTCOME_WORDS = {
    "met": "reported as met or exceeded",
    "not_met": "reported as not met",
    "on_track": "reported as on track",
    "improved": "reported as improved",
    "worsened": "reported as worse",
}


def rag_reason(kpi: Kpi, status: str, amber_tolerance: float = DEFAULT_AMBER_TOLERANCE) -> str:
    """Why a KPI has its status, in a few words ("target met", "no target set")."""
    band = f"{amber_tolerance:.0%}"
    if status == "no_data":
        if kpi.value is None and kpi.target is None:
            return "no figure and no target published"
        if kpi.value is None:
            return "no figure published"
        if kpi.target is None:
            return "no target set"
        return "no baseline to judge the direction against"
    if kpi.has_direction_target:
        return {
            "green": "better than the baseline",
            "amber": f"no better than the baseline, within {band} of it",
            "red": f"worse than the baseline by more than {band}",
        }[status]
    return {
        "green": "target met",
        "amber": f"target missed by no more than {band} of it",
        "red": f"target missed by more than {band}",
    }[status]


def rag_rules_text(amber_tolerance: float = DEFAULT_AMBER_TOLERANCE) -> list[str]:
    """The RAG rules as sentences for the page (the same rules as :func:`csp_data.plans.rag_status`)."""
    band = f"{amber_tolerance:.0%}"
    g, a, r, n = (RAG_LABELS[k] for k in ("green", "amber", "red", "no_data"))
    return [
        f"{g.symbol} **{g.name}**: the target is met (reaching it exactly counts).",
        f"{a.symbol} **{a.name}**: the target is missed by no more than {band} of the target "
        f"(for a 75% target where higher is better: from 71.25% up to just under 75%).",
        f"{r.symbol} **{r.name}**: the target is missed by more than {band}.",
        f"{n.symbol} **{n.name}**: its own state, never a colour: no figure was published, no "
        'target was set, or a "reduce"/"increase" aim has no baseline to compare with.',
        'Aims stated only as a direction ("reduce", "increase") are judged against the earlier '
        f"figure: green when strictly better, amber when the same or worse by up to {band}, red beyond.",
        'A result the plan states only in words ("target exceeded") is shown beside the status '
        "but never turned into a colour.",
    ]


def rag_counts(kpis: Iterable[Kpi], amber_tolerance: float = DEFAULT_AMBER_TOLERANCE) -> dict[str, int]:
    """How many KPIs have each status, in the order green, amber, red, no data."""
    counts = {status: 0 for status in RAG_LABELS}
    for kpi in kpis:
        counts[rag_status(kpi, amber_tolerance)] += 1
    return counts


# ---------------------------------------------------------------------------------
# KPI tables
# ---------------------------------------------------------------------------------


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_measure(value: float | None, unit: str) -> str:
    """A KPI figure in words for a table: ``83%``, ``-9%``, ``28,526``, ``99.9 per 1,000``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not published"
    if unit == "percent":
        return f"{_number(value)}%"
    if unit == "percent_change":
        sign = "+" if value > 0 else "-" if value < 0 else ""
        return f"{sign}{_number(abs(value))}%"
    if unit == "rate_per_1000":
        return f"{_number(value)} per 1,000"
    return _number(value)


def format_target(kpi: Kpi) -> str:
    """The target in words: ``at least 75%``, ``a fall of at least 5%``, ``reduce (from 5,229 ...)``."""
    target = kpi.target
    if target is None:
        return "none set"
    if isinstance(target, str):
        if kpi.baseline is None:
            return f"{target} (no earlier figure given)"
        return f"{target} (from {format_measure(kpi.baseline.value, kpi.unit)} in {kpi.baseline.period})"
    if kpi.unit == "percent_change":
        if kpi.direction == "lower_is_better" and target < 0:
            return f"a fall of at least {_number(-target)}%"
        if kpi.direction == "higher_is_better" and target > 0:
            return f"a rise of at least {_number(target)}%"
    bound = "at least" if kpi.direction == "higher_is_better" else "at most"
    return f"{bound} {format_measure(target, kpi.unit)}"


def kpi_display_table(
    kpis: Sequence[Kpi], plan: Plan | None = None, amber_tolerance: float = DEFAULT_AMBER_TOLERANCE
) -> pd.DataFrame:
    """KPIs as a table to show, one row each, the status in a symbol and words.

    Parameters
    ----------
    kpis : sequence of Kpi
        The KPIs, in the order to show them.
    plan : Plan, optional
        Their plan; when given, a ``priority`` column names each KPI's priorities (or its theme).
    amber_tolerance : float, optional
        Passed to :func:`csp_data.plans.rag_status`.

    Returns
    -------
    pandas.DataFrame
        Columns: [``priority``], ``kpi`` (name, with the indicator code when there is one),
        ``target``, ``latest_value``, ``period``, ``status`` (e.g. ``"✔ Green: target met"``),
        ``reported_in_words``, ``notes``, ``source``, and ``rag`` (the status code, for colouring).
        A cell with nothing to say holds "–", never None or an empty string.
    """
    titles = {p.id: f"{p.number}. {p.title}" for p in plan.priorities} if plan is not None else {}
    rows = []
    for kpi in kpis:
        status = rag_status(kpi, amber_tolerance)
        label = RAG_LABELS[status]
        name = f"{kpi.name} ({kpi.indicator_code})" if kpi.indicator_code else kpi.name
        rows.append(
            {
                "priority": "; ".join(titles.get(p, p) for p in kpi.priorities) or (kpi.theme or MISSING),
                "kpi": name,
                "target": format_target(kpi),
                "latest_value": format_measure(kpi.value, kpi.unit),
                "period": kpi.period,
                "status": f"{label.symbol} {label.name}: {rag_reason(kpi, status, amber_tolerance)}",
                "reported_in_words": REPORTED_OUTCOME_WORDS.get(kpi.reported_outcome or "", MISSING),
                "notes": kpi.notes or MISSING,
                "source": f"{kpi.source.doc}, {kpi.source.section}",
                "rag": status,
            }
        )
    columns = [
        "priority",
        "kpi",
        "target",
        "latest_value",
        "period",
        "status",
        "reported_in_words",
        "notes",
        "source",
        "rag",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame if plan is not None else frame.drop(columns="priority")


# ---------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------

#: Section heading under which the Strategic Assessment lists each priority's aims and items to note.
AIMS_SECTION = "Aims and items to note"


def group_actions(priority: Priority) -> dict[str, list[tuple[str, Action]]]:
    """A priority's actions as ``{"done": [...], "will_do": [...], "aims": [...]}``.

    Each entry is ``(objective title, action)``. ``aims`` holds the actions whose source is the
    assessment's "aims and items to note" for the priority; they are left out of ``will_do``.
    """
    groups: dict[str, list[tuple[str, Action]]] = {"done": [], "will_do": [], "aims": []}
    for objective in priority.objectives:
        for action in objective.actions:
            if action.source.section.startswith(AIMS_SECTION):
                groups["aims"].append((objective.title, action))
            else:
                groups[action.status].append((objective.title, action))
    return groups


def action_line(action: Action) -> str:
    """One action as a line of text, with its lead and partners where the source names them."""
    who = []
    if action.lead_agency:
        who.append(f"lead: {action.lead_agency}")
    if action.partners:
        who.append(f"with {', '.join(action.partners)}")
    return action.text + (f" ({'; '.join(who)})" if who else "")
