"""Community safety plans: priorities, objectives, actions and KPIs read from YAML.

The plan file (``data/medway/plans/plans.yaml`` for Medway; the format is described
in ``data/medway/plans/README.md``) is edited by hand, so it is treated as untrusted
input: :func:`load_plans` checks every field and raises :class:`DataFileError`, whose
message names the file and the field path (for example
``plans[0].kpis[3].target``), at the first problem found.

:func:`rag_status` gives a KPI its red / amber / green rating; the rules are in its
docstring and in the README.

Run ``python -m csp_data.plans [PATH]`` to validate a plan file from the shell.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from csp_data.errors import InputFileError

__all__ = [
    "ACTION_STATUSES",
    "DEFAULT_AMBER_TOLERANCE",
    "DEFAULT_PLANS_PATH",
    "DIRECTIONS",
    "DIRECTION_TARGETS",
    "KPI_UNITS",
    "PLAN_STATUSES",
    "RAG_STATUSES",
    "REPORTED_OUTCOMES",
    "Action",
    "Baseline",
    "DataFileError",
    "Kpi",
    "Objective",
    "Plan",
    "Priority",
    "Source",
    "TrackedIndicator",
    "YamlNode",
    "actions_frame",
    "current_plan",
    "find_kpi",
    "kpi_frame",
    "load_plans",
    "rag_status",
]

DEFAULT_PLANS_PATH = (
    Path(__file__).resolve().parent.parent / "data" / "medway" / "plans" / "plans.yaml"
)

SCHEMA_VERSION = 1
PLAN_STATUSES = ("current", "previous")
ACTION_STATUSES = ("done", "will_do")
DIRECTIONS = ("higher_is_better", "lower_is_better")
#: Targets that state only a direction, and the KPI direction each one implies.
DIRECTION_TARGETS = {"reduce": "lower_is_better", "increase": "higher_is_better"}
KPI_UNITS = ("percent", "percent_change", "count", "rate_per_1000")
REPORTED_OUTCOMES = ("met", "not_met", "on_track", "improved", "worsened")
RAG_STATUSES = ("green", "amber", "red", "no_data")
#: Amber band: a KPI within 5% (relative) of its target, on the wrong side, is amber.
DEFAULT_AMBER_TOLERANCE = 0.05


# ---------------------------------------------------------------------------------
# Errors and checked access to parsed YAML
# ---------------------------------------------------------------------------------


class DataFileError(InputFileError):
    """A data file that cannot be used, with the file, the field and the problem.

    A subclass of :class:`csp_data.errors.InputFileError` (and so of ``ValueError``),
    so the dashboard shows it as a one-line message like every other bad input.

    Parameters
    ----------
    path : str or pathlib.Path
        The file that was being read.
    field : str
        Where in the file: a field path such as ``plans[0].kpis[3].target``, or a
        position such as ``line 12, column 3`` when the file could not be parsed.
        Empty when the problem is with the whole file.
    problem : str
        What is wrong, in words a person editing the file can act on.
    line : int, optional
        The 1-based line of the problem, when known.
    """

    def __init__(self, path: str | Path, field: str, problem: str, line: int | None = None) -> None:
        super().__init__(path, problem, line)
        self.field = field
        message = f"{self.path}: {field}: {problem}" if field else f"{self.path}: {problem}"
        self.args = (message,)

    def __str__(self) -> str:
        return self.args[0]


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML loader that refuses repeated keys (PyYAML would keep the last)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first used on line {seen[key]})", key_node.start_mark
            )
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _describe(value: Any) -> str:
    """Short description of a value for error messages: ``'high' (str)``."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


