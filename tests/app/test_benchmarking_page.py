"""AppTest: the Benchmarking page on the embedded ONS table, with other peer lists, areas and errors.

Expected figures are computed here straight from the shipped parquet with DuckDB SQL, not with
``csp_data.benchmarks``, so the page is checked against an independent calculation.
"""

from __future__ import annotations

import math

import duckdb
import pytest
from scipy.stats import chi2
from streamlit.testing.v1 import AppTest

from csp_data.config import load_area
from csp_data.figures.context import peer_position
from csp_data.ui import benchmarking as bench_ui
from helpers import ROOT, shown_tables

APP = str(ROOT / "app.py")
PAGE = "views/benchmarking.py"
PARQUET = ROOT / "data" / "medway" / "benchmarks" / "ons_csp.parquet"
MSG = [
    "Basildon",
    "Bolton",
    "Bury",
    "Dartford and Gravesham",
    "Gosport",
    "Havant",
    "Kirklees",
    "Nuneaton and Bedworth",
    "Peterborough",
    "Stevenage",
    "Tameside",
    "Thurrock",
    "Wigan",
]


def run_page(**state) -> AppTest:
    """One run of the page. State is set before the run (see tests/app/test_overview_page.py)."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(PAGE)
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def rates(names: list[str], period: str = "2024-12-31", offence: str = "total_excl_fraud") -> dict[str, float]:
    """Rate per 1,000 by CSP name, in SQL from the parquet: ONS's own rate (Table C4) where it publishes
    one (issue 13), else count / population (rounded to 100) x 1,000."""
    rows = (
        duckdb.connect()
        .execute(
            "SELECT csp_name, coalesce(published_rate_per_1000, count * 1000.0 / population) FROM read_parquet(?) "
            "WHERE period_end = CAST(? AS DATE) AND offence_group = ? AND list_contains(?, csp_name)",
            [str(PARQUET), period, offence, names],
        )
        .fetchall()
    )
    assert len(rows) == len(names), rows
    return dict(rows)


def test_default_page_shows_medway_year_ending_december_2024():
    at = run_page()
    assert not at.exception
    assert not at.error
    shown = metrics(at)
    # Rates to one decimal place on every page (issue 14); the table keeps them unrounded (below).
    assert shown["Medway: rate per 1,000"] == "97.5"  # ONS Table C4: 27,555 / 282,702 * 1,000 = 97.47
    assert shown["% change on the previous year"] == "-5.3%"  # 29,112 -> 27,555
    group = rates(["Medway", *MSG])
    average = sum(group.values()) / len(group)
    assert shown["Group average (14 CSPs)"] == f"{average:.1f}"
    rank = 1 + sum(rate > group["Medway"] for rate in group.values())
    assert shown["Medway's rank in the group"] == f"{rank} of 14"
    # Exact Poisson interval, computed here on the population ONS's rate implies (27,555 / 97.470... x 1,000
    # = 282,702): "above" only if its lower limit clears the average.
    implied = 27555 / group["Medway"] * 1000
    assert round(implied, 6) == 282702
    lower = chi2.ppf(0.025, 2 * 27555) / 2 / implied * 1000
    assert lower > average
    assert "is **above** the group average" in markdown(at)
    table = shown_tables(at)[0].value
    assert table["CSP"].tolist() == ["Medway", *MSG]
    assert round(table.loc[0, "Rate per 1,000"], 2) == 97.47
    assert table.loc[0, "Offences"] == 27555
    assert at.multiselect(key="benchmark_peers").value == MSG


def test_national_ranks_match_sql():
    at = run_page()
    all_rank, all_n, ua_rank = (
        duckdb.connect()
        .execute(
            """
        WITH r AS (SELECT csp_code, la_codes, published_rate_per_1000 AS rate FROM read_parquet(?)
                   WHERE period_end = DATE '2024-12-31' AND offence_group = 'total_excl_fraud'
                     AND published_rate_per_1000 IS NOT NULL)
        SELECT 1 + count(*) FILTER (WHERE rate > (SELECT rate FROM r WHERE csp_code = 'E22000143')),
               count(*),
               1 + count(*) FILTER (WHERE rate > (SELECT rate FROM r WHERE csp_code = 'E22000143')
                                    AND la_codes LIKE 'E06%' AND la_codes NOT LIKE '%;%'
                                    AND la_codes NOT IN ('E06000058', 'E06000060', 'E06000061', 'E06000062'))
        FROM r
        """,
            [str(PARQUET)],
        )
        .fetchone()
    )
    shown = metrics(at)
    assert shown["Rank among all CSPs"] == f"{all_rank} of {all_n}" == "75 of 313"
    assert shown["Rank among unitary authorities"] == f"{ua_rank} of 57"


def test_rates_are_ons_own_and_the_caveats_say_so():
    """Issue 13: the year ending December 2024 shows Table C4's rates; other years say they are computed."""
    at = run_page()
    assert not at.exception
    table = shown_tables(at)[0].value.set_index("CSP")
    published = dict(
        duckdb.connect()
        .execute(
            "SELECT csp_name, published_rate_per_1000 FROM read_parquet(?) WHERE period_end = DATE '2024-12-31' "
            "AND offence_group = 'total_excl_fraud' AND list_contains(?, csp_name)",
            [str(PARQUET), ["Medway", *MSG]],
        )
        .fetchall()
    )
    for name, rate in published.items():
        assert table.at[name, "Rate per 1,000"] == rate, name
        assert (
            table.at[name, "95% confidence interval, lower"] < rate < table.at[name, "95% confidence interval, upper"]
        ), name
    # Count / population as printed would give 80.27 and 79.71.
    assert round(table.at["Stevenage", "Rate per 1,000"], 2) == 80.23
    assert round(table.at["Havant", "Rate per 1,000"], 2) == 79.74
    assert table.at["Medway", "Population behind the rate"] == 282702
    assert table.at["Medway", "Population (mid-2022, rounded to 100)"] == 282700
    assert set(table["Rate from"]) == {"ONS Table C4, as published"}
    captions = " ".join(c.value for c in at.caption)
    assert "Rates for the year ending December 2024 are ONS's own, exactly as published in its Table C4" in captions
    text = markdown(at)
    assert "**ONS's own rates** for the year ending December 2024" in text
    assert "(Medway: 282,702 people, printed as 282,700)" in text
    assert "**Rates computed here** for the year ending December 2023 and the year ending June 2025" in text
    assert "927 of ONS's 7,199 CSP rates differ from this calculation at two decimals" in text
    assert "as ONS does" not in text

    later = run_page(benchmark_period="2025-06-30")
    assert not later.exception
    captions = " ".join(c.value for c in later.caption)
    assert "Rates for the year ending June 2025 are computed here" in captions
    assert "may differ from the rates ONS would give in the second decimal place" in captions
    assert set(shown_tables(later)[0].value["Rate from"]) == {
        "computed: count × 1,000 / population rounded to 100 (ONS publishes no rate for this year)"
    }


