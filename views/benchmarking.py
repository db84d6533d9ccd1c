"""Benchmarking: the area against its Most Similar Group of CSPs, from the ONS recorded crime tables."""

import streamlit as st

from csp_data import benchmarks as bm
from csp_data import ui
from csp_data.ui import benchmarking as bench_ui
from csp_data.ui import links
from csp_data.ui.benchmarking import OFFENCE_KEY, PEERS_KEY, PERIOD_KEY

area = ui.current_area()
area_dir = area.area_file.parent
st.title(f"{area.short_name}: benchmarking against similar areas")

with ui.guard(
    "Load the ONS tables with `python -m csp_data benchmarks load PATH...`, "
    "or set area.csp_code in the area file, then reload the page."
):
    table_path = bm.find_benchmark_table(ui.current_store(area).root, area_dir)
    version = (str(table_path), table_path.stat().st_mtime_ns)
    table = bench_ui.benchmark_table(*version)
    area_code = bm.area_csp_code(table, area.csp_code, [area.short_name, area.name])
choices = bench_ui.peer_choices(*version, area_code, tuple(area.peers))
area_name = choices.names[area_code]
st.caption(bm.describe_data(table))

# ---- Controls: never hand a widget a value it does not offer (e.g. one kept from another table) ----------
links.restore_choice(links.YEAR_TO, PERIOD_KEY, bm.period_keys(table), "a year of the tables loaded")
links.restore_choice(links.OFFENCE, OFFENCE_KEY, bm.OFFENCE_KEYS, "an offence group of the ONS tables")
links.restore_peers(PEERS_KEY, choices)
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
links.publish(links.OFFENCE, offence, default=bm.chosen_offence_group(None))
links.publish(links.YEAR_TO, period_key, default=bm.chosen_period_key(table, None))
st.session_state[PEERS_KEY] = choices.offered(st.session_state.get(PEERS_KEY, choices.area_file_peers))

# A fixed label: a label that changed with the peers would make a new, closed expander on every change.
with st.expander("Peer group: choose the CSPs to compare with"):
    st.caption(bm.describe_default_peers(area_name, area.peers))
    bench_ui.show_peer_presets(choices.presets)
    peer_names = st.multiselect(
        "Peer CSPs", choices.options, key=PEERS_KEY, persist_state="session", placeholder="Choose CSPs to compare with"
    )
links.publish_peers(peer_names, choices)
st.caption(bm.describe_peer_choice(list(peer_names)))
if choices.unknown_peers:
    st.warning(bm.describe_unknown_peers(choices.unknown_peers))

with ui.guard("Choose another year, offence group or peer list."):
    peer_codes = tuple(bm.resolve_peers(table, peer_names))
    comparison = bench_ui.comparison(*version, area_code, peer_codes, period_key, offence)
summary = comparison.summary
stub = f"{ui.slug(area.short_name)}-benchmark-{ui.slug(offence)}"

# ---- The headline, then the group table (the area first, then its peers), its chart, ranks and map ----
bench_ui.show_headline(table, summary, area_name)
bench_ui.show_group_table(summary, area_name, f"{stub}-{summary.period_end:%Y-%m}-group.csv")
bench_ui.show_dot_plot(summary, area_name)
bench_ui.show_rank_history(table, comparison.history, area_name, f"{stub}-rank-history.csv")
bench_ui.show_group_map(table, summary, area_dir, area_name)
bench_ui.show_national(comparison, area_code, peer_codes, area_name, f"{stub}-{summary.period_end:%Y-%m}-all-csps.csv")
bench_ui.show_published(table, area_dir, area_code, area_name, ui.slug(area.short_name))

st.header("Sources and caveats")
st.markdown(bm.describe_sources(table, area_code, area_name, table_path.name))
