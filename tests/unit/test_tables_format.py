"""The one table format (csp_data.tables): headings and precision of CSVs, p-values in words."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from csp_data.tables import column, p_value_words, readable


def test_readable_headings_and_precision():
    frame = pd.DataFrame(
        {
            "rank": [1, 2],
            "ward_name": ["Town (Dartford)", "Town (Gravesham)"],
            "incidents": [14201.0, 3.0],
            "share": [0.132649, 1 / 3],
            "rate_per_1000": [12.3456, 7.0],
            "p_adjusted": [0.00004, 0.0312],
            "month": [date(2025, 1, 1), date(2025, 2, 1)],
            "currently_hot": [True, False],
            "odd_thing": [0.123456789, np.nan],
        }
    )
    out = readable(frame, labels={"share": "Share of Medway's"})
    assert list(out.columns) == [
        "Rank",
        "Ward",
        "Incidents",
        "Share of Medway's (%)",
        "Per 1,000 residents",
        "Chance alone (corrected)",
        "Month",
        "Hotspot now",
        "Odd thing",
    ]
    assert out["Incidents"].tolist() == [14201, 3]
    assert out["Share of Medway's (%)"].tolist() == [13.3, 33.3]
    assert out["Per 1,000 residents"].tolist() == [12.3, 7.0]
    assert out["Chance alone (corrected)"].tolist() == ["less than 1 in 1,000", "about 3 in 100"]
    assert out["Month"].tolist() == ["2025-01", "2025-02"]
    assert out["Hotspot now"].tolist() == ["yes", "no"]
    assert out["Odd thing"].iloc[0] == 0.1235
    csv = out.to_csv(index=False)
    assert "0.132649" not in csv and "e-05" not in csv and "14201.0" not in csv


def test_readable_keeps_two_columns_of_one_heading_apart():
    out = readable(pd.DataFrame({"ward_name": ["A"], "ward": ["B"]}), labels={"ward": "Ward"})
    assert list(out.columns) == ["Ward", "Ward (ward)"]


@pytest.mark.parametrize(
    ("p", "words"),
    [
        (0.0, "less than 1 in 1,000"),
        (0.00099, "less than 1 in 1,000"),
        (0.004, "about 4 in 1,000"),
        (0.05, "about 5 in 100"),
        (0.5, "about 50 in 100"),
        (None, ""),
        (np.nan, ""),
    ],
)
def test_p_value_words(p, words):
    assert p_value_words(p) == words


def test_a_page_heading_overrides_the_shared_one_but_keeps_its_kind():
    assert column("share", {"share": "Share of Chatham's"}).kind == "percent"
    assert column("share").label == "Share"
    assert column("something_new").label == "Something new"
    assert column("CSP_code").label == "CSP code"
