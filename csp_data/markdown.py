"""Text from a partnership's files (plans, survey files, an uploaded file quoted in a message, a signed-in
address) as Markdown that Streamlit shows exactly as written: never a link, picture, heading, badge or icon."""

from __future__ import annotations

import re

#: The marks that can make Markdown of plain text, each only where it can (so ordinary text is left exactly as
#: it is): a backslash before punctuation, a line break or the end (where it would escape what follows);
#: code, emphasis, maths, strike-through and table marks; an underscore at the edge of a word; "](", "][" and
#: "]:" (a link, picture or link definition); "<" before a tag or address; the colons of Streamlit's emoji,
#: icons, logo, coloured text and badges (":smile:", ":material/home:", ":red[...]"); an entity ("&amp;");
#: at the start of a line, a heading, quote, list item, rule, the line under a heading or a block directive
#: ("::name", ":::name"); and "#"s ending a line, which a heading would drop as its closing marks.
_MARKDOWN_SPECIAL = re.compile(
    r"\\(?=[!-/:-@\[-`{-~\n]|\Z)"
    r"|[`*$~|]"
    r"|(?<![^\W_])_|_(?![^\W_])"
    r"|\](?=[(\[:])"
    r"|<(?=[A-Za-z/!?])"
    r"|:[A-Za-z0-9_+-][\w+-]*:"
    r"|:(?=material/|[A-Za-z0-9_+-][\w+-]*[\[{])"
    r"|&(?=#?\w+;)"
    r"|(?m:^[ \t]*(?:#{1,6}(?=[ \t]|$)|>|[-+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|[-=](?=[-= \t]*$)))"
    r"|(?m:(?<=[ \t])#(?=#*[ \t]*$))"
    r"|(?m:^[ \t]*:(?=:+[A-Za-z]))"
)


def markdown_text(text: str) -> str:
    """Plain text as Markdown that shows it as it is: no part of it becomes emphasis, a link, a picture, a
    heading, a list, a rule, a table, maths, an emoji, an icon or a badge. A backslash goes before each mark
    that could start one, where it could (a colon as the character reference ``&#58;``, which Streamlit's emoji,
    icon and logo rules do not read as a colon: tried in Streamlit itself, tests/browser); other text is left
    exactly as it is. A bare web or email address is still shown as a link to itself."""
    return _MARKDOWN_SPECIAL.sub(_escaped, _lines(text))


def _lines(text) -> str:
    """``text`` with its line breaks as ``\n``: Markdown breaks lines at a lone CR too, Python's ``^`` not."""
    return str(text).replace("\r\n", "\n").replace("\r", "\n")


def _escaped(found: re.Match) -> str:
    mark = found.group()  # one mark, a line's indent and its mark ("  #", "12."), or ":name:"
    if mark == ":":  # before "material/", "red[" or "name{": Streamlit reads those from the first colon
        return "&#58;"
    if mark.startswith(":"):  # ":smile:", ":streamlit:": its emoji and logo rules need the last colon
        return mark[:-1] + "&#58;"
    return mark[:-1] + "\\" + mark[-1]


_CODE_SPAN = re.compile(r"(`[^`\n]+`)")


def markdown_text_keeping_code(text: str) -> str:
    """:func:`markdown_text`, but a `command` between backticks stays a code span (whose text Markdown shows as
    written anyway): for messages that name a command to run and may quote what a file holds."""
    parts = _CODE_SPAN.split(_lines(text))
    return "".join(part if _CODE_SPAN.fullmatch(part) else markdown_text(part) for part in parts)


_BARE_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]])")  # a bracket after no backslash, or after escaped ones


def markdown_link_text(text: str) -> str:
    """:func:`markdown_text` for the text of a link (``[text](#anchor)``): every bracket escaped too, since one
    left bare would end the link's text early (a ward named "… ]" showed the link's Markdown as written), and its
    spaces and line breaks made one space, since a blank line would end it too. The whole text is escaped first,
    so that Streamlit's own marks (":red[…]") are escaped as they are anywhere else."""
    return _BARE_BRACKET.sub(r"\1\\\2", markdown_text(" ".join(str(text).split())))
