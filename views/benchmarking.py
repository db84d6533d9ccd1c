"""Benchmarking: the area against its Most Similar Group of CSPs, from the ONS recorded crime tables."""

import pandas as pd
import streamlit as st

from csp_data import benchmarks as bm
from csp_data import ui
from csp_data.charts import benchmarks as benchmark_charts
from csp_data.maps import benchmarks as benchmark_maps

PEERS_KEY, PERIOD_KEY, OFFENCE_KEY = "benchmark_peers", "benchmark_period", "benchmark_offence"

area = ui.current_area()
area_dir = area.area_file.parent
st.title(f"{area.short_name}: benchmarking against similar areas")


# Cached by file and version: the functions below get the table from here, so a cache key is a few
# strings, never a hashed data frame. st.cache_data hands each caller its own copy.
@st.cache_data(max_entries=4, show_spinner=False)
def _table(path: str, mtime_ns: int) -> pd.DataFrame:
    return bm.read_benchmark_table(path)


@st.cache_data(max_entries=128, show_spinner=False)
def _comparison(path: str, mtime_ns: int, area_code: str, peers: tuple, period: str, offence: str) -> bm.Comparison:
    return bm.compare(_table(path, mtime_ns), area_code, list(peers), period, offence)


@st.cache_data(max_entries=16, show_spinner=False)
def _peer_choices(path: str, mtime_ns: int, area_code: str, area_peers: tuple) -> bm.PeerChoices:
    return bm.peer_choices(_table(path, mtime_ns), area_code, area_peers)


@st.cache_data(max_entries=8, show_spinner=False)
def _published(path: str, mtime_ns: int, area_name: str) -> list[bm.PublishedSummary]:
    return bm.summarise_published_file(path, area_name)


def _show_table(frame: pd.DataFrame, file_name: str | None = None, most_rows: int = 20, **options) -> None:
    """A table tall enough for a group's rows without scrolling (35 px a row, as st.dataframe draws them)."""
    st.dataframe(frame, hide_index=True, width="stretch", height=35 * (min(len(frame), most_rows) + 1) + 3, **options)
    if file_name:
        ui.download_table(frame, file_name)


def _show_metrics(metrics: list[bm.Metric]) -> None:
    for column, metric in zip(st.columns(len(metrics)), metrics):
        column.metric(metric.label, metric.value, help=metric.help_text)


with ui.guard(
    "Load the ONS tables with `python -m csp_data benchmarks load PATH...`, "
    "or set area.csp_code in the area file, then reload the page."
):
    table_path = bm.find_benchmark_table(ui.current_store(area).root, area_dir)
    version = (str(table_path), table_path.stat().st_mtime_ns)
    table = _table(*version)
    area_code = bm.area_csp_code(table, area.csp_code, [area.short_name, area.name])
choices = _peer_choices(*version, area_code, tuple(area.peers))
area_name = choices.names[area_code]
st.caption(bm.describe_data(table))

# ---- Controls: never hand a widget a value it does not offer (e.g. one kept from another table) ----------
st.session_state[PERIOD_KEY] = bm.chosen_period_key(table, st.session_state.get(PERIOD_KEY))
st.session_state[OFFENCE_KEY] = bm.chosen_offence_group(st.session_state.get(OFFENCE_KEY))
controls = st.columns([3, 2])
offence = controls[0].selectbox(
    "Offence group", bm.OFFENCE_KEYS, format_func=bm.offence_group_label, key=OFFENCE_KEY, persist_state="session"
)
period_key = controls[1].selectbox(
    "Year",
    bm.period_keys(table),
    format_func=bm.period_label,
    key=PERIOD_KEY,
    persist_state="session",
    help="ONS publishes CSP figures for rolling years; these are the years loaded.",
)
st.session_state[PEERS_KEY] = choices.offered(st.session_state.get(PEERS_KEY, choices.area_file_peers))

# A fixed label: a label that changed with the peers would make a new, closed expander on every change.
with st.expander("Peer group: choose the CSPs to compare with"):
    st.caption(bm.describe_default_peers(area_name, area.peers))
    for column, (label, preset) in zip(st.columns(len(choices.presets)), choices.presets.items()):
        column.button(
            f"{label} ({len(preset)})",
            on_click=st.session_state.update,
            args=({PEERS_KEY: list(preset)},),
            key=f"benchmark_preset_{ui.slug(label)}",
            width="stretch",
        )
    peer_names = st.multiselect(
        "Peer CSPs", choices.options, key=PEERS_KEY, persist_state="session", placeholder="Choose CSPs to compare with"
    )
