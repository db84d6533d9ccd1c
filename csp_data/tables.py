"""How a table's columns read, on the page and in its CSV: one heading and one number format per column.

Pages, downloads and the pack name the same column the same way ("Incidents, same months earlier") and give
its numbers the same precision: counts whole with thousands separators, percentages to one decimal
place throughout a table, rates per 1,000 to one decimal place, p-values in words. The page's grid
(:mod:`csp_data.ui.tables`) and :func:`readable` (the CSV) both read :data:`COLUMNS`; a page adds or
overrides headings for its own columns with ``labels``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

#: The kinds of column: how their values are shown.
COUNT, PERCENT, RATE, SCORE, NUMBER = "count", "percent", "rate", "score", "number"
P_VALUE, MONTH, YES_NO, TEXT = "p_value", "month", "yes_no", "text"


@dataclass(frozen=True)
class Column:
    """A column's heading, what kind of value it holds and, optionally, a one-line explanation."""

    label: str
    kind: str = TEXT
    help: str | None = None


#: Columns that several tables share, by name. A page's own columns are given in its ``labels``.
COLUMNS: dict[str, Column] = {
    "rank": Column("Rank", NUMBER),
    "location": Column("police.uk location", help="An anonymised snap point near where the incident happened"),
    "ward_name": Column("Ward"),
    "ward_code": Column("Ward code"),
    "crime_type": Column("Crime type"),
    "month": Column("Month", MONTH),
    "incidents": Column("Incidents", COUNT),
    "crimes": Column("Crimes", COUNT),
    "asb_incidents": Column("ASB incidents", COUNT),
    "share": Column("Share", PERCENT),
    "share_of_ward": Column("Share of the ward's", PERCENT),
    "share_of_area": Column("Share of the area's", PERCENT),
    "compared_incidents": Column(
        "Incidents, compared months", COUNT, "Incidents in this period's months that have a loaded month to compare"
    ),
    "previous_incidents": Column(
        "Incidents, same months earlier", COUNT, "Incidents in the same months a year (or more) earlier"
    ),
    "change": Column("Change"),
    "change_percent": Column("Change (%)", RATE),
    "share_of_area_percent": Column("Share of the area's (%)", RATE),
    "rate_rank": Column("Rank (rate)", NUMBER),
    "ward_incidents": Column("Ward", COUNT),
    "area_incidents": Column("Area", COUNT),
    "ward_share": Column("Ward share", PERCENT),
    "area_share": Column("Area share", PERCENT),
    "difference_points": Column("Difference (points)", RATE),
    "area_average": Column("Average ward", RATE, "The area's incidents that month divided by its number of wards"),
    "loaded": Column("Month loaded", YES_NO),
    "rows_read": Column("Rows read", COUNT),
    "rows_kept": Column("Rows kept", COUNT),
    "no_location": Column("No location", COUNT),
    "outside_area": Column("Outside the area", COUNT),
    "malformed": Column("Unreadable", COUNT),
    "in_no_ward": Column("In no ward", COUNT),
    "rows": Column("Rows", COUNT),
    "expected": Column("Expected", RATE),
    "trend": Column("3-month average", RATE),
    "within_from": Column("Expected range from", COUNT),
    "within_to": Column("Expected range to", COUNT),
    "rolling_12": Column("12-month total", COUNT),
    "months_loaded": Column("Months loaded", NUMBER),
    "months_loaded_in_window": Column("Months loaded in the 12", NUMBER),
    "map_class": Column("Map class"),
    "rate_per_1000": Column("Per 1,000 residents", RATE),
    "population": Column("Residents", COUNT),
    "p_adjusted": Column("Chance alone (corrected)", P_VALUE, "How likely a cluster this strong is by chance alone"),
    "months_present": Column("Months with any", COUNT),
    "first_month": Column("First", MONTH),
    "last_month": Column("Last", MONTH),
    "cell_id": Column("Square", help="Column_row of the 250 m British National Grid square"),
    "hotspot_label": Column("Class"),
    "z_score": Column(
        "Gi* score", SCORE, "How far the square and its neighbours stand above chance, in standard units"
    ),
    "main_streets": Column("Main places (incidents)"),
    "type_mix": Column("Mix of types"),
    "flagged": Column("Flag"),
    "confidence": Column("Rising, confidence"),
    "months": Column("Months tested", COUNT),
    "first_year": Column("First 12 months", COUNT),
    "last_year": Column("Latest 12 months", COUNT),
    "slope_per_year": Column("More a month, per year", RATE),
    "currently_hot": Column("Hotspot now", YES_NO),
}


def column(name: str, labels: Mapping[str, str] | None = None, kinds: Mapping[str, str] | None = None) -> Column:
    """The column ``name``: its shared definition with the page's heading for it (``labels``) and, where a
    table's column of that name holds something else (a published figure in words, say), its kind."""
    words = name.replace("_", " ")
    shared = COLUMNS.get(name, Column(words[:1].upper() + words[1:]))  # "CSP code" stays "CSP code"
    heading = (labels or {}).get(name, shared.label)
    return Column(heading, (kinds or {}).get(name, shared.kind), shared.help)


