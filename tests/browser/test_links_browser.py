"""Shareable links in headless Chromium against the real server (issue 14): a link opens the view it
names, a choice made on the page goes into the address (so a reload keeps it), the period follows to
another page, the sidebar shows the link, and a hostile link gives the default and a note."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from browser import wait_until_idle

pytestmark = pytest.mark.browser

GILLINGHAM_SOUTH = "E05014455"


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 1400})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on("dialog", lambda dialog: problems.append(f"a dialog opened: {dialog.message}"))
    yield opened
    context.close()
    # Console 404s are left out: a first request for a page path makes Streamlit's front end probe for
    # its server there (see tests/browser/test_pages.py); nothing the app does.
    assert not problems, "\n".join(problems)


def open_view(page, address: str) -> None:
    page.goto(address)
    wait_until_idle(page)
    exceptions = page.query_selector_all("[data-testid='stException']")
    assert not exceptions, exceptions[0].inner_text()[:500]


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def shared_link(page) -> str:
    (link,) = page.locator(".st-key-share_link a").all()
    address = link.get_attribute("href")
    assert link.inner_text().strip() == address  # the link shows its own address
    return address


def radio_checked(page, name: str) -> bool:
    return page.get_by_role("radio", name=name, exact=True).is_checked()


def choose(page, label: str) -> None:
    """Click a radio option by its label, as a user does, and wait for the run it starts."""
    page.locator("label").filter(has_text=label).first.click()
    wait_until_idle(page)


def test_a_link_opens_the_view_it_names(server_url, page):
    address = f"{server_url}/ward_map?period=2024&type=asb&measure=rate&ward={GILLINGHAM_SOUTH}"
    open_view(page, address)
    sidebar = page.get_by_test_id("stSidebar")
    assert radio_checked(page, "Calendar year")
    assert sidebar.get_by_role("combobox", name="Which").input_value() == "Calendar year 2024"
    assert "Jan 2024 to Dec 2024: partial, 4 of 12 months loaded" in sidebar.inner_text()
    assert page.get_by_role("combobox", name="Crime type or ASB").input_value() == "Anti-social behaviour (ASB)"
    assert page.get_by_role("combobox", name="Ward profile").input_value() == "Gillingham South"
    assert radio_checked(page, "Rate per 1,000 residents")
    assert page.get_by_role("heading", name="Gillingham South").is_visible()  # the ward profile is open
    assert page.url == address  # nothing added or taken away
    assert shared_link(page) == address
    assert not page.get_by_text("Part of this link could not be used").count()


def test_choices_go_into_the_address_and_a_reload_keeps_them(server_url, page):
    open_view(page, f"{server_url}/ward_map")
    assert query(page) == {} and shared_link(page) == f"{server_url}/ward_map"
    choose(page, "Change on the previous equal period")
    choose(page, "Financial year (April to March)")
    assert query(page) == {"period": ["2025/26"], "measure": ["change"]}
    assert shared_link(page) == f"{server_url}/ward_map?period=2025/26&measure=change"
    page.reload()
    wait_until_idle(page)
    assert radio_checked(page, "Financial year (April to March)")
    assert radio_checked(page, "Change on the previous equal period")
    assert query(page) == {"period": ["2025/26"], "measure": ["change"]}
    choose(page, "Count")  # the default measure leaves the address
    assert query(page) == {"period": ["2025/26"]}


def test_the_period_follows_to_another_page(server_url, page):
    open_view(page, f"{server_url}/ward_map?period=2022&measure=rate")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Seasonality and trends").click()
    wait_until_idle(page)
    assert urlsplit(page.url).path == "/seasonality"
    assert query(page) == {"period": ["2022"]}  # the ward map's measure is not this page's
    assert radio_checked(page, "Calendar year")
    assert shared_link(page) == f"{server_url}/seasonality?period=2022"


def test_settings_of_another_page_leave_the_address(server_url, page):
    # The sidebar says the link is also the address in the address bar: so the address holds only this view.
    open_view(page, f"{server_url}/seasonality?period=2024&ward={GILLINGHAM_SOUTH}&peers=E22000180&measure=rate")
    assert query(page) == {"period": ["2024"]}
    assert page.url == shared_link(page) == f"{server_url}/seasonality?period=2024"
    assert not page.get_by_text("Part of this link could not be used").count()
    open_view(page, f"{server_url}/ward_map?period=2024&peers=E22000180&measure=rate")  # stops with no ward chosen
    assert query(page) == {"period": ["2024"], "measure": ["rate"]}


def test_a_hostile_link_gives_the_defaults_and_a_note(server_url, page):
    hostile = (
        "period=2023&ward=%3Cscript%3Ealert(1)%3C%2Fscript%3E&measure=rate&measure=count"
        "&type=crime%3ABurglary%27%20OR%20%271%27%3D%271&foo=%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E"
    )
    open_view(page, f"{server_url}/ward_map?{hostile}")
    note = page.get_by_test_id("stAlert").filter(has_text="Part of this link could not be used")
    assert note.is_visible()
    text = note.inner_text()
    for named in ("the period (", "the crime type (", "the measure (it was given more than once)", "the ward ("):
        assert named in text
    assert "The link holds a setting this dashboard does not use; it was ignored." in text
    assert "script" not in text and "Burglary" not in text and "img" not in text
    assert radio_checked(page, "Latest 12 months") and radio_checked(page, "Count")
    assert query(page) == {}  # every bad setting replaced by the default, which a link leaves out
    assert shared_link(page) == f"{server_url}/ward_map"
    choose(page, "Rate per 1,000 residents")  # the note goes once the page is used
    assert not note.count()
