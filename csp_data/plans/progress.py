"""Direction of travel: a red / amber / green status for a series a plan follows, from the one change rule.

A plan with no numeric targets (the 2024–28 plan sets none) can still be followed by the open-data series
its priorities name (``tracked_indicators``: police.uk categories such as "Anti-social behaviour"). Each
such series gets a status from its change over the chosen period, judged by the one change rule
(:mod:`csp_data.series` pairs the months, :func:`csp_data.change.compare_counts` gives the 95% interval):

* for a series the plan wants lower (``lower_is_better``, the default: crime and ASB count harm):
  **green** when the change is a real fall (its 95% interval lies wholly below no change), **amber** when
  it is within normal variation (the interval includes no change; an interval that touches no change
  exactly counts as amber), **red** when it is a real rise;
* mirrored for a series the plan wants higher (``higher_is_better``): a real rise is green, a real fall red;
* **no data** when no month of the period can be compared (no matched months).

None in either period is no change (amber). A rise from none, which has no percentage, is judged by the
same interval with the two counts swapped (a real rise from none is the mirror of a real fall to none).

The comparison is the change rule's: each month of the period against the same month a year earlier,
over the months loaded in both. When that covers fewer than half the period's months
(:data:`THIN_SHARE`) and an earlier year covers more (:func:`csp_data.series.longer_comparison`), the
longer comparison is used, and the words say which comparison was used and why.

KPIs with numeric targets keep their own rules (:func:`csp_data.plans.rag_status`); this module is for
series without a target. Plain data, no Streamlit: the page and the scrutiny pack both use it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from csp_data.change import Change, compare_counts, describe_change, interval_words
from csp_data.periods import Period, describe_months
from csp_data.plans.model import DIRECTIONS, Plan
from csp_data.plans.tables import MISSING
from csp_data.plans.wording import RAG_LABELS, rag_badge
from csp_data.series import (
    MatchedMonths,
    comparable_change,
    describe_matched_change,
    longer_comparison,
    matched_months,
)

if TYPE_CHECKING:
    from csp_data.figures.priorities import IndicatorFigures

__all__ = [
    "AIMS",
    "PROGRESS_COLUMNS",
    "PROGRESS_STATUSES",
    "THIN_SHARE",
    "Progress",
    "direction_of_travel",
    "direction_of_travel_status",
    "progress_cells",
    "progress_rules_text",
    "progress_table",
    "travel_verdict",
]

PROGRESS_STATUSES = ("green", "amber", "red", "no_data")
#: The year-on-year comparison is thin when it covers fewer than this share of the period's months.
THIN_SHARE = 0.5
#: What the plan wants of a series, in words, by direction.
AIMS = {"lower_is_better": "reduce", "higher_is_better": "increase"}
_WANTED = {"lower_is_better": "fall", "higher_is_better": "rise"}
_SIDE = {"fall": "below", "rise": "above"}


def travel_verdict(change: Change | None) -> str:
    """``'rise'``, ``'fall'`` (the 95% interval excludes no change), ``'no_change_detected'`` or ``'no_basis'``.

    :attr:`Change.verdict <csp_data.change.Change.verdict>`, extended to the counts it gives no ratio for:
    none in either period is no change; a rise from none is real when, with the two counts swapped, the
    fall to none is real (the interval of the one is the reciprocal of the other's). ``None`` (no months
    compared) is ``'no_basis'``.
    """
    if change is None:
        return "no_basis"
    if change.verdict != "no_basis":
        return change.verdict
    if change.current == 0:
        return "no_change_detected"
    swapped = compare_counts(change.previous, change.current, change.level)
    return "rise" if swapped.verdict == "fall" else "no_change_detected"


def direction_of_travel_status(change: Change | None, direction: str) -> str:
    """The status of a series from its change and the way the plan wants it to move.

    Parameters
    ----------
    change : Change or None
        From the one change rule; ``None`` when no month could be compared.
    direction : str
        ``"lower_is_better"`` (the plan aims to reduce it) or ``"higher_is_better"``.

    Returns
    -------
    str
        ``"green"`` (a real change the way the plan wants), ``"amber"`` (within normal variation: the
        95% interval includes no change, touching it included), ``"red"`` (a real change the other way)
        or ``"no_data"`` (nothing compared).

    Raises
    ------
    ValueError
        For a direction other than the two above.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    verdict = travel_verdict(change)
    if verdict == "no_basis":
        return "no_data"
    if verdict == "no_change_detected":
        return "amber"
    return "green" if verdict == _WANTED[direction] else "red"


def status_clause(status: str, direction: str, change: Change | None) -> str:
    """Why a series has its status, in words: ``"a real fall, as the plan aims (...)"``."""
    if status == "no_data":
        return "no month of the period can be compared with the same month of an earlier year"
    verdict = travel_verdict(change)
    if verdict == "no_change_detected":
        if change is not None and change.current == 0 and change.previous == 0:
            return "none in either period, so no change"
        return "within normal variation (the 95% interval of the change includes no change)"
    real = f"a real {verdict}" + (" from none" if change is not None and change.previous == 0 else "")
    interval = f"the 95% interval of the change lies wholly {_SIDE[verdict]} no change"
    if status == "green":
        return f"{real}, as the plan aims ({interval})"
    return f"{real}, against the plan's aim of a {_WANTED[direction]} ({interval})"


