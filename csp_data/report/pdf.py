"""The scrutiny pack as a PDF, typeset by Typst (the ``typst`` package: a self-contained engine, no
system libraries, no network).

The pack (:mod:`csp_data.report.model`) becomes Typst source in which every text value is a Typst
*string literal* (``"..."`` with ``\\`` and ``"`` escaped), never markup: text from an area file such as
``*bold* #set $x$ <label> @ref ]`` is printed as written and cannot change the document. The PDF is
tagged for accessibility (PDF/UA-1: title, language en-GB, headings, table headers, text alternatives),
on A4, with a running header (area and period), page numbers, and table header rows repeated on every
page a table runs over.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from csp_data.report.glyphs import STAND_IN, printable, undrawable
from csp_data.report.model import (
    Block,
    Bullets,
    Heading,
    Image,
    Pack,
    Paragraph,
    Table,
    clean_text,
    made_label,
    title_with_span,
)

#: Fonts in order of preference. Liberation Sans (Debian's fonts-liberation, which the Makefile installs)
#: is metric-compatible with Arial; DejaVu Sans holds the RAG symbols; Typst's own fonts are the fallback.
FONTS = ("Liberation Sans", "Arial", "DejaVu Sans")
ACCENT = "#0b3c5d"  # dark blue: 11:1 contrast on white
HEADER_FILL = "#e6edf3"

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def typst_string(value, breaks: bool = True) -> str:
    """``value`` as a Typst string literal: printed exactly as written, whatever characters it holds
    (but those no font can draw, which :func:`csp_data.report.glyphs.printable` shows as a square), with
    places to break in long runs unless ``breaks`` is false (the document's title and author)."""
    return '"' + "".join(_ESCAPES.get(c, c) for c in printable(clean_text(value), breaks)) + '"'


def _array(values) -> str:
    items = [typst_string(v) for v in values]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


PREAMBLE = """
#let accent = rgb("{accent}")
#set text(lang: "en", region: "GB", font: {fonts}, size: 10pt, fill: rgb("#1a1a1a"))
#set par(justify: false, leading: 0.62em, spacing: 1em)
#set page(
  paper: "a4",
  margin: (top: 2.4cm, bottom: 2.1cm, x: 1.9cm),
  header: context {{
    if here().page() > 1 {{
      set text(size: 8pt, fill: luma(80))
      grid(columns: (1fr, 1fr), column-gutter: 1em, align: (left, right), {header_left}, {header_right})
      v(-0.5em)
      line(length: 100%, stroke: 0.4pt + luma(170))
    }}
  }},
  footer: context {{
    set text(size: 8pt, fill: luma(80))
    align(center, [Page #counter(page).display() of #counter(page).final().first()])
  }},
)
#set heading(numbering: none)
#show heading.where(level: 1): it => {{
  v(0.8em)
  block(below: 0.9em, sticky: true, {{
    set text(size: 16pt, weight: "bold", fill: accent)
    it.body
    v(-0.35em)
    line(length: 100%, stroke: 1pt + accent)
  }})
}}
#show heading.where(level: 2): it => block(above: 1.3em, below: 0.7em, sticky: true,
  text(size: 12pt, weight: "bold", fill: accent, it.body))
#show figure.caption: set text(size: 9pt, fill: luma(60))
#set list(indent: 0.4em, body-indent: 0.5em, spacing: 0.75em)
#show outline.entry.where(level: 1): set block(above: 0.7em)

#let lead(body) = block(below: 1em, text(size: 11pt, body))
#let note(body) = block(above: 0.6em, below: 1.1em, text(size: 8.5pt, fill: luma(60), body))
#let caption-line(body) = block(above: 1em, below: 0.45em, sticky: true, text(size: 9.5pt, weight: "bold", body))
#let data-table(widths, aligns, header, rows, rules: none, size: 8.5pt, strong-last: false) = block(below: 0.9em, {{
  set text(size: size)
  set par(leading: 0.5em)
  let last = widths.len() - 1
  table(
    columns: widths.map(w => w * 1fr),
    align: (x, y) => aligns.at(x) + top,
    inset: (x: 4.5pt, y: if size > 9pt {{ 5.5pt }} else {{ 4pt }}),
    stroke: (x, y) => if rules == none or y == 0 or y in rules {{ (bottom: 0.4pt + luma(190)) }},
    fill: (x, y) => if y == 0 {{ rgb("{header_fill}") }},
    table.header(..header.map(h => text(weight: "bold", h))),
    ..rows.enumerate().map(((i, row)) => row.enumerate().map(((x, cell)) =>
      if strong-last and x == last {{ text(weight: "bold", cell) }} else {{ cell }})).flatten(),
  )
}})
"""


def _rules(table: Table) -> str:
    """The rows (numbered as Typst numbers them, the header 0) under which a rule is drawn: the last row of
    each group, when rows are grouped; every row otherwise."""
    if not table.grouped:
        return "none"
    cells = table.cells()
    ends = [i + 1 for i in range(len(cells)) if i + 1 == len(cells) or cells[i + 1][0]]
    return "(" + ", ".join(map(str, ends)) + ("," if len(ends) == 1 else "") + ")"


def _table(table: Table) -> str:
    headers = table.headers
    widths = table.widths or (1,) * len(headers)
    aligns = ["right" if h in table.numeric else "left" for h in table.frame.columns]
    rows = "(" + ", ".join(_array(row) for row in table.cells()) + ("," if len(table.frame) == 1 else "") + ")"
    glance = table.style == "glance"
    options = f"rules: {_rules(table)}" + (", size: 10.5pt, strong-last: true" if glance else "")
    parts = []
    if table.caption:
        parts.append(f"#caption-line({typst_string(table.caption)})")
    parts.append(
        f"#data-table(({', '.join(str(float(w)) for w in widths)},), ({', '.join(aligns)},), {_array(headers)}, "
        f"{rows}, {options})"
    )
    if table.note:
        parts.append(f"#note({typst_string(table.note)})")
    return "\n".join(parts)


def _block(block: Block, images: dict[int, str]) -> str:
    if isinstance(block, Heading):
        return f"#heading(level: 2, {typst_string(block.text)})"
    if isinstance(block, Paragraph):
        if block.style == "lead":
            return f"#lead({typst_string(block.text)})"
        if block.style == "note":
            return f"#note({typst_string(block.text)})"
        return f"#par({typst_string(block.text)})"
    if isinstance(block, Bullets):
        return f"#list(..{_array(block.items)})"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Image):
        name = images[id(block)]
        return (
            f"#figure(image({typst_string(name)}, width: {block.width * 100:.1f}%, alt: {typst_string(block.alt)}), "
            f"caption: {typst_string(block.caption)}, supplement: [Chart])"
        )
    raise TypeError(f"the pack holds a block the PDF cannot show: {type(block).__name__}")


