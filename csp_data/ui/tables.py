"""Tables on the page: static, accessible HTML tables whose headings and number formats come from
:mod:`csp_data.tables`, each with its CSV, or a sentence when there is nothing to show (never an empty
table or a download of nothing).

A table is plain HTML (``st.html``): a ``<table>`` with column headings (``<th scope="col">``) and its
first column of names as each row's heading (``<th scope="row">``), which screen readers announce as they
move through the cells, which prints and zooms as text does, and which costs a visitor's browser a
fraction of an interactive grid (``bench/elements.py``). It sits in a labelled region that the keyboard
can reach and scroll when the table is wider than the screen, or longer than :data:`LONG` rows (its
headings then stay in view). Sorting and filtering are left to the CSV, which holds every row.

Each cell also carries its value as data (``data-value``, JSON) and each heading its column's name
(``data-name``), so that tests and scripts read the figures a table shows without parsing the text.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pyarrow as pa
import streamlit as st

from csp_data import tables
from csp_data.ui.downloads import download_table
from csp_data.ui.folds import fold
from csp_data.ui.markdown_html import inline_html

#: Tables with more rows than this scroll within a box of about this many rows, headings kept in view.
LONG = 30
#: Columns of long text (lists of places, sentences), and any column of text longer than 40 characters: given
#: room, so they do not wrap a word a line.
_WIDE = {"main_streets", "type_mix", "change"}
_NUMERIC = {tables.COUNT, tables.PERCENT, tables.RATE, tables.SCORE, tables.NUMBER}


def _missing(value: object) -> bool:
    """None, NaN, NA or NaT (a list of values is never missing)."""
    return value is None or (not isinstance(value, str | list | tuple) and bool(pd.isna(value)))


def _data_value(value: object) -> str:
    """``value`` as JSON: numbers, text, true/false, dates as ISO text, null for a missing value."""
    kind = type(value)  # the common cases first: a table writes one of these a cell
    if kind is str:
        return json.dumps(value)
    if kind is int:
        return str(value)
    if kind is float:
        return "null" if value != value else json.dumps(value)
    if isinstance(value, list | tuple):
        return json.dumps([str(v) for v in value])
    if _missing(value):
        return "null"
    if isinstance(value, pd.Timestamp | date):
        return json.dumps(value.isoformat())
    if hasattr(value, "item"):  # a NumPy number or bool
        value = value.item()
    return json.dumps(value if isinstance(value, int | float | bool | str) else str(value))


def _longest(values: list) -> int:
    """The length of the longest value of a column (its values as a list), as text."""
    return max((len(str(v)) for v in values if not _missing(v)), default=0)


def table_html(
    frame: pd.DataFrame | pa.Table,
    *,
    labels: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    name: str | None = None,
    formats: Mapping[str, str] | None = None,
    helps: Mapping[str, str] | None = None,
    markdown: bool = False,
) -> str:
    """``frame`` as an accessible HTML table (see the module's note), headings from ``labels`` or the
    shared ones; ``name`` names its region for screen readers (by default, its headings). A column named
    in ``formats`` is written by its printf-style format (:func:`csp_data.tables.printf_text`) instead of
    by its kind; ``helps`` adds to (or overrides) the columns' one-line explanations. With ``markdown``,
    text cells are the app's Markdown (bold, line breaks, status badges) and are drawn as such
    (:func:`csp_data.ui.markdown_html.inline_html`); their ``data-value`` keeps the Markdown."""
    formats, helps = formats or {}, helps or {}
    if isinstance(frame, pa.Table):  # the figures some pages cache as Arrow tables
        frame = frame.to_pandas()
    specs = [tables.column(str(c), labels, kinds) for c in frame.columns]
    columns = [frame[c].tolist() for c in frame.columns]  # Python values: far quicker to walk than pandas rows
    numeric = [
        spec.kind in _NUMERIC
        or c in formats
        or (spec.kind == tables.TEXT and pd.api.types.is_numeric_dtype(frame[c].dtype))
        for c, spec in zip(frame.columns, specs)
    ]
    kinds_shown = [
        tables.NUMBER if (spec.kind == tables.TEXT and is_number) else spec.kind
        for spec, is_number in zip(specs, numeric)
    ]
    classes = [
        ' class="num"' if is_number else ' class="wide"' if c in _WIDE or _longest(values) > 40 else ""
        for c, values, is_number in zip(frame.columns, columns, numeric)
    ]
    # Each row's heading: its first column of names or words (a ward, not its rank), else its first; names up
    # to 32 characters are kept on one line ("Hoo St Werburgh & High Halstow"), so the table's rows stay short.
    heading = next((i for i, is_number in enumerate(numeric) if not is_number), 0)
    first = frame.columns[heading]
    if not numeric[heading] and first not in _WIDE and 0 < _longest(columns[heading]) <= 32:
        classes[heading] = ' class="name"'
    head = "".join(
        f'<th scope="col" data-name="{html.escape(str(c))}"'
        + classes[i]
        + (f' title="{html.escape(helps.get(c) or spec.help)}"' if (helps.get(c) or spec.help) else "")
        + f">{html.escape(spec.label)}</th>"
        for i, (c, spec) in enumerate(zip(frame.columns, specs))
    )
    # Each column's opening tag and format, once (a pandas Index looked up a cell at a time cost more than the cells).
    opening = [f'<th scope="row"{classes[i]}' if i == heading else f"<td{classes[i]}" for i in range(len(columns))]
    closing = ["</th>" if i == heading else "</td>" for i in range(len(columns))]
    forms = [formats.get(c) for c in frame.columns]
    rows = []
    for values in zip(*columns):
        cells = []
        for i, value in enumerate(values):
            form = forms[i]
            if markdown and isinstance(value, str):
                text = inline_html(value)
            else:
                text = html.escape(tables.printf_text(value, form) if form else tables.cell_text(value, kinds_shown[i]))
            cells.append(f"{opening[i]} data-value='{html.escape(_data_value(value))}'>{text}{closing[i]}")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    region = name or "Table: " + ", ".join(spec.label for spec in specs)
    long = " csp-table-long" if len(frame) > LONG else ""
    return (
        f'<div class="csp-table{long}" role="region" aria-label="{html.escape(region)}" tabindex="0">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


@dataclass(frozen=True)
class DrawnTable:
    """A table's HTML (:func:`table_html`), written once where its figures are cached, so that a rerun only
    sends it (writing it takes a few milliseconds a table), and how many rows it has."""

    html: str
    rows: int


def drawn_table(frame: pd.DataFrame | pa.Table, **options) -> DrawnTable:
    """``frame`` as a :class:`DrawnTable`; ``options`` are :func:`table_html`'s."""
    return DrawnTable(table_html(frame, **options), len(frame))


def show_table(
    frame: pd.DataFrame,
    file_name: str | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    empty: str | None = None,
    hidden: Sequence[str] = (),
    columns: Sequence[str] | None = None,
    expander: str | None = None,
    name: str | None = None,
) -> None:
    """``frame`` as a table (:func:`table_html`) with its CSV download (``file_name``), headings from
    ``labels`` or the shared ones, folded under ``expander`` when a title is given (a table behind a chart,
    drawn only while its fold is open: :func:`csp_data.ui.folds.fold`); when it has no rows, the sentence
    ``empty`` (if given) instead of an empty table and button. ``hidden`` columns are left out of both;
    ``columns``, if given, are the ones the table shows (in that order), the CSV keeping the rest. ``name``
    names the table for a screen reader when the fold's label (Markdown) is not plain text; by default, the label."""
    if frame.empty:
        if empty:
            st.info(empty)
        return
    frame = frame.drop(columns=list(hidden))
    shown = frame[list(columns)] if columns is not None else frame
    place = fold(expander, f"{expander} {file_name or ''}") if expander else st
    if place is not None:  # a folded table is drawn only while its fold is open
        place.html(table_html(shown, labels=labels, kinds=kinds, name=name or expander))
    if file_name:
        download_table(frame, file_name, labels=labels, kinds=kinds)
