"""Benchmarking: the area against its Most Similar Group of CSPs, from the ONS recorded crime tables."""

from html import escape
from pathlib import Path

import pandas as pd
import streamlit as st

from csp_data import benchmark_charts, benchmark_maps, ui
from csp_data import benchmarks as bm

PEERS_KEY = "benchmark_peers"
PERIOD_KEY = "benchmark_period"
OFFENCE_KEY = "benchmark_offence"

area = ui.current_area()
area_dir = area.area_file.parent
st.title(f"{area.short_name}: benchmarking against similar areas")


# Cached by file and version: the functions below get the table from here, so a cache key is a few
# strings, never a hashed data frame. st.cache_data hands each caller its own copy.
@st.cache_data(max_entries=4, show_spinner=False)
def _table(path: str, mtime_ns: int) -> pd.DataFrame:
    return bm.read_benchmarks(Path(path).parent.parent)


@st.cache_data(max_entries=128, show_spinner=False)
def _summary(path: str, mtime_ns: int, area_code: str, peers: tuple, period: str, offence: str) -> bm.GroupSummary:
    return bm.group_summary(_table(path, mtime_ns), area_code, list(peers), period, offence)


@st.cache_data(max_entries=64, show_spinner=False)
def _history(path: str, mtime_ns: int, area_code: str, peers: tuple, offence: str) -> pd.DataFrame:
    return bm.rank_history(_table(path, mtime_ns), area_code, list(peers), offence)


@st.cache_data(max_entries=32, show_spinner=False)
def _national(path: str, mtime_ns: int, period: str, offence: str) -> pd.DataFrame:
    return bm.national_table(_table(path, mtime_ns), period, offence)


@st.cache_data(max_entries=16, show_spinner=False)
def _peer_choices(path: str, mtime_ns: int, area_code: str, area_peers: tuple) -> tuple:
    table = _table(path, mtime_ns)
    return (bm.csp_names(table), bm.peer_presets(table, area_code, area_peers),
            bm.usable_peer_names(table, area_peers, area_code))


@st.cache_data(max_entries=8, show_spinner=False)
def _published(path: str, mtime_ns: int) -> pd.DataFrame:
    return bm.read_published_table(path)


def _table_height(frame: pd.DataFrame, most_rows: int = 20) -> int:
    """Tall enough to show a group's rows without scrolling (35 px a row, as st.dataframe draws them)."""
    return 35 * (min(len(frame), most_rows) + 1) + 3


def _year_ending(period_end) -> str:
    return f"year ending {pd.Timestamp(period_end):%B %Y}"


try:
    table_path = bm.benchmark_table_path(ui.current_store(area).root, area_dir)
    version = (str(table_path), table_path.stat().st_mtime_ns)
    table = _table(*version)
    area_code = bm.area_csp_code(table, area.csp_code, [area.short_name, area.name])
except Exception as error:  # noqa: BLE001 - every failure reaches the user as a message
    ui.show_error(error, "Load the ONS tables with `python -m csp_data benchmarks load PATH...`, "
                         "or set area.csp_code in the area file, then reload the page.")
    st.stop()

names, presets, (area_file_peers, unknown_peers) = _peer_choices(*version, area_code, tuple(area.peers))
area_name = names[area_code]
periods = bm.available_periods(table)
period_keys = [f"{p:%Y-%m-%d}" for p in periods]

st.caption(
    "Police recorded crime by Community Safety Partnership (CSP), from the ONS \"Police force area data "
    "tables\". Rates are per 1,000 residents, use ONS mid-2022 population estimates for every year shown, "
    "and exclude fraud; where ONS publishes a rate it is shown exactly as published. The sidebar's period "
    "applies to the police.uk pages, not to these ONS years."
)

# ---- Controls --------------------------------------------------------------------------------
# The default year is the latest with the year before loaded, so that the table has its % change.
with_change = [key for key, p in zip(period_keys, periods) if bm.has_previous_year(table, p)]
if st.session_state.get(PERIOD_KEY) not in period_keys:
    st.session_state[PERIOD_KEY] = (with_change or period_keys)[-1]
