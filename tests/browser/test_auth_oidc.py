"""Sign-in end to end in Chromium: the partnership site against a local OpenID provider started here
(oidc-provider-mock), a staff page used for real, sign-out, and refusals signed out and for a user
the allow-list does not name."""

from __future__ import annotations

import secrets
import shutil

import pytest
from browser import streamlit_server, wait_until_idle
from oidc_provider_mock import User, run_server_in_thread

from csp_data.audit import read_changes
from csp_data.store import Store
from deploy.serve import free_port, serve
from helpers import ROOT, csv_bytes, street_row

pytestmark = pytest.mark.browser

ALLOWED = User(sub="ann", claims={"email": "ann@example.org", "email_verified": True, "name": "Ann Analyst"})
NOT_ALLOWED = User(sub="mallory", claims={"email": "mallory@example.org", "email_verified": True})
UNVERIFIED = User(sub="eve", claims={"email": "ann@example.org", "email_verified": False})
PAGE = "/staff_police_data"


@pytest.fixture(scope="module")
def provider(monkeypatch_module):
    monkeypatch_module.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on loopback, in this test only
    with run_server_in_thread(user_claims=[ALLOWED, NOT_ALLOWED, UNVERIFIED]) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module", params=["direct", "through nginx"])
def partnership(request, provider, tmp_path_factory):
    """The partnership site over a copy of the embedded store, served by one replica directly or as it is
    hosted (``make serve``: nginx in front of two replicas, sticky sessions, uploads through nginx's
    limits); yields its URL and store."""
    folder = tmp_path_factory.mktemp("partnership")
    store_dir = folder / "store"
    shutil.copytree(
        ROOT / "data" / "medway" / "store", store_dir, symlinks=True, ignore=shutil.ignore_patterns("statcache")
    )
    nginx_port = free_port() if request.param == "through nginx" else None
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        f"""
[auth]
redirect_uri = "http://127.0.0.1:{nginx_port or "{port}"}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "csp-dashboard-test"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[staff]
police_data = ["Ann@Example.org"]
audit = ["ann@example.org"]
""",
        encoding="utf-8",
    )
    env = {
        "CSP_MODE": "partnership",
        "CSP_STORE_DIR": str(store_dir),
        "STREAMLIT_SECRETS_FILES": str(secrets_file),
        "AUTHLIB_INSECURE_TRANSPORT": "1",
    }
    if nginx_port is None:
        with streamlit_server(env=env) as url:
            yield url, Store(store_dir)
    else:
        with serve(folder / "run", port=nginx_port, env=env, upload_limit_mb=2) as stack:
            yield stack.url, Store(store_dir)


def page_text(page) -> str:
    return page.inner_text("[data-testid='stMain']")


def shows(page, text: str, timeout_ms: int = 60000) -> bool:
    """Whether the page comes to show ``text`` (a script run can take a while on a busy machine)."""
    page.get_by_text(text).first.wait_for(timeout=timeout_ms)
    wait_until_idle(page)
    return True


def sign_in(page, url: str, user: User) -> None:
    page.goto(url + PAGE)
    shows(page, "This page is for the partnership's staff")
    page.locator("[data-testid='stMain']").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_role("button", name=user.sub, exact=True).click()
    page.wait_for_url(url + "/**")
    shows(page, "Signed in as")


def open_staff_page(page, url: str) -> None:
    page.get_by_role("link", name="Load or remove police data").click()
    shows(page, "Load or remove police data")


def sign_out(page, url: str) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    # The provider's end-session page (it offers a button), then back to the site.
    page.wait_for_url("**/oauth2/end_session**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(url + "/**")
    wait_until_idle(page)


def upload(page, name: str, data: bytes) -> None:
    page.set_input_files(
        "[data-testid='stFileUploader'] input[type='file']",
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}],
    )
    page.wait_for_selector("[data-testid='stFileChip']")
    page.wait_for_selector("[data-testid='stFileChipIconSpinner']", state="detached")
    page.get_by_role("button", name="Load", exact=True).click()
    wait_until_idle(page)


def test_signed_out_visitors_are_asked_to_sign_in_and_see_no_form(partnership, chromium):
    url, _ = partnership
    page = chromium.new_page()
    page.goto(url + PAGE)
    assert shows(page, "This page is for the partnership's staff")
    assert page.query_selector("[data-testid='stFileUploader']") is None
    assert page.get_by_role("button", name="Sign in").count() >= 1
    page.close()


def test_an_allowed_user_signs_in_loads_a_month_and_signs_out(partnership, chromium, medway_points):
    url, store = partnership
    context = chromium.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    sign_in(page, url, ALLOWED)
    assert "Signed in as ann@example.org" in page.inner_text("[data-testid='stSidebar']")
    open_staff_page(page, url)
    assert page.query_selector("[data-testid='stFileUploader']") is not None

    lon, lat = medway_points["Gillingham South"]
    good = csv_bytes([street_row("2026-02", "Burglary", lon, lat, crime_id=f"b{i}") for i in range(7)])
    upload(page, "2026-02-kent-street.csv", good)
    assert shows(page, "It is recorded in the change log")
    assert "Loaded 1 month(s) of police.uk data (7 rows in the area) from 2026-02-kent-street.csv" in page_text(page)
    ledger = store.read_ledger().to_pylist()
    assert [(r["month"].isoformat(), r["rows_kept"]) for r in ledger if r["month"].year == 2026] == [("2026-02-01", 7)]
    # The sidebar's period control now offers the new month.
    assert "Feb 2026" in page.inner_text("[data-testid='stSidebar']")

    version = store.version()
    upload(page, "2026-03-kent-street.csv", b"Crime ID,Month\nx,2026-03\n")
    assert shows(page, "the store has not changed")
    assert "2026-03-kent-street.csv, line 1: not a police.uk street-level CSV: missing column(s)" in page_text(page)
    assert store.version() == version

    entries = read_changes(store.root).entries
    assert [(e["action"], e["who"]["email"], e["rows"]) for e in entries] == [
        ("load police data", "ann@example.org", 7)
    ]

    signed_in_cookies = context.cookies()
    sign_out(page, url)
    page.goto(url + PAGE)
    assert shows(page, "This page is for the partnership's staff")
    assert page.query_selector("[data-testid='stFileUploader']") is None
    context.close()

    # The cookies copied before the sign-out (another browser, a shared computer) no longer open the page.
    copied = chromium.new_context()
    copied.add_cookies(signed_in_cookies)
    page = copied.new_page()
    page.goto(url + PAGE)
    assert shows(page, "This account has signed out since this sign-in was made")
    assert page.query_selector("[data-testid='stFileUploader']") is None
    assert "Signed in as" not in page.inner_text("[data-testid='stSidebar']")
    copied.close()


@pytest.mark.parametrize("user", [NOT_ALLOWED, UNVERIFIED], ids=["not on the list", "email not verified"])
def test_a_user_not_allowed_is_refused_with_a_sign_out_button(partnership, chromium, user):
    url, store = partnership
    context = chromium.new_context(viewport={"width": 1400, "height": 1200})
    page = context.new_page()
    sign_in(page, url, user)
    open_staff_page(page, url)
    assert shows(page, "but this account may not")
    text = page_text(page)
    assert f"You are signed in as {user.claims['email']}, but this account may not load new police.uk months" in text
    assert page.query_selector("[data-testid='stFileUploader']") is None
    assert page.get_by_role("button", name="Sign out").count() >= 1
    context.close()
