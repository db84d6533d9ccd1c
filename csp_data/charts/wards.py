"""The ward profile's charts (Okabe–Ito colours, as in :mod:`csp_data.charts.colours`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from csp_data.charts.colours import AREA_COLOUR, CRIME_COLOUR
from csp_data.charts.monthly import two_series_chart
from csp_data.charts.vegalite import VegaSpec
from csp_data.figures.ward_profile import WardProfile

#: The ward in the crime colour; its area in black, as the area is on every chart.
WARD_COLOUR = CRIME_COLOUR


def ward_trend_chart(profile: WardProfile, area_name: str, noun: str) -> VegaSpec:
    """The ward's monthly counts against the area's average per ward; months not loaded are gaps under
    a grey band, as on every monthly chart (:func:`csp_data.charts.monthly.two_series_chart`)."""
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
    return two_series_chart(
        data,
        pd.to_datetime(profile.monthly.loc[~profile.monthly["loaded"], "month"]),
        {label_ward: WARD_COLOUR, label_area: AREA_COLOUR},
        y_title=f"{noun.capitalize()} recorded",
        count_format=",.1f",
        height=380,  # the whole chart: about 250 px of plot once the legend and slanted months are drawn
        legend={"labelLimit": 360, "orient": "top"},
    )


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