def _texts(value) -> Iterator[str]:
    """Every piece of text in ``value`` (the pack, its blocks, their tables' headings and cells)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, pd.DataFrame):
        yield from (str(c) for c in value.columns)
        yield from (clean_text(v) for v in value.to_numpy().ravel())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _texts(getattr(value, item.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def stand_in_note(pack: Pack) -> str:
    """The cover's note when some of the pack's text holds characters its fonts cannot draw; else ''."""
    missing = undrawable("".join(_texts(pack)))
    if not missing:
        return ""
    return (
        f"Some characters in this pack (such as emoji, or letters its fonts do not hold) are shown as {STAND_IN}. "
        "The Word version of the pack shows them as written."
    )


def _cover(pack: Pack, images: dict[int, str]) -> str:
    note = stand_in_note(pack)
    lines = [
        "#block(width: 100%, fill: accent, inset: (x: 16pt, y: 18pt), radius: 2pt, {",
        "  set text(fill: white)",
        f"  text(size: 11pt, {typst_string(pack.area_name)})",
        "  v(0.3em)",
        # The document's title as its first heading (tagged H1 for a screen reader), kept out of the contents.
        '  show heading: it => text(size: 26pt, weight: "bold", it.body)',
        f"  heading(level: 1, outlined: false, bookmarked: false, {typst_string(pack.title)})",
        "  v(0.2em)",
        f"  text(size: 14pt, {typst_string(pack.period_title)})",
        "})",
        "#v(0.6em)",
        "#grid(columns: (auto, 1fr), column-gutter: 1.2em, row-gutter: 0.55em,",
        f'  text(weight: "bold", "Months"), {typst_string(pack.span_label)},',
        f'  text(weight: "bold", "Data coverage"), {typst_string(pack.coverage)},',
        f'  text(weight: "bold", "Made on"), {typst_string(made_label(pack.made))},',
        '  text(weight: "bold", "Prepared for"), "Councillors at Overview and Scrutiny",',
        ")",
        "#v(0.6em)",
    ]
    if note:
        lines.append(_block(Paragraph(note, style="note"), images))
    lines += [_block(block, images) for block in pack.cover]
    lines += [
        "#v(0.4em)",
        '#outline(title: text(size: 12pt, fill: accent, "Contents"), depth: 1, indent: 0em)',
        "#pagebreak()",
    ]
    return "\n".join(lines)


def image_files(pack: Pack) -> dict[int, tuple[str, bytes]]:
    """Each picture of the pack (by ``id``) with the file name the Typst source gives it, in order."""
    blocks = list(pack.cover) + [b for s in pack.sections for b in s.blocks]
    pictures = [b for b in blocks if isinstance(b, Image)]
    return {id(p): (f"chart-{number}.png", p.png) for number, p in enumerate(pictures, start=1)}


def pack_markup(pack: Pack) -> str:
    """The Typst source of the whole pack (pictures named as :func:`image_files` names them)."""
    images = {key: name for key, (name, _) in image_files(pack).items()}
    year, month, day = pack.made.year, pack.made.month, pack.made.day
    head = (
        f"#set document(title: {typst_string(pack.document_title, breaks=False)}, "
        f"author: {typst_string(pack.area_name, breaks=False)}, date: datetime(year: {year}, month: {month}, day: {day}))\n"
    )
    preamble = PREAMBLE.format(
        accent=ACCENT,
        header_fill=HEADER_FILL,
        fonts=_array(FONTS),
        header_left=typst_string(pack.area_name),
        header_right=typst_string(f"Scrutiny pack: {title_with_span(pack.period_title, pack.span_label)}"),
    )
    body = [_cover(pack, images)]
    for section in pack.sections:
        body.append(f"#heading(level: 1, {typst_string(section.heading)})")
        body += [_block(block, images) for block in section.blocks]
    return head + preamble + "\n\n".join(body) + "\n"


def render_pdf(pack: Pack) -> bytes:
    """The pack as PDF bytes (PDF/UA-1, tagged)."""
    import typst

    with tempfile.TemporaryDirectory(prefix="csp-pack-") as folder:
        root = Path(folder)
        for name, png in image_files(pack).values():
            (root / name).write_bytes(png)
        (root / "pack.typ").write_text(pack_markup(pack), encoding="utf-8")
        made = datetime(pack.made.year, pack.made.month, pack.made.day, tzinfo=UTC)
        return typst.compile(str(root / "pack.typ"), root=str(root), timestamp=made, pdf_standards=["ua-1"])
