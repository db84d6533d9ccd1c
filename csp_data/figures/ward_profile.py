"""The ward profile: a ward's monthly trend against the area's average, its mix of crime types and its
top locations, with a plain-English summary."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from csp_data.figures.streets import TOP_STREETS, top_streets
from csp_data.figures.wards import WardTable, ward_summary_sentences
from csp_data.periods import month_range
from csp_data.series import RunQuery

# --------------------------------------------------------------------------------------------
# The ward profile
# --------------------------------------------------------------------------------------------


@dataclass
class WardProfile:
    """One ward in detail.

    ``monthly``: ``month, ward_incidents, area_average, loaded`` over every month of the
    period (months not loaded hold missing values, never zeros); ``area_average`` is the area
    total divided by the number of wards. ``mix``: crime categories with the ward's and the area's
    share of crime. ``top_streets``: ``rank, location, incidents, share_of_ward``.
    """

    ward_code: str
    ward_name: str
    figures: pd.Series
    sentences: list[str]
    monthly: pd.DataFrame
    mix: pd.DataFrame
    asb_incidents: int
    asb_share_of_area: float | None
    top_streets: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _monthly(run_query: RunQuery, table: WardTable, ward_code: str) -> pd.DataFrame:
    period, incident_filter = table.period, table.incident_filter
    frame = run_query(
        "ward_monthly",
        first=period.first,
        last=period.last,
        kind=incident_filter.kind,
        crime_type=incident_filter.crime_type,
        vintage=table.vintage.vintage,
        ward_code=ward_code,
    )
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame = frame.set_index("month").reindex(month_range(period.first, period.last))
    frame.index.name = "month"
    frame = frame.reset_index()
    result = pd.DataFrame({"month": frame["month"]})
    result["ward_incidents"] = frame["ward_incidents"].astype("Int64")
    result["area_average"] = (frame["area_incidents"] / table.ward_count).round(1)
    result["loaded"] = result["ward_incidents"].notna()
    return result


def _mix(run_query: RunQuery, table: WardTable, ward_code: str) -> tuple[pd.DataFrame, int, float | None]:
    frame = run_query(
        "ward_crime_mix",
        first=table.period.first,
        last=table.period.last,
        vintage=table.vintage.vintage,
        ward_code=ward_code,
    )
    crime = frame[frame["kind"] == "crime"][
        ["crime_type", "ward_incidents", "area_incidents", "ward_share", "area_share"]
    ]
    crime = crime.reset_index(drop=True).copy()
    crime["ward_incidents"] = crime["ward_incidents"].astype("int64")
    crime["area_incidents"] = crime["area_incidents"].astype("int64")
    crime["ward_share"] = crime["ward_share"].astype(float).fillna(0.0)
    crime["difference_points"] = ((crime["ward_share"] - crime["area_share"]) * 100).round(1)
    asb = frame[frame["kind"] == "asb"]
    asb_ward = int(asb["ward_incidents"].sum())
    asb_area = int(asb["area_incidents"].sum())
    return crime, asb_ward, (asb_ward / asb_area if asb_area else None)


def _mix_sentence(mix: pd.DataFrame, ward_name: str, area_name: str) -> str:
    if mix.empty or mix["ward_incidents"].sum() == 0:
        return ""
    # Only call out categories large enough for a difference in share to mean something.
    material = mix[(mix["ward_incidents"] >= 10) & (mix["difference_points"].abs() >= 2)]
    if material.empty:
        return f"The mix of crime types in {ward_name} is close to {area_name}'s (no category's share differs by 2 percentage points or more)."
    highest = material.loc[material["difference_points"].idxmax()]
    lowest = material.loc[material["difference_points"].idxmin()]
    parts = []
    if highest["difference_points"] > 0:
        parts.append(
            f"a larger share of {highest['crime_type'].lower()} ({highest['ward_share']:.0%} of its crime, "
            f"against {highest['area_share']:.0%} across {area_name})"
        )
    if lowest["difference_points"] < 0:
        parts.append(
            f"a smaller share of {lowest['crime_type'].lower()} ({lowest['ward_share']:.0%} against "
            f"{lowest['area_share']:.0%})"
        )
    return f"Compared with {area_name} as a whole, {ward_name} has {' and '.join(parts)}."


def build_ward_profile(
    run_query: RunQuery, table: WardTable, ward_code: str, streets_shown: int = TOP_STREETS
) -> WardProfile:
    """The profile of ``ward_code``: trend, mix of crime types against the area's, top streets and rank.

    Raises
    ------
    KeyError
        When ``ward_code`` is not a ward of the table's vintage.
    """
    figures = table.row(ward_code)
    name = str(figures["ward_name"])
    monthly = _monthly(run_query, table, ward_code)
    mix, asb_ward, asb_share = _mix(run_query, table, ward_code)
    streets = top_streets(
        run_query,
        first=table.period.first,
        last=table.period.last,
        kind=table.incident_filter.kind,
        crime_type=table.incident_filter.crime_type,
        vintage=table.vintage.vintage,
        ward_code=ward_code,
        limit=streets_shown,
    ).rename(columns={"share": "share_of_ward"})
    sentences = ward_summary_sentences(table, ward_code)
    mix_sentence = _mix_sentence(mix, name, table.area_name)
    if mix_sentence:
        sentences.append(mix_sentence)
    if len(streets):
        top = streets.iloc[0]
        sentences.append(
            f"The location with the most {table.incident_filter.noun} in {name} was "
            f"\u201c{top['location']}\u201d ({int(top['incidents']):,}, {top['share_of_ward']:.0%} of the ward's)."
        )
    notes = [
        "police.uk locations are anonymised snap points: each incident is moved to a nearby street or "
        "place (such as \u201cParking Area\u201d or \u201cSupermarket\u201d), so a location is approximate, not an address.",
    ]
    missing = int((~monthly["loaded"]).sum())
    if missing:
        notes.append(f"{missing} month(s) of the period are not loaded and are shown as gaps, not zeros.")
    return WardProfile(
        ward_code=ward_code,
        ward_name=name,
        figures=figures,
        sentences=sentences,
        monthly=monthly,
        mix=mix,
        asb_incidents=asb_ward,
        asb_share_of_area=asb_share,
        top_streets=streets[["rank", "location", "incidents", "share_of_ward"]],
        notes=notes,
    )
