"""The Seasonality page's caches and sections: the figures come from :mod:`csp_data.figures.seasonality`,
the charts from :mod:`csp_data.charts.seasonality`; here they are cached and put on the page.

Each cached function is keyed on scalars (the area file, the store version, the period's months and
label, the counted key) and returns the figures together with the chart specifications
(:func:`csp_data.ui.charts.finished`), so a warm rerun builds no chart and computes no figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from csp_data.charts import seasonality as charts
from csp_data.config import Area
from csp_data.figures.expected_range import with_expected_range
from csp_data.figures.seasonal_events import seasonal_event_positions
from csp_data.figures.seasonality import Seasonality, build_seasonality, small_multiples_table
from csp_data.periods import Period, describe_months, month_label
from csp_data.series import counted_choices, crime_type_counted, monthly_type_counts
from csp_data.tables import COUNT
from csp_data.ui.charts import VegaSpec, finished, show_chart
from csp_data.ui.context import FAST_HASH, FIGURES_PER_CACHE, current_store, loaded_months, run_query
from csp_data.ui.downloads import download_table
from csp_data.ui.folds import fold
from csp_data.ui.tables import show_table, table_html
from csp_data.words import slug

PANEL_COLUMNS = 3

#: Headings of the page's own columns (shared ones, such as month and incidents, come from csp_data.tables),
#: and formats for those of them that hold numbers: counts whole with separators, averages to 1 dp.
LABELS = {
    "financial_year": "Financial year",
    "fy_start": "Financial year starts",
    "fy_position": "Month of the financial year (1 = April)",
    "month_name": "Month name",
    "months_loaded": "Months of the year loaded",
    "partial": "Partial year",
    "line_label": "Line",
    "baseline_years": "Earlier years used",
    "baseline_months": "Earlier months used",
    "expected": "Expected (average of earlier years)",
    "lower": "Expected range, lower limit",
    "upper": "Expected range, upper limit",
    "within_from": "Expected range from",
    "within_to": "Expected range to",
    "position": "Against the expected range",
    "months_loaded_in_window": "Months loaded of the 12",
    "rolling_12": "12-month total",
    "trend": "3-month average",
}
#: The columns each grid shows (the download holds every column).
OVERLAY_SHOWN = ["financial_year", "month", "incidents", "loaded", "months_loaded"]
EXPECTED_SHOWN = ["month", "incidents", "expected", "within_from", "within_to", "position", "baseline_months"]
ROLLING_SHOWN = ["month", "rolling_12", "incidents", "months_loaded_in_window"]
TREND_SHOWN = ["month", "incidents", "trend", "loaded"]
TYPES_SHOWN = ["crime_type", "month", "incidents", "trend"]

EXPECTED_NOTE = (
    "The pale blue bar on a month is its **expected range**: where the count would usually fall if nothing "
    "had changed, judged from the same month in up to five earlier years. The dark line across each bar is "
    "their average. Black triangles mark months outside it: ▲ higher than expected, ▼ lower. Grey spans are "
    "months not loaded; the pale orange span is the school summer holidays."
)
EXPECTED_METHOD = (
    "Counts go up and down by chance from month to month even when nothing has changed. The range is the "
    "average of the same month in the earlier loaded years (up to five), plus or minus "
    "1.96 × √(average × (1 + 1 ÷ years)): the spread that chance alone gives 95 times in 100, treating each "
    "count as a Poisson count (the usual model for counts of independent events). A month outside it is "
    "unusual for the time of year, though about one month in twenty falls outside by chance alone."
)
CHANGE_NOTE = (
    "“Within normal variation” means the change is no bigger than counts move by chance from one year to the "
    "next; the 95% interval is the range the real change most likely lies in."
)
AVERAGE_NOTE = (
    "The thick black line is the **3-month average**: each month averaged with the month before and the month "
    "after, which smooths out one-off ups and downs. It is drawn only where all three months are loaded, so it "
    "never bridges a gap or guesses at the ends."
)


@dataclass
class SeasonalityPage:
    """The figures of one series and period, with each chart's specification and text alternative."""

    area_name: str
    view: Seasonality
    charts: dict[str, tuple[VegaSpec, str]]
    heat_grid: pd.DataFrame  # the month by year table: a row a year, a column a month


@dataclass
class CrimeTypePanels:
    """Each crime type's monthly counts in the period, with one small chart per type."""

    table: pd.DataFrame
    panels: list[tuple[VegaSpec, str]]


# -- caches -------------------------------------------------------------------------------------


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner=False)
def _type_counts(area_file: str, store_version: str, first: date, last: date, label: str) -> pd.DataFrame:
    return monthly_type_counts(run_query, loaded_months(), Period(first, last, label))


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner=False)
def _series_labels(area_file: str, store_version: str, first: date, last: date, label: str) -> dict[str, str]:
    counts = _type_counts(area_file, store_version, first, last, label)
    return {c.key: c.label for c in counted_choices(counts.loc[counts["kind"] == "crime", "crime_type"])}


def series_labels(area: Area, period: Period) -> dict[str, str]:
    """The series the page offers (all crime, ASB, each crime type held), key -> label."""
    return _series_labels(*_key(area, period))


