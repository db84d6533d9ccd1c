"""Folded sections whose content is built only when a visitor opens them.

A closed ``st.expander`` still sends its content, and the browser still draws it: a data grid behind a
chart cost a new visitor's browser about half a second to load and draw, and Seasonality's panel of
small charts about a second (bench/browser.py). A fold tracks whether it is open (opening it reruns
the page, whose figures are cached) and its content is made only then; anything a visitor needs
without opening it (a table's CSV download, say) stays outside.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from csp_data.words import slug

#: Session-state keys of folds start with this (tests open every fold by it).
FOLD_KEY_PREFIX = "fold-"


def fold(label: str, name: str | None = None) -> DeltaGenerator | None:
    """An expander labelled ``label`` (its key made from ``name``, or from the label when the page has one
    such label): the container to fill while it is open, ``None`` while it is closed."""
    box = st.expander(label, key=FOLD_KEY_PREFIX + slug(name or label), on_change="rerun")
    return box if box.open else None
