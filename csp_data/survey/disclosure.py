"""Disclosure control for respondent-level survey tables: which groups to withhold, so that no
withheld group's answers can be worked out from what is shown.

The problem
-----------
A breakdown table (one question by ward, age band or sex) is published beside the figures for all
respondents. Withholding only the groups of fewer than :data:`MIN_GROUP_SIZE` respondents is not
enough: the all-respondents row minus the groups shown *is* the withheld group. Its counts come
back exactly by subtraction, and its weighted shares nearly so (the shown groups' shares, weighted
by their numbers of respondents, taken away from the overall share).

The rules (:func:`withhold`)
----------------------------
1. **Too few answered** (primary suppression). A group in which fewer than ``min_group_size`` (10)
   respondents answered the question is withheld: every figure of it is left out.
2. **Withheld with them** (complementary suppression). The withheld groups together can always be
   worked out as "all respondents minus the groups shown", so that remainder is published as a
   row of its own, :data:`WITHHELD_TOGETHER`, and groups are added to it, next smallest first
   (fewest answering; ties by label), until all of these hold:

   * at least two groups are withheld, so the remainder is never one group;
   * the withheld groups together have at least ``min_group_size`` respondents, so the
     remainder obeys rule 1 like any group shown;
   * no withheld group's figure can be narrowed down from what is published
     (:func:`pinned_figures`): for every withheld group and every answer that anyone in the
     withheld groups gave, the number giving it can take at least two whole-number values, and
     the group's weighted share of it can vary by at least :data:`MIN_SHARE_RANGE` (half a
     percentage point), whatever the groups shown and the all-respondents row say.

   If no set short of every group passes, every group is withheld and only the all-respondents
   row is shown. Answers that nobody in the withheld groups gave are 0 in the remainder row, and
   so 0 for each withheld group: the remainder is published as a group of at least 10, exactly
   as a shown group with a 0 is.

Cells within a group are not withheld one by one. In each group the shares add up to 100% and the
counts to the group's number answering, so hiding one answer means hiding a second in the same
group (for a yes/no question: the whole group) and, because of the all-respondents row, the same
answer in another group: a table of scattered gaps that still narrows each gap down. A group is
therefore shown whole or not at all, and the complementary cells of a withheld group are whole
groups. A shown group may have an answer given by one or two of its respondents: the rule the
partnership states is about groups of fewer than 10, and a group of 10 or more, whose members
are not published, does not say who gave it.

What is assumed of someone trying to undo it
--------------------------------------------
The checks hold against someone who knows everything the page and its downloads show (every
shown group's counts, weighted shares, intervals and effective sample size, the all-respondents
row, the remainder row, which groups are withheld and why), knows these rules, and *also* knows
the exact number of respondents and the exact total weight of every group (weights are often set
from ward populations that are public). Then the remainder's counts ``c`` and summed weights ``r``
per answer are known exactly, and each withheld group ``h`` of ``s`` respondents and total weight
``W`` could have ``x`` of them giving an answer with summed weight ``w`` for any whole numbers
``x`` and numbers ``w`` that add up across answers to ``s`` and ``W`` and across withheld groups
to ``c`` and ``r``, with ``w = 0`` where ``x = 0`` and, for one respondent, ``w = W``.
:func:`pinned_figures` looks for such alternatives, first by moving one respondent (and weight)
between two groups and two answers, then by mixed-integer programming (SciPy's HiGHS).

Individual respondents' weights are taken as unknown beyond being positive (in a file without
weights, as exactly 1: the page says the file has none). The file of responses is the
partnership's and is never published: with every weight known, exact weighted sums could pick out
who answered what by sums of subsets, whatever was withheld. Passing ``weight_range`` to
:func:`withhold` guards against someone who also knows the smallest and largest weight (each of
``x`` respondents then weighs between them), at the price of withholding more: on the generated
test file it would withhold the 182 men with the small groups of the sex breakdown.

What is published, and why not rounding or bands
------------------------------------------------
Counts, weighted shares, intervals and effective sample sizes of shown groups stay exact. Rounding
counts or publishing ``n`` only in bands blurs every figure, including the ones that are safe,
while differences of rounded figures still come out close (the error of a difference grows only
slowly with the number of groups), so it gives no guarantee; suppressing the all-respondents row
would hide the survey's main result. Withholding whole groups, with the remainder shown, gives an
exact statement of what can and cannot be learnt, which the tests check by attacking the output.

Why a small implementation here
-------------------------------
Statistical disclosure control packages exist for Python, but none fits this table: ``acro``
checks outputs with primary suppression only (and pins an older pandas); ``pytauargus`` (a new
port of Tau-Argus with HiGHS) protects frequency and magnitude tables through files in a working
directory, is not validated for concurrent calls in one process (a Streamlit server runs
sessions on threads), and has no notion of weighted shares; sdcMicro and sdcTable are R packages.
The tables here are small (tens of groups, a few answers), so the rules above and a check with
SciPy's mixed-integer solver, which the project already uses, are short and exact; results are
cached by the withheld groups' figures, so a page rerun costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "MIN_GROUP_SIZE",
    "MIN_SHARE_RANGE",
    "PROTECTING",
    "TOO_FEW",
    "WITHHELD_TOGETHER",
    "GroupTotals",
    "Withheld",
    "pinned_figures",
    "withhold",
]

#: Groups with fewer respondents than this are withheld in every output table.
MIN_GROUP_SIZE = 10
#: A withheld group's weighted share must be left uncertain over at least this range (0-1 scale).
MIN_SHARE_RANGE = 0.005
#: The label of the row that shows all withheld groups of a breakdown together.
WITHHELD_TOGETHER = "(withheld groups together)"
#: Why a group is withheld: too few of its respondents answered (rule 1) ...
TOO_FEW = "too few answered"
#: ... or it is withheld with smaller groups so that theirs cannot be worked out (rule 2).
PROTECTING = "withheld with smaller groups"

_COUNT_TOLERANCE = 0.5
_SOLVER_SECONDS = 5.0


@dataclass(frozen=True)
class GroupTotals:
    """What the rules need of one group: its answers counted and their weights summed.

    Attributes
    ----------
    key : tuple of str
        The group's values of the grouping columns.
    counts : tuple of int
        Respondents in the group giving each answer, answers in one order for every group.
    weights : tuple of float
        The summed weights of those respondents, in the same order.
    """

    key: tuple[str, ...]
    counts: tuple[int, ...]
    weights: tuple[float, ...]

    @property
    def size(self) -> int:
        """Respondents in the group who answered."""
        return sum(self.counts)

    @property
    def weight(self) -> float:
        """The summed weight of the group."""
        return math.fsum(self.weights)


@dataclass(frozen=True)
class Withheld:
    """The groups of a breakdown that are withheld, by rule.

    Attributes
    ----------
    too_few : tuple of tuple of str
        Keys of groups in which fewer than the minimum answered (rule 1), in table order.
    protecting : tuple of tuple of str
        Keys of groups withheld with them (rule 2), in the order they were added.
    """

    too_few: tuple[tuple[str, ...], ...] = ()
    protecting: tuple[tuple[str, ...], ...] = ()

    @property
    def keys(self) -> frozenset[tuple[str, ...]]:
        """Every withheld group's key."""
        return frozenset(self.too_few) | frozenset(self.protecting)

    def reason(self, key: tuple[str, ...]) -> str | None:
        """:data:`TOO_FEW`, :data:`PROTECTING`, or ``None`` for a group that is shown."""
        if key in self.too_few:
            return TOO_FEW
        if key in self.protecting:
            return PROTECTING
        return None


