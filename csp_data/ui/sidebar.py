"""The shared sidebar: the period control every page uses, and what is loaded."""

from __future__ import annotations

from datetime import date

import streamlit as st

from csp_data.periods import Period, available_periods, describe_coverage, describe_gaps

PERIOD_KIND_LABELS = {
    "latest12": "Latest 12 months",
    "financial": "Financial year (April to March)",
    "calendar": "Calendar year",
}


def sidebar_period(months: list[date]) -> Period | None:
    """The shared period control. Its choice is kept in the session, so it follows the user across pages."""
    st.sidebar.header("Period")
    choices = available_periods(months)
    if not months:
        st.sidebar.warning("No months are loaded yet.")
        return None
    label = st.sidebar.radio("Show", list(PERIOD_KIND_LABELS.values()), key="period_kind")
    kind = next(k for k, v in PERIOD_KIND_LABELS.items() if v == label)
    options = choices[kind]
    if len(options) == 1:
        period = options[0]
    else:
        labels = [p.label for p in options]
        chosen = st.sidebar.selectbox("Which", labels, key=f"period_{kind}")
        period = options[labels.index(chosen)]
    st.sidebar.caption(describe_coverage(period, months))
    st.sidebar.caption(describe_gaps(months))
    return period
