"""Altair charts for Most Similar Group benchmarking.

Colours say where a CSP stands against the group average, with the same colour-blind-safe
(Okabe–Ito) colours as the group map (:data:`csp_data.charts.colours.POSITION_COLOURS`); the area is
told apart by shape, size and a bold label, never by colour alone.

Both charts fit a 390 px phone: legends sit below the plot, one entry a line; axis titles are short
or split over two lines; CSP names keep to a width that leaves room for the plot. Every channel is
given as an Altair channel object (``alt.X2``, ``alt.SizeValue``...), never as a shorthand string or a
plain dict, which Altair would match against the Vega-Lite schema (about 40 ms a chart).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from csp_data.charts.colours import AREA_COLOUR, CONTEXT_COLOUR, POSITION_COLOURS

__all__ = ["NATIONAL_ROWS", "group_dot_plot", "national_strip_chart"]

_POSITIONS = ["above average", "not significantly different", "below average"]
_POSITION_SCALE = alt.Scale(domain=_POSITIONS, range=[POSITION_COLOURS[p] for p in _POSITIONS])
#: Widest CSP name drawn in full beside the dot plot ("Nuneaton and Bedworth" takes about 125 px).
NAME_WIDTH = 150
#: A tick's shape in a legend (an upright bar, as the strip chart draws each CSP).
_TICK_SYMBOL = "M-0.2,-1H0.2V1H-0.2Z"
#: The strip chart's rows: every CSP, the unitary authorities, the group.
NATIONAL_ROWS = ("All CSPs", "Unitary authorities", "This group")


def _bottom_legend(title: str | None, symbol: str = "circle") -> alt.Legend:
    """A legend under the plot, one entry a line, so that it never runs off a phone's screen."""
    return alt.Legend(orient="bottom", direction="vertical", columns=1, title=title, labelLimit=300, symbolType=symbol)


