"""Survey statistics: weighted proportions, their intervals, and small-group suppression.

Method (also in ``data/medway/survey/README.md``):

* Weighted proportion of an answer = sum of the weights of the respondents who gave
  it / sum of the weights of everyone in the group who answered the question.
  Without a ``weight`` column every weight is 1.
* Effective sample size (Kish): ``n_eff = (sum w)^2 / sum w^2``.
* 95% confidence interval: Wilson score interval for the weighted proportion with
  ``n_eff`` in place of ``n`` and z = 1.959964.
* Suppression: any group with fewer than :data:`MIN_GROUP_SIZE` (10) respondents who
  answered the question has every figure (counts, proportions, intervals, n_eff)
  replaced by null and its ``suppressed`` flag set, so small groups cannot be picked
  out; in a breakdown, as many of the next smallest groups are withheld with it as
  it takes for no withheld group to be worked out from the others and the overall
  figures, and the withheld groups are shown together as one row. The rules, and why,
  are in :mod:`csp_data.survey.disclosure`. A published figure whose stated base is
  below the same threshold is withheld too (:func:`is_small_base`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from csp_data.change import Z_95
from csp_data.errors import CspDataError
from csp_data.survey.disclosure import (
    MIN_GROUP_SIZE,
    WITHHELD_TOGETHER,
    GroupTotals,
    Withheld,
    withhold,
)
from csp_data.survey.responses import Respondent, SurveyResponses

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MIN_GROUP_SIZE",
    "NOT_STATED",
    "Z_95",
    "SurveyArgumentError",
    "is_small_base",
    "kish_effective_n",
    "weighted_proportions",
    "wilson_interval",
]

#: Label used in grouped tables for respondents who left a grouping column blank.
NOT_STATED = "(not stated)"

_FIGURE_COLUMNS = ("n", "group_n", "weighted_proportion", "ci_lower", "ci_upper", "n_effective")
_FLAG_COLUMNS = ("suppressed", "withheld_because")
_GROUPABLE = ("ward_code", "age_band", "sex")


class SurveyArgumentError(CspDataError, ValueError):
    """A survey figure asked for in a way that cannot be answered.

    For example a question the respondent file does not have, or a column that cannot
    be grouped by; the message names what was asked and what can be.
    """


def is_small_base(base: int | None, min_group_size: int = MIN_GROUP_SIZE) -> bool:
    """Whether a published figure's stated base is too small to show (unknown bases are shown)."""
    return base is not None and base < min_group_size


def kish_effective_n(weights: Sequence[float]) -> float:
    """Kish effective sample size, ``(sum w)^2 / sum w^2``.

    Equals the number of respondents when all weights are equal, and is smaller the
    more the weights vary. Returns 0.0 for no weights.
    """
    total = math.fsum(weights)
    squares = math.fsum(w * w for w in weights)
    return 0.0 if squares == 0 else total * total / squares


