"""The app's cached figures hash dates by ``csp_data.ui.context.FAST_HASH``: equal dates (loose or inside tuples
and dataclasses such as a period) find the same entry, and any other date, a datetime of the same day or the
date's own text does not."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from csp_data.periods import Period
from csp_data.ui.context import FAST_HASH


def test_dates_find_their_own_entries_only():
    calls = []

    @st.cache_data(hash_funcs=FAST_HASH)
    def figure(value):
        calls.append(value)
        return len(calls)

    st.cache_data.clear()
    months = (date(2025, 1, 1), date(2025, 2, 1))
    period = Period(date(2025, 1, 1), date(2025, 12, 1), "Calendar year 2025")
    first = [figure(months), figure(period), figure(date(2025, 1, 1))]
    assert first == [1, 2, 3]
    # The same values again, built afresh: read from the cache.
    assert figure((date(2025, 1, 1), date(2025, 2, 1))) == 1
    assert figure(Period(date(2025, 1, 1), date(2025, 12, 1), "Calendar year 2025")) == 2
    assert figure(date(2025, 1, 1)) == 3
    assert len(calls) == 3
    # Anything else is its own entry.
    others = [
        (date(2025, 1, 1), date(2025, 3, 1)),
        Period(date(2025, 1, 1), date(2025, 11, 1), "Calendar year 2025"),
        date(2025, 1, 2),
        datetime(2025, 1, 1),
        "2025-01-01",
    ]
    assert [figure(value) for value in others] == [4, 5, 6, 7, 8]
    st.cache_data.clear()
