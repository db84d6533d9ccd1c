"""AppTest: the Ward map page on the embedded 2025 data, its ward profile, and its error paths.

Figures are checked against counts made independently of the page's SQL: DuckDB reading the store's
parquet files directly, and the population CSV read with the csv module.
"""

from __future__ import annotations

import csv

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from helpers import EMBEDDED_STORE_GLOB, ROOT, open_folds, shown_tables

APP = str(ROOT / "app.py")
PAGE = "views/ward_map.py"
STORE_FILES = EMBEDDED_STORE_GLOB
POPULATION_FILE = ROOT / "data" / "medway" / "population" / "ward2023_population_mid2022.csv"
GILLINGHAM_SOUTH, CHATHAM = "E05014455", "E05014450"
VIOLENCE = "Violence and sexual offences"


#: The page's default period, the latest 12 months: calendar 2025 in the embedded store.
IN_2025 = "month BETWEEN '2025-01-01' AND '2025-12-01'"


def independent_count(where: str, *params) -> int:
    """Count store rows of 2025 with plain DuckDB over the parquet files (not the page's named queries)."""
    with duckdb.connect() as con:
        return con.execute(
            f"SELECT count(*) FROM read_parquet('{STORE_FILES}') WHERE {IN_2025} AND ({where})", list(params)
        ).fetchone()[0]


def population() -> dict[str, int]:
    with open(POPULATION_FILE, newline="", encoding="utf-8") as handle:
        return {row["Ward 2023 Code"]: int(row["Total"]) for row in csv.DictReader(handle)}


def open_page(**page_state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    for key, value in page_state.items():
        at.session_state[key] = value
    return open_folds(at.switch_page(PAGE).run())


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def all_text(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])


def test_page_draws_the_map_table_and_top_five():
    at = open_page()
    assert not at.exception and not at.error
    assert at.title[0].value == "Medway ward map"
    assert len(at.get("deck_gl_json_chart")) == 1
    captions = " ".join(c.value for c in at.caption)
    assert "Latest 12 months, Jan 2025 to Dec 2025: all 12 months loaded." in captions
    assert "mid-2022" in captions and "282,702 residents" in captions
    table = shown_tables(at)[0].value
    assert len(table) == 24 and table["incidents"].sum() == independent_count(
        "kind = 'crime' AND ward_code IS NOT NULL"
    )
    assert table["incidents"].min() >= 0 and not table["incidents"].isna().any()
    # Top 5 shares: crime and ASB each against its own total.
    crime_total = independent_count("kind = 'crime'")
    top5 = independent_count(
        f"kind = 'crime' AND ward_code IN (SELECT ward_code FROM read_parquet(?) WHERE kind = 'crime' AND {IN_2025} "
        "GROUP BY ward_code ORDER BY count(*) DESC LIMIT 5)",
        STORE_FILES,
    )
    assert metrics(at)["Crime: top 5 wards' share"] == f"{top5 / crime_total:.0%}" == "47%"
    assert metrics(at)["ASB: top 5 wards' share"] == "45%"
    assert "Choose a ward above" in at.info[0].value


def test_ward_profile_figures_match_an_independent_count():
    at = open_page()
    open_folds(at.selectbox(key="ward_map_ward_2023").set_value(GILLINGHAM_SOUTH).run())
    assert not at.exception and not at.error
    count = independent_count("kind = 'crime' AND ward_code = ?", GILLINGHAM_SOUTH)
    total = independent_count("kind = 'crime'")
    rate = count / population()[GILLINGHAM_SOUTH] * 1000
    shown = metrics(at)
    assert shown["All crime"] == f"{count:,}" == "3,185"
    assert shown["Rank by count"] == "2nd of 24"
    assert shown["Share of Medway"] == f"{count / total:.1%}"
    assert shown["Per 1,000 residents"] == f"{rate:.1f}"
    text = all_text(at)
    assert (
        f"Gillingham South had the 2nd highest count of crime of the 24 wards in 2025: {count:,}, "
        f"{count / total:.1%} of Medway's total ({total:,})." in text
    )
    assert "Gillingham South" in [s.value for s in at.subheader]
    # Its parts are headings under the ward's (they were bold text: not headings to a screen reader).
    headings = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert headings == [
        "#### All crime by month",
        "#### Mix of crime types against Medway",
        "#### Top locations for crime",
    ]
    # The profile's tables: 12 months, the crime mix, and top locations.
    frames = [d.value for d in shown_tables(at)]
    monthly = next(f for f in frames if "ward_incidents" in f.columns and "month" in f.columns)
    assert len(monthly) == 12 and int(monthly["ward_incidents"].sum()) == count
    mix = next(f for f in frames if "crime_type" in f.columns)
    assert int(mix["ward_incidents"].sum()) == count and "Anti-social behaviour" not in set(mix["crime_type"])
    streets = next(f for f in frames if "location" in f.columns)
    top_location = streets.iloc[0]
    assert int(top_location["incidents"]) == independent_count(
        "kind = 'crime' AND ward_code = ? AND location = ?", GILLINGHAM_SOUTH, top_location["location"]
    )
    assert "snap points" in text


