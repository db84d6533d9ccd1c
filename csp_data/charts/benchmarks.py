"""Altair charts for Most Similar Group benchmarking.

Colours say where a CSP stands against the group average, with the same colour-blind-safe
(Okabe–Ito) colours as the group map; the area is told apart by shape, size and a bold label,
never by colour alone.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from csp_data.charts.colours import POSITION_COLOURS

__all__ = ["group_dot_plot", "national_strip_chart"]

_POSITIONS = ["above average", "not significantly different", "below average"]
_POSITION_SCALE = alt.Scale(domain=_POSITIONS, range=[POSITION_COLOURS[p] for p in _POSITIONS])
_AREA_COLOUR = "#000000"


def group_dot_plot(
    table: pd.DataFrame,
    group_average: float,
    area_name: str,
    *,
    level: float = 0.95,
    rate_title: str = "Rate per 1,000 residents",
) -> alt.LayerChart:
    """Each CSP's rate with its confidence interval, and a rule at the group average.

    Parameters
    ----------
    table : pandas.DataFrame
        ``GroupSummary.table`` (``csp_name, is_area, rate_per_1000, ci_lower, ci_upper, rank,
        position, pct_change, count``, and ``rate_source`` when there is one). The rate is drawn
        as given (ONS's own where it publishes one), inside its interval.
    group_average : float
    area_name : str
        Drawn bold, as a larger diamond.
    level : float
        Confidence level, for the titles.
    """
    percent = round(level * 100)
    data = table[table["rate_per_1000"].notna()].copy()
    data["position"] = data["position"].fillna("not significantly different")
    data["member"] = data["is_area"].map({True: area_name, False: "Peer"})
    data["count"] = data["count"].astype("float64")
    data["pct_change"] = data["pct_change"].astype("float64")
    data["rank"] = data["rank"].astype("float64")
    order = data.sort_values("rate_per_1000", ascending=False)["csp_name"].tolist()
    y = alt.Y(
        "csp_name:N",
        sort=order,
        title=None,
        axis=alt.Axis(
            labelLimit=220,
            labelFontWeight=alt.condition(f"datum.value == {area_name!r}", alt.value("bold"), alt.value("normal")),
        ),
    )
    tooltip = [
        alt.Tooltip("csp_name:N", title="CSP"),
        alt.Tooltip("rate_per_1000:Q", title="Rate per 1,000", format=".2f"),
        alt.Tooltip("ci_lower:Q", title=f"{percent}% CI lower", format=".2f"),
        alt.Tooltip("ci_upper:Q", title=f"{percent}% CI upper", format=".2f"),
        alt.Tooltip("rank:Q", title="Rank in group"),
        alt.Tooltip("position:N", title="Against group average"),
        alt.Tooltip("count:Q", title="Offences", format=","),
        alt.Tooltip("pct_change:Q", title="% change on previous year", format="+.1f"),
    ]
    if "rate_source" in data:
        tooltip.insert(2, alt.Tooltip("rate_source:N", title="Rate from"))
    colour = alt.Color(
        "position:N",
        title="Against the group average",
        scale=_POSITION_SCALE,
        legend=alt.Legend(orient="top", direction="horizontal", titleOrient="left"),
    )
    base = alt.Chart(data)
    intervals = base.mark_rule(strokeWidth=3).encode(
        x=alt.X(
            "ci_lower:Q", title=f"{rate_title} (bars: {percent}% confidence interval)", scale=alt.Scale(zero=False)
        ),
        x2="ci_upper:Q",
        y=y,
        color=colour,
        tooltip=tooltip,
    )
    points = base.mark_point(filled=True, opacity=1, stroke="#000000", strokeWidth=0.8).encode(
        x="rate_per_1000:Q",
        y=y,
        color=colour,
        shape=alt.Shape(
            "member:N",
            title=None,
            scale=alt.Scale(domain=[area_name, "Peer"], range=["diamond", "circle"]),
            legend=alt.Legend(orient="top"),
        ),
        size=alt.condition("datum.is_area", alt.value(220), alt.value(90)),
        tooltip=tooltip,
    )
    average = alt.Chart(pd.DataFrame({"average": [group_average], "label": [f"Group average {group_average:.2f}"]}))
    rule = average.mark_rule(color=_AREA_COLOUR, strokeWidth=1.5).encode(  # solid: dashes mean "partial"
        x="average:Q", tooltip=[alt.Tooltip("average:Q", title="Group average", format=".2f")]
    )
    label = average.mark_text(align="left", dx=4, dy=-6, fontSize=12, color=_AREA_COLOUR, baseline="bottom").encode(
        x="average:Q", y=alt.value(0), text="label:N"
    )
    return alt.layer(intervals, points, rule, label).properties(height=alt.Step(30))


def national_strip_chart(
    national: pd.DataFrame,
    area_code: str,
    group_codes: list[str],
    area_name: str,
    rate_title: str = "Rate per 1,000 residents",
) -> alt.Chart:
    """Every CSP's rate as a tick, in three rows: all CSPs, unitary authorities, the group.

    The area is a heavy black tick in each row it belongs to, so its place in each
    distribution shows at a glance.

    Parameters
    ----------
    national : pandas.DataFrame
        :func:`csp_data.benchmarks.national_table` (rates as given: ONS's own where it publishes one).
    area_code : str
    group_codes : list of str
        The peers' codes (the area is added).
    area_name : str
    """
    data = national[national["rate_per_1000"].notna()].copy()
    data["rank_all"] = data["rank_all"].astype("float64")
    data["rank_unitary"] = data["rank_unitary"].astype("float64")
    data["member"] = (data["csp_code"] == area_code).map({True: area_name, False: "Other CSPs"})
    rows = ["All CSPs in England and Wales", "Unitary authorities", "This group"]
    long = pd.concat(
        [
            data.assign(row=rows[0]),
            data[data["unitary_authority"]].assign(row=rows[1]),
            data[data["csp_code"].isin([area_code, *group_codes])].assign(row=rows[2]),
        ]
    )
    long = long.sort_values("member", key=lambda s: s == area_name)  # the area drawn last, on top
    source = [alt.Tooltip("rate_source:N", title="Rate from")] if "rate_source" in long else []
    return (
        alt.Chart(long)
        .mark_tick(thickness=2)
        .encode(
            x=alt.X("rate_per_1000:Q", title=rate_title),
            y=alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelLimit=240)),
            color=alt.Color(
                "member:N",
                title=None,
                scale=alt.Scale(domain=[area_name, "Other CSPs"], range=[_AREA_COLOUR, "#767676"]),
                legend=alt.Legend(orient="top"),
            ),
            size=alt.condition(f"datum.member == {area_name!r}", alt.value(30), alt.value(18)),
            tooltip=[
                alt.Tooltip("csp_name:N", title="CSP"),
                alt.Tooltip("rate_per_1000:Q", title="Rate per 1,000", format=".2f"),
                *source,
                alt.Tooltip("rank_all:Q", title="Rank of all CSPs"),
                alt.Tooltip("rank_unitary:Q", title="Rank of unitary authorities"),
            ],
        )
        .properties(height=alt.Step(40))
    )