if st.session_state.get(OFFENCE_KEY) not in [g.key for g in bm.OFFENCE_GROUPS]:
    st.session_state[OFFENCE_KEY] = bm.OFFENCE_GROUPS[0].key

controls = st.columns([3, 2])
with controls[0]:
    offence = st.selectbox(
        "Offence group", [g.key for g in bm.OFFENCE_GROUPS], format_func=bm.offence_group_label,
        key=OFFENCE_KEY, persist_state="session",
    )
with controls[1]:
    period_key = st.selectbox(
        "Year", period_keys, format_func=bm.period_label, key=PERIOD_KEY, persist_state="session",
        help="ONS publishes CSP figures for rolling years; these are the years loaded.",
    )

peer_options = [name for code, name in names.items() if code != area_code]
if PEERS_KEY not in st.session_state:
    st.session_state[PEERS_KEY] = area_file_peers
else:  # never hand the widget a name it does not offer (e.g. a name from another table)
    st.session_state[PEERS_KEY] = [name for name in st.session_state[PEERS_KEY] if name in peer_options]


def _use_preset(preset: list[str]) -> None:
    st.session_state[PEERS_KEY] = list(preset)


# A fixed label: a label that changed with the peers would make a new, closed expander on every change.
with st.expander("Peer group: choose the CSPs to compare with"):
    st.caption(
        f"{area_name} is always in the group. The default peers are the area file's list"
        + (" (the Most Similar Group of the Strategic Assessment 2024)." if area.peers else ".")
    )
    preset_columns = st.columns(len(presets))
    for column, (label, preset) in zip(preset_columns, presets.items()):
        column.button(f"{label} ({len(preset)})", on_click=_use_preset, args=(preset,),
                      key=f"benchmark_preset_{ui.slug(label)}", width="stretch")
    peer_names = st.multiselect(
        "Peer CSPs", peer_options, key=PEERS_KEY, persist_state="session",
        placeholder="Choose CSPs to compare with",
    )
chosen = list(peer_names)
shown_names = ", ".join(chosen[:15]) + (f" and {len(chosen) - 15} more" if len(chosen) > 15 else "")
st.caption(
    f"**Compared with {len(chosen)} peer CSP{'' if len(chosen) == 1 else 's'}**"
    + (f": {shown_names}." if chosen else ": none chosen.")
)
if unknown_peers:
    st.warning(
        f"The area file's peer(s) {', '.join(repr(n) for n in unknown_peers)} match no CSP in the ONS table, "
        "so they are left out. Correct [peers] csps in the area file."
    )

try:
    peer_codes = tuple(bm.resolve_peers(table, peer_names))
    summary = _summary(*version, area_code, peer_codes, period_key, offence)
    history = _history(*version, area_code, peer_codes, offence)
    national = _national(*version, period_key, offence)
except Exception as error:  # noqa: BLE001
    ui.show_error(error, "Choose another year, offence group or peer list.")
    st.stop()

what = summary.offence_label
period_text = bm.period_label(summary.period_end)
period_slug = f"{summary.period_end:%Y-%m}"
file_stub = f"{ui.slug(area.short_name)}-benchmark-{ui.slug(offence)}-{period_slug}"
area_row = summary.table[summary.table["is_area"]].iloc[0]

# ---- Headline --------------------------------------------------------------------------------
st.subheader(f"{what}, {_year_ending(summary.period_end)}")
metrics = st.columns(4)
metrics[0].metric(
    f"{area_name}: rate per 1,000", "not published" if pd.isna(area_row["rate_per_1000"]) else f"{area_row['rate_per_1000']:.2f}",
    help=None if pd.isna(area_row["rate_source"]) else f"Rate from: {area_row['rate_source']}.",
)
metrics[1].metric(
    f"Group average ({summary.group_size} CSP{'' if summary.group_size == 1 else 's'})", f"{summary.group_average:.2f}",
    help="The mean of the group's CSP rates, each CSP counting once.",
)
metrics[2].metric(
    f"{area_name}'s rank in the group",
    "—" if summary.area_rank_in_group is None else f"{summary.area_rank_in_group} of {summary.group_size}",
    help="1 = the highest rate in the group.",
)
metrics[3].metric(
    "% change on the previous year",
    "not available" if pd.isna(area_row["pct_change"]) else f"{area_row['pct_change']:+.1f}%",
    help="Offences recorded against the same 12 months a year earlier; blank when that year is not loaded "
         "or either year has fewer than 50 offences (the ONS rule).",
)
st.markdown(bm.describe_position(summary, area_name))
st.caption(bm.describe_rate_source(table, summary.period_end))
if not bm.has_previous_year(table, summary.period_end):
    st.caption(
        f"No % change is given for the {_year_ending(summary.period_end)}: the year before it is not in the loaded ONS tables."
    )