def _key(area: Area, period: Period) -> tuple:
    return str(area.area_file), current_store(area).version(), period.first, period.last, period.label


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner="Working out the seasonal pattern…")
def _page(
    area_file: str, store_version: str, first: date, last: date, label: str, series_key: str, area_name: str
) -> SeasonalityPage:
    """Computed once per (store version, period, series); the arguments are the cache key."""
    period = Period(first, last, label)
    counts = _type_counts(area_file, store_version, first, last, label)
    view = build_seasonality(counts, loaded_months(), series_key, period)
    kind = view.choice.kind
    specs = {
        "overlay": (charts.fy_overlay_chart(view.overlay, seasonal_event_positions()), overlay_alt(view, area_name)),
        "expected": (
            charts.expected_range_chart(view.series, view.expected, view.events, kind),
            expected_alt(view, area_name),
        ),
        "heat_map": (charts.heat_map_chart(view.heat_map), heat_map_alt(view, area_name)),
        "trend": (charts.trend_chart(view.trend, kind), trend_alt(view, area_name)),
    }
    if view.rolling["rolling_12"].notna().sum() > 1:  # one total is given in words only
        specs["rolling"] = (charts.rolling_chart(view.rolling, kind), rolling_alt(view, area_name))
    heat = view.heat_map
    grid = heat.pivot(index="year_label", columns="month_name", values="incidents")
    grid = grid.reindex(index=list(dict.fromkeys(heat["year_label"])), columns=list(dict.fromkeys(heat["month_name"])))
    specs = {name: (finished(chart), text) for name, (chart, text) in specs.items()}
    return SeasonalityPage(area_name, view, specs, grid)


def seasonality_page(area: Area, period: Period, series_key: str) -> SeasonalityPage:
    return _page(*_key(area, period), series_key, area.short_name)


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner="Drawing each crime type…")
def _crime_types(
    area_file: str, store_version: str, first: date, last: date, label: str, area_name: str
) -> CrimeTypePanels:
    period = Period(first, last, label)
    counts = _type_counts(area_file, store_version, first, last, label)
    table = small_multiples_table(counts, loaded_months(), period)
    if table.empty:
        return CrimeTypePanels(table, [])
    spec = finished(charts.crime_types_chart(table))  # built once; each panel is a copy showing its type
    totals = table.groupby("crime_type", sort=False)["incidents"].sum()
    panels = [
        (
            charts.crime_type_panel(spec, crime_type),
            f"Line chart of {crime_type_counted(crime_type).noun} recorded each month in {area_name}, {period.span_label}, "
            f"with its 3-month average; {int(total):,} in all.",
        )
        for crime_type, total in totals.items()
    ]
    return CrimeTypePanels(table, panels)


def crime_type_panels(area: Area, period: Period) -> CrimeTypePanels:
    return _crime_types(*_key(area, period), area.short_name)


# -- text alternatives --------------------------------------------------------------------------


def overlay_alt(view: Seasonality, area_name: str) -> str:
    years = ", ".join(dict.fromkeys(view.overlay["line_label"]))
    return (
        f"Line chart of {view.choice.noun} recorded in each month of the financial year (April to March) in "
        f"{area_name}, one line per financial year: {years}."
        + (" Partial years are dashed." if view.partial_years else "")
        + " Months not loaded are gaps. The summer holidays, Halloween and Bonfire Night are marked."
    )


def expected_alt(view: Seasonality, area_name: str) -> str:
    months = view.series["month"]
    text = (
        f"Line chart of {view.choice.noun} recorded each month in {area_name}, {month_label(months.iloc[0])} to "
        f"{month_label(months.iloc[-1])}; months not loaded are shaded grey with no line."
    )
    drawn = with_expected_range(view.expected)
    if drawn.empty:
        return text + " No expected range is drawn: there is not yet enough history."
    outside = drawn["position"].isin(["above", "below"]).sum()
    return text + (
        f" A band shows the expected range for {describe_months(drawn['month'])}; "
        f"months outside it: {int(outside)} of {len(drawn)}, marked with black triangles."
    )


def heat_map_alt(view: Seasonality, area_name: str) -> str:
    years = ", ".join(dict.fromkeys(view.heat_map["year_label"]))
    return (
        f"Grid of {view.choice.noun} recorded in {area_name} by month (rows) and year (columns: {years}); "
        "each cell gives the month's count, darker for more, and months not loaded say so."
    )


def rolling_alt(view: Seasonality, area_name: str) -> str:
    held = view.rolling[view.rolling["rolling_12"].notna()]
    return (
        f"Line chart of the total {view.choice.noun} recorded in {area_name} in the 12 months to each month, "
        f"for {describe_months(held['month'])}; the latest, to {month_label(held['month'].iloc[-1])}, "
        f"is {int(held['rolling_12'].iloc[-1]):,}."
    )


def trend_alt(view: Seasonality, area_name: str) -> str:
    return (
        f"Line chart of {view.choice.noun} recorded each month in {area_name}, {view.period.span_label}, with the "
        "3-month average as a thick black line."
    )