def test_crime_type_filter_and_sentence():
    at = open_page(ward_map_filter=f"crime:{VIOLENCE}")
    at.selectbox(key="ward_map_ward_2023").set_value(GILLINGHAM_SOUTH).run()
    assert not at.exception
    count = independent_count("crime_type = ? AND ward_code = ?", VIOLENCE, GILLINGHAM_SOUTH)
    total = independent_count("crime_type = ?", VIOLENCE)
    assert (
        f"Gillingham South had the 2nd highest count of violence and sexual offences of the 24 wards in 2025: "
        f"{count:,}, {count / total:.1%} of Medway's total ({total:,})." in all_text(at)
    )
    table = shown_tables(at)[0].value
    assert table["incidents"].sum() == independent_count("crime_type = ? AND ward_code IS NOT NULL", VIOLENCE)


def test_asb_rates():
    at = open_page(ward_map_filter="asb", ward_map_measure="rate")
    assert not at.exception
    assert not any("counts instead" in i.value for i in at.info)  # rates are drawn, no fallback
    shown = shown_tables(at)[0]
    table = shown.value.set_index("ward_code")
    asb = independent_count("kind = 'asb' AND ward_code = ?", CHATHAM)
    assert table.loc[CHATHAM, "incidents"] == asb
    rate = asb / population()[CHATHAM] * 1000
    assert table.loc[CHATHAM, "rate_per_1000"] == pytest.approx(rate, rel=1e-12)  # the figure, rounded where written
    row = list(shown.value["ward_code"]).index(CHATHAM)
    assert shown.text.iloc[row][shown.headings[list(shown.value.columns).index("rate_per_1000")]] == f"{rate:.1f}"


def test_earlier_wards_give_counts_only():
    at = open_page(ward_map_vintage="2022", ward_map_measure="rate")
    assert not at.exception and not at.error
    table = shown_tables(at)[0].value
    assert len(table) == 22 and "rate_per_1000" not in table.columns and "population" not in table.columns
    assert "Only counts are available for the Wards before May 2023 (22)" in at.info[0].value
    assert at.info[0].value.endswith("The map shows counts instead.")
    river = independent_count("kind = 'crime' AND ward_name_2022 = 'River'")
    assert int(table.set_index("ward")["incidents"]["River"]) == river
    at.selectbox(key="ward_map_ward_2022").set_value("E05002261").run()
    assert not at.exception
    assert metrics(at)["All crime"] == f"{river:,}"
    assert metrics(at)["Per 1,000 residents"] == "not available"


def test_change_compares_the_months_loaded_in_both_years_and_shows_both_sides():
    at = open_page(ward_map_measure="change")
    assert not at.exception
    # Jan–Apr 2025 against Jan–Apr 2024 (the one change rule); the table shows both sides of it.
    assert at.info[0].value == (
        "The change compares only the months loaded in both periods: Jan 2025 to Apr 2025 against Jan 2024 to Apr 2024."
    )
    table = shown_tables(at)[0].value.set_index("ward_code")
    with duckdb.connect() as con:
        now, before = con.execute(
            f"SELECT count(*) FILTER (month BETWEEN '2025-01-01' AND '2025-04-01'), "
            f"count(*) FILTER (month BETWEEN '2024-01-01' AND '2024-04-01') FROM read_parquet('{STORE_FILES}') "
            "WHERE kind = 'crime' AND ward_code = ?",
            [CHATHAM],
        ).fetchone()
    assert (table.loc[CHATHAM, "compared_incidents"], table.loc[CHATHAM, "previous_incidents"]) == (now, before)
    assert table.loc[CHATHAM, "change_percent"] == round((now / before - 1) * 100, 1)


def test_change_without_a_previous_year_says_why():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["period_kind"] = "Calendar year"  # set before the first run: the sidebar runs then
    at.session_state["period_calendar"] = "Calendar year 2022"
    at.session_state["ward_map_measure"] = "change"
    at = at.run().switch_page(PAGE).run()
    assert not at.exception
    message = at.info[0].value
    assert message.startswith(
        "No change is given for crime: none of the previous 12 months (Jan 2021 to Dec 2021) is loaded."
    )
    assert message.endswith("The map shows counts instead.")


def test_empty_store_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CSP_STORE_DIR", str(tmp_path / "empty-store"))
    at = open_page()
    assert not at.exception
    assert "No police.uk months are loaded" in at.info[0].value


def test_a_failure_is_a_message_not_a_traceback(monkeypatch):
    from csp_data.errors import InputFileError
    from csp_data.figures import wards as wardmap

    def broken(*args, **kwargs):
        raise InputFileError("boundaries/wards_2023.geojson", "cannot read ward boundaries (test)")

    monkeypatch.setattr(wardmap, "build_ward_table", broken)
    at = open_page()
    assert not at.exception
    assert "cannot read ward boundaries (test)" in at.error[0].value
    assert "Try another period" in at.error[0].value