# ---- The table, as the strategic assessment lays it out ----------------------------------------
st.subheader("The group")
group_table = bm.assessment_table(summary)
st.dataframe(
    group_table,
    hide_index=True,
    width="stretch",
    height=_table_height(group_table),
    column_config={
        "CSP": st.column_config.TextColumn(width="medium", pinned=True),
        "Rate per 1,000": st.column_config.NumberColumn(format="%.2f"),
        "% change on previous year": st.column_config.NumberColumn(format="%+.1f%%"),
        "95% CI lower": st.column_config.NumberColumn(format="%.2f"),
        "95% CI upper": st.column_config.NumberColumn(format="%.2f"),
        "Offences": st.column_config.NumberColumn(format="localized"),
        "Offences, previous year": st.column_config.NumberColumn(format="localized"),
        "Population (mid-2022, rounded to 100)": st.column_config.NumberColumn(format="localized"),
        "Population behind the rate": st.column_config.NumberColumn(
            format="%.0f",
            help="The population the rate is per 1,000 of, which also scales its confidence interval: for ONS's "
                 "own rates, the unrounded population they imply (offences × 1,000 / rate); for rates computed "
                 "here, the population as printed, rounded to 100.",
        ),
        "Rate from": st.column_config.TextColumn(width="medium"),
    },
)
st.caption(
    f"{area_name} first, then its peers by name, as in the strategic assessment. Group average "
    f"{summary.group_average:.2f}: the mean of the {summary.group_size} CSP rates, {area_name} included, each CSP "
    "counting once (as the assessment averages its table). \"Above\" or \"below average\" only where the CSP's "
    "95% confidence interval lies wholly on one side of the average. \"Rate from\" says whether a rate is ONS's "
    "own or computed here; \"Population behind the rate\" is what it is per 1,000 of."
)
ui.download_table(group_table, f"{file_stub}-group.csv")

# ---- Dot plot ----------------------------------------------------------------------------------
st.subheader("Rates with 95% confidence intervals")
st.altair_chart(
    benchmark_charts.group_dot_plot(summary.table, summary.group_average, area_name, level=summary.level),
    width="stretch",
    alt=(f"Dot plot of the {what.lower()} rate per 1,000 for the {summary.group_size} CSPs in the group, with "
         f"95% confidence intervals and a dashed line at the group average; the table above gives the same figures."),
)
st.caption(
    "Each bar is an exact Poisson 95% confidence interval for the rate: the range of rates that could "
    "plausibly have produced the count recorded, scaled by the same population as the rate itself, so the dot "
    "always lies inside its bar. Where a bar crosses the dashed group average, the difference could be chance. "
    "The table above is this chart's data."
)

# ---- Change in rank ----------------------------------------------------------------------------
st.subheader("Change in rank between years")
st.markdown(bm.describe_rank_history(history, area_name))
history_table = history.drop(columns=["is_area"]).rename(columns={"csp_code": "CSP code", "csp_name": "CSP"})
history_table = history_table[[c for c in history_table.columns if c != "CSP code"] + ["CSP code"]]
# Ranks on screen; the download adds each year's rate.
st.dataframe(
    history_table, hide_index=True, width="stretch", height=_table_height(history_table),
    column_order=[c for c in history_table.columns if not c.startswith("rate ") and c != "CSP code"],
    column_config={"CSP": st.column_config.TextColumn(width="medium", pinned=True)},
)
change_columns = [c for c in history_table.columns if c.startswith("rank change")]
st.caption(
    "Rank 1 is the highest rate in the group, with the same peers in every year. "
    + (f"\"{change_columns[0]}\" is the earlier rank minus the later one: positive means the CSP moved up "
       "towards 1st (a higher rate relative to its peers). " if change_columns else "")
    + "Years ending June overlap the year ending the December before by six months."
)
ui.download_table(history_table, f"{ui.slug(area.short_name)}-benchmark-{ui.slug(offence)}-rank-history.csv")

