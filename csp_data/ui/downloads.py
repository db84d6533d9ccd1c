"""Downloads: every table behind a chart as CSV, as :func:`csp_data.tables.csv_bytes` writes them."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from csp_data.tables import csv_bytes


def download_table(
    frame: pd.DataFrame,
    file_name: str,
    label: str = "Download this table (CSV)",
    *,
    labels: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> None:
    """A button that downloads ``frame`` as CSV with readable headings and sensible precision. The CSV is
    written only when the button is pressed, not on every rerun of the page."""
    st.download_button(
        label,
        lambda: csv_bytes(frame, labels, kinds),
        file_name=file_name,
        mime="text/csv",
        key=f"download_{file_name}",
    )