def withhold(
    groups: Sequence[GroupTotals],
    *,
    min_group_size: int = MIN_GROUP_SIZE,
    weight_range: tuple[float, float] | None = None,
) -> Withheld:
    """The groups of one breakdown table to withhold (rules in the module docstring).

    Parameters
    ----------
    groups : sequence of GroupTotals
        Every group of the table, each with the same answers in the same order.
    min_group_size : int, optional
        Groups with fewer respondents answering are withheld. Default 10.
    weight_range : (float, float) or None, optional
        What is known of each respondent's weight: ``(1, 1)`` for a file without weights (the
        page says so); ``None`` (default) when weights are known only to be positive; or the
        smallest and largest weight, to guard against someone who also knows those (see
        :func:`pinned_figures`).

    Returns
    -------
    Withheld

    Raises
    ------
    SurveyArgumentError
        If groups have different numbers of answers, a count or weight is negative or not a
        number, a group has weight but no respondents, or ``min_group_size`` or
        ``weight_range`` cannot be used (a ``ValueError``).
    """
    _check_arguments(groups, min_group_size, weight_range)
    too_few = [g for g in groups if g.size < min_group_size]
    if not too_few:
        return Withheld()
    candidates = sorted((g for g in groups if g.size >= min_group_size), key=lambda g: (g.size, g.key))
    hidden = list(too_few)
    added: list[GroupTotals] = []
    while candidates and not _is_safe(hidden, min_group_size, weight_range):
        added.append(candidates.pop(0))
        hidden.append(added[-1])
    return Withheld(tuple(g.key for g in too_few), tuple(g.key for g in added))