def wilson_interval(proportion: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion.

    Parameters
    ----------
    proportion : float
        Observed (possibly weighted) proportion, 0 to 1.
    n : float
        Sample size; pass the Kish effective size for weighted data.
    z : float, optional
        Normal quantile; 1.959964 for 95%.

    Returns
    -------
    (float, float)
        Lower and upper bounds, within 0 and 1.

    Raises
    ------
    SurveyArgumentError
        If ``n`` is not positive or ``proportion`` is outside 0-1 (a ``ValueError``).
    """
    if not n > 0:
        raise SurveyArgumentError(f"n must be above 0, got {n!r}")
    if not 0 <= proportion <= 1:
        raise SurveyArgumentError(f"proportion must be between 0 and 1, got {proportion!r}")
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (proportion + z2 / (2 * n)) / denominator
    half_width = z * math.sqrt(proportion * (1 - proportion) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def weighted_proportions(
    responses: SurveyResponses,
    question: str,
    by: str | Sequence[str] | None = None,
    *,
    min_group_size: int = MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """Weighted share of each answer to a question, overall or by group.

    Respondents who left the question blank are left out. Every answer given by
    anyone appears in every group (with 0 where no one in the group gave it), so
    groups can be compared row by row. Method: see the module docstring; which
    groups are withheld: :func:`csp_data.survey.disclosure.withhold`.

    Parameters
    ----------
    responses : SurveyResponses
        From :func:`csp_data.survey.read_survey_responses`.
    question : str
        Question id, with or without the ``q_`` prefix.
    by : str or sequence of str, optional
        Columns to group by: ``ward_code``, ``age_band``, ``sex`` or another
        ``q_<question>``. Blank values form a group labelled ``"(not stated)"``.
    min_group_size : int, optional
        Groups with fewer respondents than this are suppressed, and in a breakdown
        others with them (see :mod:`csp_data.survey.disclosure`). Default 10.

    Returns
    -------
    pandas.DataFrame
        One row per group and answer, groups and answers in sorted order. Columns:
        the ``by`` columns, ``answer``, ``n`` (respondents giving the answer),
        ``group_n`` (respondents in the group who answered the question),
        ``weighted_proportion`` (0-1), ``ci_lower``, ``ci_upper`` (95% Wilson with
        Kish n_eff), ``n_effective``, ``suppressed``, ``withheld_because``
        (:data:`~csp_data.survey.disclosure.TOO_FEW`,
        :data:`~csp_data.survey.disclosure.PROTECTING`, or null when shown). In
        suppressed rows every figure is null (``pd.NA``). When a breakdown withholds
        some groups but not all, the withheld groups together follow as one more group
        whose ``by`` columns read :data:`~csp_data.survey.disclosure.WITHHELD_TOGETHER`
        (they can be worked out as all respondents minus the groups shown, so they
        are shown, never a single group).

    Raises
    ------
    SurveyArgumentError
        If the question or a ``by`` column is not in the file, a grouping value
        reads like the row of withheld groups, or ``min_group_size`` is below 1 (a
        ``ValueError``).
    """
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int) or min_group_size < 1:
        raise SurveyArgumentError(f"min_group_size must be a whole number of at least 1, got {min_group_size!r}")
    column = _question_column(responses, question)
    by_columns = _by_columns(responses, by, column)
    answered = [r for r in responses.respondents if r.value(column)]
    options = sorted({r.value(column) for r in answered})
    groups = _groups(answered, by_columns)
    if any(WITHHELD_TOGETHER in key for key in groups):
        raise SurveyArgumentError(
            f"cannot group by {', '.join(by_columns)}: a value reads {WITHHELD_TOGETHER!r}, the label of the "
            "row of withheld groups"
        )
    if by_columns:
        totals = [_group_totals(key, members, column, options) for key, members in groups.items()]
        # Weights are the partnership's and never published: known only to be positive, unless there
        # are none (every weight 1, as the page says).
        known = None if responses.weighted else (1.0, 1.0)
        withheld = withhold(totals, min_group_size=min_group_size, weight_range=known)
    else:
        withheld = Withheld(too_few=tuple(key for key, members in groups.items() if len(members) < min_group_size))
    rows: list[dict] = []
    for key, members in groups.items():
        labels = dict(zip(by_columns, key))
        rows.extend({**labels, **figures} for figures in _group_figures(members, column, options, withheld.reason(key)))
    together = [r for key, members in groups.items() if key in withheld.keys for r in members]
    if together and len(withheld.keys) < len(groups):
        labels = dict.fromkeys(by_columns, WITHHELD_TOGETHER)
        rows.extend({**labels, **figures} for figures in _group_figures(together, column, options, None))
    return _proportions_frame(rows, by_columns)


def _group_totals(key: tuple, members: Sequence[Respondent], column: str, options: Sequence[str]) -> GroupTotals:
    return GroupTotals(
        key=key,
        counts=tuple(sum(1 for r in members if r.value(column) == option) for option in options),
        weights=tuple(math.fsum(r.weight for r in members if r.value(column) == option) for option in options),
    )


def _question_column(responses: SurveyResponses, question: str) -> str:
    name = question[2:] if question.startswith("q_") else question
    if name not in responses.questions:
        raise SurveyArgumentError(
            f"question {question!r} is not in {responses.path.name}; its questions are {', '.join(responses.questions)}"
        )
    return f"q_{name}"


def _by_columns(responses: SurveyResponses, by: str | Sequence[str] | None, question_column: str) -> list[str]:
    if by is None:
        return []
    columns = [by] if isinstance(by, str) else list(by)
    allowed = [*_GROUPABLE, *(f"q_{q}" for q in responses.questions if f"q_{q}" != question_column)]
    for column in columns:
        if column not in allowed:
            raise SurveyArgumentError(f"cannot group by {column!r}; choose from {', '.join(allowed)}")
    if len(set(columns)) != len(columns):
        raise SurveyArgumentError(f"by lists a column more than once: {', '.join(columns)}")
    return columns


def _groups(respondents: Iterable[Respondent], by_columns: Sequence[str]) -> dict[tuple, list[Respondent]]:
    groups: dict[tuple, list[Respondent]] = {}
    for respondent in respondents:
        key = tuple(respondent.value(c) or NOT_STATED for c in by_columns)
        groups.setdefault(key, []).append(respondent)
    return dict(sorted(groups.items()))


def _group_figures(
    members: Sequence[Respondent], column: str, options: Sequence[str], withheld_because: str | None
) -> list[dict]:
    """Rows for one group: one per answer option, every figure null when it is withheld."""
    if withheld_because is not None:
        return [
            {
                "answer": option,
                **dict.fromkeys(_FIGURE_COLUMNS),
                "suppressed": True,
                "withheld_because": withheld_because,
            }
            for option in options
        ]
    weights = [r.weight for r in members]
    total = math.fsum(weights)
    n_effective = kish_effective_n(weights)
    rows = []
    for option in options:
        chosen = [r.weight for r in members if r.value(column) == option]
        proportion = math.fsum(chosen) / total
        lower, upper = wilson_interval(proportion, n_effective)
        rows.append(
            {
                "answer": option,
                "n": len(chosen),
                "group_n": len(members),
                "weighted_proportion": proportion,
                "ci_lower": lower,
                "ci_upper": upper,
                "n_effective": n_effective,
                "suppressed": False,
                "withheld_because": None,
            }
        )
    return rows


def _proportions_frame(rows: list[dict], by_columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    columns = [*by_columns, "answer", *_FIGURE_COLUMNS, *_FLAG_COLUMNS]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("n", "group_n"):
        frame[column] = frame[column].astype("Int64")
    for column in ("weighted_proportion", "ci_lower", "ci_upper", "n_effective"):
        frame[column] = frame[column].astype("Float64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    frame["withheld_because"] = frame["withheld_because"].astype("string")
    return frame
