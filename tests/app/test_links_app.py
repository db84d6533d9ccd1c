"""AppTest: shareable links (issue 14). A link opened (query parameters set before the first run, on the
page it names) restores the period, what is counted, the ward, the ward vintage, the measure and the
benchmarking choices; a choice made on the page goes into the address; hostile links give the default
and a short note, never an error.

Expected figures come from the shipped files read directly (DuckDB over the parquet, the ward
boundaries' GeoJSON), not from the page's code.
"""

from __future__ import annotations

import json
import re
from datetime import date

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from csp_data.periods import calendar_year, custom_period, financial_year, latest_12_months
from helpers import EMBEDDED_STORE_GLOB, ROOT, shown_tables

APP = str(ROOT / "app.py")
WARD_MAP, HOTSPOTS, SEASONALITY, BENCHMARKING = (
    "views/ward_map.py",
    "views/hotspots.py",
    "views/seasonality.py",
    "views/benchmarking.py",
)
BOUNDARIES = ROOT / "data" / "medway" / "boundaries"
ONS_TABLE = ROOT / "data" / "medway" / "benchmarks" / "ons_csp.parquet"
GILLINGHAM_SOUTH, RIVER_2022 = "E05014455", "E05002261"
NOTE_START = "Part of this link could not be used, so the page shows its usual choice for "


def open_link(page: str | None = None, **params) -> AppTest:
    """A first visit to ``page`` by a link holding ``params`` (str, or a list for a repeated key)."""
    at = AppTest.from_file(APP, default_timeout=120)
    if page:
        at.switch_page(page)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def link_note(at: AppTest) -> str:
    notes = [i.value for i in at.info if "link" in i.value]
    assert len(notes) <= 1
    return notes[0] if notes else ""


def shared_link(at: AppTest) -> str:
    # AppTest has no browser address, so the link is its query alone
    (box,) = [m for m in at.sidebar.markdown if m.value.startswith("[")]
    text, target = re.fullmatch(r"\[(.*)\]\(<(.*)>\)", box.value).groups()
    assert re.sub(r"\\(.)", r"\1", text) == target  # the link shows its own address
    return target


def ward_name(vintage_file: str, code_field: str, name_field: str, code: str) -> str:
    features = json.loads((BOUNDARIES / vintage_file).read_text(encoding="utf-8"))["features"]
    (name,) = [f["properties"][name_field] for f in features if f["properties"][code_field] == code]
    return name


def store_count(where: str, *params) -> int:
    with duckdb.connect() as con:
        return con.execute(
            f"SELECT count(*) FROM read_parquet('{EMBEDDED_STORE_GLOB}') WHERE {where}", list(params)
        ).fetchone()[0]


def csp_codes(*names: str) -> list[str]:
    with duckdb.connect() as con:
        found = dict(
            con.execute(
                f"SELECT DISTINCT csp_name, csp_code FROM read_parquet('{ONS_TABLE}') WHERE csp_name IN "
                f"({', '.join('?' * len(names))})",
                list(names),
            ).fetchall()
        )
    return [found[name] for name in names]


# -- the period --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind_label", "boxes", "period", "coverage"),
    [
        (
            "2024/25",
            "Financial year (April to March)",
            {"period_financial": "Financial year 2024/25"},
            financial_year(2024),
            # Apr 2024 and Jan-Mar 2025 are loaded; May-Dec 2024 is the store's gap.
            "Apr 2024 to Mar 2025: partial, 4 of 12 months loaded (missing May 2024 to Dec 2024).",
        ),
        (
            "2022",
            "Calendar year",
            {"period_calendar": "Calendar year 2022"},
            calendar_year(2022),
            "Jan 2022 to Dec 2022: partial, 11 of 12 months loaded (missing Dec 2022).",
        ),
        (
            "2024-02..2025-03",
            "Custom months",
            {"period_custom_first": "Feb 2024", "period_custom_last": "Mar 2025"},
            custom_period(date(2024, 2, 1), date(2025, 3, 1)),
            "Feb 2024 to Mar 2025: partial, 6 of 14 months loaded (missing May 2024 to Dec 2024).",
        ),
    ],
)
def test_a_period_link_restores_the_sidebar(text, kind_label, boxes, period, coverage):
    at = open_link(period=text)
    assert at.sidebar.radio(key="period_kind").value == kind_label
    for key, shown in boxes.items():
        box = at.sidebar.selectbox(key=key)
        assert box.format_func(box.value) == shown
    assert at.session_state["period"] == period
    assert coverage in [c.value for c in at.sidebar.caption]
    assert at.query_params == {"period": text}  # kept as given
    assert shared_link(at) == f"?period={text}"
    assert link_note(at) == ""


