"""Tables on the page: a grid whose headings and number formats come from :mod:`csp_data.tables`, with
its CSV, or a sentence when there is nothing to show (never an empty grid or a download of nothing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from csp_data import tables
from csp_data.ui.downloads import download_table
from csp_data.ui.folds import fold

#: Columns of long text (lists of places, sentences): given the room of a wide column.
_WIDE = {"main_streets", "type_mix", "change"}
#: Columns of names, each sized to its longest name so that every name is read whole (the grid's own
#: sizing cut "Hoo St Werburgh & High Halstow").
_NAMES = {"ward", "ward_name", "location", "crime_type", "option", "answer", "name"}


def _name_width(values: pd.Series, heading: str) -> int:
    """Pixels for the longest of ``values`` (or the heading) in the grid's 14 px font, within 120-400."""
    longest = max([len(heading), *(len(str(v)) for v in values.dropna())])
    return int(min(max(24 + 7.3 * longest, 120), 400))


def column_config(
    frame: pd.DataFrame, labels: Mapping[str, str] | None = None, kinds: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, dict]:
    """The frame as the grid shows it (percentages as percent, p-values in words) and its column settings."""
    shown = frame.copy()
    config: dict = {}
    for name in shown.columns:
        spec = tables.column(str(name), labels, kinds)
        width = "medium" if name in _WIDE else _name_width(shown[name], spec.label) if name in _NAMES else None
        if spec.kind == tables.PERCENT:
            shown[name] = pd.to_numeric(shown[name], errors="coerce") * 100
            config[name] = st.column_config.NumberColumn(spec.label, help=spec.help, format="%.1f%%")
        elif spec.kind == tables.COUNT:
            config[name] = st.column_config.NumberColumn(spec.label, help=spec.help, format="localized")
        elif spec.kind == tables.RATE:
            config[name] = st.column_config.NumberColumn(spec.label, help=spec.help, format="%,.1f")
        elif spec.kind == tables.SCORE:
            config[name] = st.column_config.NumberColumn(spec.label, help=spec.help, format="%.2f")
        elif spec.kind == tables.YES_NO:
            config[name] = st.column_config.CheckboxColumn(spec.label, help=spec.help)
        elif spec.kind == tables.NUMBER or pd.api.types.is_numeric_dtype(shown[name].dtype):
            config[name] = st.column_config.NumberColumn(spec.label, help=spec.help)
        elif spec.kind == tables.P_VALUE:
            shown[name] = shown[name].map(tables.p_value_words)
            config[name] = st.column_config.TextColumn(spec.label, help=spec.help)
        elif spec.kind == tables.MONTH:
            config[name] = st.column_config.DateColumn(spec.label, help=spec.help, format="MMM YYYY")
        else:
            config[name] = st.column_config.TextColumn(spec.label, help=spec.help, width=width)
    return shown, config


def show_table(
    frame: pd.DataFrame,
    file_name: str | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    empty: str | None = None,
    hidden: Sequence[str] = (),
    columns: Sequence[str] | None = None,
    height: int | None = None,
    expander: str | None = None,
) -> None:
    """``frame`` as a grid with its CSV download (``file_name``), headings from ``labels`` or the shared
    ones, folded under ``expander`` when a title is given (a table behind a chart, drawn only while its
    fold is open: :func:`csp_data.ui.folds.fold`); when it has no rows, the sentence ``empty`` (if given)
    instead of an empty grid and button. ``hidden`` columns are left out of both; ``columns``, if given, are
    the ones the grid shows (in that order), the CSV keeping the rest."""
    if frame.empty:
        if empty:
            st.info(empty)
        return
    # With ``columns`` the grid holds the whole frame and shows those; the CSV leaves out ``hidden``.
    grid = frame if columns is not None else frame.drop(columns=list(hidden))
    frame = frame.drop(columns=list(hidden))
    place = fold(expander, f"{expander} {file_name or ''}") if expander else st
    if place is not None:  # a folded table is drawn only while its fold is open
        shown, config = column_config(grid, labels, kinds)
        place.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config=config,
            column_order=list(columns) if columns is not None else None,
            height=height or "auto",
        )
    if file_name:
        download_table(frame, file_name, labels=labels, kinds=kinds)
