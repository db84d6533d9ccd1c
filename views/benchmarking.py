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

with ui.guard(bench_ui.NO_TABLE_HINT):
    table_path = bench_ui.find_table(ui.current_store(area).root, area_dir)
    version = (str(table_path), table_path.stat().st_mtime_ns)
with ui.guard(bench_ui.AREA_CODE_HINT):
    setup = bench_ui.page_setup(
        *version, area.csp_code, (area.short_name, area.name), tuple(area.peers), area.local_authority_codes
    )
choices = setup.choices
st.caption(setup.intro)

# ---- Controls: never hand a widget a value it does not offer (e.g. one kept from another table) ----------
links.restore_choice(links.YEAR_TO, PERIOD_KEY, setup.period_keys, "a year of the tables loaded")
links.restore_choice(links.OFFENCE, OFFENCE_KEY, bm.OFFENCE_KEYS, "an offence group of the ONS tables")
links.restore_peers(PEERS_KEY, choices)
st.session_state[PERIOD_KEY] = setup.period(st.session_state.get(PERIOD_KEY))
st.session_state[OFFENCE_KEY] = bm.chosen_offence_group(st.session_state.get(OFFENCE_KEY))
controls = st.columns([3, 2])
offence = controls[0].selectbox(
    "Offence group", bm.OFFENCE_KEYS, format_func=bm.offence_group_label, key=OFFENCE_KEY, persist_state="session"
)
period_key = controls[1].selectbox(
    "Year",
    setup.period_keys,
    format_func=bm.period_label,
    key=PERIOD_KEY,
    persist_state="session",
    help="ONS publishes CSP figures for rolling years of 12 months; these are the years loaded.",
)
links.publish(links.OFFENCE, offence, default=bm.chosen_offence_group(None))
links.publish(links.YEAR_TO, period_key, default=setup.default_period)
st.session_state[PEERS_KEY] = choices.offered(st.session_state.get(PEERS_KEY, choices.area_file_peers))

# A fixed label: a label that changed with the peers would make a new, closed expander on every change.
with st.expander("Peer group: choose the CSPs to compare with"):
    st.caption(setup.default_peers_note)
    bench_ui.show_peer_presets(choices.presets)
    peer_names = st.multiselect(
        "Peer CSPs", choices.options, key=PEERS_KEY, persist_state="session", placeholder="Choose CSPs to compare with"
    )
links.publish_peers(peer_names, choices)
st.caption(bm.describe_peer_choice(list(peer_names)))
if setup.unknown_peers_note:
    st.warning(setup.unknown_peers_note)

# The cached sections' key, after the table's version: who is compared, in which year and offence group.
choice = (setup.area_code, setup.area_name, tuple(peer_names), period_key, offence)
with ui.guard(bench_ui.CHOICE_HINT):
    group = bench_ui.group_view(*version, *choice)
    national = bench_ui.national_view(*version, *choice)
stub = f"{ui.slug(area.short_name)}-benchmark-{ui.slug(offence)}"

# ---- The headline, then the group's table, chart, ranks and map, the national picture, the published tables ----
bench_ui.show_headline(group)
if group.has_peers:
    bench_ui.show_group(group, f"{stub}-{period_key[:7]}-group.csv")
    bench_ui.show_rank_history(bench_ui.history_view(*version, *choice), f"{stub}-rank-history.csv")
    bench_ui.show_group_map(area_dir, version, choice)
else:
    st.info(bench_ui.NO_PEERS)
bench_ui.show_national(national, f"{stub}-{period_key[:7]}-all-csps.csv", version, choice)
bench_ui.show_published(area_dir, version, setup.area_code, setup.area_name, ui.slug(area.short_name))

st.header("Sources and caveats")
st.markdown(setup.sources)