def test_the_latest_12_months_is_the_default_and_leaves_the_address():
    at = open_link(period="latest")
    assert at.sidebar.radio(key="period_kind").value == "Latest 12 months"
    assert at.session_state["period"] == latest_12_months([date(2025, 12, 1)])
    assert at.query_params == {}
    assert shared_link(at) == ""


def test_a_link_is_applied_once_and_then_the_controls_write_the_address():
    at = open_link(period="2024")
    assert at.session_state["period"] == calendar_year(2024)
    at.sidebar.selectbox(key="period_calendar").set_value("Calendar year 2025").run()
    assert not at.exception
    # The address still held 2024 when this run began: the user's choice wins and replaces it.
    assert at.session_state["period"] == calendar_year(2025)
    assert at.query_params == {"period": "2025"}
    at.sidebar.radio(key="period_kind").set_value("Financial year (April to March)").run()
    assert at.query_params == {"period": "2025/26"} and at.session_state["period"] == financial_year(2025)
    at.sidebar.radio(key="period_kind").set_value("Latest 12 months").run()
    assert at.query_params == {} and shared_link(at) == ""


# -- the pages ---------------------------------------------------------------------------------------


def test_a_ward_map_link_restores_what_is_counted_the_measure_the_wards_and_the_ward():
    params = {"period": "2024", "type": "crime:Burglary", "measure": "change", "wards": "2022", "ward": RIVER_2022}
    at = open_link(WARD_MAP, **params)
    assert at.selectbox(key="ward_map_filter").value == "crime:Burglary"
    assert at.radio(key="ward_map_measure").value == "change"
    assert at.radio(key="ward_map_vintage").value == "2022"
    assert at.selectbox(key="ward_map_ward_2022").value == RIVER_2022
    river = ward_name("wards_pre2023.geojson", "WD22CD", "WD22NM", RIVER_2022)
    assert river in [s.value for s in at.subheader]  # the ward profile is open
    table = shown_tables(at)[0].value
    assert len(table) == 22
    in_2024 = "month BETWEEN '2024-01-01' AND '2024-12-01' AND force_slug = 'kent-police'"
    assert int(table["incidents"].sum()) == store_count(
        f"{in_2024} AND crime_type = 'Burglary' AND ward_code_2022 IS NOT NULL"
    )
    assert at.query_params == params
    assert shared_link(at) == "?period=2024&type=crime:Burglary&measure=change&wards=2022&ward=E05002261"


def test_ward_map_choices_go_into_the_address_and_defaults_leave_it():
    at = open_link(WARD_MAP)
    assert at.query_params == {}
    at.radio(key="ward_map_measure").set_value("rate")
    at.selectbox(key="ward_map_filter").set_value("asb")
    at.selectbox(key="ward_map_ward_2023").set_value(GILLINGHAM_SOUTH).run()
    assert not at.exception
    assert at.query_params == {"type": "asb", "measure": "rate", "ward": GILLINGHAM_SOUTH}
    assert shared_link(at) == f"?type=asb&measure=rate&ward={GILLINGHAM_SOUTH}"
    at.radio(key="ward_map_measure").set_value("count").run()
    assert at.query_params == {"type": "asb", "ward": GILLINGHAM_SOUTH}


def test_a_hotspots_link_restores_what_is_counted_and_the_ward_by_code():
    at = open_link(HOTSPOTS, type="asb", ward=GILLINGHAM_SOUTH)
    assert at.selectbox(key="hotspots_filter").value == "asb"
    # The ward list holds codes (identity by code), shown by name.
    name = ward_name("wards_2023.geojson", "WD25CD", "WD25NM", GILLINGHAM_SOUTH)
    box = at.selectbox(key="hotspots_ward")
    assert box.value == GILLINGHAM_SOUTH and box.options[box.index] == name
    assert at.query_params == {"type": "asb", "ward": GILLINGHAM_SOUTH}
    box.set_value(None).run()  # the whole area: the default
    assert at.query_params == {"type": "asb"}


def test_a_seasonality_link_restores_the_series_and_asb_is_its_default():
    at = open_link(SEASONALITY, type="crime:Burglary")
    assert at.selectbox(key="seasonality_series").value == "crime:Burglary"
    assert at.query_params == {"type": "crime:Burglary"}
    at.selectbox(key="seasonality_series").set_value("asb").run()
    assert not at.exception and at.query_params == {}