# -- sections -----------------------------------------------------------------------------------


def _table(
    frame: pd.DataFrame, shown: list[str], title: str, file_name: str, labels: dict | None = None, extra: tuple = ()
) -> None:
    """The table behind a chart, folded away, then its CSV download (the columns shown, and ``extra`` ones)."""
    kept = shown + [c for c in extra if c not in shown]
    show_table(
        frame,
        file_name,
        labels=LABELS | (labels or {}),
        hidden=[c for c in frame.columns if c not in kept],
        columns=shown,
        expander=f"Table: {title}",
    )


def show_overlay(page: SeasonalityPage, stem: str) -> None:
    view = page.view
    st.header(f"{view.choice.label}: financial years overlaid")
    st.markdown(
        "Each line is one financial year, April to March, so the same months sit one above another: "
        "a rise in the same months every year is a seasonal pattern."
    )
    if view.partial_years:
        st.caption(
            "Dashed lines are partial years, labelled with the months they hold: "
            + "; ".join(view.partial_years)
            + ". Months not loaded are gaps in the line, not zeros."
        )
    show_chart(*page.charts["overlay"])
    _table(view.overlay, OVERLAY_SHOWN, "financial years overlaid", f"{stem}-financial-years.csv")


def show_expected(page: SeasonalityPage, stem: str) -> None:
    view = page.view
    st.header("Month by month, with the expected range")
    if view.has_expected_range:
        st.caption(EXPECTED_NOTE)
        st.markdown(view.expected_text)
        with st.expander("How the expected range is worked out"):
            st.markdown(EXPECTED_METHOD)
    else:
        st.info(view.expected_text)
    show_chart(*page.charts["expected"])
    file_name = f"{stem}-expected-range.csv"
    _table(view.expected, EXPECTED_SHOWN, "monthly counts and expected range", file_name, extra=("lower", "upper"))


def show_heat_map(page: SeasonalityPage, stem: str) -> None:
    view = page.view
    st.header("Month by year")
    st.caption(
        "Each column is a year and each row a month; darker cells had more incidents. Under a year that is "
        "only partly loaded is how many of its 12 months are loaded (for example, “4 of 12”)."
    )
    show_chart(*page.charts["heat_map"])
    if table := fold("Table: month by year"):
        grid = page.heat_grid.rename_axis("year_label").reset_index()
        months = {m: COUNT for m in page.heat_grid.columns}
        table.html(table_html(grid, labels={"year_label": "Year"}, kinds=months, name="Table: month by year"))
    heat = view.heat_map[["year", "month", "incidents", "loaded", "year_label"]]
    download_table(heat, f"{stem}-month-by-year.csv", labels=LABELS | {"year_label": "Year (months loaded)"})


def show_rolling(page: SeasonalityPage, stem: str) -> None:
    view = page.view
    st.header("Rolling 12-month totals")
    st.caption(
        "Each total adds up the 12 months to that month, so it holds one of each month: seasonal ups and downs "
        f"cancel out and the longer-term direction shows. {view.rolling_text}"
    )
    if "rolling" in page.charts:
        show_chart(*page.charts["rolling"])
    if view.rolling["rolling_12"].notna().any():
        labels = {"month": "12 months to", "incidents": "That month"}
        _table(view.rolling, ROLLING_SHOWN, "rolling 12-month totals", f"{stem}-rolling-12.csv", labels)


def show_trend(page: SeasonalityPage, stem: str) -> None:
    view, period = page.view, page.view.period
    st.header(f"Trend in the chosen period ({period.span_label})")
    change = view.change
    if change.change is None:
        st.info(change.text)
    else:
        (st.markdown if change.complete else st.warning)(change.text)
        st.caption(CHANGE_NOTE)
    show_chart(*page.charts["trend"])
    st.caption(AVERAGE_NOTE)
    _table(view.trend, TREND_SHOWN, "trend", f"{stem}-trend-{period.first:%Y-%m}-{period.last:%Y-%m}.csv")


def show_crime_types(types: CrimeTypePanels, area_name: str, period: Period) -> None:
    st.header(f"Each crime type ({period.span_label})")
    if types.table.empty or types.table["incidents"].isna().all():
        st.info(f"No crime is recorded in {area_name} in {period.span_label}, so there is nothing to show by type.")
        return
    st.caption(
        "Blue line and points: crimes recorded each month; thick black line: the 3-month average. Each panel has "
        "its own scale, so compare shapes, not heights. ASB is not crime and is not included."
    )
    if panels := fold(f"Charts: a chart for each crime type ({len(types.panels)})", "crime type charts"):
        with panels:
            for start in range(0, len(types.panels), PANEL_COLUMNS):
                for column, panel in zip(st.columns(PANEL_COLUMNS), types.panels[start : start + PANEL_COLUMNS]):
                    with column:
                        show_chart(*panel)
    file_name = f"{slug(area_name)}-crime-types-by-month-{period.first:%Y-%m}-{period.last:%Y-%m}.csv"
    _table(types.table, TYPES_SHOWN, "crime types by month", file_name)
