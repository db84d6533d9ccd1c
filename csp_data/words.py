"""Words and numbers as every page, table, download and pack writes them.

One place for ordinals, file-name slugs and number formatting, so that "3rd", "1,234" and "12.5%"
look the same wherever they appear.
"""

from __future__ import annotations

import re


def ordinal(number: int) -> str:
    """'1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th'."""
    if isinstance(number, bool) or int(number) != number or number < 0:
        raise ValueError(f"ordinal needs a whole number of 0 or more, got {number!r}")
    number = int(number)
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def rank_phrase(rank: int, size: int, what: str = "rate", *, tied: bool = False) -> str:
    """'the highest rate', 'the 5th highest rate', 'the joint 2nd highest rate', 'the lowest rate' (1 = highest;
    never '1st highest')."""
    joint = "joint " if tied else ""
    if rank == 1:
        return f"the {joint}highest {what}"
    if rank == size and not tied:
        return f"the lowest {what}"
    return f"the {joint}{ordinal(rank)} highest {what}"


def rank_of(rank: int, size: int, *, tied: bool = False) -> str:
    """'5th highest of 14', 'highest of 2', 'lowest of 14' (:func:`rank_phrase`, short, for a table's cell)."""
    return f"{rank_phrase(rank, size, '', tied=tied).removeprefix('the ').strip()} of {size}"


def slug(text: str) -> str:
    """A name for files and keys: lower case, runs of anything but letters and digits as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def count(number: int) -> str:
    """A whole number with thousands separators: '14,201'."""
    return f"{int(number):,}"


def percent(share: float, decimals: int = 1) -> str:
    """A share (0.127) as a percentage to ``decimals`` places: '12.7%'. In words (``decimals=0``) a share that
    is not all or nothing never reads as '100%' or '0%': it gets one place ('99.9%' for 21,434 of 21,455),
    or else says so ('just under 100%', 'under 0.1%'). Tables keep one precision (``decimals`` as given)."""
    text = f"{share * 100:.{decimals}f}%"
    if decimals == 0 and 0 < share < 1 and text in ("0%", "100%"):
        text = f"{share * 100:.1f}%"
        if text == "100.0%":
            return "just under 100%"
        if text == "0.0%":
            return "under 0.1%"
    return text


def rate(value: float) -> str:
    """A rate per 1,000 to one decimal place: '88.7'."""
    return f"{value:,.1f}"


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def number_word(number: int) -> str:
    """'three' for 3 (as style guides write small numbers in prose); digits from 11."""
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else f"{number:,}"


def article(number: int) -> str:
    """'a' or 'an' before a number said aloud: an 8, an 11, an 18, an 80, an 800, an 18,000; a 1, a 100."""
    leading = f"{abs(number):,}".split(",")[0]
    return "an" if leading.startswith("8") or leading in ("11", "18") else "a"


def plural(number: int, word: str, plural_form: str | None = None) -> str:
    """'1 month', '4 months' (with thousands separators)."""
    return f"{number:,} {word if number == 1 else plural_form or word + 's'}"
