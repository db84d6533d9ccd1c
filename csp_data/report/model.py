"""The scrutiny pack as plain data: a cover, then sections of headings, paragraphs, lists, tables and
pictures. :mod:`csp_data.report.content` builds it; :mod:`csp_data.report.pdf` and
:mod:`csp_data.report.docx` lay the same model out, so the two documents always say the same thing.

Every text value here is plain text (never markup): each writer escapes it for its own format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from csp_data.periods import Period

# C0 and C1 control characters other than tab and newline: neither format can show them, and an
# XML document (DOCX) cannot even hold most of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(value) -> str:
    """``value`` as text a document can hold: control characters dropped, missing values as ''."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _CONTROL.sub("", str(value))


@dataclass(frozen=True)
class Heading:
    """A heading inside a section (the section's own heading is level 1; these are level 2)."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``style`` is ``"body"``, ``"lead"`` (a larger opening line) or ``"note"`` (small print)."""

    text: str
    style: str = "body"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows, already formatted as text, under display column names (the header row).
    caption : str
        What the table shows, said above it.
    widths : tuple of float, optional
        Relative column widths (e.g. ``(2, 5, 2)``); equal widths when not given.
    numeric : tuple of str
        Columns of figures, aligned right.
    note : str
        Small print under the table.
    grouped : bool
        Rows whose first cell is empty continue the row above (a question and its answers): no rule
        is drawn between them.
    style : str
        ``"data"`` (the default), or ``"glance"`` for the few key figures of the cover, set larger.
    """

    frame: pd.DataFrame
    caption: str = ""
    widths: tuple[float, ...] | None = None
    numeric: tuple[str, ...] = ()
    note: str = ""
    grouped: bool = False
    style: str = "data"

    def cells(self) -> list[list[str]]:
        """The rows as lists of cleaned text."""
        return [[clean_text(v) for v in row] for row in self.frame.itertuples(index=False, name=None)]

    @property
    def headers(self) -> list[str]:
        return [clean_text(c) for c in self.frame.columns]


@dataclass(frozen=True)
class Image:
    """A chart as a PNG picture, with its text alternative and caption.

    ``width`` is the share of the text width the picture takes; ``pixels`` its size in pixels.
    """

    png: bytes
    alt: str
    caption: str
    width: float = 1.0
    pixels: tuple[int, int] = (0, 0)


Block = Heading | Paragraph | Bullets | Table | Image


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Pack:
    """A whole scrutiny pack.

    Attributes
    ----------
    title : str
        The document's title ("Medway community safety: scrutiny pack").
    area_name, period_title, span_label : str
        The area's full name, the period as a reader names it and its months.
    coverage : str
        How complete the period's data are ("12 of 12 months loaded").
    made : date
        The day the pack was made.
    cover : list of Block
        What the cover holds under the title: the key figures at a glance.
    sections : list of Section
        The body, in order.
    """

    title: str
    area_name: str
    short_name: str
    period_title: str
    span_label: str
    coverage: str
    made: date
    cover: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def document_title(self) -> str:
        """The title a file list or screen reader announces: 'Medway community safety scrutiny pack: Calendar year 2025'."""
        return f"{self.short_name} {self.title[:1].lower()}{self.title[1:]}: {self.period_title}"

    def texts(self) -> Iterator[str]:
        """Every piece of text in the pack (for the glossary's search and for tests)."""
        yield from (self.title, self.area_name, self.period_title, self.span_label, self.coverage)
        for block in self.cover:
            yield from block_texts(block)
        for section in self.sections:
            yield section.heading
            for block in section.blocks:
                yield from block_texts(block)


def block_texts(block: Block) -> Iterator[str]:
    if isinstance(block, Heading | Paragraph):
        yield block.text
    elif isinstance(block, Bullets):
        yield from block.items
    elif isinstance(block, Table):
        yield from (block.caption, block.note, *block.headers)
        for row in block.cells():
            yield from row
    elif isinstance(block, Image):
        yield from (block.caption, block.alt)


def period_title(period: Period) -> str:
    """A period as a reader names it: 'Calendar year 2025', or 'Jan 2025 to Jun 2025' for months chosen."""
    return period.span_label if period.label.startswith("Custom") else period.label


def title_with_span(title: str, span: str) -> str:
    """'Calendar year 2025 (Jan 2025 to Dec 2025)'; the span once when it is the title (months chosen)."""
    return title if title == span else f"{title} ({span})"


def made_label(day: date) -> str:
    """'30 November 2026'."""
    return f"{day.day} {day:%B %Y}"
