"""Text the PDF pack's fonts can draw.

A tagged PDF (PDF/UA-1) may not hold a character that no font draws, and Typst stops rather than print
an empty box: one emoji or one name in Chinese in a plan's text would stop every PDF pack. Before the
text is typeset, each character that none of the fonts Typst finds on this machine can draw becomes
:data:`STAND_IN` (a white square), and the pack says so; the Word pack keeps the text as written, since
Word draws it with the reader's own fonts. Characters that need no glyph (joiners, variation selectors,
direction marks, spaces) are kept.

Very long runs without a space (a web address in a plan's KPI name) are given places to break, so that
they wrap inside their table cell instead of running over the next column or off the page.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

log = logging.getLogger("csp_dashboard")

#: What stands for a character no font can draw (U+25A1 WHITE SQUARE, in DejaVu Sans and Typst's fonts).
STAND_IN = "\u25a1"
#: A run of this many characters without a space gets a place to break after every :data:`BREAK_EVERY`.
LONG_RUN = 30
BREAK_EVERY = 20
_BREAK = "\u200b"  # a zero-width space: a place to break that prints nothing
_LONG = re.compile(rf"\S{{{LONG_RUN},}}")
_NO_GLYPH_NEEDED = {"Cc", "Cf", "Zs", "Zl", "Zp"}  # controls, format characters (ZWJ, VS16, LRM...), spaces


@lru_cache(maxsize=1)
def drawable_characters() -> frozenset[int]:
    """The code points at least one font Typst finds on this machine can draw (read from the fonts'
    character maps once per process). Typst's own embedded fonts are not counted: their files are not
    on disk, and Liberation Sans and DejaVu Sans, which the pack asks for first, draw far more."""
    import typst
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    covered: set[int] = set()
    for info in typst.Fonts(include_embedded_fonts=False).fonts():
        if not info.path:
            continue
        try:
            if str(info.path).lower().endswith((".ttc", ".otc")):
                font = TTCollection(info.path, lazy=True).fonts[info.index]
            else:
                font = TTFont(info.path, lazy=True, fontNumber=info.index)
            table = font.getBestCmap() or {}
        except (OSError, TTLibError, IndexError, KeyError, AssertionError) as exc:
            log.warning("font %s could not be read (%s); its characters are not counted", info.path, exc)
            continue
        covered.update(table)
    return frozenset(covered)


def _needs_no_glyph(character: str) -> bool:
    return unicodedata.category(character) in _NO_GLYPH_NEEDED


def undrawable(text: str) -> list[str]:
    """The characters of ``text`` that no font can draw, each once, in order of first appearance."""
    covered = drawable_characters()
    found: dict[str, None] = {}
    for character in text:
        if ord(character) not in covered and not _needs_no_glyph(character):
            found.setdefault(character, None)
    return list(found)


def printable(text: str) -> str:
    """``text`` with every character no font can draw as :data:`STAND_IN` and a place to break in every
    long run without a space."""
    missing = undrawable(text)
    if missing:
        text = text.translate({ord(c): STAND_IN for c in missing})
    if len(text) >= LONG_RUN:
        text = _LONG.sub(_with_breaks, text)
    return text


def _with_breaks(found: re.Match) -> str:
    run = found.group(0)
    return _BREAK.join(run[i : i + BREAK_EVERY] for i in range(0, len(run), BREAK_EVERY))
