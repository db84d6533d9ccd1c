"""Shareable links (issue 14): each parameter written and read back, and hostile values refused with a
reason that never repeats them. The expected links are written out by hand."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from csp_data import links
from csp_data.links import LinkError
from csp_data.periods import calendar_year, custom_period, financial_year, latest_12_months

# The embedded store's months: Jan-Nov 2022, Jan-Apr 2024 and all of 2025 (README), written out here.
LOADED = (
    [date(2022, m, 1) for m in range(1, 12)]
    + [date(2024, m, 1) for m in range(1, 5)]
    + [date(2025, m, 1) for m in range(1, 13)]
)
COUNTED_KEYS = ["crime", "asb", "crime:Burglary", "crime:Violence and sexual offences"]


def read_back(query: str) -> dict[str, str]:
    """A link's query as the server reads it (parse_qs, as st.query_params does), one value each."""
    return {name: links.single_value(values) for name, values in parse_qs(query, keep_blank_values=True).items()}


# -- the period -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "period", "text"),
    [
        ("financial", financial_year(2024), "2024/25"),
        ("financial", financial_year(2021), "2021/22"),  # Jan-Mar 2022 loaded
        ("calendar", calendar_year(2022), "2022"),
        ("calendar", calendar_year(2025), "2025"),
        ("custom", custom_period(date(2024, 2, 1), date(2025, 3, 1)), "2024-02..2025-03"),
        ("custom", custom_period(date(2025, 12, 1), date(2025, 12, 1)), "2025-12..2025-12"),
    ],
)
def test_each_kind_of_period_round_trips_through_a_link(kind, period, text):
    assert links.period_text(kind, period) == text
    query = links.link_query({links.PERIOD: text})
    assert query == f"period={text}"  # the slash and the dots are left readable
    assert links.period_from_text(read_back(query)[links.PERIOD], LOADED) == (kind, period)


def test_the_latest_12_months_is_the_default_and_is_left_out_of_a_link():
    latest = latest_12_months(LOADED)
    assert (latest.first, latest.last) == (date(2025, 1, 1), date(2025, 12, 1))
    assert links.period_text("latest12", latest) is None
    assert links.period_from_text("latest", LOADED) == ("latest12", latest)
    # The same months as a calendar year or as custom months are other choices, and stay so.
    assert links.period_from_text("2025", LOADED) == ("calendar", calendar_year(2025))
    assert links.period_from_text("2025-01..2025-12", LOADED)[0] == "custom"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2023", "not a period with loaded months"),  # no month of 2023 is loaded
        ("2019/20", "not a period with loaded months"),
        ("2023-01..2023-06", "not a period with loaded months"),
        ("2022-12..2025-01", "first and last months must both be loaded"),  # Dec 2022 is a gap
        ("2024-03..2024-06", "first and last months must both be loaded"),  # Jun 2024 is a gap
        ("2025-06..2025-01", "not a period with loaded months"),  # backwards
        ("2025/27", "not a period with loaded months"),
        ("2025-13..2025-14", "not a period with loaded months"),
        ("0000", "not a period with loaded months"),
        ("99999", "not a period with loaded months"),
        ("２０２５", "not a period with loaded months"),  # full-width digits are not ASCII digits
        ("2025' OR '1'='1", "not a period with loaded months"),
        ("<script>alert(1)</script>", "not a period with loaded months"),
        ("", "not a period with loaded months"),
        ("9" * 4000, "not a period with loaded months"),
    ],
)
def test_periods_the_sidebar_does_not_offer_are_refused(text, reason):
    with pytest.raises(LinkError) as refused:
        links.period_from_text(text, LOADED)
    expected = f"it is {reason}" if reason.startswith("not") else f"its {reason}"
    assert str(refused.value) == expected  # a reason in words: the value itself is never repeated


def test_period_text_needs_a_known_kind():
    with pytest.raises(ValueError, match="kind should be"):
        links.period_text("fortnight", calendar_year(2025))


# -- one value from a choice --------------------------------------------------------------------------


@pytest.mark.parametrize("key", COUNTED_KEYS)
def test_what_is_counted_round_trips(key):
    query = links.link_query({links.COUNTED: key})
    assert links.option_from_text(read_back(query)[links.COUNTED], COUNTED_KEYS, "a crime type") == key


def test_a_crime_type_with_spaces_is_written_with_percent_escapes():
    assert links.link_query({links.COUNTED: "crime:Violence and sexual offences"}) == (
        "type=crime:Violence%20and%20sexual%20offences"
    )


@pytest.mark.parametrize(
    ("param", "value", "options"),
    [
        (links.MEASURE, "rate", ["count", "rate", "change"]),
        (links.WARDS, "2022", ["2023", "2022"]),
        (links.WARD, "E05014455", ["E05014450", "E05014455"]),
        (links.OFFENCE, "violence_against_the_person", ["total_excl_fraud", "violence_against_the_person"]),
        (links.YEAR_TO, "2025-06-30", ["2023-12-31", "2024-12-31", "2025-06-30"]),
    ],
)
def test_each_choice_round_trips(param, value, options):
    query = links.link_query({param: value})
    assert query == f"{param}={value}"
    assert links.option_from_text(read_back(query)[param], options, "x") == value


