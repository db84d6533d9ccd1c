"""AppTest: the Priorities and progress page on the embedded data, and its error paths.

Live counts are checked against DuckDB reading the store's parquet files directly (not the page's
named query); KPI figures against the seed values transcribed in data/medway/plans/plans.yaml. The
direction-of-travel statuses are worked out here from those counts, with the rule written out again
(months paired with the same months a year earlier, or further back when that is thin) and the exact
binomial interval from scipy, not with the dashboard's code. Nothing is hard-coded about the store,
which may hold any months.
"""

from __future__ import annotations

import re
import shutil
from datetime import date

import duckdb
import pandas as pd
import pytest
from scipy.stats import binomtest
from streamlit.testing.v1 import AppTest

from helpers import EMBEDDED_STORE_GLOB, ROOT, open_folds, shown_tables

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


def store_months() -> list[date]:
    with duckdb.connect() as con:
        rows = con.execute(f"SELECT DISTINCT CAST(month AS DATE) FROM read_parquet('{STORE_FILES}')").fetchall()
    return sorted(r[0] for r in rows)


def monthly_counts(category: str) -> dict[date, int]:
    """Incidents of one police.uk category in every month the store holds (0 where it has none)."""
    with duckdb.connect() as con:
        rows = con.execute(
            f"SELECT CAST(month AS DATE), count(*) FROM read_parquet('{STORE_FILES}') WHERE crime_type = ? GROUP BY 1",
            [category],
        ).fetchall()
    counts = dict.fromkeys(store_months(), 0)
    counts.update(dict(rows))
    return counts


