"""The Benchmarking page's caches and sections: the figures and their wording come from
:mod:`csp_data.benchmarks`, the charts from :mod:`csp_data.charts.benchmarks` and the map from
:mod:`csp_data.maps.benchmarks`; here they are put on the page.

Each section has one cached function keyed on a few strings (the table's path and version, the
area's CSP code and name, the peers' names, the year and the offence group) that returns everything
the section shows: its sentences, its tables' HTML (:class:`csp_data.ui.tables.DrawnTable`) and its chart
specifications (:func:`csp_data.ui.charts.chart_spec`), the map's among them. A rerun with the same choices
only looks them up and sends them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data import benchmarks as bm
from csp_data.charts import benchmarks as benchmark_charts
from csp_data.maps import benchmarks as benchmark_maps
from csp_data.tables import csv_bytes
from csp_data.ui.charts import VegaSpec, finished, show_chart
from csp_data.ui.context import FAST_HASH, FIGURES_PER_CACHE, benchmark_table
from csp_data.ui.errors import guard
from csp_data.ui.folds import fold
from csp_data.ui.tables import DrawnTable, drawn_table
from csp_data.words import slug

PEERS_KEY, PERIOD_KEY, OFFENCE_KEY = "benchmark_peers", "benchmark_period", "benchmark_offence"
NO_TABLE = "No ONS benchmark table is held for this dashboard, so the area cannot be compared with similar areas."
NO_TABLE_HINT = "The site's maintainers can load the ONS crime tables for Community Safety Partnerships."
AREA_CODE_HINT = (
    "The ONS tables are loaded, but this partnership is not found in them as the area file names it. The site's "
    'maintainers can correct csp_code in the area file (the README\'s "Configure another partnership" says where '
    "to find it)."
)
CHOICE_HINT = "Choose another year, offence group or peer list."
NO_PEERS = "The group's table, chart, ranks and map appear once at least one peer CSP is chosen under “Peer group”."
BOUNDARY_HINT = "The rest of the page is unaffected; the site's maintainers can rebuild the map's boundaries."
PUBLISHED_HINT = "The site's maintainers can check the partnership's published table against its documented format."
NATIONAL_TABLE = "Table: every CSP, ranked"
BOUNDARY_FILES = (bm.GROUP_BOUNDARIES_FILE, bm.NATIONAL_BOUNDARIES_FILE, bm.OUTLINE_FILE)
#: The headings of a published table's download (its columns as transcribed).
PUBLISHED_HEADINGS = {
    "offence_group": "Offence group key",
    "offence_label": "Offence group",
    "period_end": "Year ending",
    "csp_name": "CSP",
    "rate_per_1000": "Rate per 1,000",
    "pct_change": "% change",
    "source": "Source",
    "rank": "Rank",
}


# -- caches -------------------------------------------------------------------------------------
# The table is read once per file version and shared by the process (no copy per use): like the map's
# boundary files (csp_data.benchmarks.read_lad_shapes), it does not depend on the store, so loading new
# police data does not make it stale. Only the cached functions below see it, and none of them modifies
# it. Their keys are a few strings, never a hashed data frame, and what they return is small.


def find_table(store_dir: Path, area_dir: Path) -> Path:
    """:func:`csp_data.benchmarks.find_benchmark_table`, with the message for a visitor when there is none (the
    package's own names the file and the command that loads it, for the command line)."""
    try:
        return bm.find_benchmark_table(store_dir, area_dir)
    except bm.BenchmarkFileNotFoundError:
        raise bm.BenchmarkFileNotFoundError(NO_TABLE) from None


@dataclass(frozen=True)
class Setup:
    """What the page needs before any choice is made: the area's CSP, the choices and the fixed notes."""

    area_code: str
    area_name: str
    choices: bm.PeerChoices
    period_keys: list[str]
    default_period: str
    intro: str
    default_peers_note: str
    unknown_peers_note: str
    sources: str

    def period(self, key: str | None) -> str:
        """``key`` when that year is loaded, else the year the page opens on."""
        return key if key in self.period_keys else self.default_period


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner=False)
def page_setup(
    path: str, mtime_ns: int, csp_code: str | None, area_names: tuple, area_peers: tuple, council_codes: tuple = ()
) -> Setup:
    table = benchmark_table(path, mtime_ns)
    code = bm.area_csp_code(table, csp_code, list(area_names), council_codes)
    choices = bm.peer_choices(table, code, area_peers)
    name = choices.names[code]
    return Setup(
        area_code=code,
        area_name=name,
        choices=choices,
        period_keys=bm.period_keys(table),
        default_period=bm.chosen_period_key(table, None),
        intro=bm.describe_data(table),
        default_peers_note=bm.describe_default_peers(name, area_peers),
        unknown_peers_note=bm.describe_unknown_peers(choices.unknown_peers),
        sources=bm.describe_sources(table, code, name),
    )


