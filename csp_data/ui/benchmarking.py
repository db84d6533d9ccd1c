"""The Benchmarking page's caches and sections: the figures and their wording come from
:mod:`csp_data.benchmarks`, the charts from :mod:`csp_data.charts.benchmarks` and the map from
:mod:`csp_data.maps.benchmarks`; here they are put on the page."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data import benchmarks as bm
from csp_data.charts import benchmarks as benchmark_charts
from csp_data.maps import benchmarks as benchmark_maps
from csp_data.ui.downloads import download_table
from csp_data.ui.errors import guard
from csp_data.words import slug

PEERS_KEY, PERIOD_KEY, OFFENCE_KEY = "benchmark_peers", "benchmark_period", "benchmark_offence"
# Where the format of a partnership's published tables is described (the repository's example area).
PUBLISHED_FORMAT_DOC = "data/medway/benchmarks/README.md"


# -- caches -------------------------------------------------------------------------------------
# Cached by file and version: the functions below get the table from here, so a cache key is a few
# strings, never a hashed data frame. st.cache_data hands each caller its own copy.


@st.cache_data(max_entries=4, show_spinner=False)
def benchmark_table(path: str, mtime_ns: int) -> pd.DataFrame:
    """The tidy benchmark table of ``path`` as it was at ``mtime_ns``."""
    return bm.read_benchmark_table(path)


@st.cache_data(max_entries=128, show_spinner=False)
def comparison(path: str, mtime_ns: int, area_code: str, peers: tuple, period: str, offence: str) -> bm.Comparison:
    """:func:`csp_data.benchmarks.compare` on the table of ``path``."""
    return bm.compare(benchmark_table(path, mtime_ns), area_code, list(peers), period, offence)


@st.cache_data(max_entries=16, show_spinner=False)
def peer_choices(path: str, mtime_ns: int, area_code: str, area_peers: tuple) -> bm.PeerChoices:
    """:func:`csp_data.benchmarks.peer_choices` on the table of ``path``."""
    return bm.peer_choices(benchmark_table(path, mtime_ns), area_code, area_peers)


@st.cache_data(max_entries=8, show_spinner=False)
def published_summaries(path: str, mtime_ns: int, area_name: str) -> list[bm.PublishedSummary]:
    """:func:`csp_data.benchmarks.summarise_published_file` of ``path``."""
    return bm.summarise_published_file(path, area_name)


# -- building blocks ----------------------------------------------------------------------------


def show_table(frame: pd.DataFrame, file_name: str | None = None, most_rows: int = 20, **options) -> None:
    """A table tall enough for a group's rows without scrolling (35 px a row, as st.dataframe draws them)."""
    st.dataframe(frame, hide_index=True, width="stretch", height=35 * (min(len(frame), most_rows) + 1) + 3, **options)
    if file_name:
        download_table(frame, file_name)


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


def show_headline(table: pd.DataFrame, summary: bm.GroupSummary, area_name: str) -> None:
    """The offence group and year, the area's headline figures and where it stands."""
    st.header(f"{summary.offence_label}, {bm.year_ending(summary.period_end)}")
    show_metrics(bm.headline_metrics(summary, area_name))
    st.markdown(bm.describe_position(summary, area_name))
    st.caption(
        " ".join(
            [bm.describe_rate_source(table, summary.period_end), bm.describe_change_missing(table, summary.period_end)]
        )
    )


def show_group_table(summary: bm.GroupSummary, area_name: str, file_name: str) -> None:
    """The group's table: the area first, then its peers by name."""
    st.header("The group")
    headings = bm.assessment_headings(summary)
    show_table(
        bm.assessment_table(summary),
        file_name,
        column_config={
            **{
                headings[k]: st.column_config.NumberColumn(format=f, help=bm.ASSESSMENT_HELP.get(k))
                for k, f in bm.ASSESSMENT_FORMATS.items()
            },
            headings["csp_name"]: st.column_config.TextColumn(width="medium", pinned=True),
            headings["rate_source"]: st.column_config.TextColumn(width="medium"),
        },
    )
    st.caption(bm.describe_group_table(summary, area_name))


def show_dot_plot(summary: bm.GroupSummary, area_name: str) -> None:
    """The group's rates with their confidence intervals against the group average."""
    st.header(f"Rates with {round(summary.level * 100)}% confidence intervals")
    st.altair_chart(
        benchmark_charts.group_dot_plot(summary.table, summary.group_average, area_name, level=summary.level),
        width="stretch",
        alt=bm.describe_dot_plot_alt(summary),
    )
    st.caption(bm.describe_dot_plot(summary.level))