@dataclass(frozen=True)
class YamlNode:
    """One value of a parsed YAML file, with the file and the field path to it.

    Every accessor checks the value and raises :class:`DataFileError` naming the file
    and field when it is wrong, so loaders read files without writing the error
    handling each time.

    Parameters
    ----------
    path : pathlib.Path
        The file the value came from.
    where : str
        Field path from the document root, such as ``plans[0].kpis[3]``.
    value : object
        The parsed value (``None`` for YAML ``null`` or a missing optional field).
    """

    path: Path
    where: str
    value: Any

    @classmethod
    def load(cls, path: str | Path) -> "YamlNode":
        """Read and parse a YAML file, returning its root node.

        Raises
        ------
        DataFileError
            If the file is missing, not UTF-8, or not valid YAML (with its line and
            column), or has a repeated key.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DataFileError(path, "", "file does not exist") from None
        except UnicodeDecodeError as exc:
            raise DataFileError(path, "", f"file is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        try:
            value = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise DataFileError(
                path, _yaml_error_position(exc), _yaml_error_problem(exc), line=_yaml_error_line(exc)
            ) from None
        return cls(path, "", value)

    def fail(self, problem: str) -> None:
        """Raise :class:`DataFileError` for this node."""
        raise DataFileError(self.path, self.where or "(document)", problem)

    def _child_where(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def mapping(self, allowed: Iterable[str]) -> "YamlNode":
        """Check the value is a mapping whose keys are all in ``allowed``."""
        if not isinstance(self.value, dict):
            self.fail(f"expected a mapping of fields, got {_describe(self.value)}")
        allowed = tuple(allowed)
        for key in self.value:
            if key not in allowed:
                self.fail(f"unknown field {key!r}; allowed fields are {', '.join(allowed)}")
        return self

    def get(self, key: str, *, required: bool = True) -> "YamlNode":
        """The node for ``key``; a missing optional key gives a node holding ``None``."""
        if not isinstance(self.value, dict):
            self.fail(f"expected a mapping of fields, got {_describe(self.value)}")
        if key not in self.value and required:
            raise DataFileError(self.path, self._child_where(key), "required field is missing")
        return YamlNode(self.path, self._child_where(key), self.value.get(key))

    def items(self, *, required: bool = True) -> list["YamlNode"]:
        """The nodes of a list value (an absent optional list gives ``[]``)."""
        if self.value is None and not required:
            return []
        if not isinstance(self.value, list):
            self.fail(f"expected a list, got {_describe(self.value)}")
        return [YamlNode(self.path, f"{self.where}[{i}]", item) for i, item in enumerate(self.value)]

    def text(self, *, nullable: bool = False) -> str | None:
        """A non-empty string (or ``None`` when ``nullable``)."""
        if self.value is None and nullable:
            return None
        if not isinstance(self.value, str):
            self.fail(f"expected text, got {_describe(self.value)}; put quotes round it")
        if not self.value.strip():
            self.fail("must not be empty")
        return self.value.strip()

    def texts(self) -> tuple[str, ...]:
        """A list of non-empty strings (absent means an empty list)."""
        return tuple(item.text() for item in self.items(required=False))

    def number(self, *, nullable: bool = False) -> float | None:
        """A finite number (booleans are refused); ``None`` allowed when ``nullable``."""
        if self.value is None and nullable:
            return None
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            self.fail(f"expected a number, got {_describe(self.value)}")
        if not math.isfinite(self.value):
            self.fail(f"must be a finite number, got {self.value}")
        return float(self.value)

    def integer(self, *, nullable: bool = False, minimum: int | None = None) -> int | None:
        """A whole number, optionally at least ``minimum``."""
        if self.value is None and nullable:
            return None
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            self.fail(f"expected a whole number, got {_describe(self.value)}")
        if minimum is not None and self.value < minimum:
            self.fail(f"must be at least {minimum}, got {self.value}")
        return self.value

    def choice(self, allowed: Sequence[str], *, nullable: bool = False) -> str | None:
        """One of the ``allowed`` strings."""
        if self.value is None and nullable:
            return None
        if not isinstance(self.value, str) or self.value not in allowed:
            self.fail(f"must be one of {', '.join(allowed)}; got {_describe(self.value)}")
        return self.value


def _yaml_error_position(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _yaml_error_line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return None if mark is None else mark.line + 1


def _yaml_error_problem(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    words = " ".join(part for part in (context, problem) if part)
    return f"not valid YAML: {words}" if words else f"not valid YAML: {exc}"


# ---------------------------------------------------------------------------------
# The plan model
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a document and a heading or table inside it.

    ``section`` may give nested headings separated by ``" > "``.
    """

    doc: str
    section: str


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
    recorded-crime tables for community safety partnerships.
    """

    id: str
    name: str
    police_uk_categories: tuple[str, ...]
    ons_offence_groups: tuple[str, ...]
    notes: str | None


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
    figure; it does not feed :func:`rag_status`.
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
        KeyError
            If the plan has no such priority.
        """
        for priority in self.priorities:
            if priority.id == priority_id:
                return priority
        raise KeyError(f"plan {self.id!r} has no priority {priority_id!r}")

    def kpis_for(self, priority_id: str) -> tuple[Kpi, ...]:
        """The KPIs attached to one priority."""
        return tuple(kpi for kpi in self.kpis if priority_id in kpi.priorities)