def test_changing_the_peers_changes_the_group_average():
    peers = ["Swale", "Thanet", "Maidstone", "Southend-on-Sea"]
    at = run_page(benchmark_peers=peers)
    assert not at.exception
    group = rates(["Medway", *peers])
    expected = sum(group.values()) / len(group)
    shown = metrics(at)
    assert shown["Group average (5 CSPs)"] == f"{expected:.1f}"
    default_average = sum(rates(["Medway", *MSG]).values()) / 14
    assert f"{expected:.1f}" != f"{default_average:.1f}"
    assert shown_tables(at)[0].value["CSP"].tolist() == ["Medway", "Maidstone", "Southend-on-Sea", "Swale", "Thanet"]
    assert any(c.value.startswith("**Compared with 4 peer CSPs**: Swale, Thanet") for c in at.caption)


def test_other_year_and_offence_group():
    at = run_page(benchmark_period="2025-06-30", benchmark_offence="violence_against_the_person")
    assert not at.exception
    group = rates(["Medway", *MSG], "2025-06-30", "violence_against_the_person")
    shown = metrics(at)
    assert shown["Medway: rate per 1,000"] == f"{group['Medway']:.1f}"
    assert shown["Group average (14 CSPs)"] == f"{sum(group.values()) / 14:.1f}"
    # The year ending June 2024 is not loaded, so there is no change to give.
    assert shown["% change on the previous year"] == "not available"
    assert any("the year before it is not in the loaded ONS tables" in c.value for c in at.caption)