def _check_arguments(
    groups: Sequence[GroupTotals], min_group_size: int, weight_range: tuple[float, float] | None
) -> None:
    from csp_data.survey.weighting import SurveyArgumentError

    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int) or min_group_size < 1:
        raise SurveyArgumentError(f"min_group_size must be a whole number of at least 1, got {min_group_size!r}")
    if weight_range is not None and not (
        len(weight_range) == 2
        and all(math.isfinite(w) for w in weight_range)
        and 0 < weight_range[0] <= weight_range[1]
    ):
        raise SurveyArgumentError(
            f"weight_range must be (lightest, heaviest) with 0 < lightest <= heaviest, got {weight_range!r}"
        )
    answers = {len(g.counts) for g in groups} | {len(g.weights) for g in groups}
    if len(answers) > 1:
        raise SurveyArgumentError("every group must have a count and a weight for the same answers")
    for g in groups:
        if any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in g.counts):
            raise SurveyArgumentError(f"group {g.key!r}: counts must be whole numbers of at least 0, got {g.counts!r}")
        if any(not (math.isfinite(w) and w >= 0) for w in g.weights) or any(
            (c == 0) != (w == 0) for c, w in zip(g.counts, g.weights)
        ):
            raise SurveyArgumentError(
                f"group {g.key!r}: weights must be finite, above 0 where someone gave the answer and 0 where "
                f"no one did, got {g.weights!r}"
            )


def _is_safe(hidden: Sequence[GroupTotals], min_group_size: int, weight_range: tuple[float, float] | None) -> bool:
    if len(hidden) < 2 or sum(g.size for g in hidden) < min_group_size:
        return False
    return not pinned_figures(hidden, weight_range)


def pinned_figures(
    hidden: Sequence[GroupTotals], weight_range: tuple[float, float] | None = None
) -> list[tuple[tuple[str, ...], int]]:
    """The withheld figures that could be narrowed down, as (group key, answer index) pairs.

    A figure is the number in a withheld group giving an answer and their summed weight. Given
    the remainder (the withheld groups' counts and weights added up per answer), each group's
    size and total weight, and what is known of one respondent's weight (``weight_range``, as
    for :func:`withhold`), a figure is *pinned* when its count can take only one whole-number
    value, or no possible weighted share of the group is :data:`MIN_SHARE_RANGE` or more away
    from the true one. Answers nobody in the withheld groups gave are not counted (they are 0
    in the published remainder).

    An empty list means nothing withheld can be narrowed down that far.
    """
    if not hidden:
        return []
    key = tuple((g.key, g.counts, tuple(round(w, 12) for w in g.weights)) for g in hidden)
    known = None if weight_range is None else (float(weight_range[0]), float(weight_range[1]))
    return list(_pinned(key, known))


