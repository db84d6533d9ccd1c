"""The red / amber / green rating of a KPI against its target: the rules in one place.

The rules are in the docstring of :func:`rag_status` and in ``data/medway/plans/README.md``.
"""

from __future__ import annotations

import math

from csp_data.errors import CspDataError
from csp_data.plans.model import Kpi

__all__ = ["DEFAULT_AMBER_TOLERANCE", "RAG_STATUSES", "AmberToleranceError", "rag_status"]

RAG_STATUSES = ("green", "amber", "red", "no_data")
#: Amber band: a KPI within 5% (relative) of its target, on the wrong side, is amber.
DEFAULT_AMBER_TOLERANCE = 0.05


class AmberToleranceError(CspDataError, ValueError):
    """The width asked for the amber band is not a number between 0 and 1."""


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
    AmberToleranceError
        If ``amber_tolerance`` is not a number between 0 and 1 (a ``ValueError``).
    """
    if (
        isinstance(amber_tolerance, bool)
        or not isinstance(amber_tolerance, (int, float))
        or not (0 <= amber_tolerance <= 1)
    ):
        raise AmberToleranceError(f"amber_tolerance must be a number between 0 and 1, got {amber_tolerance!r}")
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