def show_rank_history(table: pd.DataFrame, history: pd.DataFrame, area_name: str, file_name: str) -> None:
    """Each CSP's rank in the group in every year loaded."""
    st.header("Change in rank between years")
    st.markdown(bm.describe_rank_history(history, area_name))
    history_table = bm.rank_history_table(history)
    show_table(
        history_table,
        file_name,  # ranks on screen; the download adds each year's rate
        column_order=[c for c in history_table.columns if not c.startswith("rate ") and c != "CSP code"],
        column_config={"CSP": st.column_config.TextColumn(width="medium", pinned=True)},
    )
    st.caption(bm.describe_rank_table(history_table, bm.available_periods(table)))


def show_group_map(table: pd.DataFrame, summary: bm.GroupSummary, area_dir: Path, area_name: str) -> None:
    """The group on a map with its legend; a missing boundary file is a message, and the page goes on."""
    st.header("The group on a map")
    with guard("Rebuild the boundaries with `python -m csp_data benchmarks boundaries LAD_FILE`.", stop=False):
        boundaries = bm.group_boundaries(table, summary.table, area_dir)
        deck = benchmark_maps.build_group_map(
            boundaries.rows, boundaries.shapes, group_average=summary.group_average, outline=boundaries.outline
        )
        map_column, legend_column = st.columns([4, 1])
        map_column.pydeck_chart(
            deck, height=benchmark_maps.MAP_HEIGHT, key="benchmark_map", alt=bm.describe_map_alt(summary, area_name)
        )
        legend_column.markdown(
            benchmark_maps.group_map_legend(summary.table["position"], area_name, summary.level), unsafe_allow_html=True
        )
        legend_column.caption("Hover over an area for its figures.")
        st.caption(bm.describe_map(boundaries.rows))


def show_national(
    found: bm.Comparison, area_code: str, peer_codes: Sequence[str], area_name: str, file_name: str
) -> None:
    """Where the area stands among every CSP, and the national table."""
    summary, national = found.summary, found.national
    st.header("The national picture")
    st.markdown("\n".join(f"- {sentence}" for sentence in bm.describe_national(summary, area_name)))
    show_metrics(bm.national_metrics(summary))
    st.altair_chart(
        benchmark_charts.national_strip_chart(national, area_code, list(peer_codes), area_name),
        width="stretch",
        alt=bm.describe_strip_chart_alt(summary, area_name),
    )
    with st.expander("Table: every CSP, ranked"):
        st.dataframe(
            national,
            hide_index=True,
            width="stretch",
            column_config={
                "rate_per_1000": st.column_config.NumberColumn("rate_per_1000", format="%.2f"),
                "rate_population": st.column_config.NumberColumn("rate_population", format="%.0f"),
            },
        )
    download_table(national, file_name)


def _show_published_table(
    published: bm.PublishedSummary, table: pd.DataFrame, area_code: str, area_name: str, file_stub: str
) -> None:
    st.markdown(f"**{published.table['offence_label'].iloc[0]}**, {bm.year_ending(published.period_end)}")
    show_table(
        bm.published_rows_table(published),
        column_config={
            "CSP": st.column_config.TextColumn(width="medium"),
            **{c: st.column_config.NumberColumn(format=f) for c, f in bm.PUBLISHED_FORMATS.items()},
        },
    )
    st.markdown(bm.describe_published(published, area_name))
    if ons_rates := bm.describe_ons_rates(table, area_code, published.offence_group, area_name):
        st.caption(ons_rates)
    download_table(
        published.table,
        f"{file_stub}-published-{slug(published.offence_group)}-{published.period_end:%Y-%m}.csv",
    )


def show_published(table: pd.DataFrame, area_dir: Path, area_code: str, area_name: str, file_stub: str) -> None:
    """The partnership's own published tables in the area's folder, if any, each beside the ONS rates."""
    if published_paths := bm.published_table_paths(area_dir):
        st.header("As published by the partnership")
        st.caption(bm.PUBLISHED_NOTE)
    for path in published_paths:
        with guard(f"Check {path.name}: its format is described in {PUBLISHED_FORMAT_DOC}.", stop=False):
            summaries = published_summaries(str(path), path.stat().st_mtime_ns, area_name)
            for column, published in zip(st.columns(len(summaries)), summaries):
                with column:
                    _show_published_table(published, table, area_code, area_name, file_stub)
            st.caption(bm.describe_published_source(summaries[-1]))