@dataclass(frozen=True)
class Progress:
    """The direction of travel of one series over a period.

    ``matched`` is the comparison used (``None`` when no month could be compared), ``comparison_text``
    the change rule's sentence for it, ``reason`` the rule that set the status in words, and
    ``comparison_note`` which comparison was used and why ("" when the change rule's sentence says so).
    """

    status: str
    direction: str
    change: Change | None
    matched: MatchedMonths | None
    comparison_text: str
    reason: str
    comparison_note: str = ""
    before_plan: bool = False  # a longer comparison whose earlier months all precede the plan's first year

    @property
    def status_text(self) -> str:
        """The status and the rule that set it: ``"Green: a real fall, as the plan aims (...)."``."""
        return f"{RAG_LABELS[self.status].name}: {self.reason}."

    @property
    def detail(self) -> str:
        """The change rule's sentence, and which comparison was used."""
        return f"{self.comparison_text} {self.comparison_note}".rstrip()

    @property
    def rule_text(self) -> str:
        """The status, its rule and the comparison in words: :attr:`status_text` then :attr:`detail`."""
        return f"{self.status_text} {self.detail}"

    @property
    def status_label(self) -> str:
        """The status as a symbol and a word, never colour alone: ``"✔ Green"``."""
        label = RAG_LABELS[self.status]
        return f"{label.symbol} {label.name}"

    @property
    def comparison(self) -> str:
        """``"year-on-year"``, ``"three-year comparison"``, ... or ``"no comparison"``."""
        return "no comparison" if self.matched is None else self.matched.label

    @property
    def compared(self) -> str:
        """The months compared: ``"Jan 2025 to Nov 2025 against Jan 2022 to Nov 2022 (three-year comparison)"``."""
        if self.matched is None:
            return MISSING
        m = self.matched
        label = f"{m.label}, from before the plan" if self.before_plan else m.label
        return f"{describe_months(m.current_months)} against {describe_months(m.previous_months)} ({label})"

    @property
    def change_words(self) -> str:
        """``"fell by 12%, a real fall (95% interval: between a 15% fall and a 8% fall)"``, or a dash."""
        if self.change is None:
            return MISSING
        interval = f" (95% interval: {interval_words(self.change)})" if self.change.lower is not None else ""
        return describe_change(self.change) + interval


def _comparison_name(matched: MatchedMonths) -> str:
    return "the year-on-year comparison" if matched.years == 1 else f"the {matched.label}"


def _thin(matched: MatchedMonths) -> bool:
    return len(matched.current_months) < THIN_SHARE * matched.period.length


def direction_of_travel(
    series: pd.DataFrame, period: Period, direction: str, subject: str, plan_start_year: int | None = None
) -> Progress:
    """The status of a monthly series over ``period``, with its rule and comparison in words.

    Parameters
    ----------
    series : pandas.DataFrame
        A monthly series (``month``, ``incidents``, ``loaded``) reaching far enough back for the
        comparison (:func:`csp_data.series.comparison_first`); months outside it count as not loaded.
    period : Period
        The chosen period.
    direction : str
        ``"lower_is_better"`` or ``"higher_is_better"``.
    subject : str
        The series within a sentence, e.g. ``"anti-social behaviour"``.
    plan_start_year : int, optional
        The plan's first year: when a longer comparison reaches back to months wholly before it, ``rule_text``
        says that the change is measured from before the plan began.

    Returns
    -------
    Progress
        The comparison is the change rule's (:func:`csp_data.series.comparable_change`), or, when that
        covers fewer than :data:`THIN_SHARE` of the period's months, the longer comparison
        (:func:`csp_data.series.longer_comparison`) when it covers more; ``rule_text`` says which.
    """
    primary = comparable_change(series, period, subject)
    held = series[series["loaded"]]
    counts = dict(zip(held["month"], held["incidents"].astype(int)))
    matched = matched_months(period, counts)
    change, text, used, why = primary.change, primary.text, matched, ""
    if primary.change is not None and _thin(matched):
        longer = longer_comparison(period, counts)
        if longer is not None:
            now = sum(counts[m] for m in longer.current_months)
            before = sum(counts[m] for m in longer.previous_months)
            change, text = describe_matched_change(longer, now, before, subject)
            why = (
                f"{_comparison_name(matched)} covers only {len(matched.current_months)} of the "
                f"{period.length:,} months ({describe_months(matched.current_months)})"
            )
            used = longer
    status = direction_of_travel_status(change, direction)
    reason = status_clause(status, direction, change)
    if change is None:
        return Progress(status, direction, None, None, text, reason)
    which = f"Comparison used: {used.label}." if not used.longer_term else ""
    before_plan = bool(why) and plan_start_year is not None and max(used.previous_months).year < plan_start_year
    if why:
        which = f"{why[0].upper()}{why[1:]}, so the longer comparison is used."
        if before_plan:
            which += (
                f" Its earlier months ({describe_months(used.previous_months)}) are before the plan began in "
                f"{plan_start_year}, so the change is measured from before the plan, not over its years alone."
            )
    return Progress(status, direction, change, used, text, reason, which, before_plan)


