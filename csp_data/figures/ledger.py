"""The coverage ledger in words: what the Data and methods page says before its table of every month."""

from __future__ import annotations

from datetime import date

import pandas as pd

from csp_data.periods import describe_gaps
from csp_data.words import plural

#: What the page says when no month is loaded.
NO_MONTHS_LOADED = "No police.uk months are loaded yet."

#: Reasons a row read was not kept, in the ledger's columns, as the sentence names them.
DROPPED = {
    "no_location": "no location",
    "outside_area": "outside the area",
    "malformed": "unreadable",
}


def ledger_summary(ledger: pd.DataFrame, area_name: str) -> str:
    """One paragraph: the months loaded and missing, the rows read and kept, and why the rest were dropped,
    summed over every month and force of ``ledger`` (the ``coverage_ledger`` query's rows)."""
    if ledger.empty:
        return NO_MONTHS_LOADED
    months = {date.fromisoformat(f"{m}-01") for m in ledger["month"]}
    read, kept = int(ledger["rows_read"].sum()), int(ledger["rows_kept"].sum())
    dropped = [f"{int(ledger[c].sum()):,} {why}" for c, why in DROPPED.items() if int(ledger[c].sum())]
    text = (
        f"{describe_gaps(months)} {plural(len(months), 'month')} in all: {read:,} rows read and {kept:,} kept "
        f"in {area_name}"
    )
    text += f" (dropped: {', '.join(dropped)})." if dropped else "."
    if in_no_ward := int(ledger["in_no_ward"].sum()):
        text += f" Of those kept, {in_no_ward:,} fall in no ward: they count towards the {area_name} total only."
    return text