# ---------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------

_TOP_FIELDS = ("schema_version", "plans")
_PLAN_FIELDS = ("id", "title", "start_year", "end_year", "status", "summary", "notes", "source", "priorities", "kpis")
_PRIORITY_FIELDS = ("id", "number", "title", "summary", "lead", "source", "tracked_indicators", "objectives")
_OBJECTIVE_FIELDS = ("title", "summary", "source", "actions")
_ACTION_FIELDS = ("text", "status", "lead_agency", "partners", "source")
_INDICATOR_FIELDS = ("id", "name", "police_uk_categories", "ons_offence_groups", "notes")
_KPI_FIELDS = (
    "id", "name", "priorities", "theme", "indicator_code", "unit", "direction", "target",
    "value", "period", "baseline", "reported_outcome", "source", "notes",
)
_SOURCE_FIELDS = ("doc", "section")
_BASELINE_FIELDS = ("value", "period")


def load_plans(path: str | Path = DEFAULT_PLANS_PATH) -> tuple[Plan, ...]:
    """Read and validate a plan file.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The YAML file; Medway's by default.

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
        plan does not have. The message names the file and the field path.
    """
    root = YamlNode.load(path).mapping(_TOP_FIELDS)
    version = root.get("schema_version").integer()
    if version != SCHEMA_VERSION:
        root.get("schema_version").fail(f"this version of the dashboard reads schema_version {SCHEMA_VERSION}")
    plan_nodes = root.get("plans").items()
    if not plan_nodes:
        root.get("plans").fail("must list at least one plan")
    plans = tuple(_read_plan(node) for node in plan_nodes)
    _check_unique_ids(plans, plan_nodes)
    _check_one_current(plans, plan_nodes)
    return plans


def _read_source(node: YamlNode) -> Source:
    node.mapping(_SOURCE_FIELDS)
    return Source(doc=node.get("doc").text(), section=node.get("section").text())


def _read_plan(node: YamlNode) -> Plan:
    node.mapping(_PLAN_FIELDS)
    start_year = node.get("start_year").integer(minimum=1990)
    end_year = node.get("end_year").integer(minimum=1990)
    if end_year < start_year:
        node.get("end_year").fail(f"must not be before start_year ({start_year})")
    priority_nodes = node.get("priorities").items()
    priorities = tuple(_read_priority(item) for item in priority_nodes)
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
        source=_read_source(node.get("source")),
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
        source=_read_source(node.get("source")),
    )


def _read_objective(node: YamlNode) -> Objective:
    node.mapping(_OBJECTIVE_FIELDS)
    return Objective(
        title=node.get("title").text(),
        summary=node.get("summary", required=False).text(nullable=True),
        actions=tuple(_read_action(item) for item in node.get("actions").items()),
        source=_read_source(node.get("source")),
    )


def _read_action(node: YamlNode) -> Action:
    node.mapping(_ACTION_FIELDS)
    return Action(
        text=node.get("text").text(),
        status=node.get("status").choice(ACTION_STATUSES),
        lead_agency=node.get("lead_agency", required=False).text(nullable=True),
        partners=node.get("partners", required=False).texts(),
        source=_read_source(node.get("source")),
    )


def _read_indicator(node: YamlNode) -> TrackedIndicator:
    node.mapping(_INDICATOR_FIELDS)
    return TrackedIndicator(
        id=node.get("id").text(),
        name=node.get("name").text(),
        police_uk_categories=node.get("police_uk_categories", required=False).texts(),
        ons_offence_groups=node.get("ons_offence_groups", required=False).texts(),
        notes=node.get("notes", required=False).text(nullable=True),
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
        source=_read_source(node.get("source")),
        notes=node.get("notes", required=False).text(nullable=True),
    )


