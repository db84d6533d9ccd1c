"""Honest change: the ratio of two counts with a 95% confidence interval, and words that follow it.

Every page that states a change uses :func:`compare_counts` and :func:`describe_change`, so a rise
is only called real when chance alone would rarely produce it.

Method: recorded counts are treated as Poisson. Given the total ``n = current + previous`` over two
periods of equal length, ``current`` is binomial with ``p = ratio / (1 + ratio)``; the exact
Clopper–Pearson interval for ``p`` turns into an interval for the ratio. It is exact for small counts
(and defined when one count is zero), and for large counts agrees with the familiar
``exp(log(ratio) ± 1.96 * sqrt(1/current + 1/previous))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import beta

from csp_data.words import article

Z_95 = 1.959963984540054  # the 97.5th centile of the standard normal distribution, for normal-based 95% intervals


@dataclass(frozen=True)
class Change:
    """A comparison of two counts over periods of equal length."""

    current: int
    previous: int
    ratio: float | None  # current / previous; None when previous is 0
    lower: float | None  # 95% interval for the ratio
    upper: float | None
    level: float = 0.95

    @property
    def percent(self) -> float | None:
        """Change as a percentage of the previous count (-9.0 for a 9% fall)."""
        return None if self.ratio is None else (self.ratio - 1.0) * 100.0

    @property
    def verdict(self) -> str:
        """'rise', 'fall' (the interval excludes no change), 'no_change_detected', or 'no_basis'."""
        if self.ratio is None or self.lower is None:
            return "no_basis"
        if self.lower > 1.0:
            return "rise"
        if self.upper is not None and self.upper < 1.0:
            return "fall"
        return "no_change_detected"


def compare_counts(current: int, previous: int, level: float = 0.95) -> Change:
    """Compare two counts from periods of equal length.

    Parameters
    ----------
    current, previous : int
        Non-negative counts.
    level : float
        Confidence level of the interval, between 0 and 1.

    Raises
    ------
    ValueError
        For negative or non-integer counts or a level outside (0, 1).
    """
    for name, value in (("current", current), ("previous", previous)):
        if isinstance(value, bool) or int(value) != value or value < 0:
            raise ValueError(f"{name} should be a whole number of incidents, got {value!r}")
    if not 0 < level < 1:
        raise ValueError(f"level should be between 0 and 1, got {level!r}")
    current, previous = int(current), int(previous)
    if previous == 0:
        return Change(current, previous, None, None, None, level)
    alpha = 1 - level
    p_low = 0.0 if current == 0 else beta.ppf(alpha / 2, current, previous + 1)
    p_high = 1.0 if previous == 0 else beta.ppf(1 - alpha / 2, current + 1, previous)
    lower = p_low / (1 - p_low)
    upper = math.inf if p_high >= 1 else p_high / (1 - p_high)
    return Change(current, previous, current / previous, float(lower), float(upper), level)


def _percent_words(value: float) -> str:
    rounded = round(abs(value))
    return "less than 1%" if rounded == 0 else f"{rounded:,}%"


def describe_change(change: Change) -> str:
    """Plain words for a change: 'fell by 9%, a real fall' or 'rose by 3%, within normal variation'."""
    if change.verdict == "no_basis":
        if change.current == 0:
            return "none in either period"
        return "cannot be given as a percentage: there were none in the previous period"
    percent = change.percent
    if round(percent) == 0 and change.verdict == "no_change_detected":
        return "was about the same, within normal variation"
    direction = "rose" if percent > 0 else "fell"
    amount = f"{direction} by {_percent_words(percent)}"
    if change.verdict == "rise":
        return f"{amount}, a real rise"
    if change.verdict == "fall":
        return f"{amount}, a real fall"
    return f"{amount}, within normal variation"


def interval_words(change: Change) -> str:
    """The 95% interval as percentages: 'between a 10% fall and a 7% fall'."""
    if change.lower is None:
        return ""

    def as_words(ratio: float) -> str:
        if math.isinf(ratio):
            return "no upper limit"
        percent = (ratio - 1.0) * 100.0
        if ratio == 1.0:
            return "no change"
        if round(percent) == 0:  # +0.4% is not "no change": the interval would seem to touch it
            return f"{'a rise' if percent > 0 else 'a fall'} of under 1%"
        return f"{article(round(abs(percent)))} {_percent_words(percent)} {'rise' if percent > 0 else 'fall'}"

    return f"between {as_words(change.lower)} and {as_words(change.upper)}"


def chance_note(tested: int, things: str) -> str:
    """A sentence for a table or map that calls each of many changes real or not at 95%: about one in 20 of
    them can look real by chance alone, so one place's real change is read with care (the Hotspots page
    corrects its own many tests; these are shown one by one)."""
    if tested < 2:
        return ""
    return (
        f"Each of the {tested:,} {things} is tested on its own at 95%, so about one in 20 can show a real change "
        "by chance alone even when nothing has changed: read a single one with care."
    )
