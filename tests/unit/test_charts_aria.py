"""Charts on the page are read by their alt text and the table behind them, not point by point."""

from __future__ import annotations

import pandas as pd

from csp_data.charts import vegalite


def test_a_charts_marks_are_not_announced_one_by_one(monkeypatch):
    """Vega labelled every point for screen readers with its raw fields ("Month: Jan 2025; Incidents recorded:
    2181;  : Crime; …"), the first point of a line standing for the whole line. The chart's alt text names it."""
    import streamlit as st

    from csp_data.ui import charts

    sent = {}
    monkeypatch.setattr(st, "vega_lite_chart", lambda spec, **kwargs: sent.update(spec=spec, **kwargs))
    frame = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01"]), "n": [1, 2]})
    tables = vegalite.Tables()
    spec = vegalite.single(tables, frame, vegalite.mark("line", point=True), {"x": vegalite.field("month", "temporal")})
    charts.show_chart(spec, "Line chart of a test")
    assert sent["alt"] == "Line chart of a test"
    assert sent["spec"]["config"]["mark"]["aria"] is False
