"""Text the PDF pack's fonts can draw.

A tagged PDF (PDF/UA-1) may not hold a character that no font draws, and Typst stops rather than print
an empty box: one emoji or one name in Chinese in a plan's text would stop every PDF pack. Before the
text is typeset, each character that none of the fonts Typst finds on this machine can draw becomes
:data:`STAND_IN` (a white square), and the pack says so; the Word pack keeps the text as written, since
Word draws it with the reader's own fonts. Characters that need no glyph (joiners, variation selectors,
direction marks, spaces) are kept.

Very long runs without a space (a web address in a plan's KPI name) are given places to break (zero-width
spaces, after its slashes, hyphens and dots, else every 20 characters), so that they wrap inside their table
cell instead of running over the next column or off the page. A reader copying such a run from the PDF gets
those invisible spaces too; the Word pack has none.
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
    """The characters of ``text`` that no font can draw, each once, in order of first appearance. None
    when no font file could be read at all (Typst then sets the text in its own fonts, as it would anyway)."""
    covered = drawable_characters()
    if not covered:
        return []
    found: dict[str, None] = {}
    for character in text:
        if ord(character) not in covered and not _needs_no_glyph(character):
            found.setdefault(character, None)
    return list(found)


def printable(text: str, breaks: bool = True) -> str:
    """``text`` with every character no font can draw as :data:`STAND_IN` and (with ``breaks``: text on the
    page, not the document's metadata) a place to break in every long run without a space."""
    missing = undrawable(text)
    if missing:
        text = text.translate({ord(c): STAND_IN for c in missing})
    if breaks and len(text) >= LONG_RUN:
        text = _LONG.sub(_with_breaks, text)
    return text


def _joins_the_one_before(character: str) -> bool:
    """A mark, joiner, variation selector or skin tone: part of the character before it, never split from it."""
    code = ord(character)
    return (
        unicodedata.category(character) in ("Mn", "Me", "Mc", "Cf", "Sk") and code not in (0x200B,)
    ) or 0x1F3FB <= code <= 0x1F3FF


def _with_breaks(found: re.Match) -> str:
    """A place to break after each '/', '-', '.' or '_' of a long run (where an address breaks naturally),
    and after every :data:`BREAK_EVERY` characters without one; never inside a character and its marks."""
    run, pieces, since_break = found.group(0), [], 0
    for index, character in enumerate(run):
        pieces.append(character)
        since_break += 1
        following = run[index + 1] if index + 1 < len(run) else ""
        if not following or _joins_the_one_before(following):
            continue
        if character in "/-._" or since_break >= BREAK_EVERY:
            pieces.append(_BREAK)
            since_break = 0
    return "".join(pieces)