def test_a_benchmarking_link_restores_the_peers_by_code_the_offence_group_and_the_year():
    peers = csp_codes("Wigan", "Basildon")
    params = {"offence": "violence_against_the_person", "year_to": "2025-06-30", "peers": ",".join(peers)}
    at = open_link(BENCHMARKING, **params)
    assert at.multiselect(key="benchmark_peers").value == ["Wigan", "Basildon"]
    assert at.selectbox(key="benchmark_offence").value == "violence_against_the_person"
    assert at.selectbox(key="benchmark_period").value == "2025-06-30"
    assert at.query_params == params
    assert shared_link(at) == f"?offence=violence_against_the_person&year_to=2025-06-30&peers={peers[0]},{peers[1]}"


def test_benchmarking_defaults_leave_the_address():
    at = open_link(BENCHMARKING)
    assert at.query_params == {}  # the area file's peers, all recorded crime, the default year
    at.selectbox(key="benchmark_period").set_value("2023-12-31").run()
    assert at.query_params == {"year_to": "2023-12-31"}


# -- hostile links -----------------------------------------------------------------------------------

HOSTILE = [
    # (page, parameters, the setting named in the note and why)
    (None, {"period": "2023"}, "the period (it is not a period with loaded months)"),
    (None, {"period": "2022-12..2025-01"}, "the period (its first and last months must both be loaded)"),
    (None, {"period": ["2024", "2025"]}, "the period (it was given more than once)"),
    (None, {"period": "2" * 100_000}, "the period (it is far too long)"),
    (None, {"period": "2025'; DROP TABLE incidents;--"}, "the period (it is not a period with loaded months)"),
    (None, {"period": "2025\x00"}, "the period (it holds control characters)"),
    (WARD_MAP, {"ward": "E05999999"}, "the ward (it is not one of the wards on this map)"),
    (WARD_MAP, {"ward": RIVER_2022}, "the ward (it is not one of the wards on this map)"),  # a 2022 ward
    (WARD_MAP, {"ward": "Gillingham South"}, "the ward (it is not one of the wards on this map)"),  # a name
    (WARD_MAP, {"measure": "<img src=x onerror=alert(1)>"}, "the measure (it is not a measure of this map)"),
    (WARD_MAP, {"measure": "5"}, "the measure (it is not a measure of this map)"),
    (WARD_MAP, {"wards": ["2022", "2022"]}, "the set of wards (it was given more than once)"),
    (WARD_MAP, {"type": "crime:Burglary' OR '1'='1"}, "the crime type (it is not a crime type recorded"),
    (HOTSPOTS, {"ward": "[x](javascript:alert(1))"}, "the ward (it is not one of the area's wards)"),
    (SEASONALITY, {"type": "ASB"}, "the crime type (it is not a crime type recorded in the chosen period)"),
    (BENCHMARKING, {"peers": "E22000143"}, "the peer group (it names a code that is not a CSP in the tables)"),
    (BENCHMARKING, {"year_to": "2019-03-31"}, "the year (it is not a year of the tables loaded)"),
    (BENCHMARKING, {"offence": "{{7*7}}"}, "the offence group (it is not an offence group of the ONS tables)"),
]


@pytest.mark.parametrize(("page", "params", "named"), HOSTILE)
def test_a_hostile_link_gives_the_default_and_a_note(page, params, named):
    at = open_link(page, **params)
    note = link_note(at)
    assert note.startswith(NOTE_START + named)
    for value in params.values():
        for part in value if isinstance(value, list) else [value]:
            assert part not in note  # nothing a link holds is shown back
    assert at.query_params == {}  # the default is written: the address is clean
    assert at.session_state["period"] == latest_12_months([date(2025, 12, 1)])


def test_every_bad_setting_is_named_in_one_note_and_the_good_ones_still_apply():
    at = open_link(WARD_MAP, period="2024", type="nonsense", measure="rate", ward="E05999999", foo="1", bar="2")
    assert at.session_state["period"] == calendar_year(2024) and at.radio(key="ward_map_measure").value == "rate"
    assert at.selectbox(key="ward_map_filter").value == "crime" and at.selectbox(key="ward_map_ward_2023").value is None
    assert link_note(at) == (
        NOTE_START + "the crime type (it is not a crime type recorded in the chosen period) and the ward "
        "(it is not one of the wards on this map). "
        "The link holds 2 settings this dashboard does not use; they were ignored."
    )
    assert at.query_params == {"period": "2024", "measure": "rate"}


