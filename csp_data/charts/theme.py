"""The one Altair theme every chart is drawn with: text and axes dark enough for WCAG 2.2 AA.

Streamlit's own chart theme draws axis labels, titles and legends in #808495 (3.7:1 on white; text
needs 4.5:1). Altair merges an enabled theme's ``config`` into each chart's specification, and in
the browser a specification's own config wins over Streamlit's, so enabling this theme once in the
process (importing this module does it) fixes the text of every chart, on the pages and in the
scrutiny pack alike. Colours of the data themselves are in :mod:`csp_data.charts.colours`.
"""

from __future__ import annotations

import altair as alt

from csp_data.charts.colours import CATEGORY_COLOURS

THEME_NAME = "csp_accessible"

#: Chart text: titles and labels (16.1:1 and 9.7:1 on white), and axis lines and ticks, which are
#: graphics that carry meaning (WCAG 1.4.11 asks 3:1; this is 5.7:1).
TITLE_COLOUR = "#1f1f1f"
LABEL_COLOUR = "#404040"
AXIS_LINE_COLOUR = "#666666"
#: Grid lines only help the eye along; the axis labels carry the values, so they may stay light.
GRID_COLOUR = "#e0e0e0"


def theme_config() -> alt.theme.ThemeConfig:
    """The theme's settings: every kind of chart text and the axis lines, plus the default palette."""
    text = {"labelColor": LABEL_COLOUR, "titleColor": TITLE_COLOUR}
    return {
        "config": {
            "axis": {
                **text,
                "domainColor": AXIS_LINE_COLOUR,
                "tickColor": AXIS_LINE_COLOUR,
                "gridColor": GRID_COLOUR,
            },
            "legend": text,
            "header": text,
            "title": {"color": TITLE_COLOUR, "subtitleColor": LABEL_COLOUR},
            "text": {"color": TITLE_COLOUR},
            "range": {"category": list(CATEGORY_COLOURS)},
        }
    }


alt.theme.register(THEME_NAME, enable=True)(theme_config)