@st.cache_data(hash_funcs=FAST_HASH, max_entries=128, show_spinner=False)
def comparison(path: str, mtime_ns: int, area_code: str, peers: tuple, period: str, offence: str) -> bm.Comparison:
    """:func:`csp_data.benchmarks.compare` of the area and the peers named ``peers``."""
    rows = benchmark_table(path, mtime_ns)
    if offence in bm.OFFENCE_KEYS:  # one offence group, a 23rd of the table (compare names an unknown one)
        rows = rows[rows["offence_group"] == offence]
    return bm.compare(rows, area_code, bm.resolve_peers(rows, peers), period, offence)


@dataclass(frozen=True)
class GroupView:
    """The headline figures and sentences, the group's table with its number formats and column notes, and
    its chart."""

    heading: str
    metrics: list[bm.Metric]
    position: str
    rate_note: str
    has_peers: bool
    table: pd.DataFrame  # for its CSV
    drawn: DrawnTable  # the table on the page
    table_note: str
    chart_heading: str
    chart: VegaSpec
    chart_alt: str
    chart_note: str


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner=False)
def group_view(path: str, mtime_ns: int, area_code: str, area_name: str, peers: tuple, period: str, offence: str):
    """The headline and the group's table and chart."""
    table = benchmark_table(path, mtime_ns)
    summary = comparison(path, mtime_ns, area_code, peers, period, offence).summary
    decimals = bm.rate_decimals(summary.table["rate_per_1000"])
    headings = bm.assessment_headings(summary)
    percent = round(summary.level * 100)
    rate_population = headings["rate_population"]
    group_table = bm.assessment_table(summary).astype({rate_population: "float64"}).round({rate_population: 0})
    chart = benchmark_charts.group_dot_plot(
        summary.table, summary.group_average, area_name, level=summary.level, decimals=decimals
    )
    return GroupView(
        heading=f"{summary.offence_label}, {bm.year_ending(summary.period_end)}",
        metrics=bm.headline_metrics(summary, area_name),
        position=bm.describe_position(summary, area_name),
        rate_note=" ".join(
            [bm.describe_rate_source(table, summary.period_end), bm.describe_change_missing(table, summary.period_end)]
        ).strip(),
        has_peers=len(peers) > 0,
        table=group_table,
        drawn=drawn_table(
            group_table,
            formats={headings[k]: f for k, f in bm.assessment_formats(decimals).items()},
            helps={headings[k]: text for k, text in bm.ASSESSMENT_HELP.items() if k in headings},
            name="Table: the group",
        ),
        table_note=bm.describe_group_table(summary, area_name),
        chart_heading=f"Rates with {percent}% confidence intervals",
        chart=finished(chart),
        chart_alt=bm.describe_dot_plot_alt(summary, area_name),
        chart_note=bm.describe_dot_plot(summary.level),
    )


@dataclass(frozen=True)
class HistoryView:
    """The rank history: its sentence, its table (ranks shown, rates in the download) and caption."""

    text: str
    table: pd.DataFrame  # for its CSV
    drawn: DrawnTable  # the ranks and their change, on the page
    note: str


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner=False)
def history_view(path: str, mtime_ns: int, area_code: str, area_name: str, peers: tuple, period: str, offence: str):
    """Each CSP's rank in the group in every year loaded."""
    history = comparison(path, mtime_ns, area_code, peers, period, offence).history
    table = bm.rank_history_table(history)
    # ranks and their change on screen; the download adds each year's rate and the CSP codes
    shown = [c for c in table.columns if not c.startswith("Rate per 1,000") and c != "CSP code"]
    columns = bm.rank_column_labels(history)
    return HistoryView(
        text=bm.describe_rank_history(history, area_name),
        table=table,
        drawn=drawn_table(
            table[shown],
            labels={heading: label for heading, (label, _) in columns.items()},
            helps={heading: help_text for heading, (_, help_text) in columns.items()},
            name="Table: rank in the group by year",
        ),
        note=bm.describe_rank_table(table, bm.available_periods(benchmark_table(path, mtime_ns))),
    )


