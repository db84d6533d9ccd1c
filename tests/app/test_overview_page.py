"""AppTest: the Overview and Data pages, with the embedded data and on the error paths."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from helpers import ROOT, open_folds, shown_tables

APP = str(ROOT / "app.py")


def run_app(**widget_state) -> AppTest:
    """Run the app once. Widget values are set before the run: with st.navigation, Streamlit 1.67's
    AppTest does not re-run the entry script's sidebar on a second run, so set_value().run() on a
    sidebar widget would test nothing."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in widget_state.items():
        at.session_state[key] = value
    return at.run()


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_embedded_2025():
    at = run_app()
    assert not at.exception
    metrics = metric_values(at)
    assert metrics["Crimes recorded"] == "25,082"
    assert metrics["ASB incidents recorded"] == "5,507"
    # 282,702 residents: the sum of the mid-2022 ward populations.
    assert metrics["Crimes per 1,000 residents"] == f"{25082 / 282702 * 1000:.1f}"
    assert metrics["ASB incidents per 1,000 residents"] == f"{5507 / 282702 * 1000:.1f}"
    text = " ".join(m.value for m in at.markdown)
    # The one change rule on the real gaps: Jan–Apr 2025 against Jan–Apr 2024 (SOURCES.md: Medway rows less
    # ASB, 2024: 2,182 + 2,020 + 2,353 + 2,270 = 8,825).
    assert (
        "Comparing only the 4 months loaded in both periods, Jan 2025 to Apr 2025 (8,610) against Jan 2024 to "
        "Apr 2024 (8,825), recorded crime fell by 2%" in text
    )
    assert "Violence and sexual offences was the largest category, 46% of all crime (11,634)." in text
    assert "**Crime**: 47% of the Medway total" in text
    # The crime picture's two tables and the top wards' are on the page; the tables behind the two charts only
    # once opened.
    shown = shown_tables(at)
    assert [t.headings[0] for t in shown] == ["Aspect", "Source", "Rank", "Rank"]
    assert len(at.get("download_button")) == 4
    assert len(shown_tables(open_folds(at))) == 6 and not at.exception


def test_calendar_and_financial_year_choices():
    at = run_app(period_kind="Calendar year")
    assert not at.exception
    assert metric_values(at)["Crimes recorded"] == "25,082"
    assert "Calendar year 2025" in at.caption[0].value
    # ASB's annual change rests on January to April; its longer comparison (the months of 2022) follows it.
    asb = next(c.value for c in at.caption if "anti-social behaviour (ASB) rose by 4%" in c.value)
    assert "\n\nLonger comparison: Comparing only the 11 months loaded in both periods, Jan 2025 to Nov 2025" in asb
    # Crime's too (it had only the four months under its headline, and "In brief" neither): an 18% real fall.
    crime = next(c.value for c in at.caption if "recorded crime fell by 2%" in c.value)
    assert "\n\nLonger comparison: Comparing only the 11 months loaded in both periods, Jan 2025 to Nov 2025" in crime
    assert "crime fell by 18%, a real fall" in crime.split("Longer comparison:")[1]
    brief = next(m.value for m in at.markdown if "Longer comparison:" in m.value)
    assert brief.count("- Longer comparison: Comparing only the 11 months loaded in both periods") == 2
    at = run_app(period_kind="Financial year (April to March)", period_financial="Financial year 2024/25")
    assert not at.exception
    # April 2024 to March 2025 holds April 2024 and January to March 2025 in the embedded data.
    metrics = metric_values(at)
    captions = " ".join(c.value for c in at.caption)
    assert "partial, 4 of 12 months loaded (missing May 2024 to Dec 2024)" in captions
    # Apr 2024 – Mar 2025 against Apr 2023 – Mar 2024: only January to March are loaded in both years.
    jan_to_mar_2024 = (2478 - 296) + (2349 - 329) + (2715 - 362)  # SOURCES.md 1b: Medway rows less ASB
    assert f"Jan 2025 to Mar 2025 (6,422) against Jan 2024 to Mar 2024 ({jan_to_mar_2024:,})" in captions
    assert "Left out: Apr 2024 to Dec 2024 of this period and Apr 2023 to Dec 2023 of the previous one" in captions
    april_2024 = 2713 - 443  # SOURCES.md: Medway rows less Medway ASB
    jan_to_mar = 2181 + 1974 + 2267 + april_2024
    # Issue 13: a partial period says so on the figure itself, and the monthly average stands beside it.
    assert metrics["Crimes recorded"] == f"{jan_to_mar:,} in 4 of 12 months"
    assert metrics["Crimes a month (average)"] == f"{jan_to_mar / 4:,.0f}"
    assert metrics["Crimes per 1,000 residents"] == f"{jan_to_mar / 282702 * 1000:.1f} in 4 of 12 months"


