"""The shared sidebar: the period control every page uses, and what is loaded. The period is kept in the
page's address (:mod:`csp_data.ui.links`), so a link or a reload shows the same months."""

from __future__ import annotations

from datetime import date

import streamlit as st

from csp_data.links import period_from_text, period_text
from csp_data.periods import (
    Period,
    add_months,
    available_periods,
    custom_period,
    describe_coverage,
    describe_gaps,
    month_label,
)
from csp_data.ui import links
from csp_data.ui.context import NO_MONTHS, no_months_message

#: Where the sidebar's controls are, said once on the Overview: on a phone the sidebar is folded away behind
#: a button at the top left, and no page said where the period is changed.
SIDEBAR_HINT = (
    "Change the period, download a scrutiny pack for a meeting or share this view in the sidebar (on a phone, "
    "open it with the **»** button at the top left)."
)
PERIOD_KIND_LABELS = {
    "latest12": "Latest 12 months",
    "financial": "Financial year (April to March)",
    "calendar": "Calendar year",
    "custom": "Custom months",
}


def _custom_period(months: list[date]) -> Period:
    """Any first and last loaded month; the last is offered only from the first onwards."""
    default_first = max(months[0], add_months(months[-1], -11))
    first = st.sidebar.selectbox(
        "First month",
        months,
        **links.default_index(
            "period_custom_first", months, months.index(default_first) if default_first in months else 0
        ),
        format_func=month_label,
        key="period_custom_first",
    )
    later = [m for m in months if m >= first]
    last = st.sidebar.selectbox(
        "Last month",
        later,
        **links.default_index("period_custom_last", later, len(later) - 1),
        format_func=month_label,
        key="period_custom_last",
    )
    return custom_period(first, last)


def _period_state(text: str, months: list[date]) -> dict[str, object]:
    """The period control's session state for a link's period (a :class:`~csp_data.links.LinkError` if none)."""
    kind, period = period_from_text(text, months)
    state: dict[str, object] = {"period_kind": PERIOD_KIND_LABELS[kind]}
    if kind == "custom":
        state |= {"period_custom_first": period.first, "period_custom_last": period.last}
    elif kind != "latest12":
        state[f"period_{kind}"] = period.label
    return state


def sidebar_period(months: list[date]) -> Period | None:
    """The shared period control. Its choice is kept in the session, so it follows the user across pages,
    and in the page's address, so a link or a reload keeps it."""
    links.start()
    st.sidebar.header("Period")
    choices = available_periods(months)
    if not months:
        st.sidebar.warning(
            "No months are loaded yet."
            if no_months_message() == NO_MONTHS
            else "No months of the area's own police force are loaded."
        )
        return None
    links.restore(links.PERIOD, lambda text: _period_state(text, months))
    label = st.sidebar.radio("Show", list(PERIOD_KIND_LABELS.values()), key="period_kind")
    kind = next(k for k, v in PERIOD_KIND_LABELS.items() if v == label)
    options = choices[kind]
    if kind == "custom":
        period = _custom_period(sorted(months))
    elif len(options) == 1:
        period = options[0]
    else:
        labels = [p.label for p in options]
        chosen = st.sidebar.selectbox("Which", labels, key=f"period_{kind}")
        period = options[labels.index(chosen)]
    links.publish(links.PERIOD, period_text(kind, period))
    st.sidebar.caption(describe_coverage(period, months))
    st.sidebar.caption(describe_gaps(months))
    return period
