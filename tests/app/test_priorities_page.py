"""AppTest: the Priorities and progress page on the embedded data, and its error paths.

Live counts are checked against DuckDB reading the store's parquet files directly (not the page's
named query); KPI figures against the seed values transcribed in data/medway/plans/plans.yaml.
"""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from helpers import EMBEDDED_STORE_GLOB, ROOT

APP = str(ROOT / "app.py")
PAGE = "views/priorities.py"
AREA_DIR = ROOT / "data" / "medway"
STORE_FILES = EMBEDDED_STORE_GLOB


def independent_count(category: str, first: str, last: str) -> int:
    with duckdb.connect() as con:
        return con.execute(
            f"SELECT count(*) FROM read_parquet('{STORE_FILES}') WHERE crime_type = ? AND month BETWEEN ? AND ?",
            [category, first, last],
        ).fetchone()[0]


def open_page(**widget_state) -> AppTest:
    """Run the app once (widget values set before that run), then open the page."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in widget_state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception
    return at.switch_page(PAGE).run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def all_text(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])


def absolute_area_text(extra_plans: str | None = None) -> str:
    """Medway's area file with every relative path made absolute, so it can be written anywhere."""
    text = (AREA_DIR / "area.toml").read_text(encoding="utf-8")
    text = re.sub(
        r'"([^"\n]+)"',
        lambda m: f'"{(AREA_DIR / m.group(1)).as_posix()}"' if (AREA_DIR / m.group(1)).exists() else m.group(0),
        text,
    )
    if extra_plans is not None:
        text = re.sub(r"\[plans\]\nfile = [^\n]*\n", extra_plans, text)
    return text


@pytest.fixture(scope="module")
def calendar_2025():
    return open_page(period_kind="Calendar year")


def test_page_runs_cleanly(calendar_2025):
    at = calendar_2025
    assert not at.exception and not at.error
    assert at.title[0].value == "Medway: priorities and progress"
    headers = [h.value for h in at.header]
    assert headers[:4] == [
        "Priority 1: Tackle Anti-Social Behaviour",
        "Priority 2: Violence Against Women and Girls",
        "Priority 3: Tackle Drugs and Alcohol",
        "Priority 4: Reducing Reoffending",
    ]
    assert "Earlier plans" in headers


def test_live_counts_for_calendar_2025(calendar_2025):
    values = metrics(calendar_2025)
    assert values["Anti-social behaviour: ASB incidents recorded"] == "5,507"
    expected = {
        "Anti-social behaviour: ASB incidents recorded": "Anti-social behaviour",
        "Violence and sexual offences: crimes recorded": "Violence and sexual offences",
        "Drugs: crimes recorded": "Drugs",
        "Possession of weapons: crimes recorded": "Possession of weapons",
    }
    for label, category in expected.items():
        assert values[label] == f"{independent_count(category, '2025-01-01', '2025-12-01'):,}"
    # 282,702 residents: the sum of the mid-2022 ward populations.
    assert values["Anti-social behaviour per 1,000 residents"] == f"{5507 / 282702 * 1000:.1f}"
    captions = " ".join(c.value for c in calendar_2025.caption)
    assert "Calendar year 2025: Jan 2025 to Dec 2025: all 12 months loaded." in captions
    assert "none of the previous 12 months (Jan 2024 to Dec 2024) is loaded." in captions


def test_kpi_status_from_the_seeds(calendar_2025):
    tables = [d.value for d in calendar_2025.dataframe]
    kpis = [t for t in tables if "kpi" in t.columns]
    rows = {row["kpi"]: row for t in kpis for _, row in t.iterrows()}
    fly = rows["Fly-tipping incidents cleared by the next working day"]
    assert (fly["target"], fly["latest_value"], fly["status"]) == ("at least 75%", "83%", "✔ Green: target met")
    orders = rows["Adult offenders successfully completing community orders and licences"]
    assert (orders["target"], orders["latest_value"], orders["status"]) == (
        "at least 70%",
        "82%",
        "✔ Green: target met",
    )
    assert rows["Arrests by the Community Safety Unit"]["status"] == "○ No data: no target set"
    assert rows["Recorded crime"]["latest_value"] == "28,526"
    text = all_text(calendar_2025)
    assert ":gray-badge[○ No data: 16]" in text  # the current plan sets no numeric targets
    assert ":green-badge[✔ Green: 6]" in text  # 2016-20
    assert "sets no numeric targets" in text


