"""The ward profile's trend chart shades the months not loaded, as every monthly chart does."""

from datetime import date

import pandas as pd

from csp_data.charts.vegalite import inline
from csp_data.charts.wards import ward_trend_chart
from csp_data.figures.ward_profile import WardProfile
from helpers import sent_spec


def profile(loaded: list[bool]) -> WardProfile:
    months = [date(2025, m, 1) for m in range(1, len(loaded) + 1)]
    monthly = pd.DataFrame(
        {
            "month": months,
            "ward_incidents": pd.array([5 if ok else None for ok in loaded], dtype="Int64"),
            "area_average": [4.0 if ok else None for ok in loaded],
            "loaded": loaded,
        }
    )
    return WardProfile(
        ward_code="E05000001",
        ward_name="Town (Dartford)",
        figures=pd.Series(dtype=object),
        sentences=[],
        monthly=monthly,
        mix=pd.DataFrame(),
        asb_incidents=0,
        asb_share_of_area=None,
        top_streets=pd.DataFrame(),
        notes=[],
    )


def marks(spec: dict) -> list[str]:
    found = []
    for layer in spec.get("layer", [spec]):
        if "layer" in layer:
            found += marks(layer)
        else:
            mark = layer["mark"]
            found.append(mark if isinstance(mark, str) else mark["type"])
    return found


def test_months_not_loaded_are_shaded_and_labelled():
    chart = ward_trend_chart(profile([True, False, False, True]), "Dartford", "crimes")
    sent_spec(chart)  # a valid Vega-Lite specification as the page sends it
    spec = inline(chart)  # its tables as rows
    assert marks(spec) == ["rect", "text", "line"]
    bands = next(d for d in spec["datasets"].values() if d and "what" in d[0])
    assert [b["what"] for b in bands] == [
        "February 2025: not loaded (no data, not zero)",
        "March 2025: not loaded (no data, not zero)",
    ]


def test_no_band_when_every_month_is_loaded():
    chart = ward_trend_chart(profile([True, True]), "Dartford", "crimes")
    sent_spec(chart)
    spec = inline(chart)
    assert marks(spec) == ["line"]