# ---- Map ---------------------------------------------------------------------------------------
st.subheader("The group on a map")
try:
    la_codes = table.drop_duplicates("csp_code").set_index("csp_code")["la_codes"].to_dict()
    group_file = bm.benchmark_file(area_dir, bm.GROUP_BOUNDARIES_FILE, fallback=False)
    shapes = [benchmark_maps.read_lad_shapes(group_file)] if group_file else []
    wanted = {lad for code in summary.table["csp_code"] for lad in str(la_codes.get(code) or "").split(";") if lad}
    if not shapes or wanted - set(shapes[0].geometry):
        national_file = bm.benchmark_file(area_dir, bm.NATIONAL_BOUNDARIES_FILE)
        if national_file:
            shapes.append(benchmark_maps.read_lad_shapes(national_file))
    map_rows = benchmark_maps.group_map_table(summary.table, la_codes, shapes)
    outline = benchmark_maps.read_outline(bm.benchmark_file(area_dir, bm.OUTLINE_FILE))
    deck = benchmark_maps.build_group_map(map_rows, shapes, group_average=summary.group_average, outline=outline)
except Exception as error:  # noqa: BLE001
    ui.show_error(error, "Rebuild the boundaries with `python -m csp_data benchmarks boundaries LAD_FILE`.")
else:
    map_column, legend_column = st.columns([4, 1])
    with map_column:
        st.pydeck_chart(
            deck, height=benchmark_maps.MAP_HEIGHT, key="benchmark_map",
            alt=(f"Map of England and Wales showing the {summary.group_size} CSPs of the group, coloured by whether "
                 f"their rate is above, below or not significantly different from the group average; {area_name} "
                 "is circled in black. The group table gives the same figures."),
        )
    with legend_column:
        present = [p for p in benchmark_maps.POSITION_COLOURS if p in set(summary.table["position"].fillna("no rate"))]
        swatches = "".join(
            f"<li style='list-style:none;margin:0 0 6px 0'><span aria-hidden='true' style='display:inline-block;"
            f"width:18px;height:14px;vertical-align:middle;background:{benchmark_maps.POSITION_COLOURS[p]};"
            f"border:1px solid #444;margin-right:6px'></span>{escape(p.capitalize())}</li>"
            for p in present
        )
        swatches += (
            "<li style='list-style:none;margin:0 0 6px 0'><span aria-hidden='true' style='display:inline-block;"
            "width:16px;height:16px;vertical-align:middle;border:2.5px solid #000;border-radius:50%;margin-right:6px'></span>"
            f"{escape(area_name)}</li>"
        )
        st.markdown(
            "<div aria-label='Map legend'><p style='font-weight:600;margin-bottom:6px'>Against the group average "
            f"(95% CI)</p><ul style='padding-left:0;margin:0'>{swatches}</ul></div>",
            unsafe_allow_html=True,
        )
        st.caption("Hover over an area for its figures.")
    notes = ["Boundaries: ONS Local Authority Districts (May 2023), generalised; each CSP is drawn as its "
             "local authorities."]
    missing = sorted(set(map_rows.loc[~map_rows["drawn"], "csp_name"])) if len(map_rows) else []
    if missing:
        notes.append(f"Not drawn (their local authorities were abolished before May 2023): {', '.join(missing)}.")
    if len(map_rows):
        shared = map_rows[map_rows["drawn"]].groupby("lad_code")["csp_name"].nunique()
        shared_names = sorted(set(map_rows.loc[map_rows["lad_code"].isin(shared[shared > 1].index), "csp_name"]))
        if shared_names:
            notes.append(f"Drawn as the whole local authority they are now part of: {', '.join(shared_names)}.")
    st.caption(" ".join(notes))