def test_rag_rules_and_plain_limits_on_the_page(calendar_2025):
    text = all_text(calendar_2025)
    assert "**No data**: its own state" in text
    assert "police.uk does not separate sexual offences or stalking and harassment" in text
    assert "Open data cannot show reoffending" in text
    assert "Aims and items to note for the partnership" in text


def test_ons_sexual_offences_and_stalking_or_a_plain_note(calendar_2025):
    """The ONS figures come from the embedded benchmark table when there is one, else a note says so."""
    parquet = AREA_DIR / "benchmarks" / "ons_csp.parquet"
    tables = [d.value for d in calendar_2025.dataframe if "offence_label" in d.value.columns]
    if not parquet.is_file():
        assert not tables
        assert "No ONS community safety partnership table is held" in all_text(calendar_2025)
        return
    with duckdb.connect() as con:
        expected = con.execute(
            f"SELECT offence_label, CAST(period_end AS DATE), count FROM read_parquet('{parquet.as_posix()}') "
            "WHERE csp_code = 'E22000143' AND offence_group IN ('sexual_offences', 'stalking_and_harassment') "
            "ORDER BY offence_group, period_end"
        ).fetchall()
    vawg = tables[0]
    got = [
        (label, end, int(count)) for label, end, count in zip(vawg["offence_label"], vawg["year_ending"], vawg["count"])
    ]
    assert sorted(got) == sorted(expected)
    assert {"Sexual offences", "Stalking and harassment"} <= set(vawg["offence_label"])
    drugs = tables[1]
    assert set(drugs["offence_label"]) == {"Drug offences", "Possession of weapons offences"}


def test_every_table_has_a_download(calendar_2025):
    names = [b.proto.label for b in calendar_2025.get("download_button")]
    assert len(names) >= 12
    assert "Download the monthly counts (CSV)" in names and "Download these KPIs (CSV)" in names


def test_latest_12_months_default_also_counts_asb():
    at = open_page()
    assert not at.exception and not at.error
    assert metrics(at)["Anti-social behaviour: ASB incidents recorded"] == "5,507"


def test_missing_plan_file_is_a_message(tmp_path, monkeypatch):
    area_file = tmp_path / "area.toml"
    area_file.write_text(absolute_area_text('[plans]\nfile = "no-such-plans.yaml"\n'), encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(area_file))
    at = open_page()
    assert not at.exception
    message = at.error[0].value
    assert "field 'plans.file' names no-such-plans.yaml, which does not exist" in message
    # The file is named; the server path is not (issue 12: no server paths on any page).
    assert message.startswith("area.toml: ") and str(tmp_path) not in message


def test_malformed_plan_file_names_the_field(tmp_path, monkeypatch):
    bad = tmp_path / "plans.yaml"
    text = (AREA_DIR / "plans" / "plans.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("value: 83\n", "value: high\n", 1), encoding="utf-8")
    area_file = tmp_path / "area.toml"
    area_file.write_text(absolute_area_text(f'[plans]\nfile = "{bad.as_posix()}"\n'), encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(area_file))
    at = open_page()
    assert not at.exception
    assert re.search(r"plans\[1\]\.kpis\[4\]\.value: expected a number, got 'high'", at.error[0].value)


def test_area_without_plans_says_what_to_add(tmp_path, monkeypatch):
    area_file = tmp_path / "area.toml"
    area_file.write_text(absolute_area_text(""), encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(area_file))
    at = open_page()
    assert not at.exception and not at.error
    assert "This area file names no plan file" in at.info[0].value


def test_unreadable_ons_table_is_one_message_and_the_page_goes_on(tmp_path, monkeypatch):
    """A damaged ONS table in the store: the one error path says so (file name, never the server path),
    each ONS section says it could not be read, and the rest of the page is drawn."""
    store = tmp_path / "store"
    shutil.copytree(AREA_DIR / "store", store, symlinks=True)
    (store / "benchmarks").mkdir(exist_ok=True)
    (store / "benchmarks" / "ons_csp.parquet").write_bytes(b"not a parquet file")
    monkeypatch.setenv("CSP_STORE_DIR", str(store))
    at = open_page(period_kind="Calendar year")
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "ons_csp.parquet" in message and "Check the ONS benchmark table held with the area's data." in message
    assert str(tmp_path) not in message
    assert not [d for d in at.dataframe if "offence_label" in d.value.columns]
    notes = [i.value for i in at.info if i.value.startswith("The ONS table could not be read.")]
    assert len(notes) == 2  # the two priorities followed by ONS offence groups
    assert metrics(at)["Anti-social behaviour: ASB incidents recorded"] == "5,507"
    assert "Earlier plans" in [h.value for h in at.header]
