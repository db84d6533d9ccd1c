"""Community safety plans: priorities, objectives, actions and KPIs read from YAML.

The plan file (``data/medway/plans/plans.yaml`` for the embedded default area; the format
is described in ``data/medway/plans/README.md``) is edited by hand, so it is treated as
untrusted input: :func:`load_plans` checks every field and raises :class:`DataFileError`,
whose message names the file, the field path (for example ``plans[0].kpis[3].target``) and
the line, at the first problem found.

:func:`rag_status` gives a KPI its red / amber / green rating against its target;
:func:`direction_of_travel_status` gives a series with no target (a priority's police.uk
series) its status from the one change rule. The rules are in their docstrings and in the README.

Modules
-------
model
    The dataclasses (:class:`Plan`, :class:`Priority`, :class:`Kpi`, ...) and lookups by id.
reader
    :func:`load_plans`: the YAML file read and checked field by field.
rag
    :func:`rag_status`: the RAG rules for KPIs with targets.
progress
    :func:`direction_of_travel_status` and :func:`direction_of_travel`: the direction-of-travel
    status of a series over a period, with its rule in words; :func:`progress_table`.
tables
    :func:`kpi_frame` and :func:`actions_frame`: plans as flat tables.
wording
    Plans in plain English.

Run ``python -m csp_data.plans [PATH]`` to validate a plan file from the shell.
"""

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
    current_plan,
    find_kpi,
)
from csp_data.plans.progress import direction_of_travel, direction_of_travel_status, progress_table
from csp_data.plans.rag import DEFAULT_AMBER_TOLERANCE, RAG_STATUSES, AmberToleranceError, rag_status
from csp_data.plans.reader import DEFAULT_PLANS_PATH, load_plans
from csp_data.plans.tables import actions_frame, kpi_frame
from csp_data.plans.wording import plan_summary
from csp_data.yamlfile import DataFileError, Source, UnknownIdError

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
    "AmberToleranceError",
    "Baseline",
    "DataFileError",
    "Kpi",
    "Objective",
    "Plan",
    "Priority",
    "Source",
    "TrackedIndicator",
    "UnknownIdError",
    "actions_frame",
    "current_plan",
    "direction_of_travel",
    "direction_of_travel_status",
    "find_kpi",
    "kpi_frame",
    "load_plans",
    "plan_summary",
    "progress_table",
    "rag_status",
]