def test_not_significant_wording_for_small_counts():
    # Homicide: a handful of offences per CSP, so the intervals are wide.
    at = run_page(benchmark_offence="homicide")
    assert not at.exception
    text = markdown(at)
    assert "**not significantly different**" in text
    assert "**above**" not in text.split("\n")[0]


def test_published_tables_are_reproduced():
    at = run_page()
    text = markdown(at)
    assert "Group average **95.7** per 1,000" in text
    assert "1,339.3 / 14 = 95.66" in text
    assert "Group average **39.6** per 1,000" in text
    assert "554.6 / 14 = 39.61" in text
    assert "Medway: 45.7, **2nd highest of 14**" in text
    assert "Medway: 99.9, **7th highest of 14**" in text
    published = [
        d.value for d in shown_tables(at) if list(d.value.columns) == ["CSP", "Rate per 1,000", "% change", "Rank"]
    ]
    assert len(published) == 2 and all(len(t) == 14 for t in published)


def test_every_table_can_be_downloaded():
    at = run_page()
    downloads = [b for b in at.get("download_button")]
    # group, rank history, all CSPs, and the two published tables
    assert len(downloads) == 5


def test_a_preset_sets_the_peers():
    at = run_page()
    at.button(key="benchmark_preset_all-kent-csps").click().run()
    assert not at.exception
    kent = at.multiselect(key="benchmark_peers").value
    assert len(kent) == 11 and "Dartford and Gravesham" in kent and "Medway" not in kent
    assert "Group average (12 CSPs)" in metrics(at)


def test_no_peers_is_a_message():
    at = run_page(benchmark_peers=[])
    assert not at.exception
    assert "choose at least one peer CSP" in markdown(at)
    assert metrics(at)["Group average (1 CSP)"] == "97.5"


def _area_file(tmp_path, peers: list[str], csp_code: str | None = "E22000143") -> str:
    medway = ROOT / "data" / "medway"
    code_line = f'csp_code = "{csp_code}"' if csp_code else ""
    text = f"""
[area]
name = "Test Partnership"
short_name = "Medway"
local_authority_codes = ["E06000035"]
{code_line}

[match]
lsoa_districts = ["Medway"]

[[wards]]
vintage = "2023"
label = "Wards from May 2023 (24)"
current = true
file = "{medway / "boundaries" / "wards_2023.geojson"}"
code_field = "WD25CD"
name_field = "WD25NM"

[peers]
csps = {peers!r}

[store]
path = "store"
"""
    path = tmp_path / "area.toml"
    path.write_text(text.replace("'", '"'), encoding="utf-8")
    return str(path)


def test_another_area_files_peer_list(tmp_path, monkeypatch):
    # An area folder without benchmark files: the embedded ONS table and national boundaries serve it.
    monkeypatch.setenv("CSP_AREA_FILE", _area_file(tmp_path, ["Swindon", "Milton Keynes", "Medway Towns"], None))
    at = run_page()
    assert not at.exception
    assert "'Medway Towns', which matches no CSP" in at.warning[0].value
    group = rates(["Medway", "Swindon", "Milton Keynes"])
    assert metrics(at)["Group average (3 CSPs)"] == f"{sum(group.values()) / 3:.1f}"
    assert at.multiselect(key="benchmark_peers").value == ["Swindon", "Milton Keynes"]
    # No published tables in that area's folder, so none are shown.
    assert "As published" not in " ".join(h.value for h in at.header)
    # Nothing on the page is one partnership's own wording: it all comes from the area file and the data.
    page = markdown(at) + " ".join(c.value for c in at.caption)
    assert "Strategic Assessment 2024" not in page and "for Medway" not in page
    assert "The default peers are the list set up for this dashboard, usually the partnership's Most Similar" in page


