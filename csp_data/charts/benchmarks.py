"""Charts for Most Similar Group benchmarking, written as Vega-Lite specifications (:mod:`csp_data.charts.vegalite`).

Colours say where a CSP stands against the group average, with the same colour-blind-safe
(Okabe–Ito) colours as the group map (:data:`csp_data.charts.colours.POSITION_COLOURS`); the area is
told apart by shape, size and a bold label, never by colour alone.

Both charts fit a 320 px screen (a phone, or a desktop zoomed to 400%): legends sit below the plot, one
entry a line; titles and legend labels beside the CSP names are split into lines of at most
:data:`LINE_CHARACTERS`; CSP names keep to a width that leaves room for the plot.
"""

from __future__ import annotations

import json
import textwrap

import pandas as pd

from csp_data.charts.colours import AREA_COLOUR, CONTEXT_COLOUR, POSITION_COLOURS
from csp_data.charts.vegalite import Tables, VegaSpec, field, layered, mark, single, tip

__all__ = ["NATIONAL_ROWS", "group_dot_plot", "national_strip_chart"]

_POSITIONS = ["above average", "not significantly different", "below average"]
_POSITION_SCALE = {"domain": _POSITIONS, "range": [POSITION_COLOURS[p] for p in _POSITIONS]}
#: Widest CSP name drawn in full beside the dot plot ("Nuneaton and Bedworth" takes about 125 px).
NAME_WIDTH = 150
#: The longest line of a title or legend label under the dot plot: what fits beside the CSP names at 320 px.
LINE_CHARACTERS = 21
#: A tick's shape in a legend (an upright bar, as the strip chart draws each CSP).
_TICK_SYMBOL = "M-0.2,-1H0.2V1H-0.2Z"
#: The strip chart's rows: every CSP, the unitary authorities, the group.
NATIONAL_ROWS = ("All CSPs", "Unitary authorities", "This group")


def _lines(text: str) -> list[str]:
    """``text`` split into lines of at most :data:`LINE_CHARACTERS` (a Vega title or label drawn as lines)."""
    return textwrap.wrap(text, LINE_CHARACTERS, break_long_words=False, break_on_hyphens=False)


def _bottom_legend(title: str | None, symbol: str = "circle", labels: tuple[str, ...] = ()) -> dict:
    """A legend under the plot, one entry a line, so that it never runs off a phone's screen; its title and
    the entries named in ``labels`` are split into lines (:func:`_lines`)."""
    legend = {
        "columns": 1,
        "direction": "vertical",
        "labelLimit": 300,
        "orient": "bottom",
        "symbolType": symbol,
        "title": _lines(title) if title else title,
    }
    split = {label: _lines(label) for label in labels if len(label) > LINE_CHARACTERS}
    if split:
        cases = " : ".join(
            f"datum.label == {json.dumps(label)} ? {json.dumps(lines)}" for label, lines in split.items()
        )
        legend["labelExpr"] = f"{cases} : datum.label"
    return legend