def months_back(month: date, lag: int) -> date:
    index = month.year * 12 + month.month - 1 - lag
    return date(index // 12, index % 12 + 1, 1)


def expected_progress(category: str, first: date, last: date) -> tuple[str, int, int] | None:
    """The status an aim to reduce should get over first..last, with the two counts compared; None for no data.

    Each month is paired with the same month a year earlier (or the nearest earlier year, up to five back,
    when no month of the year before is loaded); when that covers fewer than half the months and an
    earlier year (up to four back) covers more, that one is used. The 95% interval is the exact
    (Clopper-Pearson) interval for the share of the two counts that falls in the period: a real fall when
    its upper limit is below one half, a real rise when its lower limit is above it.
    """
    counts = monthly_counts(category)
    months = [first]
    while months[-1] < last:
        months.append(months_back(months[-1], -1))

    def pairs(lag: int) -> list[tuple[date, date]]:
        return [(m, months_back(m, lag)) for m in months if m in counts and months_back(m, lag) in counts]

    lags = [lag for lag in (12, 24, 36, 48, 60) if pairs(lag)]
    if not lags:
        return None
    lag = lags[0]
    if len(pairs(lag)) < len(months) / 2:
        lag = next((longer for longer in (24, 36, 48) if longer > lag and len(pairs(longer)) > len(pairs(lag))), lag)
    now = sum(counts[m] for m, _ in pairs(lag))
    before = sum(counts[b] for _, b in pairs(lag))
    interval = binomtest(now, now + before).proportion_ci(confidence_level=0.95, method="exact")
    status = "✔ Green" if interval.high < 0.5 else "✖ Red" if interval.low > 0.5 else "▲ Amber"
    return status, now, before


def table_cells(at: AppTest):
    """Every cell of every table on the page, as a reader sees it, with where it is."""
    assert not at.table  # every table is drawn as HTML (csp_data.ui.tables.table_html)
    for number, frame in enumerate(t.text for t in shown_tables(at)):
        for column in frame.columns:
            for cell in frame[column]:
                yield f"table {number} column {column!r}", cell


def open_page(**widget_state) -> AppTest:
    """Run the app once (widget values set before that run), then open the page."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in widget_state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception
    return open_folds(at.switch_page(PAGE).run())


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
    assert headers[0].startswith("Direction of travel")
    assert headers[1:5] == [
        "Priority 1: Tackle Anti-Social Behaviour",
        "Priority 2: Violence Against Women and Girls",
        "Priority 3: Tackle Drugs and Alcohol",
        "Priority 4: Reducing Reoffending",
    ]
    assert "Earlier plans" in headers


def test_live_counts_for_calendar_2025(calendar_2025):
    values = metrics(calendar_2025)
    expected = {
        "Anti-social behaviour: ASB incidents recorded": "Anti-social behaviour",
        "Violence and sexual offences: crimes recorded": "Violence and sexual offences",
        "Drugs: crimes recorded": "Drugs",
        "Possession of weapons: crimes recorded": "Possession of weapons",
    }
    for label, category in expected.items():
        assert values[label] == f"{independent_count(category, '2025-01-01', '2025-12-01'):,}"
    # 282,702 residents: the sum of the mid-2022 ward populations.
    asb = independent_count("Anti-social behaviour", "2025-01-01", "2025-12-01")
    assert values["Anti-social behaviour per 1,000 residents"] == f"{asb / 282702 * 1000:.1f}"
    captions = " ".join(c.value for c in calendar_2025.caption)
    assert "Calendar year 2025, Jan 2025 to Dec 2025: all 12 months loaded." in captions


BADGE_COLOURS = {"✔ Green": "green", "▲ Amber": "orange", "✖ Red": "red"}
SERIES = {
    "Anti-social behaviour": "Priority 1: Tackle Anti-Social Behaviour",
    "Violence and sexual offences": "Priority 2: Violence Against Women and Girls",
    "Drugs": "Priority 3: Tackle Drugs and Alcohol",
    "Possession of weapons": "Priority 3: Tackle Drugs and Alcohol",
}


def check_direction_of_travel(at: AppTest, first: date, last: date) -> None:
    """The page's status of each series is the one worked out here, in words beside its colour."""
    (shown,) = [t for t in shown_tables(at) if "Status, and the rule that set it" in t.value.columns]
    table = shown.value  # the cells' Markdown; shown.text is what a reader sees
    assert list(table["police.uk series and priority"]) == [f"{c} (aim: reduce), {p}" for c, p in SERIES.items()]
    captions = [c.value for c in at.caption]
    badges = [m.value for m in at.markdown if m.value.startswith("Direction of travel: ")]
    assert len(badges) == len(SERIES)
    for (category, _), status, badge in zip(SERIES.items(), table["Status, and the rule that set it"], badges):
        expected = expected_progress(category, first, last)
        if expected is None:
            assert status.startswith(":gray-badge[○ Not rated] – no month of the period can be compared"), category
            assert "○ Not rated]" in badge
            continue
        label, now, before = expected
        # The status in the table is a badge: its colour, and its symbol and word (never colour alone).
        assert status.startswith(f":{BADGE_COLOURS[label]}-badge[{label}] – "), (category, status, expected)
        assert badge.startswith(f"Direction of travel: :{BADGE_COLOURS[label]}-badge[{label}]"), (category, badge)
        # Drawn as a badge (a span in the status's colour) with its words, and read as its words.
        assert f'<span class="csp-badge csp-badge-{BADGE_COLOURS[label]}">{label}</span> – ' in shown.body, category
        # The change rule's own sentence, under the series, gives the two counts compared.
        assert any(f"{now:,}" in c and f"{before:,}" in c and category.lower() in c for c in captions), category


def test_direction_of_travel_for_calendar_2025(calendar_2025):
    year = max(store_months()).year  # the page shows the newest calendar year
    check_direction_of_travel(calendar_2025, date(year, 1, 1), date(year, 12, 1))
    text = all_text(calendar_2025)
    assert "**Direction of travel** of the police.uk series" in text
    assert "Progress is followed instead by the direction of travel" in text
    names = [b.proto.label for b in calendar_2025.get("download_button")]
    assert "Download the direction of travel (CSV)" in names


@pytest.fixture(scope="module")
def financial_year():
    return open_page(period_kind="Financial year (April to March)")


def test_direction_of_travel_for_the_newest_financial_year(financial_year):
    newest = max(store_months())
    start = newest.year if newest.month >= 4 else newest.year - 1
    check_direction_of_travel(financial_year, date(start, 4, 1), date(start + 1, 3, 1))


def test_direction_of_travel_for_an_earlier_financial_year_and_a_single_month():
    """Other periods give other statuses (amber where a change is within normal variation; no data for a
    month with no counterpart loaded in any earlier year): each is worked out here again."""
    newest = max(store_months())
    start = (newest.year if newest.month >= 4 else newest.year - 1) - 1
    at = open_page(
        period_kind="Financial year (April to March)", period_financial=f"Financial year {start}/{str(start + 1)[-2:]}"
    )
    assert not at.exception and not at.error
    check_direction_of_travel(at, date(start, 4, 1), date(start + 1, 3, 1))
    at = open_page(period_kind="Custom months", period_custom_first=newest, period_custom_last=newest)
    assert not at.exception and not at.error
    check_direction_of_travel(at, newest, newest)


@pytest.mark.parametrize("page", ["calendar_2025", "financial_year"])
def test_no_table_shows_none(page, request):
    """No table on the page shows None, NaN or an empty cell: a dash or words stand in for a missing value."""
    at = request.getfixturevalue(page)
    cells = list(table_cells(at))
    assert len(cells) > 500
    for where, cell in cells:
        assert cell is not None and not (isinstance(cell, float) and cell != cell), where
        assert not pd.isna(cell), where
        assert str(cell).strip().lower() not in {"none", "nan", "<na>", "nat", "", "null"}, (where, cell)
        assert not re.search(r"\bNone\b|\bnan\b", str(cell)), (where, cell)


def test_kpi_status_from_the_seeds(calendar_2025):
    tables = [t.value for t in shown_tables(calendar_2025)]
    kpis = [t for t in tables if list(t.columns) == ["KPI", "Status", "Latest figure", "Target"]]
    # Priorities 1, 3 and 4 of the current plan, its other figures, and rated and unrated of two earlier plans.
    assert len(kpis) == 3 + 1 + 2 * 2
    # A KPI's cell is its name, then its priority (in the tables that span priorities) and its note, one a line.
    rows = {row["KPI"].split("  \n")[0]: row for t in kpis for _, row in t.iterrows()}
    fly = rows["Fly-tipping incidents cleared by the next working day"]
    assert (fly["Target"], fly["Latest figure"], fly["Status"]) == (
        "at least 75%",
        "**83%**  \nPrevious plan period (year not stated)",
        ":green-badge[✔ Green] target met; reported as met or exceeded",
    )
    orders = rows["Adult offenders successfully completing community orders and licences"]
    assert (orders["Target"], orders["Latest figure"], orders["Status"]) == (
        "at least 70%",
        "**82%**  \nPrevious plan period (year not stated)",
        ":green-badge[✔ Green] target met; reported as met or exceeded",
    )
    assert rows["Arrests by the Community Safety Unit"]["Status"] == ":gray-badge[○ Not rated] no target set"
    # What a reader sees of a row: the badge's words, the figure above its period, no Markdown marks.
    (shown,) = [
        t for t in shown_tables(calendar_2025) if "Fly-tipping incidents cleared by the next working day" in t.body
    ]
    (row,) = [r for _, r in shown.text.iterrows() if r["KPI"].startswith("Fly-tipping incidents cleared")]
    assert (row["Status"], row["Latest figure"]) == (
        "✔ Green target met; reported as met or exceeded",
        "83%\nPrevious plan period (year not stated)",
    )
    assert rows["Arrests by the Community Safety Unit"]["KPI"] == (
        "Arrests by the Community Safety Unit  \nNote: Reported as 'over 600'. Activity measure; no target set."
    )
    assert rows["Recorded crime"]["Latest figure"] == "**28,526**  \nApril 2023 – March 2024"
    assert (
        rows["Recorded crime rate per 1,000 residents"]["Latest figure"]
        == "**99.9 per 1,000**  \nApril 2023 – March 2024"
    )
    text = all_text(calendar_2025)
    assert ":gray-badge[○ Not rated: 16]" in text  # the current plan sets no numeric targets
    assert ":green-badge[✔ Green: 6]" in text  # 2016-20
    assert "sets no numeric targets" in text


def test_rag_rules_and_plain_limits_on_the_page(calendar_2025):
    text = all_text(calendar_2025)
    assert "**Not rated**: its own state" in text
    assert "police.uk does not separate sexual offences or stalking and harassment" in text
    assert "Open data cannot show reoffending" in text
    assert "Aims and items to note for the partnership" in text


def test_ons_sexual_offences_and_stalking_or_a_plain_note(calendar_2025):
    """The ONS figures come from the embedded benchmark table when there is one, else a note says so."""
    parquet = AREA_DIR / "benchmarks" / "ons_csp.parquet"
    tables = [t.value for t in shown_tables(calendar_2025) if "Offence group" in t.value.columns]
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
        (label, year, int(count.replace(",", "")))
        for label, year, count in zip(vawg["Offence group"], vawg["Year"], vawg["Offences"])
    ]
    # Years said in words ("Year ending December 2024"), never "YE Dec 2024".
    assert sorted(got) == sorted((label, f"Year ending {end:%B %Y}", count) for label, end, count in expected)
    assert {"Sexual offences", "Stalking and harassment"} <= set(vawg["Offence group"])
    drugs = tables[1]
    assert set(drugs["Offence group"]) == {"Drug offences", "Possession of weapons offences"}