@pytest.mark.parametrize(
    "text",
    ["ASB", " asb", "asb ", "crime:burglary", "crime:Burglary' OR 1=1--", "crime:", "", "1", "[]", "None", "asb\u200b"],
)
def test_a_choice_must_be_one_of_the_options_exactly(text):
    with pytest.raises(LinkError, match="^it is not a crime type recorded here$"):
        links.option_from_text(text, COUNTED_KEYS, "a crime type recorded here")


# -- peers: codes -----------------------------------------------------------------------------------


def test_peer_codes_round_trip_in_their_order_each_once():
    known = ["E22000001", "E22000002", "E22000003"]
    text = links.codes_text(["E22000003", "E22000001"])
    query = links.link_query({links.PEERS: text})
    assert query == "peers=E22000003,E22000001"  # commas left readable
    assert links.codes_from_text(read_back(query)[links.PEERS], known, "a CSP") == ["E22000003", "E22000001"]
    assert links.codes_from_text("E22000002,E22000002, E22000001", known, "a CSP") == ["E22000002", "E22000001"]
    assert links.codes_from_text("", known, "a CSP") == []  # every peer removed


@pytest.mark.parametrize("text", ["E22000001,E99999999", "E22000001,,E22000002", "Basildon", ",", "e22000001"])
def test_peers_with_an_unknown_code_are_refused_whole(text):
    with pytest.raises(LinkError, match="^it names a code that is not a CSP$"):
        links.codes_from_text(text, ["E22000001", "E22000002"], "a CSP")


# -- any value: once, not too long, no control characters ----------------------------------------------


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (["2024", "2025"], "it was given more than once"),
        (["asb", "asb"], "it was given more than once"),
        ([], "it was given more than once"),
        (["x" * 4001], "it is far too long"),
        (["asb\x00"], "it holds control characters"),
        (["2025\n"], "it holds control characters"),
        (["\x1b[31masb"], "it holds control characters"),
    ],
)
def test_values_that_cannot_be_one_value_are_refused(values, reason):
    with pytest.raises(LinkError) as refused:
        links.single_value(values)
    assert str(refused.value) == reason


def test_a_value_of_the_longest_allowed_length_is_one_value():
    assert links.single_value(["x" * 4000]) == "x" * 4000


def test_a_hostile_value_cannot_add_a_parameter_to_a_link():
    query = links.link_query({links.COUNTED: "asb&ward=E05014455#top", links.PERIOD: "2025"})
    assert read_back(query) == {"period": "2025", "type": "asb&ward=E05014455#top"}


# -- the whole link ----------------------------------------------------------------------------------


def test_a_link_lists_its_parameters_in_one_order_and_reads_back_the_same():
    values = {
        links.PEERS: "E22000003,E22000001",
        links.WARD: "E05014455",
        links.COUNTED: "crime:Violence and sexual offences",
        links.PERIOD: "2024/25",
        links.MEASURE: "rate",
    }
    url = links.link("http://127.0.0.1:8501/ward_map", values)
    assert url == (
        "http://127.0.0.1:8501/ward_map?period=2024/25&type=crime:Violence%20and%20sexual%20offences"
        "&measure=rate&ward=E05014455&peers=E22000003,E22000001"
    )
    assert read_back(urlsplit(url).query) == values


def test_a_link_with_every_choice_at_its_default_is_the_page_itself():
    assert links.link("http://127.0.0.1:8501/hotspots", {}) == "http://127.0.0.1:8501/hotspots"


def test_unknown_parameters_are_those_no_page_uses():
    assert links.unknown_parameters(["period", "foo", "type", "Period", "utm_source"]) == [
        "foo",
        "Period",
        "utm_source",
    ]


def test_the_note_names_each_setting_and_its_reason_and_counts_unknown_ones():
    assert links.describe_problems({}) == ""
    assert links.describe_problems({"ward": "it is not one of the wards"}) == (
        "Part of this link could not be used, so the page shows its usual choice for the ward "
        "(it is not one of the wards)."
    )
    assert links.describe_problems({"period": "it was given more than once", "type": "it is far too long"}, 2) == (
        "Part of this link could not be used, so the page shows its usual choice for the period "
        "(it was given more than once) and the crime type (it is far too long). "
        "The link holds 2 settings this dashboard does not use; they were ignored."
    )
    assert links.describe_problems({}, 1) == "The link holds a setting this dashboard does not use; it was ignored."


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:8501/ward_map?period=2025/26&measure=change",
        "https://csp.example/ward_map?offence=Violence%20and%20sexual%20offences&period=2022",
        "http://x/](javascript:alert(1))",
        "http://x/<script>alert(1)</script> *b* _i_ `c` ~s~ [l](u) \\ | # ! &amp;",
    ],
)
def test_the_sidebar_link_shows_its_address_whole_and_cannot_become_another_link(address):
    from csp_data.ui.links import link_markdown

    text, target = re.fullmatch(r"\[(.*)\]\(<([^<>\s]*)>\)", link_markdown(address)).groups()
    assert re.fullmatch(r"(?:\\[!-/:-@\[-`{-~]|[^!-/:-@\[-`{-~])*", text)  # every punctuation mark escaped
    assert re.sub(r"\\(.)", r"\1", text) == address
    assert target == address.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