def test_no_benchmark_table_is_a_message(tmp_path, monkeypatch):
    from csp_data.benchmarks import store

    monkeypatch.setenv("CSP_AREA_FILE", _area_file(tmp_path, ["Swindon"]))
    monkeypatch.setattr(store, "EMBEDDED_AREA_DIR", tmp_path / "nowhere")
    at = run_page()
    assert not at.exception
    message = at.error[0].value
    # Said to a visitor in words (issue 14): no file name, path or command.
    assert message.startswith("No ONS benchmark table is held for this dashboard") and "maintainers" in message
    assert "python -m" not in message and ".parquet" not in message and "/" not in message


def test_area_code_not_in_table_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("CSP_AREA_FILE", _area_file(tmp_path, ["Swindon"], "E22999999"))
    at = run_page()
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("The area's CSP code 'E22999999' is not in the ONS benchmark table")
    assert bench_ui.AREA_CODE_HINT in message and bench_ui.NO_TABLE_HINT not in message  # the table is loaded


def test_peer_position_gives_the_true_reason_and_keeps_the_peers_it_can(tmp_path):
    """The Overview and the pack: a CSP code the table lacks is said as such (not "no table is loaded"); a peer
    name it lacks is left out and the others still make the group."""
    wrong = peer_position(load_area(_area_file(tmp_path, ["Swindon"], "E22999999")), ROOT / "data" / "medway" / "store")
    assert wrong is not None and wrong.rank is None
    assert wrong.sentence == (
        "No comparison with similar areas is given: the area's CSP code 'E22999999' is not in the ONS benchmark "
        "table; check csp_code in the area file."
    )
    (tmp_path / "b").mkdir()
    one_unknown = peer_position(
        load_area(_area_file(tmp_path / "b", ["Atlantis", "Swindon"])), ROOT / "data" / "medway" / "store"
    )
    assert one_unknown.group_size == 2 and one_unknown.rank in (1, 2)


# --------------------------------------------------------------------------
# The package functions behind the page, on the embedded table
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded():
    from csp_data import benchmarks

    return benchmarks.read_benchmarks(ROOT / "data" / "medway")


def test_peer_presets(embedded):
    from csp_data import benchmarks

    presets = benchmarks.peer_presets(embedded, "E22000143", MSG)
    assert presets["Default peers"] == MSG
    kent = presets["All Kent CSPs"]
    assert len(kent) == 11 and "Dartford and Gravesham" in kent and "Medway" not in kent
    assert len(presets["All unitary authorities"]) == 56  # 57 less Medway


def test_rank_history_matches_sql(embedded):
    from csp_data import benchmarks

    codes = benchmarks.resolve_peers(embedded, MSG)
    history = benchmarks.rank_history(embedded, "E22000143", codes)
    medway = history[history["is_area"]].iloc[0]
    for period, column in (
        ("2023-12-31", "rank YE Dec 2023"),
        ("2024-12-31", "rank YE Dec 2024"),
        ("2025-06-30", "rank YE Jun 2025"),
    ):
        group = rates(["Medway", *MSG], period)
        assert medway[column] == 1 + sum(rate > group["Medway"] for rate in group.values())
    assert medway["rank change YE Dec 2023 to YE Jun 2025"] == medway["rank YE Dec 2023"] - medway["rank YE Jun 2025"]


def test_position_is_only_called_with_the_interval(embedded):
    from csp_data import benchmarks

    codes = benchmarks.resolve_peers(embedded, MSG)
    for offence in ("total_excl_fraud", "robbery", "homicide", "possession_of_weapons"):
        summary = benchmarks.group_summary(embedded, "E22000143", codes, "2024-12-31", offence)
        row = summary.table.iloc[0]
        text = benchmarks.describe_position(summary, "Medway")
        if row["ci_lower"] > summary.group_average:
            assert "**above**" in text
        elif row["ci_upper"] < summary.group_average:
            assert "**below**" in text
        else:
            assert "**not significantly different**" in text
            assert not math.isnan(row["ci_lower"])