def _read_priority_refs(node: YamlNode, priority_ids: Sequence[str]) -> tuple[str, ...]:
    refs = node.texts()
    for index, ref in enumerate(refs):
        if ref not in priority_ids:
            YamlNode(node.path, f"{node.where}[{index}]", ref).fail(
                f"no priority with id {ref!r} in this plan (ids: {', '.join(priority_ids)})"
            )
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


def _check_unique_ids(plans: Sequence[Plan], plan_nodes: Sequence[YamlNode]) -> None:
    """Plan, priority and KPI ids must be unique across the whole file."""
    seen: dict[str, str] = {}

    def claim(identifier: str, where: str, node: YamlNode) -> None:
        if identifier in seen:
            YamlNode(node.path, where, identifier).fail(f"id {identifier!r} is already used at {seen[identifier]}")
        seen[identifier] = where

    for p, (plan, node) in enumerate(zip(plans, plan_nodes)):
        claim(plan.id, f"plans[{p}].id", node)
        for i, priority in enumerate(plan.priorities):
            claim(priority.id, f"plans[{p}].priorities[{i}].id", node)
        for k, kpi in enumerate(plan.kpis):
            claim(kpi.id, f"plans[{p}].kpis[{k}].id", node)


def _check_one_current(plans: Sequence[Plan], plan_nodes: Sequence[YamlNode]) -> None:
    current = [i for i, plan in enumerate(plans) if plan.status == "current"]
    if len(current) > 1:
        YamlNode(plan_nodes[0].path, f"plans[{current[1]}].status", "current").fail(
            f"only one plan can be current; plans[{current[0]}] is current already"
        )


# ---------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------


def current_plan(plans: Sequence[Plan]) -> Plan | None:
    """The plan whose status is ``current``, or ``None`` if there is none."""
    return next((plan for plan in plans if plan.status == "current"), None)


def find_kpi(plans: Sequence[Plan], kpi_id: str) -> Kpi:
    """The KPI with this id in any plan.

    Raises
    ------
    KeyError
        If no plan has a KPI with that id.
    """
    for plan in plans:
        for kpi in plan.kpis:
            if kpi.id == kpi_id:
                return kpi
    raise KeyError(f"no KPI with id {kpi_id!r}")


def rag_status(kpi: Kpi, amber_tolerance: float = DEFAULT_AMBER_TOLERANCE) -> str:
    """Red / amber / green rating of a KPI against its target.

    Rules (``direction`` says whether higher or lower values are better):

    * ``no_data`` when the value is missing, the target is missing, or a
      direction-only target has no baseline to compare with.
    * Numeric target: **green** when the target is met, reaching it exactly
      included (value >= target when higher is better, value <= target when lower
      is better). **Amber** when it is missed by no more than ``amber_tolerance``
      times the size of the target (relative: with the default 0.05 a target of
      75% higher-is-better is amber from 71.25% up to just under 75%); the edge of
      the band counts as amber. **Red** when it is missed by more. A target of 0
      has an empty amber band.
    * Direction-only target (``"reduce"`` or ``"increase"``): the baseline stands in
      for the target, but the value must *improve strictly* on it to be green. No
      change, or a change the wrong way of no more than ``amber_tolerance`` times
      the baseline, is amber; a larger change the wrong way is red.

    The rating uses figures only; a ``reported_outcome`` stated in words is shown
    beside it, never turned into a colour.

    Parameters
    ----------
    kpi : Kpi
        The indicator to rate.
    amber_tolerance : float, optional
        Relative width of the amber band, between 0 and 1. Default 0.05 (5%).

    Returns
    -------
    str
        One of ``"green"``, ``"amber"``, ``"red"``, ``"no_data"``.

    Raises
    ------
    ValueError
        If ``amber_tolerance`` is not a number between 0 and 1.
    """
    if isinstance(amber_tolerance, bool) or not isinstance(amber_tolerance, (int, float)) or not (
        0 <= amber_tolerance <= 1
    ):
        raise ValueError(f"amber_tolerance must be a number between 0 and 1, got {amber_tolerance!r}")
    if kpi.value is None or kpi.target is None:
        return "no_data"
    if kpi.has_direction_target:
        if kpi.baseline is None:
            return "no_data"
        return _grade(kpi.value, kpi.baseline.value, kpi.direction, amber_tolerance, equal_is_met=False)
    return _grade(kpi.value, kpi.target, kpi.direction, amber_tolerance, equal_is_met=True)