@dataclass(frozen=True)
class MapView:
    """The group map's chart specification (``None`` when nothing can be drawn), legend, text alternative
    and caption."""

    chart: VegaSpec | None
    legend: str
    alt: str
    note: str


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner=False)
def map_view(
    path: str,
    mtime_ns: int,
    area_dir: str,
    boundary_versions: tuple,
    area_code: str,
    area_name: str,
    peers: tuple,
    period: str,
    offence: str,
) -> MapView:
    """The group map, its legend and notes (``boundary_versions`` only keys the cache to the files' versions)."""
    summary = comparison(path, mtime_ns, area_code, peers, period, offence).summary
    boundaries = bm.group_boundaries(benchmark_table(path, mtime_ns), summary.table, area_dir)
    note = bm.describe_map(boundaries.rows)
    if not len(boundaries.rows) or not boundaries.rows["drawn"].any():
        return MapView(None, "", "", f"None of the group's CSPs can be drawn on the map. {note}")
    group_map = benchmark_maps.build_group_map(
        boundaries.rows,
        boundaries.shapes,
        group_average=summary.group_average,
        outline=boundaries.outline,
        decimals=bm.rate_decimals(summary.table["rate_per_1000"]),
    )
    return MapView(
        group_map.spec,
        benchmark_maps.group_map_legend(summary.table["position"], area_name, summary.level),
        bm.describe_map_alt(summary, area_name),
        note,
    )


def _boundary_versions(area_dir: Path) -> tuple:
    """The versions of the boundary files the map may read, to key :func:`map_view`."""
    files = [bm.benchmark_file(area_dir, name) for name in BOUNDARY_FILES]
    return tuple((str(f), f.stat().st_mtime_ns) for f in files if f is not None)


@dataclass(frozen=True)
class NationalView:
    """The national ranks in words and figures, the strip chart (``None`` without rates) and the table."""

    sentences: list[str]
    metrics: list[bm.Metric]
    chart: VegaSpec | None
    chart_alt: str
    table: pd.DataFrame
    formats: dict[str, str]
    helps: dict[str, str]


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner=False)
def national_view(path: str, mtime_ns: int, area_code: str, area_name: str, peers: tuple, period: str, offence: str):
    """Where the area stands among every CSP, and the national table."""
    found = comparison(path, mtime_ns, area_code, peers, period, offence)
    summary, national = found.summary, found.national
    decimals = bm.rate_decimals(national["rate_per_1000"])
    chart = None
    if summary.n_ranked_all:
        codes = [c for c in summary.table["csp_code"] if c != area_code]
        chart = finished(
            benchmark_charts.national_strip_chart(national, area_code, codes, area_name, decimals=decimals)
        )
    headings = bm.NATIONAL_HEADINGS
    table = bm.national_display_table(national)
    return NationalView(
        sentences=bm.describe_national(summary, area_name),
        metrics=bm.national_metrics(summary),
        chart=chart,
        chart_alt=bm.describe_strip_chart_alt(summary, area_name),
        table=table,
        formats={
            headings["rate_per_1000"]: f"%.{decimals}f",
            **{headings[k]: "localized" for k in ("count", "population", "rate_population")},
        },
        helps={headings["rate_population"]: bm.ASSESSMENT_HELP["rate_population"]},
    )


@st.cache_data(hash_funcs=FAST_HASH, max_entries=FIGURES_PER_CACHE, show_spinner=False)
def national_table(path: str, mtime_ns: int, area_code: str, area_name: str, peers: tuple, period: str, offence: str):
    """The national table's HTML (every CSP: about 30 ms to write), written when a visitor first opens its fold."""
    view = national_view(path, mtime_ns, area_code, area_name, peers, period, offence)
    return drawn_table(view.table, formats=view.formats, helps=view.helps, name=NATIONAL_TABLE)


@dataclass(frozen=True)
class PublishedView:
    """One table of the partnership's published file, its sentences and its download."""

    title: str
    drawn: DrawnTable  # its rows on the page
    text: str
    ons_rates: str
    download: pd.DataFrame
    file_part: str


@st.cache_data(hash_funcs=FAST_HASH, max_entries=8, show_spinner=False)
def published_views(
    published_path: str, published_mtime_ns: int, path: str, mtime_ns: int, area_code: str, area_name: str
) -> tuple[list[PublishedView], str]:
    """Each table of a partnership's published file beside the ONS rates, and the file's source note."""
    summaries = bm.summarise_published_file(published_path, area_name)
    table = benchmark_table(path, mtime_ns)
    table = table[table["csp_code"] == area_code]  # the area's rows, once, for every table's ONS rates
    views = [
        PublishedView(
            title=f"**{s.table['offence_label'].iloc[0]}**, {bm.year_ending(s.period_end)}",
            drawn=drawn_table(
                bm.published_rows_table(s),
                formats=bm.PUBLISHED_FORMATS,
                name=f"As published: {s.table['offence_label'].iloc[0]}, {bm.year_ending(s.period_end)}",
            ),
            text=bm.describe_published(s, area_name),
            ons_rates=bm.describe_ons_rates(table, area_code, s.offence_group, area_name),
            download=s.table,
            file_part=f"{slug(s.offence_group)}-{s.period_end:%Y-%m}",
        )
        for s in summaries
    ]
    return views, bm.describe_published_source(summaries[-1])


