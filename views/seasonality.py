"""Seasonality and trends: financial years overlaid, month x year, rolling 12 months, expected range."""

import streamlit as st

from csp_data import ui
from csp_data.charts import seasonality as season_charts
from csp_data.figures.seasonal_events import seasonal_event_positions
from csp_data.figures.seasonality import build_seasonality
from csp_data.series import counted_choices, monthly_type_counts
from csp_data.ui import links

area = ui.current_area()
period = st.session_state.get("period")
st.title(f"{area.short_name}: seasonality and trends")
if period is None:
    st.info("No police.uk months are loaded. Load some with `python -m csp_data ingest PATH`.")
    st.stop()

with ui.guard("Try another period; if this persists, check the store with `python -m csp_data status`."):
    loaded = ui.loaded_months()
    type_counts = monthly_type_counts(ui.run_query, loaded, period)

labels = {c.key: c.label for c in counted_choices(type_counts.loc[type_counts["kind"] == "crime", "crime_type"])}
links.restore_choice(links.COUNTED, "seasonality_series", list(labels), links.WHAT_COUNTED)
series_key = st.selectbox(
    "Series",
    list(labels),
    format_func=labels.get,
    key="seasonality_series",
    index=list(labels).index("asb"),  # the seasonal pattern partners plan for (summer, Halloween, Bonfire Night)
    help="ASB is shown separately from crime and is never added to it.",
)
links.publish(links.COUNTED, series_key, default="asb")
with ui.guard("Choose another series or period."):
    view = build_seasonality(type_counts, loaded, series_key, period)

choice, kind = view.choice, view.choice.kind
file_stem = f"{ui.slug(area.short_name)}-{ui.slug(choice.key)}"
st.caption(
    f"{view.coverage_text} Source: data.police.uk street-level crime and ASB (Open Government Licence). "
    "The seasonal views below use every loaded month; the trend and the change use the chosen period "
    f"({period.label}: {period.span_label})."
)

st.header(f"{choice.label}: financial years overlaid")
if view.partial_years:
    st.caption(
        "Partial years are dashed and labelled with the months they hold: "
        + "; ".join(view.partial_years)
        + ". Months not loaded are gaps in the line, not zeros."
    )
st.altair_chart(
    season_charts.fy_overlay_chart(view.overlay, seasonal_event_positions(), kind),
    width="stretch",
    alt=f"{choice.label} by month of the financial year, one line per year.",
)
with st.expander("Table: financial years overlaid"):
    st.dataframe(view.overlay, hide_index=True, width="stretch")
ui.download_table(view.overlay, f"{file_stem}-financial-years.csv")

st.header("Month by month, with the expected range")
if view.has_expected_range:
    st.caption(
        "The band is the 95% range expected from the same month in earlier loaded years (up to five), "
        "treating counts as Poisson: mean ± 1.96 × √(mean × (1 + 1/years)). The line across each band is the mean. "
        "Black triangles mark months outside it: ▲ above, ▼ below."
    )
    st.markdown(view.expected_text)
else:
    st.info(view.expected_text)
st.altair_chart(
    season_charts.expected_range_chart(view.series, view.expected, view.events, kind),
    width="stretch",
    alt=f"{choice.label} per month over every loaded month, with the expected range where there is history.",
)
with st.expander("Table: monthly counts and expected range"):
    st.dataframe(view.expected, hide_index=True, width="stretch")
ui.download_table(view.expected, f"{file_stem}-expected-range.csv")
st.caption(
    "Marked: school summer holidays (late July to August), Halloween (31 October, on the October "
    "count) and Bonfire Night (5 November, on the November count)."
)

st.header("Month by year")
st.altair_chart(
    season_charts.heat_map_chart(view.heat_map),
    width="stretch",
    alt=f"{choice.label}: a grid of months by year, each cell giving the count.",
)
with st.expander("Table: month by year"):
    st.dataframe(
        view.heat_map.pivot(index="year_label", columns="month_name", values="incidents").reindex(
            columns=list(dict.fromkeys(view.heat_map["month_name"]))
        ),
        width="stretch",
    )
ui.download_table(view.heat_map, f"{file_stem}-month-by-year.csv")

st.header("Rolling 12-month totals")
st.caption(view.rolling_text)
if view.rolling["rolling_12"].notna().sum() > 1:  # one total is given in words above
    st.altair_chart(
        season_charts.rolling_chart(view.rolling, kind),
        width="stretch",
        alt=f"{choice.label}: totals for the 12 months to each month.",
    )
with st.expander("Table: rolling 12-month totals"):
    st.dataframe(view.rolling, hide_index=True, width="stretch")
ui.download_table(view.rolling, f"{file_stem}-rolling-12.csv")

st.header(f"Trend in the chosen period ({period.span_label})")
if view.change.change is None:
    st.info(view.change.text)
elif view.change.complete:
    st.markdown(view.change.text)
else:
    st.warning(view.change.text)
st.altair_chart(
    season_charts.trend_chart(view.trend, kind),
    width="stretch",
    alt=f"{choice.label} per month in {period.span_label} with a centred 3-month average.",
)
st.caption(
    "The trend is a centred 3-month moving average, shown only where the month and both its "
    "neighbours are loaded, so it never bridges a gap or guesses at the ends."
)
with st.expander("Table: trend"):
    st.dataframe(view.trend, hide_index=True, width="stretch")
ui.download_table(view.trend, f"{file_stem}-trend-{period.first:%Y-%m}-{period.last:%Y-%m}.csv")

st.header(f"Each crime type ({period.span_label})")
if view.small_multiples.empty:
    st.info("No crime is recorded in the chosen period.")
else:
    st.caption("Each panel has its own scale, so compare shapes, not heights. ASB is not crime and is not included.")
    st.altair_chart(
        season_charts.small_multiples_chart(view.small_multiples),
        width="content",
        alt="One small chart per crime type with monthly counts and a 3-month average.",
    )
    with st.expander("Table: crime types by month"):
        st.dataframe(view.small_multiples, hide_index=True, width="stretch")
    ui.download_table(
        view.small_multiples,
        f"{ui.slug(area.short_name)}-crime-types-by-month-{period.first:%Y-%m}-{period.last:%Y-%m}.csv",
    )