def test_every_table_has_a_download(calendar_2025):
    names = [b.proto.label for b in calendar_2025.get("download_button")]
    assert len(names) >= 12
    assert "Download the monthly counts (CSV)" in names and "Download these KPIs (CSV)" in names


def test_latest_12_months_default_also_counts_asb():
    at = open_page()
    assert not at.exception and not at.error
    last = max(store_months())
    first = months_back(last, 11)
    expected = independent_count("Anti-social behaviour", first.isoformat(), last.isoformat())
    assert metrics(at)["Anti-social behaviour: ASB incidents recorded"] == f"{expected:,}"
    check_direction_of_travel(at, first, last)


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
    assert not [t for t in shown_tables(at) if "Offence group" in t.value.columns]
    assert [t for t in shown_tables(at) if "KPI" in t.value.columns]  # the rest of the page's tables are drawn
    notes = [i.value for i in at.info if i.value.startswith("The ONS table could not be read.")]
    assert len(notes) == 2  # the two priorities followed by ONS offence groups
    asb = independent_count("Anti-social behaviour", "2025-01-01", "2025-12-01")
    assert metrics(at)["Anti-social behaviour: ASB incidents recorded"] == f"{asb:,}"
    assert "Earlier plans" in [h.value for h in at.header]


def test_ons_figures_of_a_csp_code_whose_councils_are_not_the_areas_are_not_shown():
    """Cardiff's area file with Medway's csp_code showed Medway's ONS sexual offences on Priorities as Cardiff's."""
    import dataclasses

    from csp_data.config import load_area
    from csp_data.ui.priorities import ons_view

    medway = load_area(ROOT / "data" / "medway" / "area.toml")
    views, _ = ons_view(medway, medway.plans_file)
    assert views  # Medway's own code and councils: its figures
    cardiff = dataclasses.replace(medway, short_name="Cardiff", local_authority_codes=("W06000015",))
    views, message = ons_view(cardiff, cardiff.plans_file)
    assert views == {}
    assert message == (
        "The ONS figures are not shown: the area's CSP code E22000143 is Medway's in the ONS benchmark table, whose "
        "councils are E06000035, none of the area file's local_authority_codes (W06000015); check csp_code and "
        "local_authority_codes in the area file."
    )