# ---- National picture --------------------------------------------------------------------------
st.subheader("The national picture")
for sentence in bm.describe_national(summary, area_name):
    st.markdown(f"- {sentence}")
national_metrics = st.columns(2)
national_metrics[0].metric(
    "Rank among all CSPs",
    "—" if summary.area_rank_all is None else f"{summary.area_rank_all} of {summary.n_ranked_all}",
    help="England and Wales; 1 = the highest rate. City of London's rates are not published (tiny resident population).",
)
national_metrics[1].metric(
    "Rank among unitary authorities",
    "—" if summary.area_rank_unitary is None else f"{summary.area_rank_unitary} of {summary.n_ranked_unitary}",
    help="CSPs that are each one English unitary authority.",
)
st.altair_chart(
    benchmark_charts.national_strip_chart(national, area_code, list(peer_codes), area_name),
    width="stretch",
    alt=(f"Strip chart of the {what.lower()} rate of every CSP in England and Wales, of the unitary authorities "
         f"and of this group, with {area_name} marked in black."),
)
with st.expander("Table: every CSP, ranked"):
    st.dataframe(
        national, hide_index=True, width="stretch",
        column_config={"rate_per_1000": st.column_config.NumberColumn("rate_per_1000", format="%.2f"),
                       "rate_population": st.column_config.NumberColumn("rate_population", format="%.0f")},
    )
ui.download_table(national, f"{file_stub}-all-csps.csv")

# ---- The published tables ----------------------------------------------------------------------
published_paths = bm.published_table_paths(area_dir)
if published_paths:
    st.subheader("As published in the Strategic Assessment")
    st.caption(
        "The assessment's own benchmarking tables, shown exactly as published, beside the ONS years above. "
        "Their averages and ranks are recomputed here from the printed rows. They give rates and % changes "
        "only (no counts), so no confidence intervals can be drawn for them."
    )
    for path in published_paths:
        try:
            published = _published(str(path), path.stat().st_mtime_ns)
            groups = list(dict.fromkeys(published["offence_group"]))
            summaries = [bm.summarise_published_table(published, g, area_name) for g in groups]
        except Exception as error:  # noqa: BLE001
            ui.show_error(error, f"Check {path.name} against data/medway/benchmarks/README.md.")
            continue
        columns = st.columns(len(summaries))
        for column, published_summary in zip(columns, summaries):
            rows = published_summary.table
            with column:
                st.markdown(f"**{rows['offence_label'].iloc[0]}**, {_year_ending(published_summary.period_end)}")
                shown = rows[["csp_name", "rate_per_1000", "pct_change", "rank"]].rename(columns={
                    "csp_name": "CSP", "rate_per_1000": "Rate per 1,000", "pct_change": "% change", "rank": "Rank",
                })
                st.dataframe(
                    shown, hide_index=True, width="stretch", height=_table_height(shown),
                    column_config={"CSP": st.column_config.TextColumn(width="medium"),
                                   "Rate per 1,000": st.column_config.NumberColumn(format="%.1f"),
                                   "% change": st.column_config.NumberColumn(format="%+.0f%%")},
                )
                st.markdown(bm.describe_published(published_summary, area_name))
                if published_summary.offence_group in {g.key for g in bm.OFFENCE_GROUPS}:
                    ons = table[(table["csp_code"] == area_code)
                                & (table["offence_group"] == published_summary.offence_group)]
                    ons_text = "; ".join(
                        f"{_year_ending(r.period_end)}: {r.rate_per_1000:.2f}"
                        + (" (ONS's rate)" if r.rate_source == bm.RATE_PUBLISHED else " (computed here)")
                        for r in ons.itertuples() if not pd.isna(r.rate_per_1000)
                    )
                    if ons_text:
                        st.caption(f"ONS tables, {area_name}: {ons_text}.")
                ui.download_table(
                    rows, f"{ui.slug(area.short_name)}-published-{ui.slug(published_summary.offence_group)}-"
                          f"{published_summary.period_end:%Y-%m}.csv",
                )
        st.caption(f"Source: {rows['source'].iloc[0].rsplit(',', 1)[0]}.")

