"""'a' or 'an' before a figure, as it is said aloud, and in the 95% interval's words."""

from __future__ import annotations

import pytest

from csp_data import words
from csp_data.change import Change, interval_words
from csp_data.words import article


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, "a"),
        (7, "a"),
        (8, "an"),
        (10, "a"),
        (11, "an"),
        (12, "a"),
        (18, "an"),
        (19, "a"),
        (80, "an"),
        (89, "an"),
        (100, "a"),
        (110, "a"),
        (118, "a"),
        (800, "an"),
        (1_100, "a"),
        (8_000, "an"),
        (11_000, "an"),
        (18_500, "an"),
        (111_000, "a"),
        (800_000, "an"),
    ],
)
def test_the_article_before_a_number(number, expected):
    assert article(number) == expected


def test_the_interval_says_an_18_percent_fall():
    change = Change(current=85, previous=100, ratio=0.85, lower=0.82, upper=0.89)
    assert interval_words(change) == "between an 18% fall and an 11% fall"
    # A lower end of -0.2% is a fall of under 1%, not "no change": the interval spans no change, and says so.
    change = Change(current=108, previous=100, ratio=1.08, lower=0.998, upper=1.29)
    assert interval_words(change) == "between a fall of under 1% and a 29% rise"
    change = Change(current=100, previous=100, ratio=1.0, lower=1.0, upper=1.29)
    assert interval_words(change) == "between no change and a 29% rise"


@pytest.mark.parametrize(
    ("share", "decimals", "expected"),
    [
        (21434 / 21455, 0, "99.9%"),  # the top wards' share of a year: not "100%"
        (0.454, 0, "45%"),
        (1.0, 0, "100%"),
        (0.0, 0, "0%"),
        (0.004, 0, "0.4%"),
        (0.0004, 0, "under 0.1%"),
        (0.9999995, 0, "just under 100%"),
        (0.127, 1, "12.7%"),
        (0.9996, 1, "100.0%"),  # a table keeps one precision
    ],
)
def test_a_share_that_is_not_all_or_nothing_never_reads_as_100_or_0(share, decimals, expected):
    assert words.percent(share, decimals) == expected