def p_value_words(p: float | None) -> str:
    """A p-value as a reader can take it: 'less than 1 in 1,000', 'about 3 in 100', or '' when there is none."""
    if p is None or pd.isna(p):
        return ""
    if p < 0.001:
        return "less than 1 in 1,000"
    if p < 0.01:
        return f"about {round(p * 1000):,} in 1,000"
    return f"about {round(p * 100):,} in 100"


def cell_text(value: object, kind: str) -> str:
    """``value`` as a table on the page shows it, in the same precision as its CSV (:func:`readable`):
    counts whole with thousands separators ("1,234"), percentages to one decimal place ("12.3%", from
    0.123), rates to one ("97.5") and scores to two, yes/no, p-values in words, months as "Jan 2025";
    nothing for a missing value, and text as it is written."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str):  # already in words ("not loaded", "1,014"), whatever the column's kind
        return value
    if value is None or bool(pd.isna(value)):
        return ""
    if kind == PERCENT:
        return f"{float(value) * 100:.1f}%"
    if kind == COUNT:
        return f"{round(float(value)):,}"
    if kind == RATE:
        return f"{float(value):,.1f}"
    if kind == SCORE:
        return f"{float(value):.2f}"
    if kind == YES_NO:
        return "yes" if value else "no"
    if kind == P_VALUE:
        return p_value_words(float(value))
    if kind == MONTH:
        return pd.Timestamp(value).strftime("%b %Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) or hasattr(value, "dtype"):  # a number of another kind: as it is
        number = float(value)
        return (
            f"{int(number):,}" if number.is_integer() else f"{number:,.4g}" if abs(number) < 1000 else f"{number:,.1f}"
        )
    return str(value)


def printf_text(value: object, form: str) -> str:
    """``value`` written by a printf-style ``form`` ("%.1f", "%+.0f%%", "%d"), or by "localized" (whole
    numbers with thousands separators); nothing for a missing value, and text as it is written."""
    if isinstance(value, str):
        return value
    if value is None or bool(pd.isna(value)):
        return ""
    if form == "localized":
        number = float(value)
        return f"{round(number):,}" if number.is_integer() else f"{number:,}"
    return form % value


def readable(
    frame: pd.DataFrame, labels: Mapping[str, str] | None = None, kinds: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """``frame`` as its CSV download: headings in words, percentages as numbers of percent to one decimal
    place (the heading says "(%)"), rates to one decimal place, scores to two, yes/no in words, months as YYYY-MM, p-values in words,
    counts whole."""
    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        spec = column(str(name), labels, kinds)
        values = frame[name]
        heading = spec.label
        if spec.kind == PERCENT:
            values = (pd.to_numeric(values, errors="coerce") * 100).round(1)
            heading = f"{heading} (%)"
        elif spec.kind == RATE:
            values = pd.to_numeric(values, errors="coerce").round(1)
        elif spec.kind == SCORE:
            values = pd.to_numeric(values, errors="coerce").round(2)
        elif spec.kind == YES_NO:
            values = values.map({True: "yes", False: "no"})
        elif spec.kind == COUNT:
            values = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        elif spec.kind == P_VALUE:
            values = values.map(p_value_words)
        elif spec.kind == MONTH:
            values = pd.to_datetime(values, errors="coerce").dt.strftime("%Y-%m")
        elif pd.api.types.is_float_dtype(values):
            values = values.round(4)
        out[heading if heading not in out.columns else f"{heading} ({name})"] = values
    return out


#: A cell a spreadsheet would read as a formula (or a command): "=", "@", a tab or a carriage return first,
#: or "+" or "-" first in anything but a number ("-3", "+4.5%" stay as they are).
_FORMULA = re.compile(r"^(?:[=@\t\r]|[+-](?![\d.,]+%?$))")


def _as_text(value):
    """A text cell as the CSV holds it: an apostrophe before a formula; a carriage return as a line break, so
    that the cell is quoted (the CSV writer quotes a cell with a line break in it, not one with a lone CR)."""
    if not isinstance(value, str):
        return value
    value = ("'" + value) if _FORMULA.match(value) else value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def csv_bytes(
    frame: pd.DataFrame, labels: Mapping[str, str] | None = None, kinds: Mapping[str, str] | None = None
) -> bytes:
    """``frame`` as every download of the dashboard writes it: :func:`readable`, UTF-8 CSV. A text cell that a
    spreadsheet would run as a formula (text from a plan, a survey or an uploaded file can start with "=")
    gets an apostrophe first, which spreadsheets hide and read as "this is text" (OWASP's advice for CSV);
    a carriage return in a cell is written as a line break."""
    out = readable(frame, labels, kinds)
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):  # as objects: 28526 stays whole
            out[name] = pd.Series([_as_text(v) for v in out[name]], index=out.index, dtype=object)
    return out.to_csv(index=False).encode("utf-8")
