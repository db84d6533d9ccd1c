"""Reading and checking a plan file (YAML), field by field.

The format is described in ``data/medway/plans/README.md``. The file is edited by hand,
so :func:`load_plans` checks every field and raises
:class:`~csp_data.yamlfile.DataFileError` at the first problem, naming the file, the
field path (for example ``plans[0].kpis[3].target``) and the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from csp_data.config import DEFAULT_AREA_FILE
from csp_data.plans.model import (
    ACTION_STATUSES,
    DIRECTION_TARGETS,
    DIRECTIONS,
    KPI_UNITS,
    PLAN_STATUSES,
    REPORTED_OUTCOMES,
    Action,
    Baseline,
    Kpi,
    Objective,
    Plan,
    Priority,
    TrackedIndicator,
)
from csp_data.yamlfile import YamlNode, check_unique, read_source

__all__ = ["DEFAULT_PLANS_PATH", "SCHEMA_VERSION", "load_plans"]

#: The embedded default area's plan file; pages use the file the area file names.
DEFAULT_PLANS_PATH = DEFAULT_AREA_FILE.parent / "plans" / "plans.yaml"

SCHEMA_VERSION = 1

_TOP_FIELDS = ("schema_version", "plans")
_PLAN_FIELDS = ("id", "title", "start_year", "end_year", "status", "summary", "notes", "source", "priorities", "kpis")
_PRIORITY_FIELDS = ("id", "number", "title", "summary", "lead", "source", "tracked_indicators", "objectives")
_OBJECTIVE_FIELDS = ("title", "summary", "source", "actions")
_ACTION_FIELDS = ("text", "status", "lead_agency", "partners", "source")
_INDICATOR_FIELDS = ("id", "name", "police_uk_categories", "ons_offence_groups", "notes", "direction")
_KPI_FIELDS = (
    "id",
    "name",
    "priorities",
    "theme",
    "indicator_code",
    "unit",
    "direction",
    "target",
    "value",
    "period",
    "baseline",
    "reported_outcome",
    "source",
    "notes",
)
_BASELINE_FIELDS = ("value", "period")


def load_plans(path: str | Path = DEFAULT_PLANS_PATH) -> tuple[Plan, ...]:
    """Read and validate a plan file.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The YAML file; the embedded default area's by default.

    Returns
    -------
    tuple of Plan
        The plans in file order.

    Raises
    ------
    DataFileError
        If the file is missing or malformed: bad YAML, a missing or unknown field, a
        value of the wrong type, an unknown status, direction, unit or outcome, a
        percentage outside 0-100, a repeated id, or a KPI that names a priority the
        plan does not have. The message names the file, the field path and the line.
    """
    root = YamlNode.load(path).mapping(_TOP_FIELDS)
    version = root.get("schema_version").integer()
    if version != SCHEMA_VERSION:
        root.get("schema_version").fail(f"this version of the dashboard reads schema_version {SCHEMA_VERSION}")
    plan_nodes = root.get("plans").items()
    if not plan_nodes:
        root.get("plans").fail("must list at least one plan")
    plans = tuple(_read_plan(node) for node in plan_nodes)
    check_unique(_id_nodes(plan_nodes))
    _check_one_current(plans, plan_nodes)
    return plans


def _read_plan(node: YamlNode) -> Plan:
    node.mapping(_PLAN_FIELDS)
    start_year = node.get("start_year").integer(minimum=1990)
    end_year = node.get("end_year").integer(minimum=1990)
    if end_year < start_year:
        node.get("end_year").fail(f"must not be before start_year ({start_year})")
    priorities = tuple(_read_priority(item) for item in node.get("priorities").items())
    priority_ids = [priority.id for priority in priorities]
    kpis = tuple(_read_kpi(item, priority_ids) for item in node.get("kpis").items())
    return Plan(
        id=node.get("id").text(),
        title=node.get("title").text(),
        start_year=start_year,
        end_year=end_year,
        status=node.get("status").choice(PLAN_STATUSES),
        summary=node.get("summary").text(),
        notes=node.get("notes", required=False).text(nullable=True),
        priorities=priorities,
        kpis=kpis,
        source=read_source(node.get("source")),
    )


def _read_priority(node: YamlNode) -> Priority:
    node.mapping(_PRIORITY_FIELDS)
    return Priority(
        id=node.get("id").text(),
        number=node.get("number").integer(minimum=1),
        title=node.get("title").text(),
        summary=node.get("summary").text(),
        lead=node.get("lead", required=False).text(nullable=True),
        objectives=tuple(_read_objective(item) for item in node.get("objectives").items()),
        tracked_indicators=tuple(
            _read_indicator(item) for item in node.get("tracked_indicators", required=False).items(required=False)
        ),
        source=read_source(node.get("source")),
    )


def _read_objective(node: YamlNode) -> Objective:
    node.mapping(_OBJECTIVE_FIELDS)
    return Objective(
        title=node.get("title").text(),
        summary=node.get("summary", required=False).text(nullable=True),
        actions=tuple(_read_action(item) for item in node.get("actions").items()),
        source=read_source(node.get("source")),
    )


def _read_action(node: YamlNode) -> Action:
    node.mapping(_ACTION_FIELDS)
    return Action(
        text=node.get("text").text(),
        status=node.get("status").choice(ACTION_STATUSES),
        lead_agency=node.get("lead_agency", required=False).text(nullable=True),
        partners=node.get("partners", required=False).texts(),
        source=read_source(node.get("source")),
    )


def _read_indicator(node: YamlNode) -> TrackedIndicator:
    node.mapping(_INDICATOR_FIELDS)
    return TrackedIndicator(
        id=node.get("id").text(),
        name=node.get("name").text(),
        police_uk_categories=node.get("police_uk_categories", required=False).texts(),
        ons_offence_groups=node.get("ons_offence_groups", required=False).texts(),
        notes=node.get("notes", required=False).text(nullable=True),
        direction=node.get("direction", required=False).choice(DIRECTIONS, nullable=True) or "lower_is_better",
    )


def _read_kpi(node: YamlNode, priority_ids: Sequence[str]) -> Kpi:
    node.mapping(_KPI_FIELDS)
    unit = node.get("unit").choice(KPI_UNITS)
    direction = node.get("direction").choice(DIRECTIONS)
    baseline_node = node.get("baseline", required=False)
    return Kpi(
        id=node.get("id").text(),
        name=node.get("name").text(),
        priorities=_read_priority_refs(node.get("priorities", required=False), priority_ids),
        theme=node.get("theme", required=False).text(nullable=True),
        indicator_code=node.get("indicator_code", required=False).text(nullable=True),
        unit=unit,
        direction=direction,
        target=_read_target(node.get("target"), unit, direction),
        value=_read_measure(node.get("value"), unit),
        period=node.get("period").text(),
        baseline=None if baseline_node.value is None else _read_baseline(baseline_node, unit),
        reported_outcome=node.get("reported_outcome", required=False).choice(REPORTED_OUTCOMES, nullable=True),
        source=read_source(node.get("source")),
        notes=node.get("notes", required=False).text(nullable=True),
    )


def _read_priority_refs(node: YamlNode, priority_ids: Sequence[str]) -> tuple[str, ...]:
    refs = node.texts()
    for ref, item in zip(refs, node.items(required=False)):
        if ref not in priority_ids:
            item.fail(f"no priority with id {ref!r} in this plan (ids: {', '.join(priority_ids)})")
    return refs


def _read_target(node: YamlNode, unit: str, direction: str) -> float | str | None:
    """A numeric target, ``None``, or a direction-only target matching ``direction``."""
    if isinstance(node.value, str):
        target = node.choice(tuple(DIRECTION_TARGETS))
        if DIRECTION_TARGETS[target] != direction:
            node.fail(f"target {target!r} contradicts direction {direction!r}")
        return target
    if node.value is None:
        return None
    return _read_measure(node, unit)


def _read_measure(node: YamlNode, unit: str) -> float | None:
    """A number checked against the range its unit allows (``None`` allowed)."""
    value = node.number(nullable=True)
    if value is None:
        return None
    if unit == "percent" and not 0 <= value <= 100:
        node.fail(f"a percentage must be between 0 and 100, got {value:g}")
    if unit == "percent_change" and value < -100:
        node.fail(f"a percentage change cannot be below -100, got {value:g}")
    if unit in ("count", "rate_per_1000") and value < 0:
        node.fail(f"a {unit.replace('_', ' ')} cannot be negative, got {value:g}")
    return value


def _read_baseline(node: YamlNode, unit: str) -> Baseline:
    node.mapping(_BASELINE_FIELDS)
    value = _read_measure(node.get("value"), unit)
    if value is None:
        node.get("value").fail("a baseline needs a value; leave the baseline out if there is none")
    return Baseline(value=value, period=node.get("period").text())


def _id_nodes(plan_nodes: Sequence[YamlNode]) -> list[YamlNode]:
    """The id of every plan, priority and KPI: one namespace across the whole file."""
    nodes = []
    for plan_node in plan_nodes:
        nodes.append(plan_node.get("id"))
        nodes.extend(item.get("id") for item in plan_node.get("priorities").items())
        nodes.extend(item.get("id") for item in plan_node.get("kpis").items())
    return nodes


def _check_one_current(plans: Sequence[Plan], plan_nodes: Sequence[YamlNode]) -> None:
    current = [i for i, plan in enumerate(plans) if plan.status == "current"]
    if len(current) > 1:
        plan_nodes[current[1]].get("status").fail(
            f"only one plan can be current; plans[{current[0]}] is current already"
        )