def progress_rules_text() -> list[str]:
    """The direction-of-travel rules as sentences for the page and the pack (the rules of this module)."""
    g, a, r, n = (RAG_LABELS[k] for k in PROGRESS_STATUSES)
    return [
        f"{g.symbol} **{g.name}**: a real change the way the plan aims. For a series it aims to reduce "
        "(crime, ASB) that is a real fall: the 95% interval of the change lies wholly below no change. For "
        "one it aims to increase, a real rise.",
        f"{a.symbol} **{a.name}**: within normal variation: the 95% interval includes no change (an "
        "interval that just touches no change counts as amber). A series with none in both periods has not "
        "changed, so it is amber too.",
        f"{r.symbol} **{r.name}**: a real change the other way (for a series to reduce, a real rise).",
        f"{n.symbol} **{n.name}**: no month of the period can be compared with the same month of an "
        "earlier year, because none is loaded.",
        "Each month of the period is compared with the same month a year earlier (or, when none of those is "
        "loaded, of the nearest earlier year that is), using only months loaded in both (the one change rule "
        "of every page). When that covers fewer than half of the period's "
        "months and an earlier year covers more, the longer comparison (for example three years) is used, "
        "and the status says so.",
        "A KPI with a numeric target is rated against its target instead, by the rules above.",
    ]


PROGRESS_COLUMNS = [
    "priority",
    "indicator",
    "aim",
    "status",
    "status_label",
    "status_text",
    "change",
    "compared",
    "comparison",
    "rule_text",
    "incidents",
    "rate_per_1000",
    "caveat",
]


def progress_table(plan: Plan, figures: Mapping[str, Sequence[IndicatorFigures]]) -> pd.DataFrame:
    """One row per live series of a plan's priorities, with its direction-of-travel status.

    Parameters
    ----------
    plan : Plan
    figures : mapping of priority id to IndicatorFigures
        The live series of each priority over the period
        (:func:`csp_data.figures.priorities.indicator_figures`); priorities not in it are left out.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PROGRESS_COLUMNS`: ``priority`` ("Priority 1: Tackle Anti-Social Behaviour"),
        ``indicator`` (the police.uk category), ``aim`` ("reduce" / "increase"), ``status`` (green,
        amber, red, no_data), ``status_label`` ("✔ Green"), ``status_text`` (the status and the rule
        that set it, one sentence), ``change`` (in words with its interval),
        ``compared`` (the months compared), ``comparison`` ("year-on-year", "three-year comparison",
        "no comparison"), ``rule_text`` (the status, its rule and the change rule's sentence), ``incidents`` (in
        the period's loaded months), ``rate_per_1000`` (text, one decimal) and ``caveat`` (the plan
        file's note on the series). Every cell holds a value: a dash stands for none, never None.
    """
    rows = []
    for priority in plan.priorities:
        for figure in figures.get(priority.id, ()):
            progress = figure.progress
            rows.append(
                {
                    "priority": f"Priority {priority.number}: {priority.title}",
                    "indicator": figure.series.label,
                    "aim": AIMS[progress.direction],
                    "status": progress.status,
                    "status_label": progress.status_label,
                    "status_text": progress.status_text,
                    "change": progress.change_words,
                    "compared": progress.compared,
                    "comparison": progress.comparison,
                    "rule_text": progress.rule_text,
                    "incidents": int(figure.count),
                    "rate_per_1000": MISSING if figure.rate_per_1000 is None else f"{figure.rate_per_1000:.1f}",
                    "caveat": figure.series.notes or MISSING,
                }
            )
    frame = pd.DataFrame(rows, columns=PROGRESS_COLUMNS)
    frame["incidents"] = frame["incidents"].astype("int64")
    return frame


def progress_cells(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`progress_table` as the page shows it, in Markdown cells: each series with its aim and priority,
    its status badge (:func:`csp_data.plans.wording.rag_badge`) with the rule that set it, and its change."""
    return pd.DataFrame(
        {
            "police.uk series and priority": [
                f"{i} (aim: {a}), {p}" for i, a, p in zip(table["indicator"], table["aim"], table["priority"])
            ],
            "Status, and the rule that set it": [
                f"{rag_badge(s)} – {text.split(': ', 1)[1]}" for s, text in zip(table["status"], table["status_text"])
            ],
            "Change (95% interval) and the months compared": [
                c if m == MISSING else f"{c[:1].upper()}{c[1:]}; {m}"
                for c, m in zip(table["change"], table["compared"])
            ],
        }
    )
