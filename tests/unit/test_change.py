"""Honest change: the interval checked against values computed independently of the code."""

import math

import pytest

from csp_data.change import compare_counts, describe_change, interval_words


def normal_log_ratio_interval(a, b, z=1.959963984540054):
    ratio = a / b
    half = z * math.sqrt(1 / a + 1 / b)
    return ratio * math.exp(-half), ratio * math.exp(half)


def binomial_tail_upper(k, n, p):
    """P(X >= k) for X ~ Binomial(n, p), summed directly."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def bisect(f, lo, hi, target, iterations=200):
    for _ in range(iterations):
        mid = (lo + hi) / 2
        if (f(mid) - target) * (f(lo) - target) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def test_large_counts_match_the_log_ratio_interval():
    # The Strategic Assessment's 28,526 crimes against 31,198 the year before.
    change = compare_counts(28526, 31198)
    low, high = normal_log_ratio_interval(28526, 31198)
    assert change.ratio == pytest.approx(28526 / 31198)
    assert change.lower == pytest.approx(low, abs=1e-4)
    assert change.upper == pytest.approx(high, abs=1e-4)
    assert change.percent == pytest.approx(-8.5646, abs=1e-3)
    assert describe_change(change) == "fell by 9%, a real fall"
    assert interval_words(change) == "between a 10% fall and a 7% fall"


def test_small_counts_are_exact():
    # 3 against 12: the exact (Clopper-Pearson) bounds on p = a / (a + b), found by bisection on tail sums.
    a, b = 3, 12
    n = a + b
    p_low = bisect(lambda p: binomial_tail_upper(a, n, p), 1e-9, 1 - 1e-9, 0.025)
    p_high = bisect(lambda p: 1 - binomial_tail_upper(a + 1, n, p), 1e-9, 1 - 1e-9, 0.025)
    change = compare_counts(a, b)
    assert change.lower == pytest.approx(p_low / (1 - p_low), rel=1e-6)
    assert change.upper == pytest.approx(p_high / (1 - p_high), rel=1e-6)
    assert change.verdict == "fall"


def test_wording_follows_the_interval():
    assert describe_change(compare_counts(103, 100)) == "rose by 3%, within normal variation"
    assert describe_change(compare_counts(1300, 1000)) == "rose by 30%, a real rise"
    assert describe_change(compare_counts(1000, 1002)) == "was about the same, within normal variation"
    assert (
        describe_change(compare_counts(5, 0))
        == "cannot be given as a percentage: there were none in the previous period"
    )
    assert describe_change(compare_counts(0, 0)) == "none in either period"
    zero_now = compare_counts(0, 5)
    assert zero_now.lower == 0.0 and zero_now.verdict == "no_change_detected"


@pytest.mark.parametrize("bad", [-1, 2.5, True, "7"])
def test_bad_counts_are_refused(bad):
    with pytest.raises((ValueError, TypeError)):
        compare_counts(bad, 10)


def test_an_interval_end_just_off_no_change_is_not_called_no_change():
    """4,455 against 4,623: the interval's upper end is a rise of 0.4%, which read "no change", as though the
    interval stopped there; it reaches just past it, and says so."""
    change = compare_counts(4455, 4623)
    assert 1.0 < change.upper < 1.005 and 0.92 < change.lower < 0.93
    assert interval_words(change) == "between an 8% fall and a rise of under 1%"
    assert interval_words(compare_counts(4623, 4455)).startswith("between a fall of under 1% and ")
