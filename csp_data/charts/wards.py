"""The ward profile's charts (Okabe–Ito colours, as in :mod:`csp_data.charts.colours`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from csp_data.charts.overview import not_loaded_band
from csp_data.figures.ward_profile import WardProfile

WARD_COLOUR = "#0072B2"
AREA_COLOUR = "#000000"  # the area is black on every chart (colours.AREA_COLOUR); 3:1 or more on white


def ward_trend_chart(profile: WardProfile, area_name: str, noun: str) -> alt.Chart:
    """The ward's monthly counts against the area's average per ward; months not loaded are gaps under
    a grey band, as on every monthly chart."""
    label_ward, label_area = profile.ward_name, f"{area_name} average per ward"
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "month": profile.monthly["month"],
                    "series": label_ward,
                    "incidents": profile.monthly["ward_incidents"].astype("float"),
                }
            ),
            pd.DataFrame(
                {
                    "month": profile.monthly["month"],
                    "series": label_area,
                    "incidents": profile.monthly["area_average"].where(profile.monthly["loaded"]).astype("float"),
                }
            ),
        ],
        ignore_index=True,
    )
    data["month"] = pd.to_datetime(data["month"])
    band = not_loaded_band(pd.to_datetime(profile.monthly.loc[~profile.monthly["loaded"], "month"]))
    lines = (
        alt.Chart(data)
        .mark_line(point=True, invalid="break-paths-show-domains")
        .encode(
            x=alt.X("yearmonth(month):T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-45)),
            y=alt.Y("incidents:Q", title=f"{noun.capitalize()} recorded"),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[label_ward, label_area], range=[WARD_COLOUR, AREA_COLOUR]),
                legend=alt.Legend(orient="top", labelLimit=360),
            ),
            # Dashes mean a partial year on every chart; the two series differ by colour and point shape.
            shape=alt.Shape(
                "series:N", title=None, scale=alt.Scale(domain=[label_ward, label_area], range=["circle", "square"])
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                alt.Tooltip("incidents:Q", title="Incidents", format=",.1f"),
            ],
        )
    )
    return (lines if band is None else alt.layer(band, lines)).properties(height=280)


def ward_mix_chart(profile: WardProfile, area_name: str) -> alt.Chart:
    """Each crime category's share of the ward's crime beside its share of the area's."""
    label_ward, label_area = profile.ward_name, area_name
    mix = profile.mix
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "crime_type": mix["crime_type"],
                    "series": label_ward,
                    "share": mix["ward_share"],
                    "incidents": mix["ward_incidents"],
                }
            ),
            pd.DataFrame(
                {
                    "crime_type": mix["crime_type"],
                    "series": label_area,
                    "share": mix["area_share"],
                    "incidents": mix["area_incidents"],
                }
            ),
        ],
        ignore_index=True,
    )
    order = list(mix.sort_values("area_share", ascending=False)["crime_type"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title="Share of crime", axis=alt.Axis(format="%")),
            y=alt.Y("crime_type:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("series:N", sort=[label_ward, label_area]),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[label_ward, label_area], range=[WARD_COLOUR, AREA_COLOUR]),
                legend=alt.Legend(orient="top", labelLimit=360),
            ),
            tooltip=[
                alt.Tooltip("crime_type:N", title="Crime type"),
                alt.Tooltip("series:N", title="Where"),
                alt.Tooltip("share:Q", title="Share of crime", format=".1%"),
                alt.Tooltip("incidents:Q", title="Crimes", format=","),
            ],
        )
        .properties(height=30 * max(len(mix), 1))
    )
