"""The page's tables as static HTML (csp_data.ui.tables.table_html) and how their cells read
(csp_data.tables.cell_text): exact expected text on small hand-made frames, and hostile text escaped."""

from __future__ import annotations

import json
from datetime import date

import lxml.html
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from csp_data import tables
from csp_data.ui.tables import LONG, table_html
from helpers import ShownTable


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (1234, tables.COUNT, "1,234"),
        (np.int64(7), tables.COUNT, "7"),
        (1234.6, tables.COUNT, "1,235"),
        (0.1234, tables.PERCENT, "12.3%"),
        (1.0, tables.PERCENT, "100.0%"),
        (97.4666, tables.RATE, "97.5"),
        (12345.67, tables.RATE, "12,345.7"),
        (1.234, tables.SCORE, "1.23"),
        (True, tables.YES_NO, "yes"),
        (np.bool_(False), tables.YES_NO, "no"),
        (0.0004, tables.P_VALUE, "less than 1 in 1,000"),
        (0.034, tables.P_VALUE, "about 3 in 100"),
        (date(2025, 1, 1), tables.MONTH, "Jan 2025"),
        (pd.Timestamp("2024-11-01"), tables.MONTH, "Nov 2024"),
        (3, tables.NUMBER, "3"),
        (np.float64(2.5), tables.NUMBER, "2.5"),
        ("not loaded", tables.COUNT, "not loaded"),  # words stay as written, whatever the column's kind
        ("Chatham", tables.TEXT, "Chatham"),
        (["a", "b"], tables.TEXT, "a, b"),
    ],
)
def test_cell_text(value, kind, text):
    assert tables.cell_text(value, kind) == text


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, pd.NaT])
@pytest.mark.parametrize("kind", [tables.COUNT, tables.PERCENT, tables.RATE, tables.MONTH, tables.TEXT])
def test_a_missing_value_is_an_empty_cell(missing, kind):
    assert tables.cell_text(missing, kind) == ""


FRAME = pd.DataFrame(
    {
        "rank": [1, 2],
        "ward_name": ["Chatham Central & Brompton", "Gillingham South"],
        "incidents": [1234, np.nan],
        "share": [0.25, 0.125],
        "month": [date(2025, 1, 1), date(2025, 2, 1)],
    }
)


def test_headings_cells_and_row_headings():
    table = ShownTable(table_html(FRAME, labels={"ward_name": "Ward"}))
    assert table.names == ["rank", "ward_name", "incidents", "share", "month"]
    assert table.headings == ["Rank", "Ward", "Incidents", "Share", "Month"]
    assert table.text.to_dict("records") == [
        {
            "Rank": "1",
            "Ward": "Chatham Central & Brompton",
            "Incidents": "1,234",
            "Share": "25.0%",
            "Month": "Jan 2025",
        },
        {"Rank": "2", "Ward": "Gillingham South", "Incidents": "", "Share": "12.5%", "Month": "Feb 2025"},
    ]
    # Each row is headed by its ward (the first column of words), not its rank.
    assert table.row_headings == ["Chatham Central & Brompton", "Gillingham South"]
    # The figures behind the text, under the columns' names.
    value = table.value
    assert value.drop(columns="incidents").to_dict("records") == [
        {"rank": 1, "ward_name": "Chatham Central & Brompton", "share": 0.25, "month": "2025-01-01"},
        {"rank": 2, "ward_name": "Gillingham South", "share": 0.125, "month": "2025-02-01"},
    ]
    assert value.loc[0, "incidents"] == 1234 and pd.isna(value.loc[1, "incidents"])
    assert "<td class=\"num\" data-value='null'></td>" in table.body  # missing: null, never 0


def test_structure_for_screen_readers_and_the_keyboard():
    root = lxml.html.fromstring(table_html(FRAME, name="Table: wards"))
    assert root.get("role") == "region" and root.get("aria-label") == "Table: wards" and root.get("tabindex") == "0"
    assert [th.get("scope") for th in root.xpath("//thead//th")] == ["col"] * 5
    assert [th.get("scope") for th in root.xpath("//tbody//th")] == ["row", "row"]
    assert len(root.xpath("//tbody/tr/td")) == 2 * 4
    # Figures right-aligned in their column, headings included; a heading's explanation as its title.
    assert [th.get("class") for th in root.xpath("//thead//th")] == ["num", "name", "num", "num", None]
    assert "csp-table-long" not in root.get("class")
    # Without a name, the region is named by its headings.
    assert lxml.html.fromstring(table_html(FRAME)).get("aria-label") == "Table: Rank, Ward, Incidents, Share, Month"


def test_long_text_gets_room():
    frame = pd.DataFrame({"csp": ["Medway"], "rate_from": ["computed: count × 1,000 / population rounded to 100"]})
    classes = [th.get("class") for th in lxml.html.fromstring(table_html(frame)).xpath("//thead//th")]
    assert classes == ["name", "wide"]  # the row headings (short names) on one line; long text given room
    named = pd.DataFrame({"main_streets": ["On or near A (2)"]})  # a column of lists of places, however short
    assert lxml.html.fromstring(table_html(named)).xpath("//thead//th")[0].get("class") == "wide"


def test_long_tables_scroll_in_their_box():
    long = pd.DataFrame({"ward_name": [f"Ward {i}" for i in range(LONG + 1)], "incidents": range(LONG + 1)})
    assert "csp-table-long" in lxml.html.fromstring(table_html(long)).get("class")
    assert "csp-table-long" not in lxml.html.fromstring(table_html(long.head(LONG))).get("class")


def test_hostile_text_is_escaped_everywhere():
    hostile = "<script>alert(1)</script>' onmouseover='x\" &amp;"
    frame = pd.DataFrame({hostile: [hostile], "incidents": [1]})
    body = table_html(frame, labels={hostile: hostile}, name=hostile)
    assert "<script>" not in body and "onmouseover='" not in body
    root = lxml.html.fromstring(body)
    assert not root.xpath("//script") and all(not k.startswith("on") for e in root.iter() for k in e.attrib)
    table = ShownTable(body)
    assert table.headings[0] == hostile and table.text.iloc[0, 0] == hostile
    assert table.names[0] == hostile and table.value.iloc[0, 0] == hostile
    assert root.get("aria-label") == hostile


def test_arrow_tables_and_numpy_values():
    frame = pd.DataFrame({"crime_type": ["Burglary"], "incidents": [np.int64(5)], "loaded": [np.bool_(True)]})
    body = table_html(pa.Table.from_pandas(frame))
    table = ShownTable(body)
    assert table.text.to_dict("records") == [{"Crime type": "Burglary", "Incidents": "5", "Month loaded": "yes"}]
    cells = lxml.html.fromstring(body).xpath("//tbody/tr/*")
    assert [json.loads(c.get("data-value")) for c in cells] == ["Burglary", 5, True]
