"""The plan model: plans, priorities, objectives, actions and KPIs, and lookups by id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from csp_data.yamlfile import Source, UnknownIdError

__all__ = [
    "ACTION_STATUSES",
    "DIRECTIONS",
    "DIRECTION_TARGETS",
    "KPI_UNITS",
    "PLAN_STATUSES",
    "REPORTED_OUTCOMES",
    "Action",
    "Baseline",
    "Kpi",
    "Objective",
    "Plan",
    "Priority",
    "TrackedIndicator",
    "current_plan",
    "find_kpi",
]

PLAN_STATUSES = ("current", "previous")
ACTION_STATUSES = ("done", "will_do")
DIRECTIONS = ("higher_is_better", "lower_is_better")
#: Targets that state only a direction, and the KPI direction each one implies.
DIRECTION_TARGETS = {"reduce": "lower_is_better", "increase": "higher_is_better"}
KPI_UNITS = ("percent", "percent_change", "count", "rate_per_1000")
REPORTED_OUTCOMES = ("met", "not_met", "on_track", "improved", "worsened")


@dataclass(frozen=True)
class Action:
    """Something a partner has done (``status="done"``) or will do (``"will_do"``)."""

    text: str
    status: str
    lead_agency: str | None
    partners: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class Objective:
    """A strand of work under a priority, with its actions."""

    title: str
    summary: str | None
    actions: tuple[Action, ...]
    source: Source


@dataclass(frozen=True)
class TrackedIndicator:
    """A series the dashboard can compute from open data to follow a priority.

    The category names are those used by police.uk street data and by the ONS
    recorded-crime tables for community safety partnerships. ``direction`` is the way the
    plan wants the series to move (``lower_is_better`` unless the file says otherwise: the
    series count harm); :mod:`csp_data.plans.progress` judges its direction of travel by it.
    """

    id: str
    name: str
    police_uk_categories: tuple[str, ...]
    ons_offence_groups: tuple[str, ...]
    notes: str | None
    direction: str = "lower_is_better"


@dataclass(frozen=True)
class Priority:
    """A plan priority with its objectives and the series that can track it."""

    id: str
    number: int
    title: str
    summary: str
    lead: str | None
    objectives: tuple[Objective, ...]
    tracked_indicators: tuple[TrackedIndicator, ...]
    source: Source


@dataclass(frozen=True)
class Baseline:
    """An earlier value a direction-only target ("reduce", "increase") is judged against."""

    value: float
    period: str


@dataclass(frozen=True)
class Kpi:
    """A key performance indicator with its target and latest reported value.

    ``target`` is a number, ``None`` (no target stated), or a direction-only target:
    ``"reduce"`` or ``"increase"``. ``reported_outcome`` records a judgement the
    source document makes in words (for example "target exceeded") when it gives no
    figure; it does not feed :func:`csp_data.plans.rag_status`.
    """

    id: str
    name: str
    priorities: tuple[str, ...]
    theme: str | None
    indicator_code: str | None
    unit: str
    direction: str
    target: float | str | None
    value: float | None
    period: str
    baseline: Baseline | None
    reported_outcome: str | None
    source: Source
    notes: str | None

    @property
    def has_direction_target(self) -> bool:
        """True when the target states only a direction (``reduce``/``increase``)."""
        return isinstance(self.target, str)


@dataclass(frozen=True)
class Plan:
    """A community safety plan: its priorities and KPIs."""

    id: str
    title: str
    start_year: int
    end_year: int
    status: str
    summary: str
    notes: str | None
    priorities: tuple[Priority, ...]
    kpis: tuple[Kpi, ...]
    source: Source

    def priority(self, priority_id: str) -> Priority:
        """The priority with this id.

        Raises
        ------
        UnknownIdError
            If the plan has no such priority (a ``KeyError``).
        """
        for priority in self.priorities:
            if priority.id == priority_id:
                return priority
        known = ", ".join(p.id for p in self.priorities) or "none"
        raise UnknownIdError(f"plan {self.id!r} has no priority {priority_id!r} (its priorities: {known})")

    def kpis_for(self, priority_id: str) -> tuple[Kpi, ...]:
        """The KPIs attached to one priority."""
        return tuple(kpi for kpi in self.kpis if priority_id in kpi.priorities)


def current_plan(plans: Sequence[Plan]) -> Plan | None:
    """The plan whose status is ``current``, or ``None`` if there is none."""
    return next((plan for plan in plans if plan.status == "current"), None)


def find_kpi(plans: Sequence[Plan], kpi_id: str) -> Kpi:
    """The KPI with this id in any plan.

    Raises
    ------
    UnknownIdError
        If no plan has a KPI with that id (a ``KeyError``).
    """
    for plan in plans:
        for kpi in plan.kpis:
            if kpi.id == kpi_id:
                return kpi
    raise UnknownIdError(f"no plan has a KPI with id {kpi_id!r}")
