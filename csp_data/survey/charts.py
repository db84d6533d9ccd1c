"""Altair charts of survey results: published shares, weighted shares with intervals, years side by side;
and each chart's text alternative, naming what it shows for a screen reader.

Shares are drawn from zero to 100%. Answers are written on the bars' axis over as many lines as they
need (:func:`_answer_axis`), so a long answer does not take the bars' room on a phone; years are told
apart by the one colour of each year on every chart (:func:`csp_data.charts.colours.year_colour`).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from csp_data.charts.colours import year_colour
from csp_data.survey.published import ALL_RESPONDENTS
from csp_data.survey.wording import comparison_wide, percent_decimals
from csp_data.words import percent

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

__all__ = [
    "SURVEY_COLOUR",
    "comparison_chart",
    "comparison_chart_alt",
    "published_chart",
    "published_chart_alt",
    "weighted_chart",
    "weighted_chart_alt",
    "year_colours",
]

#: Colour of the survey bars (Okabe-Ito blue, 5.0:1 on white) and of the interval whiskers.
SURVEY_COLOUR = "#0072B2"
_WHISKER_COLOUR = "#333333"
#: Answers are wrapped at this many characters, and each line of a label takes this many pixels.
_LABEL_CHARACTERS, _LINE_HEIGHT = 24, 13
_SHARE_TICKS = [0, 20, 40, 60, 80, 100]


def _lines(label: str) -> list[str]:
    return textwrap.wrap(str(label), _LABEL_CHARACTERS) or [str(label)]


def _answer_axis(labels: Iterable[str]) -> alt.Axis:
    """The axis naming the bars, each label wrapped onto lines (Vega draws a list of strings as lines)."""
    import altair as alt

    lines = {str(label): _lines(label) for label in labels}
    return alt.Axis(
        labelExpr=f"{json.dumps(lines)}[datum.value] || datum.value",
        labelLimit=200,
        labelLineHeight=_LINE_HEIGHT,
        labelOverlap=False,
    )


def _bar_height(labels: Iterable[str], least: int) -> int:
    """Room for one bar: ``least`` pixels, or more when a label takes more lines than fit with a line's
    gap to the next label."""
    return max([least, *(_LINE_HEIGHT * (len(_lines(label)) + 1) + 1 for label in labels)])


def _share_labels(percentages: Iterable[float]) -> list[str]:
    """Published percentages as the chart writes them, all to the same precision."""
    values = [float(p) for p in percentages]
    decimals = percent_decimals(values)
    return [percent(p / 100, decimals) for p in values]


def published_chart(results: pd.DataFrame, *, height_per_bar: int = 30) -> alt.LayerChart:
    """Horizontal bars of published percentages, each labelled with its value.

    ``results`` has ``option`` and ``percentage`` columns (as from
    :func:`csp_data.survey.question_results`); answers without a figure are left out of the
    chart (the table beside it names them).
    """
    import altair as alt

    data = results[results["percentage"].notna()].copy()
    data["percentage"] = data["percentage"].astype(float)
    data["label"] = _share_labels(data["percentage"])
    y = alt.Y("option:N", title=None, sort=None, axis=_answer_axis(data["option"]))
    x = alt.X(
        "percentage:Q",
        title="% of respondents",
        scale=alt.Scale(domain=[0, 100]),
        axis=alt.Axis(values=_SHARE_TICKS),
    )
    bars = (
        alt.Chart()
        .mark_bar(color=SURVEY_COLOUR)
        .encode(x=x, y=y, tooltip=[alt.Tooltip("option:N", title="Answer"), alt.Tooltip("label:N", title="Share")])
    )
    labels = alt.Chart().mark_text(align="left", dx=4, color="#000000").encode(x=x, y=y, text="label:N")
    # The data once, on the layer: given to each part, Altair compares the copies row by row (slow).
    height = _bar_height(data["option"], height_per_bar)
    return alt.layer(bars, labels, data=data).properties(height=height * max(len(data), 1))


def published_chart_alt(question: str, survey: str, results: pd.DataFrame) -> str:
    """What :func:`published_chart` shows, in words: the question, the survey and every figure drawn."""
    drawn = results[results["percentage"].notna()]
    figures = "; ".join(f"{o} {t}" for o, t in zip(drawn["option"], _share_labels(drawn["percentage"])))
    text = f"Bar chart of the share of respondents giving each answer to “{question}” ({survey}): {figures}."
    if len(drawn) < len(results):
        text += " Answers published without a figure are in the table."
    return text


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
    y = alt.Y(f"{category}:N", title=None, sort=sort, axis=_answer_axis(data[category]))
    x = alt.X(
        "weighted_proportion:Q",
        title="Weighted share (bars) and 95% interval (lines)",
        axis=alt.Axis(format="%", values=[t / 100 for t in _SHARE_TICKS]),
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
    height = _bar_height(data[category], 30)
    return alt.layer(bars, whiskers, labels, data=data).properties(height=height * max(len(data), 1))


def weighted_chart_alt(
    title: str, proportions: pd.DataFrame, category: str = "answer", answer: str = "", by: str = ""
) -> str:
    """What :func:`weighted_chart` shows, in words: every bar drawn with its share and 95% interval.

    For all respondents (``category`` ``"answer"``), a bar per answer to the question ``title``; for a
    breakdown, a bar per group (``by``: ``"ward"``) of the share giving ``answer``."""
    drawn = proportions[~proportions["suppressed"]]
    bars = "; ".join(
        f"{name} {percent(float(p), 0)} (95% interval {percent(float(low), 0)} to {percent(float(high), 0)})"
        for name, p, low, high in zip(
            drawn[category], drawn["weighted_proportion"], drawn["ci_lower"], drawn["ci_upper"]
        )
    )
    if category == "answer":
        shown = f"the weighted share of all respondents giving each answer to “{title}”"
    else:
        shown = f"the weighted share answering “{answer}” to “{title}”, by {by}"
    text = f"Bar chart of {shown}, with 95% intervals: {bars}."
    if len(drawn) < len(proportions):
        text += " Withheld groups are not drawn."
    return text


def year_colours(years: Iterable[int]) -> dict[str, str]:
    """Each survey year's colour: the one colour of that year on every chart (charts.colours.year_colour)."""
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
        # Below the bars, four years a row: short enough for a phone's width.
        legend=alt.Legend(orient="bottom", direction="horizontal", columns=4),
    )
    order = [a for a in comparison_wide(comparison)["answer"] if a in set(data["answer"])]
    y = alt.Y("answer:N", title=None, sort=order, axis=_answer_axis(order))
    x = alt.X(
        "percentage:Q",
        title="% of respondents",
        scale=alt.Scale(domain=[0, 100]),
        axis=alt.Axis(values=_SHARE_TICKS),
    )
    data["label"] = _share_labels(data["percentage"])
    data["bar_label"] = data["year"] + ": " + data["label"]  # each bar names its year: not by colour alone
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
        .encode(x=x, y=y, yOffset=alt.YOffset("year:N", sort=years), text="bar_label:N")
    )
    per_answer = _bar_height(order, max(len(years), 1) * 18 + 8)
    return alt.layer(bars, labels, data=data).properties(height=per_answer * max(data["answer"].nunique(), 1))


def comparison_chart_alt(question: str, comparison: pd.DataFrame) -> str:
    """What :func:`comparison_chart` shows, in words: each answer's published share in each year drawn."""
    wide = comparison_wide(comparison)
    years = [c for c in wide.columns if c != "answer"]
    drawn = [
        f"{row['answer']} " + ", ".join(f"{row[y]} in {y}" for y in years if row[y].endswith("%"))
        for _, row in wide.iterrows()
        if any(row[y].endswith("%") for y in years)
    ]
    text = (
        f"Bar chart of the published share of respondents giving each answer to “{question}”, "
        f"one bar for each survey year ({', '.join(years)}): {'; '.join(drawn)}."
    )
    if any(not row[y].endswith("%") for _, row in wide.iterrows() for y in years):
        text += " Answers a year published without a figure are in the table."
    return text
