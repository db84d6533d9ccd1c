"""Downloads: every table behind a chart as CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def download_table(frame: pd.DataFrame, file_name: str, label: str = "Download this table (CSV)") -> None:
    st.download_button(
        label,
        frame.to_csv(index=False).encode("utf-8"),
        file_name=file_name,
        mime="text/csv",
        key=f"download_{file_name}",
    )