# -- building blocks ----------------------------------------------------------------------------


def download(frame: pd.DataFrame, file_name: str, labels: dict[str, str] | None = None) -> None:
    """:func:`csp_data.ui.downloads.download_table`'s button (the same label, key and CSV, from
    :func:`csp_data.tables.csv_bytes`), with the CSV written only when the button is pressed, not on every run;
    headings as on the page unless ``labels`` gives others."""

    def csv() -> bytes:
        return csv_bytes(frame, labels or {c: c for c in frame.columns})

    st.download_button(
        "Download this table (CSV)", csv, file_name=file_name, mime="text/csv", key=f"download_{file_name}"
    )


def show_metrics(metrics: list[bm.Metric]) -> None:
    for column, metric in zip(st.columns(len(metrics)), metrics):
        column.metric(metric.label, metric.value, help=metric.help_text)


def show_peer_presets(presets: dict[str, Sequence[str]]) -> None:
    """A button per preset peer list; a click puts its CSPs in the peer box."""
    for column, (label, preset) in zip(st.columns(len(presets)), presets.items()):
        column.button(
            f"{label} ({len(preset)})",
            on_click=st.session_state.update,
            args=({PEERS_KEY: list(preset)},),
            key=f"benchmark_preset_{slug(label)}",
            width="stretch",
        )


# -- sections -----------------------------------------------------------------------------------


def show_headline(view: GroupView) -> None:
    """The offence group and year, the area's headline figures and where it stands."""
    st.header(view.heading)
    show_metrics(view.metrics)
    st.markdown(view.position)
    st.caption(view.rate_note)


def show_group(view: GroupView, file_name: str) -> None:
    """The group's table (the area first, then its peers by name), then its rates on a chart."""
    st.header("The group")
    st.html(view.drawn.html)
    download(view.table, file_name)
    st.caption(view.table_note)
    st.header(view.chart_heading)
    show_chart(view.chart, view.chart_alt)
    st.caption(view.chart_note)


def show_rank_history(view: HistoryView, file_name: str) -> None:
    """Each CSP's rank in the group in every year loaded."""
    st.header("Change in rank between years")
    st.markdown(view.text)
    st.html(view.drawn.html)
    download(view.table, file_name)
    st.caption(view.note)


def show_group_map(area_dir: Path, version: tuple[str, int], choice: tuple) -> None:
    """The group on a map with its legend; a missing boundary file is a message, and the page goes on.

    ``version`` is the table's path and version, ``choice`` the rest of :func:`group_view`'s arguments."""
    st.header("The group on a map")
    with guard(BOUNDARY_HINT, stop=False):
        view = map_view(*version, str(area_dir), _boundary_versions(area_dir), *choice)
        if view.chart is None:
            st.info(view.note)
            return
        map_column, legend_column = st.columns([4, 1])
        with map_column:
            show_chart(view.chart, view.alt)
        legend_column.html(view.legend)
        legend_column.caption("Hover over an area for its figures; the group's table above has them all.")
        st.caption(view.note)


def show_national(view: NationalView, file_name: str, version: tuple[str, int], choice: tuple) -> None:
    """Where the area stands among every CSP, and the national table (``version`` and ``choice``: the
    table's path and version and the rest of :func:`national_view`'s arguments)."""
    st.header("The national picture")
    st.markdown("\n".join(f"- {sentence}" for sentence in view.sentences))
    if view.chart is None:  # no CSP has a rate this year: nothing to chart or list
        return
    show_metrics(view.metrics)
    show_chart(view.chart, view.chart_alt)
    if table := fold(NATIONAL_TABLE):
        table.html(national_table(*version, *choice).html)
    download(view.table, file_name)


def show_published(area_dir: Path, version: tuple[str, int], area_code: str, area_name: str, file_stub: str) -> None:
    """The partnership's own published tables in the area's folder, if any, each beside the ONS rates."""
    if published_paths := bm.published_table_paths(area_dir):
        st.header("As published by the partnership")
        st.caption(bm.PUBLISHED_NOTE)
    for published in published_paths:
        with guard(PUBLISHED_HINT, stop=False):
            views, source = published_views(
                str(published), published.stat().st_mtime_ns, *version, area_code, area_name
            )
            for column, view in zip(st.columns(len(views)), views):
                with column:
                    st.markdown(view.title)
                    st.html(view.drawn.html)
                    st.markdown(view.text)
                    if view.ons_rates:
                        st.caption(view.ons_rates)
                    download(view.download, f"{file_stub}-published-{view.file_part}.csv", PUBLISHED_HEADINGS)
            st.caption(source)