@lru_cache(maxsize=256)
def _pinned(
    hidden: tuple[tuple[tuple[str, ...], tuple[int, ...], tuple[float, ...]], ...],
    weight_range: tuple[float, float] | None,
) -> tuple[tuple[tuple[str, ...], int], ...]:
    counts = [list(c) for _, c, _ in hidden]
    weights = [list(w) for _, _, w in hidden]
    answers = len(counts[0])
    column_counts = [sum(row[a] for row in counts) for a in range(answers)]
    total = sum(column_counts)
    pinned: list[tuple[tuple[str, ...], int]] = []
    # Closed form first: on counts alone, a cell is pinned exactly when one group is withheld or
    # everyone withheld gave the answer (the table of counts is a transportation polytope).
    for key, _, _ in hidden:
        for a in range(answers):
            if column_counts[a] and (len(hidden) < 2 or column_counts[a] == total):
                pinned.append((key, a))
    if pinned:
        return tuple(pinned)
    problem = _Problem(counts, weights, weight_range)
    for h, (key, _, _) in enumerate(hidden):
        for a in range(answers):
            if column_counts[a] and problem.is_pinned(h, a):
                pinned.append((key, a))
    return tuple(pinned)


class _Problem:
    """The withheld block as a mixed-integer programme: counts ``x`` (whole) and weights ``w``."""

    def __init__(self, counts: list[list[int]], weights: list[list[float]], weight_range: tuple[float, float] | None):
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint

        self.groups, self.answers = len(counts), len(counts[0])
        cells = self.groups * self.answers
        self.true_counts = counts
        self.true_weights = weights
        self.group_weights = [math.fsum(row) for row in weights]
        # Each respondent weighs between low and high; unknown weights: anything from 0 to the group's total.
        self.person_weights = [weight_range or (0.0, total) for total in self.group_weights]
        rows, lower, upper = [], [], []

        def equal(coefficients: dict[int, float], value: float) -> None:
            row = np.zeros(2 * cells)
            for index, coefficient in coefficients.items():
                row[index] = coefficient
            rows.append(row)
            lower.append(value)
            upper.append(value)

        for h in range(self.groups):
            equal({self._x(h, a): 1 for a in range(self.answers)}, sum(counts[h]))
            equal({self._w(h, a): 1 for a in range(self.answers)}, self.group_weights[h])
        # The last answer's totals follow from the others and the groups' totals; stating them too
        # makes the equations redundant, which HiGHS can stumble over.
        for a in range(self.answers - 1):
            equal({self._x(h, a): 1 for h in range(self.groups)}, sum(counts[h][a] for h in range(self.groups)))
            equal({self._w(h, a): 1 for h in range(self.groups)}, math.fsum(weights[h][a] for h in range(self.groups)))
        for h in range(self.groups):
            low, high = self.person_weights[h]
            for a in range(self.answers):
                # x people giving the answer weigh between x * lightest and x * heaviest.
                row = np.zeros(2 * cells)
                row[self._w(h, a)], row[self._x(h, a)] = 1, -low
                rows.append(row)
                lower.append(-1e-9)
                upper.append(np.inf)
                row = np.zeros(2 * cells)
                row[self._w(h, a)], row[self._x(h, a)] = 1, -high
                rows.append(row)
                lower.append(-np.inf)
                upper.append(1e-9)
        self.constraints = LinearConstraint(np.array(rows), np.array(lower), np.array(upper))
        size_bounds = [sum(counts[h]) for h in range(self.groups) for _ in range(self.answers)]
        weight_bounds = [self.group_weights[h] + 1e-9 for h in range(self.groups) for _ in range(self.answers)]
        self.bounds = Bounds(np.zeros(2 * cells), np.array(size_bounds + weight_bounds, dtype=float))
        self.integrality = np.array([1] * cells + [0] * cells)

    def _x(self, h: int, a: int) -> int:
        return h * self.answers + a

    def _w(self, h: int, a: int) -> int:
        return self.groups * self.answers + h * self.answers + a

    def _feasible(self, index: int, low: float, high: float) -> bool | None:
        """Whether some solution has variable ``index`` within [low, high]; ``None`` if unknown."""
        import numpy as np
        from scipy.optimize import Bounds, milp

        lower, upper = self.bounds.lb.copy(), self.bounds.ub.copy()
        lower[index], upper[index] = max(lower[index], low), min(upper[index], high)
        if lower[index] > upper[index]:
            return False
        # On these small, nearly degenerate problems HiGHS's presolve now and then reports a solve
        # error, or no solution where there is one; a solution found either way settles it.
        statuses = []
        for presolve in (True, False):
            result = milp(
                np.zeros(lower.size),
                constraints=self.constraints,
                integrality=self.integrality,
                bounds=Bounds(lower, upper),
                options={"time_limit": _SOLVER_SECONDS, "presolve": presolve},
            )
            if result.status == 0:
                return True
            statuses.append(result.status)
        return False if 2 in statuses else None

    def _cycle_moves(self, h: int, a: int):
        """Other solutions one step away: (count change, weight change range) of cell (h, a).

        A step moves ``k`` respondents (k = -1, 0, 1) and a weight ``d`` from answer ``b`` to ``a``
        in group ``h`` and back from ``a`` to ``b`` in another group, which keeps every published
        total; ``d`` may be any value in the range returned.
        """
        counts, weights = self.true_counts, self.true_weights
        for other in range(self.groups):
            for b in range(self.answers):
                if other == h or b == a:
                    continue
                for k in (1, -1, 0):
                    cells = ((h, a, k, 1), (h, b, -k, -1), (other, a, -k, -1), (other, b, k, 1))
                    low, high = -math.inf, math.inf
                    for g, answer, change, sign in cells:
                        count = counts[g][answer] + change
                        if count < 0:
                            break
                        lightest, heaviest = self.person_weights[g]
                        start, stop = count * lightest - weights[g][answer], count * heaviest - weights[g][answer]
                        if sign < 0:
                            start, stop = -stop, -start
                        low, high = max(low, start), min(high, stop)
                    else:
                        if low <= high + 1e-12:
                            yield k, low, high

    def is_pinned(self, h: int, a: int) -> bool:
        """Whether the count or the weighted share of group ``h`` and answer ``a`` is pinned.

        Pinned means: no solution has another count, or none has a summed weight at least
        ``MIN_SHARE_RANGE`` of the group's weight away from the true one. A step to a
        neighbouring solution settles most cells; the rest go to the solver, and a solver that
        fails or runs out of time counts as pinned, so doubt withholds more.
        """
        count, weight = self.true_counts[h][a], self.true_weights[h][a]
        margin = MIN_SHARE_RANGE * self.group_weights[h]
        count_moves, weight_moves = False, False
        for k, low, high in self._cycle_moves(h, a):
            count_moves = count_moves or k != 0
            weight_moves = weight_moves or max(-low, high) >= margin
            if count_moves and weight_moves:
                return False
        if not count_moves:
            found = self._feasible(self._x(h, a), count + 1, math.inf) or self._feasible(
                self._x(h, a), -math.inf, count - 1
            )
            if not found:
                return True
        if not weight_moves:
            found = self._feasible(self._w(h, a), weight + margin, math.inf) or self._feasible(
                self._w(h, a), -math.inf, weight - margin
            )
            if not found:
                return True
        return False