def test_data_page_shows_the_ledger():
    at = run_app()
    at.switch_page("views/data_sources.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    # SOURCES.md: 426,012 rows read in the 27 months, 73,579 kept in Medway.
    assert (
        "Months loaded: Jan 2022 to Nov 2022, Jan 2024 to Apr 2024, Jan 2025 to Dec 2025. Missing: Dec 2022 to "
        "Dec 2023, May 2024 to Dec 2024. 27 months in all: 426,012 rows read and 73,579 kept in Medway" in text
    )
    assert not shown_tables(at)  # the table of every month is folded until opened
    ledger = shown_tables(open_folds(at))[0].value
    assert list(ledger["rows_kept"]) == [  # SOURCES.md, sections 1c, 1b and 1: Medway rows of each month
        *[2967, 2607, 2987, 2991, 3018, 3134, 3189, 3217, 2851, 2854, 2920],
        *[2478, 2349, 2715, 2713],
        *[2428, 2270, 2705, 2691, 2873, 2724, 2881, 2714, 2285, 2395, 2262, 2361],
    ]
    assert "Open Government Licence" in " ".join(m.value for m in at.markdown)


def test_bad_area_file_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    bad = tmp_path / "area.toml"
    bad.write_text("this is = = not toml")
    monkeypatch.setenv("CSP_AREA_FILE", str(bad))
    at = run_app()
    assert not at.exception
    assert "not valid TOML" in at.error[0].value
    assert "Check the area file" in at.error[0].value


def test_empty_store_says_so_in_plain_words(tmp_path, monkeypatch):
    monkeypatch.setenv("CSP_STORE_DIR", str(tmp_path / "empty-store"))
    at = run_app()
    assert not at.exception
    assert "No months are loaded yet." in at.sidebar.warning[0].value
    # Issue 14: a visitor reads what is missing, never a command to run (that is in the README).
    assert at.info[0].value == "No police.uk months are loaded yet, so there are no figures to show."
    assert "python -m" not in at.info[0].value


def test_a_misspelt_territorial_force_over_a_loaded_store_says_what_to_check(tmp_path, monkeypatch):
    # The pages said "No police.uk months are loaded yet" over a store holding every month, while `status`
    # named the area file's territorial_forces.
    text = (ROOT / "data" / "medway" / "area.toml").read_text()
    assert 'territorial_forces = ["Kent Police"]' in text
    text = text.replace('territorial_forces = ["Kent Police"]', 'territorial_forces = ["Kent Constabulary"]')
    text = text.replace('path = "store"', f'path = "{ROOT}/data/medway/store"')
    for folder in ("boundaries", "population", "plans", "survey", "benchmarks"):
        text = text.replace(f'"{folder}/', f'"{ROOT}/data/medway/{folder}/')
    (tmp_path / "area.toml").write_text(text)
    monkeypatch.setenv("CSP_AREA_FILE", str(tmp_path / "area.toml"))
    at = run_app()
    assert not at.exception
    assert at.sidebar.warning[0].value == "No months of the area's own police force are loaded."
    assert at.info[0].value == (
        "No months of Medway's own police force are loaded, so there are no figures to show. For the site's "
        "maintainers: no loaded month is from the area's territorial force(s) (Kent Constabulary), whose rows make "
        "its totals; the store holds Kent Police: check the area file's [match] territorial_forces."
    )
    at.switch_page("views/ward_map.py").run()
    assert not at.exception and "check the area file's [match] territorial_forces" in at.info[0].value


def test_damaged_store_names_what_to_run_without_a_server_path(tmp_path, monkeypatch):
    import os
    import shutil

    store = tmp_path / "store"
    shutil.copytree(ROOT / "data" / "medway" / "store", store, symlinks=True)
    (store / os.readlink(store / "current") / "ledger.parquet").write_bytes(b"damaged")
    monkeypatch.setenv("CSP_STORE_DIR", str(store))
    at = run_app()
    assert not at.exception
    message = at.error[0].value
    assert "ledger" in message and "damaged" in message and "python -m csp_data repair" in message
    assert str(tmp_path) not in message


def test_totals_say_which_force_and_other_forces_are_shown_apart(tmp_path, monkeypatch):
    from csp_data.config import load_area
    from csp_data.store import Store
    from csp_data.store.ingest import ingest
    from helpers import csv_bytes, street_row, ward_points

    luton = ward_points()["Luton"]
    path = tmp_path / "2025-03-kent-street.csv"
    path.write_bytes(
        csv_bytes(
            [street_row("2025-03", "Robbery", *luton, crime_id=f"k{i}") for i in range(4)]
            + [street_row("2025-03", "Other theft", *luton, crime_id="b", force="British Transport Police")]
        )
    )
    ingest([path], load_area(None), Store(tmp_path / "store"))
    monkeypatch.setenv("CSP_STORE_DIR", str(tmp_path / "store"))
    at = run_app()
    assert not at.exception
    assert metric_values(at)["Crimes recorded"] == "4 in 1 of 12 months"  # only March 2025 is loaded
    caption = " ".join(c.value for c in at.caption)
    assert "Counts are of incidents recorded by Kent Police" in caption
    assert "1 more reported in the area by another force" in caption
    # Every page says which force it counts, in the sidebar.
    assert "Counts: incidents recorded by Kent Police." in [c.value for c in at.sidebar.caption]
    at.switch_page("views/data_sources.py").run()
    assert not at.exception
    others = shown_tables(at)[0].value
    # The grid keeps the query's column names; its headings ("Force", "Crime or ASB") are column settings.
    assert others.to_dict("records") == [
        {"month": "2025-03", "force": "British Transport Police", "kind": "crime", "incidents": 1}
    ]


def test_the_overview_says_where_the_period_and_the_pack_are():
    """On a phone the sidebar is folded away behind a button: the landing page says where it is."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert any(
        m.value.startswith("Change the period, download a scrutiny pack") and "»" in m.value for m in at.markdown
    )