# ---- Sources and caveats -----------------------------------------------------------------------
st.subheader("Sources and caveats")
_by_period = table.dropna(subset=["rate_source"]).groupby("period_end")["rate_source"].agg(set)
_published_years = [_year_ending(p) for p, kinds in _by_period.items() if bm.RATE_PUBLISHED in kinds]
_computed_years = [_year_ending(p) for p, kinds in _by_period.items() if bm.RATE_COMPUTED in kinds]
_notes = []
if _published_years:
    _own = table[(table["csp_code"] == area_code) & (table["rate_source"] == bm.RATE_PUBLISHED)].head(1)
    _example = "".join(
        f" ({area_name}: {r.rate_population:,.0f} people, printed as {r.population:,})" for r in _own.itertuples()
    )
    _notes.append(
        f"- **ONS's own rates** for the {' and the '.join(_published_years)}: shown exactly as published in Table C4, "
        "in the tables, charts, ranks and group averages. ONS divides by unrounded populations, which Table C4 "
        "prints rounded to 100; the confidence intervals use the population each rate implies, offences × 1,000 / "
        f"rate{_example}."
    )
if _computed_years:
    # How often count / printed population misses ONS's own rate at two decimals, where both can be had.
    _ons = table[table["rate_source"] == bm.RATE_PUBLISHED]
    _recomputed = _ons["count"].astype("float64") / _ons["population"].astype("float64") * 1000
    _differ = sum(f"{a:.2f}" != f"{b:.2f}" for a, b in zip(_recomputed, _ons["rate_per_1000"]))  # as displayed
    _evidence = (f" (for the {' and the '.join(_published_years)}, where both can be had, {_differ:,} of ONS's "
                 f"{len(_ons):,} CSP rates differ from this calculation at two decimals)") if len(_ons) else ""
    _notes.append(
        f"- **Rates computed here** for the {' and the '.join(_computed_years)}: the tables loaded give counts but "
        "no rates for these years, so the rate is offences × 1,000 / the mid-2022 population as printed, rounded to "
        f"100, and may differ from the rate ONS would publish in the second decimal place{_evidence}. A year loaded "
        "from a counts table alone (a CSV export of Table C2) takes its populations from the workbook."
    )
rate_notes = "\n".join(_notes)
st.markdown(
    f"""
- **Source**: Office for National Statistics, *Crime in England and Wales*, "Police force area data tables"
  (Tables C1–C5; the year ending June 2025 from a CSV export of Table C2). Source: Office for National Statistics
  licensed under the Open Government Licence v3.0. Loaded from `{table_path.name}`
  ({", ".join(sorted(set(table["source_file"])))}).
- **Rates exclude fraud** (ONS does not give fraud by CSP) and are per 1,000 residents on the **ONS mid-2022
  population estimates** for every year; a population change since 2022 is not reflected.
{rate_notes}
- **Police recorded crime** depends on reporting and recording practice, which differ between forces and over
  time; a difference between CSPs in different forces is partly a difference in recording.
- **Confidence intervals** treat each count as a Poisson variable (exact method) and the group average as fixed;
  they are scaled by the population behind each rate, so they are the intervals of the rates shown. They show
  chance variation, not recording differences.
- **% change** is left blank when the year before is not loaded or either year has fewer than 50 offences
  (the ONS rule in Table C3).
- **Peers**: the default group is the one named in the area file (for Medway, the Most Similar Group used in the
  Strategic Assessment 2024). The Home Office no longer maintains Most Similar Groups; any list can be chosen above.
- **Unitary authorities**: CSPs that are each exactly one English unitary authority (not the former districts
  within North and West Northamptonshire or Buckinghamshire, nor Welsh principal areas).
- **Boundaries**: ONS Local Authority Districts (May 2023), generalised. Contains OS data © Crown copyright and
  database right 2023.
"""
)
