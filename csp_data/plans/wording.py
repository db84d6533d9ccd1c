"""Plans in plain English: the one-line summaries the shell check prints.

The words a page shows for a KPI's status are still in :mod:`csp_data.figures.priorities`
(``rag_reason``, ``rag_rules_text``, ``format_measure``, ``format_target``); they belong here.
"""

from __future__ import annotations

from csp_data.plans.model import Plan
from csp_data.words import count

__all__ = ["plan_summary"]


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
