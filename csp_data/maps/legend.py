"""Map legends as HTML, one way for every map: a heading, then a colour swatch per class with its label
and, in grey, how many it holds; then any outline marks (a ring, a coloured outline) and what they mean.
Labels are escaped here. The swatches are decorative (``aria-hidden``): the labels carry the meaning."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

_ITEM = "<li style='list-style:none;margin:0 0 6px 0'>"
_SWATCH = (
    "display:inline-block;width:18px;height:14px;vertical-align:middle;background:{colour};"
    "border:1px solid #444;margin-right:6px"
)
_RING = (
    "display:inline-block;width:16px;height:16px;vertical-align:middle;border:2.5px solid #000;"
    "border-radius:50%;margin-right:6px"
)
_OUTLINE = (
    "display:inline-block;width:14px;height:10px;vertical-align:middle;border:3px solid {colour};margin-right:6px"
)


def _note(note: str | None) -> str:
    return f" <span style='color:#555'>({escape(note)})</span>" if note else ""


def legend_html(
    title: str,
    swatches: Iterable[tuple[str, str, str | None]],
    marks: Iterable[tuple[str, str, str | None]] = (),
) -> str:
    """The legend of a map.

    Parameters
    ----------
    title : str
    swatches : iterable of (colour, label, note)
        ``'#rrggbb'``, the class's label and an optional note such as ``'3 wards'``.
    marks : iterable of (mark, label, note)
        ``mark`` is ``'ring'`` (a black ring) or an outline colour ``'#rrggbb'``.
    """
    items = [
        f"{_ITEM}<span aria-hidden='true' style='{_SWATCH.format(colour=colour)}'></span>{escape(label)}{_note(note)}</li>"
        for colour, label, note in swatches
    ]
    for mark, label, note in marks:
        style = _RING if mark == "ring" else _OUTLINE.format(colour=mark)
        items.append(f"{_ITEM}<span aria-hidden='true' style='{style}'></span>{escape(label)}{_note(note)}</li>")
    return (
        f"<div role='group' aria-label='Map legend'><p style='font-weight:600;margin-bottom:6px'>{escape(title)}</p>"
        f"<ul style='padding-left:0;margin:0'>{''.join(items)}</ul></div>"
    )