def _grade(value: float, reference: float, direction: str, tolerance: float, *, equal_is_met: bool) -> str:
    """Grade ``value`` against ``reference``; see :func:`rag_status`."""
    shortfall = reference - value if direction == "higher_is_better" else value - reference
    if shortfall < 0 or (shortfall == 0 and equal_is_met):
        return "green"
    band = tolerance * abs(reference)
    # The band edge counts as amber; isclose absorbs binary rounding of e.g. 0.05 * 75.
    if shortfall <= band or math.isclose(shortfall, band, rel_tol=1e-9, abs_tol=1e-12):
        return "amber"
    return "red"


def kpi_frame(plans: Sequence[Plan], amber_tolerance: float = DEFAULT_AMBER_TOLERANCE):
    """All KPIs as one table, one row per KPI, with its RAG status.

    Parameters
    ----------
    plans : sequence of Plan
        Plans as returned by :func:`load_plans`.
    amber_tolerance : float, optional
        Passed to :func:`rag_status`.

    Returns
    -------
    pandas.DataFrame
        Columns: plan_id, plan_title, kpi_id, name, priorities (comma-separated ids),
        theme, indicator_code, unit, direction, target, value, period,
        baseline_value, baseline_period, reported_outcome, rag, source_doc,
        source_section, notes. ``target`` holds numbers or the words "reduce" /
        "increase", so its column has object dtype.
    """
    import pandas as pd

    rows = [
        {
            "plan_id": plan.id,
            "plan_title": plan.title,
            "kpi_id": kpi.id,
            "name": kpi.name,
            "priorities": ", ".join(kpi.priorities),
            "theme": kpi.theme,
            "indicator_code": kpi.indicator_code,
            "unit": kpi.unit,
            "direction": kpi.direction,
            "target": kpi.target,
            "value": kpi.value,
            "period": kpi.period,
            "baseline_value": kpi.baseline.value if kpi.baseline else None,
            "baseline_period": kpi.baseline.period if kpi.baseline else None,
            "reported_outcome": kpi.reported_outcome,
            "rag": rag_status(kpi, amber_tolerance),
            "source_doc": kpi.source.doc,
            "source_section": kpi.source.section,
            "notes": kpi.notes,
        }
        for plan in plans
        for kpi in plan.kpis
    ]
    frame = pd.DataFrame(rows, columns=_KPI_FRAME_COLUMNS)
    for column in ("value", "baseline_value"):
        frame[column] = frame[column].astype("Float64")
    frame["target"] = frame["target"].astype(object)
    return frame


_KPI_FRAME_COLUMNS = [
    "plan_id", "plan_title", "kpi_id", "name", "priorities", "theme", "indicator_code", "unit",
    "direction", "target", "value", "period", "baseline_value", "baseline_period",
    "reported_outcome", "rag", "source_doc", "source_section", "notes",
]


def actions_frame(plans: Sequence[Plan]):
    """All actions as one table, one row per action.

    Returns
    -------
    pandas.DataFrame
        Columns: plan_id, priority_id, priority_number, priority_title, objective,
        action, status, lead_agency, partners (comma-separated), source_doc,
        source_section.
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
            "lead_agency": action.lead_agency,
            "partners": ", ".join(action.partners),
            "source_doc": action.source.doc,
            "source_section": action.source.section,
        }
        for plan in plans
        for priority in plan.priorities
        for objective in priority.objectives
        for action in objective.actions
    ]
    columns = [
        "plan_id", "priority_id", "priority_number", "priority_title", "objective", "action",
        "status", "lead_agency", "partners", "source_doc", "source_section",
    ]
    return pd.DataFrame(rows, columns=columns)


def _main(argv: Sequence[str]) -> int:
    """Validate a plan file and print a one-line summary per plan."""
    path = Path(argv[0]) if argv else DEFAULT_PLANS_PATH
    try:
        plans = load_plans(path)
    except DataFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for plan in plans:
        actions = sum(len(o.actions) for p in plan.priorities for o in p.objectives)
        print(f"{plan.id}: {len(plan.priorities)} priorities, {actions} actions, {len(plan.kpis)} KPIs")
    print(f"{path}: OK")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