def group_dot_plot(
    table: pd.DataFrame,
    group_average: float,
    area_name: str,
    *,
    level: float = 0.95,
    rate_title: str = "Rate per 1,000 residents",
    decimals: int = 2,
) -> VegaSpec:
    """Each CSP's rate with its confidence interval, and a rule at the group average.

    Parameters
    ----------
    table : pandas.DataFrame
        ``GroupSummary.table`` (``csp_name, is_area, rate_per_1000, ci_lower, ci_upper, rank,
        position, pct_change, count``, and ``rate_source`` when there is one). The rate is drawn
        as given (ONS's own where it publishes one), inside its interval.
    group_average : float
    area_name : str
        Drawn bold, as a larger mark with a heavy outline.
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
    y = field(
        "csp_name",
        "nominal",
        axis={
            "labelFontWeight": {
                "condition": {"test": f"datum.value == {area_name!r}", "value": "bold"},
                "value": "normal",
            },
            "labelLimit": NAME_WIDTH,
        },
        sort=order,
        title=None,
    )
    tooltip = [
        tip("csp_name", "nominal", "CSP"),
        tip("rate_per_1000", "quantitative", "Rate per 1,000", format=rate_format),
        tip("ci_lower", "quantitative", f"{percent}% confidence interval from", format=rate_format),
        tip("ci_upper", "quantitative", f"{percent}% confidence interval to", format=rate_format),
        tip("rank", "quantitative", "Rank in group (1 = highest)"),
        tip("position", "nominal", "Against group average"),
        tip("count", "quantitative", "Offences", format=","),
        tip("pct_change", "quantitative", "% change on previous year", format="+.1f"),
    ]
    if "rate_source" in data:
        tooltip.insert(2, tip("rate_source", "nominal", "Rate from"))
    # One legend for the verdict's colour and shape (the same field and legend, so Vega-Lite merges them).
    verdict_legend = {
        k: v
        for k, v in _bottom_legend("Against the group average", labels=tuple(_POSITIONS)).items()
        if k != "symbolType"
    }
    colour = field("position", "nominal", legend=verdict_legend, scale=_POSITION_SCALE)
    intervals = {
        "mark": mark("rule", strokeWidth=3),
        "encoding": {
            "color": colour,
            "tooltip": tooltip,
            "x": field(
                "ci_lower",
                "quantitative",
                axis={"labelFlush": True},
                # In lines, so that the title fits a phone; rates are not counts, so the axis need not start at 0.
                scale={"zero": False},
                title=_lines(f"{rate_title} (bars: {percent}% confidence intervals)"),
            ),
            "x2": {"field": "ci_upper"},
            "y": y,
        },
    }
    points = {
        "mark": mark("point", filled=True, opacity=1, stroke=AREA_COLOUR, strokeWidth=0.8),
        "encoding": {
            "color": colour,
            # The verdict by shape as well as colour (one legend for both), so a pack printed in grey still
            # tells above from below; the area is the larger mark with a heavy outline, its name in bold.
            "shape": field(
                "position",
                "nominal",
                legend=verdict_legend,
                scale={"domain": _POSITIONS, "range": ["triangle-up", "circle", "triangle-down"]},
            ),
            "size": {"condition": {"test": "datum.is_area", "value": 240}, "value": 90},
            "strokeWidth": {"condition": {"test": "datum.is_area", "value": 2.5}, "value": 0.8},
            "tooltip": tooltip,
            "x": field("rate_per_1000", "quantitative"),
            "y": y,
        },
    }
    # The average's label stays inside the plot: to the right of the line in the left half, else to its left.
    low, high = data["ci_lower"].min(), data["ci_upper"].max()
    on_left = data.empty or pd.isna(low) or group_average <= (low + high) / 2
    label_text = f"Group average {group_average:,.{decimals}f}"
    one_row = {"values": [{}]}  # inline: the average is a constant, not a row of the table
    rule = {
        "data": one_row,
        "mark": mark("rule", color=AREA_COLOUR, strokeWidth=1.5),  # solid: dashes mean "partial"
        "encoding": {
            "description": {"value": label_text},  # what a screen reader says for the line
            "tooltip": {"value": label_text},
            "x": {"datum": group_average},
        },
    }
    label = {
        "data": one_row,
        "mark": mark(
            "text",
            align="left" if on_left else "right",
            baseline="bottom",
            color=AREA_COLOUR,
            dx=4 if on_left else -4,
            dy=-6,
            fontSize=12,
            text=label_text,
        ),
        "encoding": {"x": {"datum": group_average}, "y": {"value": 0}},
    }
    # The table is the layers' shared data; the average's layers carry their own.
    return layered(Tables(), [intervals, points, rule, label], data=data, height={"step": 30})


def national_strip_chart(
    national: pd.DataFrame,
    area_code: str,
    group_codes: list[str],
    area_name: str,
    rate_title: str = "Rate per 1,000 residents",
    decimals: int = 2,
) -> VegaSpec:
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
    source = [tip("rate_source", "nominal", "Rate from")] if "rate_source" in long else []
    encoding = {
        "color": field(
            "member",
            "nominal",
            legend=_bottom_legend(None, _TICK_SYMBOL),
            scale={"domain": [area_name, "Other CSPs"], "range": [AREA_COLOUR, CONTEXT_COLOUR]},
        ),
        "size": {"condition": {"test": f"datum.member == {area_name!r}", "value": 30}, "value": 18},
        "tooltip": [
            tip("csp_name", "nominal", "CSP"),
            tip("rate_per_1000", "quantitative", "Rate per 1,000", format=f",.{decimals}f"),
            *source,
            tip("rank_all", "quantitative", "Rank of all CSPs"),
            tip("rank_unitary", "quantitative", "Rank of unitary authorities"),
        ],
        # labelFlush: the end labels sit inside the plot, not half past its edge on a phone
        "x": field("rate_per_1000", "quantitative", axis={"labelFlush": True}, scale={"zero": True}, title=rate_title),
        "y": field("row", "nominal", axis={"labelLimit": NAME_WIDTH}, sort=rows, title=None),
    }
    return single(Tables(), long, mark("tick", thickness=2), encoding, height={"step": 40})
