"""Altair charts of survey results: published shares, weighted shares with intervals, years side by side."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from csp_data.survey.published import ALL_RESPONDENTS
from csp_data.survey.wording import comparison_wide

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

__all__ = ["SURVEY_COLOUR", "comparison_chart", "published_chart", "weighted_chart", "year_colours"]

#: Colour of the survey bars (Okabe-Ito blue) and of the interval whiskers.
SURVEY_COLOUR = "#0072B2"
_WHISKER_COLOUR = "#333333"


def published_chart(results: pd.DataFrame, *, height_per_bar: int = 30) -> alt.LayerChart:
    """Horizontal bars of published percentages, each labelled with its value.

    ``results`` has ``option`` and ``percentage`` columns (as from
    :func:`csp_data.survey.question_results`); answers without a figure are left out of the
    chart (the table beside it names them).
    """
    import altair as alt

    data = results[results["percentage"].notna()].copy()
    data["percentage"] = data["percentage"].astype(float)
    data["label"] = [f"{p:g}%" for p in data["percentage"]]
    y = alt.Y("option:N", title=None, sort=None, axis=alt.Axis(labelLimit=320, labelOverlap=False))
    x = alt.X("percentage:Q", title="Share of respondents (%)", scale=alt.Scale(domain=[0, 100]))
    bars = (
        alt.Chart()
        .mark_bar(color=SURVEY_COLOUR)
        .encode(x=x, y=y, tooltip=[alt.Tooltip("option:N", title="Answer"), alt.Tooltip("label:N", title="Share")])
    )
    labels = alt.Chart().mark_text(align="left", dx=4, color="#000000").encode(x=x, y=y, text="label:N")
    # The data once, on the layer: given to each part, Altair compares the copies row by row (slow).
    return alt.layer(bars, labels, data=data).properties(height=height_per_bar * max(len(data), 1))


def weighted_chart(
    proportions: pd.DataFrame, category: str = "answer", order: Sequence[str] | None = None
) -> alt.LayerChart:
    """Weighted shares as bars with their 95% intervals as whiskers; suppressed rows are not drawn.

    Parameters
    ----------
    proportions : pandas.DataFrame
        Rows of :func:`csp_data.survey.weighted_proportions`: all answers of one group, or one
        answer across groups (with a readable label column).
    category : str, optional
        The column that names each bar: ``answer`` (default) or a group label column.
    order : sequence of str, optional
        The bars in this order, top to bottom; the frame's order otherwise.
    """
    import altair as alt

    data = proportions[~proportions["suppressed"]].copy()
    for column in ("weighted_proportion", "ci_lower", "ci_upper", "n_effective"):
        data[column] = data[column].astype(float)
    data["n"] = data["n"].astype(float)
    data["label"] = [f"{p:.0%}" for p in data["weighted_proportion"]]
    sort = list(order) if order is not None else list(data[category])
    y = alt.Y(f"{category}:N", title=None, sort=sort, axis=alt.Axis(labelLimit=260, labelOverlap=False))
    x = alt.X(
        "weighted_proportion:Q",
        title="Weighted share (bars) and 95% interval (lines)",
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=[0, 1]),
    )
    tooltip = [
        alt.Tooltip(f"{category}:N", title="Answer" if category == "answer" else "Group"),
        alt.Tooltip("weighted_proportion:Q", title="Weighted share", format=".1%"),
        alt.Tooltip("ci_lower:Q", title="95% interval from", format=".1%"),
        alt.Tooltip("ci_upper:Q", title="95% interval to", format=".1%"),
        alt.Tooltip("n_effective:Q", title="Effective sample size", format=".1f"),
    ]
    bars = alt.Chart().mark_bar(color=SURVEY_COLOUR, opacity=0.85).encode(x=x, y=y, tooltip=tooltip)
    whiskers = alt.Chart().mark_rule(color=_WHISKER_COLOUR, strokeWidth=2).encode(x="ci_lower:Q", x2="ci_upper:Q", y=y)
    labels = (
        alt.Chart().mark_text(align="left", dx=4, dy=-8, color="#000000").encode(x="ci_upper:Q", y=y, text="label:N")
    )
    return alt.layer(bars, whiskers, labels, data=data).properties(height=30 * max(len(data), 1))


def year_colours(years: Iterable[int]) -> dict[str, str]:
    """Each survey year's colour: the one colour of that year on every chart (charts.colours.year_colour)."""
    from csp_data.charts.colours import year_colour

    return {str(year): year_colour(year) for year in sorted({int(y) for y in years}, reverse=True)}


def comparison_chart(comparison: pd.DataFrame, colours: Mapping[str, str] | None = None) -> alt.LayerChart:
    """Published shares of a comparable question, one bar per year within each answer.

    Only figures for all respondents are drawn; answers published without a figure are left
    to the table. ``colours`` maps each year (as text) to a colour; by default
    :func:`year_colours` of the years in the chart.
    """
    import altair as alt

    data = comparison[(comparison["group"] == ALL_RESPONDENTS) & comparison["percentage"].notna()].copy()
    data["percentage"] = data["percentage"].astype(float)
    data["year"] = data["year"].astype(str)
    latest = data.sort_values("year").groupby("option_key")["option"].last()
    data["answer"] = data["option_key"].map(latest)
    years = sorted(data["year"].unique())
    colours = dict(colours) if colours else year_colours(int(y) for y in years)
    colour = alt.Color(
        "year:N",
        title="Survey year",
        sort=years,
        scale=alt.Scale(domain=years, range=[colours[y] for y in years]),
        legend=alt.Legend(orient="bottom", direction="horizontal"),
    )
    order = [a for a in comparison_wide(comparison)["answer"] if a in set(data["answer"])]
    y = alt.Y("answer:N", title=None, sort=order, axis=alt.Axis(labelLimit=300, labelOverlap=False))
    x = alt.X("percentage:Q", title="Share of respondents (%)", scale=alt.Scale(domain=[0, 100]))
    data["label"] = [f"{p:g}%" for p in data["percentage"]]
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=y,
            yOffset=alt.YOffset("year:N", sort=years),
            color=colour,
            tooltip=[
                alt.Tooltip("year:N", title="Year"),
                alt.Tooltip("option:N", title="Answer as asked"),
                alt.Tooltip("label:N", title="Share"),
            ],
        )
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=4, color="#000000", fontSize=11)
        .encode(x=x, y=y, yOffset=alt.YOffset("year:N", sort=years), text="label:N")
    )
    per_answer = max(len(years), 1) * 18 + 8
    return alt.layer(bars, labels, data=data).properties(height=per_answer * max(data["answer"].nunique(), 1))
