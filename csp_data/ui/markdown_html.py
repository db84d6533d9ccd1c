"""The app's Markdown (as its pages write it for Streamlit) as HTML, for text drawn inside HTML tables.

Table cells that carry a status are written in the Markdown Streamlit's own elements take: bold, line
breaks, backslash escapes of text from the area's files (:func:`csp_data.markdown.markdown_text`) and
Streamlit's coloured badges (``:green-badge[✔ Green]``). :func:`inline_html` turns such a cell into HTML
with markdown-it-py (CommonMark; raw HTML in the text is shown as text, never kept as markup) and a rule
of ours for the badges, which become ``<span class="csp-badge csp-badge-green">``; their colours are in
:mod:`csp_data.ui.theme`'s stylesheet.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it-py is imported when a first cell is drawn (about 40 ms), not at start-up
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

#: The colours Streamlit's badges take (``:<colour>-badge[...]``).
BADGE_COLOURS = ("red", "orange", "yellow", "green", "blue", "violet", "gray", "grey", "primary")
_BADGE = re.compile(r":(" + "|".join(BADGE_COLOURS) + r")-badge\[")


def _badge(state: StateInline, silent: bool) -> bool:
    """``:colour-badge[text]``: a span around the text's own inline Markdown."""
    if state.src[state.pos] != ":":
        return False
    found = _BADGE.match(state.src, state.pos, state.posMax)
    if found is None:
        return False
    label_start = found.end() - 1  # the "["
    label_end = state.md.helpers.parseLinkLabel(state, label_start)
    if label_end < 0:
        return False
    if not silent:
        outer_max = state.posMax
        token = state.push("badge_open", "span", 1)
        token.attrs = {"class": f"csp-badge csp-badge-{found.group(1)}"}
        state.pos, state.posMax = label_start + 1, label_end
        state.md.inline.tokenize(state)
        state.push("badge_close", "span", -1)
        state.posMax = outer_max
    state.pos = label_end + 1
    return True


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False})
    parser.inline.ruler.before("link", "badge", _badge)
    return parser


def inline_html(text: str) -> str:
    """One cell's Markdown as inline HTML (no enclosing paragraph)."""
    return _parser().renderInline(text).strip()