def test_the_note_goes_once_the_page_is_used():
    at = open_link(None, period="nonsense")
    assert link_note(at)
    at.sidebar.radio(key="period_kind").set_value("Calendar year").run()
    assert not at.exception and link_note(at) == ""
    assert at.query_params == {"period": "2025"}


def test_settings_a_page_does_not_use_leave_its_address():
    # The address is the view's link (the sidebar says so): a ward or peers on the Overview are not part of it.
    at = open_link(None, period="2024", ward=GILLINGHAM_SOUTH, type="<script>x</script>", peers="E22000180")
    assert at.query_params == {"period": "2024"} and shared_link(at) == "?period=2024"
    assert link_note(at) == ""  # settings of other pages, not bad ones
    at = open_link(HOTSPOTS, ward=GILLINGHAM_SOUTH, measure="\x00", wards="nonsense", offence="{{7*7}}", year_to="2019")
    assert at.query_params == {"ward": GILLINGHAM_SOUTH}
    assert at.selectbox(key="hotspots_ward").value == GILLINGHAM_SOUTH
    at.run()  # and on the runs that follow
    assert at.query_params == {"ward": GILLINGHAM_SOUTH} and shared_link(at) == f"?ward={GILLINGHAM_SOUTH}"
    # Pages that stop early: the ward map with no ward chosen, the survey with no respondent file.
    at = open_link(WARD_MAP, period="2024", peers="E22000108", offence="violence", measure="rate")
    assert at.query_params == {"period": "2024", "measure": "rate"}
    at = open_link("views/survey.py", ward=GILLINGHAM_SOUTH, measure="rate", type="asb")
    assert at.query_params == {}


def test_every_page_keeps_the_settings_its_script_reads_and_writes():
    # The list the address is cleaned by, against the settings each page's script restores and publishes.
    from csp_data import links as link_rules

    names = {name: getattr(link_rules, name) for name in ("COUNTED", "MEASURE", "WARDS", "WARD", "OFFENCE", "YEAR_TO")}
    for script in sorted((ROOT / "views").glob("*.py")):
        text = script.read_text(encoding="utf-8")
        used = {value for name, value in names.items() if re.search(rf"links\.{name}\b", text)}
        used |= {link_rules.PEERS} if "restore_peers" in text else set()
        assert set(link_rules.page_parameters(script.stem)) == {link_rules.PERIOD, *used}, script.name


def test_a_link_with_many_unknown_settings_is_cleaned_in_one_change_of_address(monkeypatch):
    from streamlit.runtime.state.query_params import QueryParams

    sent = []
    send = QueryParams._send_query_param_msg
    monkeypatch.setattr(QueryParams, "_send_query_param_msg", lambda self: sent.append(1) or send(self))
    at = open_link(None, period="2024", **{f"x{i}": "y" * 50 for i in range(300)})
    assert at.query_params == {"period": "2024"}
    assert link_note(at).endswith("The link holds 300 settings this dashboard does not use; they were ignored.")
    # One change for the 300 (each removed on its own resent the whole address: 300 changes, 2 MB).
    assert len(sent) <= 2


def test_a_series_link_sets_the_seasonality_box_without_a_warning(monkeypatch):
    from streamlit.elements.lib import policies

    warnings = []
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)  # Streamlit warns once a process
    monkeypatch.setattr(policies._LOGGER, "warning", lambda *args, **kwargs: warnings.append(args))
    at = open_link(SEASONALITY, type="crime")
    assert at.selectbox(key="seasonality_series").value == "crime" and warnings == []
    assert at.query_params == {"type": "crime"}


def test_a_custom_period_link_sets_the_month_boxes_without_a_warning(monkeypatch):
    from streamlit.elements.lib import policies

    warnings = []
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)  # Streamlit warns once a process
    monkeypatch.setattr(policies._LOGGER, "warning", lambda *args, **kwargs: warnings.append(args))
    at = open_link(None, period="2025-03..2025-08")
    assert at.session_state["period"] == custom_period(date(2025, 3, 1), date(2025, 8, 1))
    assert at.sidebar.selectbox(key="period_custom_first").value == date(2025, 3, 1)
    assert at.sidebar.selectbox(key="period_custom_last").value == date(2025, 8, 1)
    assert warnings == []
    at.sidebar.selectbox(key="period_custom_first").set_value(date(2025, 5, 1)).run()  # still the user's
    assert at.session_state["period"] == custom_period(date(2025, 5, 1), date(2025, 8, 1))
    assert at.query_params == {"period": "2025-05..2025-08"}