st.caption(bm.describe_peer_choice(list(peer_names)))
if choices.unknown_peers:
    st.warning(bm.describe_unknown_peers(choices.unknown_peers))

with ui.guard("Choose another year, offence group or peer list."):
    peer_codes = tuple(bm.resolve_peers(table, peer_names))
    comparison = _comparison(*version, area_code, peer_codes, period_key, offence)
summary, history, national = comparison.summary, comparison.history, comparison.national
stub = f"{ui.slug(area.short_name)}-benchmark-{ui.slug(offence)}"

# ---- Headline, then the table as a strategic assessment lays it out -----------------------------
st.subheader(f"{summary.offence_label}, {bm.year_ending(summary.period_end)}")
_show_metrics(bm.headline_metrics(summary, area_name))
st.markdown(bm.describe_position(summary, area_name))
st.caption(
    " ".join(
        [bm.describe_rate_source(table, summary.period_end), bm.describe_change_missing(table, summary.period_end)]
    )
)
st.subheader("The group")
headings = bm.assessment_headings(summary)
_show_table(
    bm.assessment_table(summary),
    f"{stub}-{summary.period_end:%Y-%m}-group.csv",
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

st.subheader(f"Rates with {round(summary.level * 100)}% confidence intervals")
st.altair_chart(
    benchmark_charts.group_dot_plot(summary.table, summary.group_average, area_name, level=summary.level),
    width="stretch",
    alt=bm.describe_dot_plot_alt(summary),
)
st.caption(bm.describe_dot_plot(summary.level))

st.subheader("Change in rank between years")
st.markdown(bm.describe_rank_history(history, area_name))
history_table = bm.rank_history_table(history)
_show_table(
    history_table,
    f"{stub}-rank-history.csv",  # ranks on screen; the download adds each year's rate
    column_order=[c for c in history_table.columns if not c.startswith("rate ") and c != "CSP code"],
    column_config={"CSP": st.column_config.TextColumn(width="medium", pinned=True)},
)
st.caption(bm.describe_rank_table(history_table, bm.available_periods(table)))

st.subheader("The group on a map")
with ui.guard("Rebuild the boundaries with `python -m csp_data benchmarks boundaries LAD_FILE`.", stop=False):
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

st.subheader("The national picture")
st.markdown("\n".join(f"- {sentence}" for sentence in bm.describe_national(summary, area_name)))
_show_metrics(bm.national_metrics(summary))
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
ui.download_table(national, f"{stub}-{summary.period_end:%Y-%m}-all-csps.csv")

if published_paths := bm.published_table_paths(area_dir):
    st.subheader("As published by the partnership")
    st.caption(bm.PUBLISHED_NOTE)
for path in published_paths:
    with ui.guard(f"Check {path.name}: its format is described in data/medway/benchmarks/README.md.", stop=False):
        summaries = _published(str(path), path.stat().st_mtime_ns, area_name)
        for column, published in zip(st.columns(len(summaries)), summaries):
            with column:
                st.markdown(f"**{published.table['offence_label'].iloc[0]}**, {bm.year_ending(published.period_end)}")
                _show_table(
                    bm.published_rows_table(published),
                    column_config={
                        "CSP": st.column_config.TextColumn(width="medium"),
                        **{c: st.column_config.NumberColumn(format=f) for c, f in bm.PUBLISHED_FORMATS.items()},
                    },
                )
                st.markdown(bm.describe_published(published, area_name))
                if ons_rates := bm.describe_ons_rates(table, area_code, published.offence_group, area_name):
                    st.caption(ons_rates)
                ui.download_table(
                    published.table,
                    f"{ui.slug(area.short_name)}-published-"
                    f"{ui.slug(published.offence_group)}-{published.period_end:%Y-%m}.csv",
                )
        st.caption(bm.describe_published_source(summaries[-1]))

st.subheader("Sources and caveats")
st.markdown(bm.describe_sources(table, area_code, area_name, table_path.name))
