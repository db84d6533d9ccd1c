"""Every download is written by csv_bytes, which keeps a spreadsheet from running a cell as a formula: text from a
plan, a survey or an uploaded file that starts with "=" (say) gets an apostrophe first; numbers are left alone."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from csp_data.tables import csv_bytes

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\n=1+1"),
        ("two\rlines\r\nthree", "two\nlines\nthree"),
        ("- a plan's bullet", "'- a plan's bullet"),
        ("-3", "-3"),
        ("+4.5%", "+4.5%"),
        ("-1,234.5", "-1,234.5"),
        ("On or near High Street", "On or near High Street"),
        ("A = B", "A = B"),
        ("", ""),
    ],
)
def test_a_text_cell_that_would_be_a_formula_is_written_as_text(cell, written):
    frame = pd.DataFrame({"answer": [cell], "incidents": [-5]})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame, {"answer": "Answer"}).decode("utf-8"), newline="")))
    assert rows == [["Answer", "Incidents"], [written, "-5"]]


def test_every_download_is_written_by_csv_bytes():
    """No other CSV writer in the package (the one place that neutralises formulas)."""
    writers = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "csp_data").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.to_csv\(|csv\.writer\(", line)
    ]
    assert writers == ["csp_data/tables.py:" + str(_line_of_to_csv())]


def _line_of_to_csv() -> int:
    lines = (ROOT / "csp_data" / "tables.py").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if ".to_csv(" in line)