def group_dot_plot(
    table: pd.DataFrame,
    group_average: float,
    area_name: str,
    *,
    level: float = 0.95,
    rate_title: str = "Rate per 1,000 residents",
    decimals: int = 2,
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
    decimals : int
        Decimal places of the rates in the tooltips and the average's label
        (:func:`csp_data.benchmarks.rate_decimals`).
    """
    percent = round(level * 100)
    rate_format = f",.{decimals}f"
    data = table[table["rate_per_1000"].notna()].copy()
    data["position"] = data["position"].fillna("not significantly different")
    data["member"] = data["is_area"].map({True: area_name, False: "Peer"})
    for column in ("count", "pct_change", "rank"):
        data[column] = data[column].astype("float64")
    order = data.sort_values("rate_per_1000", ascending=False)["csp_name"].tolist()
    y = alt.Y(
        "csp_name:N",
        sort=order,
        title=None,
        axis=alt.Axis(
            labelLimit=NAME_WIDTH,
            labelFontWeight=alt.condition(f"datum.value == {area_name!r}", alt.value("bold"), alt.value("normal")),
        ),
    )
    tooltip = [
        alt.Tooltip("csp_name:N", title="CSP"),
        alt.Tooltip("rate_per_1000:Q", title="Rate per 1,000", format=rate_format),
        alt.Tooltip("ci_lower:Q", title=f"{percent}% confidence interval from", format=rate_format),
        alt.Tooltip("ci_upper:Q", title=f"{percent}% confidence interval to", format=rate_format),
        alt.Tooltip("rank:Q", title="Rank in group (1 = highest)"),
        alt.Tooltip("position:N", title="Against group average"),
        alt.Tooltip("count:Q", title="Offences", format=","),
        alt.Tooltip("pct_change:Q", title="% change on previous year", format="+.1f"),
    ]
    if "rate_source" in data:
        tooltip.insert(2, alt.Tooltip("rate_source:N", title="Rate from"))
    colour = alt.Color("position:N", scale=_POSITION_SCALE, legend=_bottom_legend("Against the group average"))
    intervals = (
        alt.Chart()
        .mark_rule(strokeWidth=3)
        .encode(
            x=alt.X(
                "ci_lower:Q",
                # Two lines, so that the title fits a phone; rates are not counts, so the axis need not start at 0.
                title=[rate_title, f"(bars: {percent}% confidence intervals)"],
                scale=alt.Scale(zero=False),
                axis=alt.Axis(labelFlush=True),
            ),
            x2=alt.X2("ci_upper:Q"),
            y=y,
            color=colour,
            tooltip=tooltip,
        )
    )
    points = (
        alt.Chart()
        .mark_point(filled=True, opacity=1, stroke=AREA_COLOUR, strokeWidth=0.8)
        .encode(
            x=alt.X("rate_per_1000:Q"),
            y=y,
            color=colour,
            shape=alt.Shape(
                "member:N", scale=alt.Scale(domain=[area_name, "Peer"], range=["diamond", "circle"]), legend=None
            ),
            size=alt.SizeValue(90, condition={"test": "datum.is_area", "value": 220}),
            tooltip=tooltip,
        )
    )
    # The average's label stays inside the plot: to the right of the line in the left half, else to its left.
    low, high = data["ci_lower"].min(), data["ci_upper"].max()
    on_left = data.empty or pd.isna(low) or group_average <= (low + high) / 2
    label_text = f"Group average {group_average:,.{decimals}f}"
    one_row = alt.Data(values=[{}])  # inline: the average is a constant, not a row of the table
    rule = (
        alt.Chart(one_row)
        .mark_rule(color=AREA_COLOUR, strokeWidth=1.5)  # solid: dashes mean "partial"
        .encode(
            x=alt.XDatum(group_average),
            tooltip=alt.TooltipValue(label_text),
            description=alt.DescriptionValue(label_text),  # what a screen reader says for the line
        )
    )
    label = (
        alt.Chart(one_row)
        .mark_text(
            align="left" if on_left else "right",
            dx=4 if on_left else -4,
            dy=-6,
            baseline="bottom",
            fontSize=12,
            color=AREA_COLOUR,
            text=label_text,
        )
        .encode(x=alt.XDatum(group_average), y=alt.YValue(0))
    )
    # The table is the layers' shared data, converted once; the average's layers carry their own.
    return alt.layer(intervals, points, rule, label, data=data, height=alt.Step(30))


def national_strip_chart(
    national: pd.DataFrame,
    area_code: str,
    group_codes: list[str],
    area_name: str,
    rate_title: str = "Rate per 1,000 residents",
    decimals: int = 2,
) -> alt.Chart:
    """Every CSP's rate as a tick, in three rows: all CSPs, unitary authorities, the group.

    The area is a heavy black tick in each row it belongs to, so its place in each
    distribution shows at a glance. The rate axis starts at zero.

    Parameters
    ----------
    national : pandas.DataFrame
        :func:`csp_data.benchmarks.national_table` (rates as given: ONS's own where it publishes one).
    area_code : str
    group_codes : list of str
        The peers' codes (the area is added).
    area_name : str
    decimals : int
        Decimal places of the rates in the tooltips.
    """
    data = national[national["rate_per_1000"].notna()].copy()
    data["rank_all"] = data["rank_all"].astype("float64")
    data["rank_unitary"] = data["rank_unitary"].astype("float64")
    data["member"] = (data["csp_code"] == area_code).map({True: area_name, False: "Other CSPs"})
    rows = list(NATIONAL_ROWS)
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
            # labelFlush: the end labels sit inside the plot, not half past its edge on a phone
            x=alt.X("rate_per_1000:Q", title=rate_title, scale=alt.Scale(zero=True), axis=alt.Axis(labelFlush=True)),
            y=alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelLimit=NAME_WIDTH)),
            color=alt.Color(
                "member:N",
                scale=alt.Scale(domain=[area_name, "Other CSPs"], range=[AREA_COLOUR, CONTEXT_COLOUR]),
                legend=_bottom_legend(None, _TICK_SYMBOL),
            ),
            size=alt.SizeValue(18, condition={"test": f"datum.member == {area_name!r}", "value": 30}),
            tooltip=[
                alt.Tooltip("csp_name:N", title="CSP"),
                alt.Tooltip("rate_per_1000:Q", title="Rate per 1,000", format=f",.{decimals}f"),
                *source,
                alt.Tooltip("rank_all:Q", title="Rank of all CSPs"),
                alt.Tooltip("rank_unitary:Q", title="Rank of unitary authorities"),
            ],
        )
        .properties(height=alt.Step(40))
    )
