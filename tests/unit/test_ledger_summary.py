"""The coverage ledger in words (csp_data.figures.ledger), on small hand-made ledgers."""

from __future__ import annotations

import pandas as pd

from csp_data.figures.ledger import ledger_summary

COLUMNS = ["month", "force", "rows_read", "rows_kept", "no_location", "outside_area", "malformed", "in_no_ward"]


def ledger(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


def test_months_gaps_totals_and_reasons_summed_over_months_and_forces():
    frame = ledger(
        ["2024-01", "Kent Police", 1000, 300, 10, 690, 0, 2],
        ["2024-01", "British Transport Police", 50, 5, 0, 45, 0, 0],
        ["2024-03", "Kent Police", 2000, 1500, 20, 479, 1, 0],
    )
    assert ledger_summary(frame, "Medway") == (
        "Months loaded: Jan 2024, Mar 2024. Missing: Feb 2024. 2 months in all: 3,050 rows read and 1,805 kept "
        "in Medway (dropped: 30 no location, 1,214 outside the area, 1 unreadable). Of those kept, 2 fall in no "
        "ward: they count towards the Medway total only."
    )


def test_nothing_dropped_and_every_row_in_a_ward():
    frame = ledger(["2025-06", "Kent Police", 12, 12, 0, 0, 0, 0])
    assert (
        ledger_summary(frame, "Swale") == "Months loaded: Jun 2025. 1 month in all: 12 rows read and 12 kept in Swale."
    )


def test_empty_ledger():
    assert ledger_summary(ledger(), "Medway") == "No police.uk months are loaded yet."
