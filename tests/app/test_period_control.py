"""AppTest: the shared period control's custom months (issue 13), at its edges."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from csp_data.periods import custom_period
from helpers import ROOT

APP = str(ROOT / "app.py")


def run_app(**widget_state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in widget_state.items():
        at.session_state[key] = value
    return at.run()


def test_custom_months_count_exactly_the_chosen_months():
    import duckdb

    at = run_app(period_kind="Custom months")
    assert not at.exception
    months = at.sidebar.selectbox(key="period_custom_first")
    assert months.label == "First month"
    first, last = date(2025, 3, 1), date(2025, 5, 1)
    at = run_app(period_kind="Custom months", period_custom_first=first, period_custom_last=last)
    assert not at.exception
    assert at.session_state["period"] == custom_period(first, last)
    glob = str(ROOT / "data" / "medway" / "store" / "current" / "incidents" / "*" / "*" / "*.parquet")
    with duckdb.connect() as con:
        (expected,) = con.execute(
            f"SELECT count(*) FROM read_parquet('{glob}') WHERE kind = 'crime' AND force_slug = 'kent-police' "
            "AND month BETWEEN ? AND ?",
            [first, last],
        ).fetchone()
    assert {m.label: m.value for m in at.metric}["Crimes recorded"] == f"{expected:,}"
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "Mar 2025 to May 2025: all 3 months loaded." in captions


def test_one_month_custom_period_and_the_last_month_never_before_the_first():
    at = run_app(period_kind="Custom months", period_custom_first=date(2025, 12, 1))
    assert not at.exception
    last = at.sidebar.selectbox(key="period_custom_last")
    assert list(last.options) == ["Dec 2025"]  # only months from the first onwards are offered
    assert at.session_state["period"].span_label == "Dec 2025"


def test_custom_period_rejects_a_backwards_range():
    with pytest.raises(ValueError, match="before the first"):
        custom_period(date(2025, 5, 1), date(2025, 3, 1))
