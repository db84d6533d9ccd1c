"""AppTest: the two modes and the staff pages. Public mode registers no staff page (and a staff script
run on its own refuses); in partnership mode each staff page refuses a visitor who is signed out, a
site without sign-in set up, and a user without the page's permission, and works for one with it:
uploads through the page's own file uploader (good, bad, hostile), plans, survey files, the change log."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from csp_data.audit import read_changes
from csp_data.staff_sessions import (
    NO_ISSUE_TIME,
    RECORD_UNREADABLE,
    SIGNED_OUT,
    TOO_OLD,
    last_sign_outs,
    record_sign_out,
    sign_outs_path,
)
from csp_data.store import Store
from csp_data.ui.auth import ENDED, NO_SIGN_IN, NOT_ON_THIS_SITE, SIGN_IN_NEEDED, STAFF_PAGES
from helpers import ROOT, csv_bytes, medway_area_text, shown_tables, street_row

APP = str(ROOT / "app.py")
AREA_DIR = ROOT / "data" / "medway"
GENERATED = ROOT / "tests" / "fixtures" / "survey" / "GENERATED_TEST_DATA_survey_responses.csv"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "0" * 64,
    "client_id": "csp-dashboard",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://localhost:1/.well-known/openid-configuration",
}
STAFF = {
    "police_data": ["ann@example.org"],
    "plans": ["ann@example.org"],
    "survey": ["group:research"],
    "audit": ["ann@example.org", "group:research"],
}
SIGNED_IN = {"is_logged_in": True, "iss": "https://id.example.org", "iat": int(time.time())}
ANN = {**SIGNED_IN, "email": "ann@example.org", "name": "Ann", "sub": "ann-1"}
RITA = {**SIGNED_IN, "email": "rita@example.org", "sub": "rita-1", "groups": ["research"]}
MALLORY = {**SIGNED_IN, "email": "mallory@example.org", "sub": "mallory-1"}


@pytest.fixture
def site(tmp_path, monkeypatch):
    """An area like Medway's (its plan file copied, so that edits stay here) over a copy of the store."""
    store = tmp_path / "store"
    shutil.copytree(AREA_DIR / "store", store, symlinks=True, ignore=shutil.ignore_patterns("statcache"))
    plans = tmp_path / "plans.yaml"
    shutil.copy(AREA_DIR / "plans" / "plans.yaml", plans)
    text = medway_area_text(plans)
    text = text.replace("[survey]\n", f'[survey]\nresponses = "{GENERATED.as_posix()}"\n', 1)
    area_file = tmp_path / "area.toml"
    area_file.write_text(text, encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(area_file))
    monkeypatch.setenv("CSP_STORE_DIR", str(store))
    monkeypatch.setenv("CSP_MODE", "partnership")
    return Store(store), plans


def app(user: dict | None = None, auth: dict | None = AUTH, staff: dict | None = STAFF) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if auth is not None:
        at.secrets["auth"] = auth
    if staff is not None:
        at.secrets["staff"] = staff
    at.user = user if user is not None else {"is_logged_in": False}
    return at.run()


def open_page(at: AppTest, script: str) -> AppTest:
    at.switch_page(script).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return " ".join(e.value for kind in (at.error, at.info, at.warning, at.success, at.markdown) for e in kind)


def buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


# ---- public mode ----


def test_public_mode_registers_no_staff_page(monkeypatch):
    monkeypatch.delenv("CSP_MODE", raising=False)
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    for script, *_ in STAFF_PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page") as caught:
            at.switch_page(script)
        known = str(caught.value).split("Known pages:")[1]
        assert "staff" not in known and known.count("views/") == 10  # the eight pages, the glossary and the statement
    assert "Sign in" not in buttons(at) and "Sign out" not in buttons(at)


@pytest.mark.parametrize("script", [s for s, *_ in STAFF_PAGES])
def test_a_staff_script_run_on_its_own_in_public_mode_refuses(monkeypatch, script):
    monkeypatch.delenv("CSP_MODE", raising=False)
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.secrets["staff"] = STAFF
    at.user = ANN
    at.run()
    assert [e.value for e in at.error] == [NOT_ON_THIS_SITE]
    assert not at.get("file_uploader") and not at.get("data_editor") and not at.dataframe
    assert not shown_tables(at)


def test_a_misspelt_mode_stops_the_site_naming_the_variable(monkeypatch):
    monkeypatch.setenv("CSP_MODE", "partnrship")
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert any("CSP_MODE is 'partnrship'" in e.value for e in at.error)


# ---- partnership mode: refusals ----


@pytest.mark.parametrize("script", [s for s, *_ in STAFF_PAGES])
def test_signed_out_visitors_are_asked_to_sign_in(site, script):
    at = open_page(app(), script)
    assert [i.value for i in at.info] == [SIGN_IN_NEEDED]
    assert "Sign in" in buttons(at)
    assert not at.get("file_uploader") and not at.dataframe and not shown_tables(at)


@pytest.mark.parametrize(
    "auth",
    [None, {k: v for k, v in AUTH.items() if k != "client_secret"}, {**AUTH, "cookie_secret": "REPLACE-WITH-64"}],
    ids=["no [auth]", "incomplete", "example placeholder"],
)
def test_without_sign_in_set_up_staff_pages_say_so(site, auth):
    at = open_page(app(ANN, auth=auth), "views/staff_police_data.py")
    assert [e.value for e in at.error] == [NO_SIGN_IN]
    assert not at.get("file_uploader")


@pytest.mark.parametrize(
    "user, script",
    [
        (MALLORY, "views/staff_police_data.py"),
        (RITA, "views/staff_police_data.py"),
        (RITA, "views/staff_plans.py"),
        (ANN, "views/staff_survey.py"),
        ({**ANN, "email_verified": False}, "views/staff_changes.py"),
    ],
)
def test_a_user_without_the_pages_permission_is_refused(site, user, script):
    at = open_page(app(user), script)
    (error,) = at.error
    assert error.value.startswith(f"You are signed in as {user['email']}, but this account may not ")
    assert "Sign out" in buttons(at)
    assert not at.get("file_uploader") and not at.get("data_editor") and not at.dataframe
    assert not shown_tables(at)
    # Ann's address is on the allow-list: refused only because the provider marks it unverified, which is said
    # (the message sent her to ask for a permission she already has).
    unverified = "The sign-in provider says this account's email address is not verified"
    assert (unverified in error.value) == (user.get("email_verified") is False)


def test_a_mistake_in_the_allow_list_refuses_everyone_naming_it(site):
    at = open_page(app(ANN, staff={"police_data": ["ann@example.org", "everyone"]}), "views/staff_police_data.py")
    assert any("[staff] in .streamlit/secrets.toml police_data holds 'everyone'" in e.value for e in at.error)
    assert not at.get("file_uploader")


def test_the_sidebar_says_who_is_signed_in(site):
    at = app(ANN)
    assert any(c.value == "Signed in as ann@example.org." for c in at.sidebar.caption)
    assert "Sign out" in [b.label for b in at.sidebar.button]


# ---- partnership mode: when a sign-in ends ----


def test_signing_out_ends_every_copy_of_the_sign_in(site):
    """Sign out on the page: recorded for the account, so the same cookie (say, copied to another browser
    before) no longer opens a staff page; another account's sign-in is untouched."""
    store, _ = site
    at = open_page(app(ANN), "views/staff_police_data.py")
    assert at.get("file_uploader")
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert list(last_sign_outs(store.root)) == ["https://id.example.org ann-1"]
    copied = open_page(app(ANN), "views/staff_police_data.py")
    assert [i.value for i in copied.info] == [ENDED[SIGNED_OUT]]
    assert "Sign in" in buttons(copied) and not copied.get("file_uploader")
    assert not [c for c in copied.sidebar.caption if c.value.startswith("Signed in as")]
    assert open_page(app(RITA), "views/staff_survey.py").get("file_uploader")


def test_a_sign_in_made_after_the_sign_out_counts(site):
    store, _ = site
    record_sign_out(store.root, {**ANN, "iat": ANN["iat"] - 400}, now=ANN["iat"] - 5)  # an earlier sign-in's
    assert open_page(app(ANN), "views/staff_police_data.py").get("file_uploader")
    record_sign_out(store.root, ANN, now=ANN["iat"])
    assert not open_page(app(ANN), "views/staff_police_data.py").get("file_uploader")


@pytest.mark.parametrize(
    ("user", "staff", "ended"),
    [
        ({**ANN, "iat": time.time() - 13 * 3600}, STAFF, TOO_OLD),
        ({**ANN, "iat": time.time() - 2 * 3600}, {**STAFF, "session_hours": 1}, TOO_OLD),
        ({k: v for k, v in ANN.items() if k != "iat"}, STAFF, NO_ISSUE_TIME),
        ({**ANN, "iat": "yesterday"}, STAFF, NO_ISSUE_TIME),
    ],
    ids=["older than 12 hours", "older than session_hours", "no iat", "iat not a time"],
)
def test_a_sign_in_too_old_or_without_its_time_does_not_count(site, user, staff, ended):
    at = open_page(app(user, staff=staff), "views/staff_plans.py")
    assert [i.value for i in at.info] == [ENDED[ended]]
    assert not at.get("data_editor") and not at.get("text_area")


def test_an_unreadable_record_of_sign_outs_closes_staff_pages_and_nothing_else(site):
    store, _ = site
    sign_outs_path(store.root).mkdir(parents=True)
    at = open_page(app(ANN), "views/staff_police_data.py")
    assert [i.value for i in at.info] == [ENDED[RECORD_UNREADABLE]]
    assert not at.get("file_uploader") and not at.exception
    overview = app(ANN)
    assert not overview.exception and overview.title
    assert not [c for c in overview.sidebar.caption if c.value.startswith("Signed in as")]


def test_a_sign_in_within_session_hours_counts(site):
    user = {**ANN, "iat": time.time() - 2 * 3600}
    assert open_page(app(user, staff={**STAFF, "session_hours": 3}), "views/staff_police_data.py").get("file_uploader")


# ---- partnership mode: the pages at work ----


def upload(at: AppTest, name: str, data: bytes, key: str = "police_file") -> AppTest:
    at.get("file_uploader")[0].set_value((name, data, "text/csv"))
    next(b for b in at.button if b.label == "Load").click().run()
    assert not at.exception, at.exception
    return at


def test_months_uploaded_on_the_page_appear_and_are_logged(site, medway_points):
    store, _ = site
    at = open_page(app(ANN), "views/staff_police_data.py")
    rows = [street_row("2026-01", "Burglary", *medway_points["Luton"], crime_id=f"b{i}") for i in range(4)]
    upload(at, "2026-01-kent-street.csv", csv_bytes(rows))
    assert [s.value for s in at.success] == [
        "Loaded 1 month(s) of police.uk data (4 rows in the area) from 2026-01-kent-street.csv. "
        "It is recorded in the change log."
    ]
    assert at.dataframe[0].value.to_dict("records") == [  # what the load did: still a grid
        {
            "Month": "2026-01",
            "Force": "Kent Police",
            "Read": 4,
            "Kept": 4,
            "No location": 0,
            "Outside the area": 0,
            "Malformed": 0,
            "In no ward": 0,
        }
    ]
    assert "2026-01" in set(shown_tables(at)[0].value["month"])  # the months loaded, read again from the store
    assert any("Jan 2026" in c.value for c in at.sidebar.caption)  # the period control sees the new month
    (entry,) = read_changes(store.root).entries
    assert (entry["who"]["email"], entry["rows"]) == ("ann@example.org", 4)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("2026-01-kent-street.csv", b"", "2026-01-kent-street.csv: the file is empty"),
        ("2026-01-kent-street.csv", b"\x89PNG\r\n\x1a\n\x00", "2026-01-kent-street.csv, line 1: not UTF-8"),
        ("../../../etc/2026-01-kent-street.csv", b"Crime ID\n", "2026-01-kent-street.csv, line 1: not a police.uk"),
        ("archive.zip", b"PK\x03\x04 not really a zip", "archive.zip: not a readable zip archive"),
    ],
)
def test_bad_and_hostile_uploads_are_refused_on_the_page_and_change_nothing(site, name, data, message):
    store, _ = site
    version = store.version()
    at = open_page(app(ANN), "views/staff_police_data.py")
    upload(at, name, data)
    (error,) = at.error
    assert error.value.startswith(message) and error.value.endswith("the store has not changed.")
    assert store.version() == version and read_changes(store.root).entries == []


def test_another_forces_file_is_refused_on_the_page_and_not_logged(site, medway_points):
    """Essex's file for a month Kent's is loaded for: skipped by ingest, it was reported as "Loaded 0 month(s)"
    in a success box and logged as a change that changed nothing. The command line says nothing was loaded."""
    store, _ = site
    version = store.version()
    essex = csv_bytes([street_row("2025-03", "Robbery", 0.5, 51.7, "Chelmsford 001A", force="Essex Police")] * 3)
    at = open_page(app(ANN), "views/staff_police_data.py")
    upload(at, "2025-03-essex-street.csv", essex)
    (error,) = at.error
    assert error.value.startswith(
        "2025-03-essex-street.csv: nothing was loaded. Its 3 rows (Essex Police) hold none in Medway; check that "
        "the file is for Medway's police force"
    )
    assert not at.success and store.version() == version and read_changes(store.root).entries == []


def test_a_mistaken_load_is_removed_on_the_page(site):
    store, _ = site
    at = open_page(app(ANN), "views/staff_police_data.py")
    at.multiselect(key="remove_months").set_value(["2022-11"])
    at.checkbox(key="remove_ok").check()
    next(b for b in at.button if b.label == "Remove").click().run()
    assert [s.value for s in at.success][0].startswith("Removed 1 month(s) of police.uk data (")
    assert "2022-11" not in {r["month"].strftime("%Y-%m") for r in store.read_ledger().to_pylist()}
    assert read_changes(store.root).entries[-1]["action"] == "remove police data"


def test_plan_text_is_saved_through_the_page(site):
    store, plans = site
    at = open_page(app(ANN), "views/staff_plans.py")
    summary = next(t for t in at.text_area if t.label == "Plan summary")
    summary.set_value("The partnership's four priorities, updated by staff.").run()
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value.startswith("Changed 1 value(s) of the plan file plans.yaml.")
    assert 'summary: "The partnership\'s four priorities, updated by staff."' in plans.read_text(encoding="utf-8")
    assert read_changes(store.root).entries[-1]["details"]["changed"] == [
        'plan csp_2024_28 summary → "The partnership\'s four priorities, updated by staff."'
    ]


def test_saving_with_nothing_changed_writes_nothing(site):
    store, plans = site
    before = plans.read_bytes()
    at = open_page(app(ANN), "views/staff_plans.py")
    next(b for b in at.button if b.label == "Save").click().run()
    assert [e.value for e in at.error][0].startswith("nothing was changed")
    assert plans.read_bytes() == before and read_changes(store.root).entries == []


def test_a_survey_file_loaded_on_the_page_shows_where_the_area_file_names_none(site, monkeypatch):
    # As shipped: Medway's area file names no respondent-level file, so the upload is the only one.
    area_file = Path(os.environ["CSP_AREA_FILE"])
    text = area_file.read_text(encoding="utf-8")
    area_file.write_text(re.sub(r"(?m)^responses = .*\n", "", text), encoding="utf-8")
    at = open_page(app(RITA), "views/survey.py")
    assert "198 respondents" not in " ".join(c.value for c in at.caption)
    lines = GENERATED.read_text(encoding="utf-8").splitlines(keepends=True)
    open_page(at, "views/staff_survey.py")
    upload(at, "staff-upload.csv", "".join(lines[:200]).encode("utf-8"), key="survey_file")
    assert at.success[0].value.startswith("Loaded 198 survey respondents from staff-upload.csv (weighted).")
    open_page(at, "views/survey.py")
    assert "198 respondents, weighted" in " ".join(c.value for c in at.caption)


def test_a_survey_file_loaded_on_the_page_is_what_the_survey_page_shows(site):
    store, _ = site
    lines = GENERATED.read_text(encoding="utf-8").splitlines(keepends=True)
    at = open_page(app(RITA), "views/staff_survey.py")
    upload(at, "staff-upload.csv", "".join(lines[:200]).encode("utf-8"), key="survey_file")
    assert at.success[0].value.startswith("Loaded 198 survey respondents from staff-upload.csv (weighted).")
    open_page(at, "views/survey.py")
    captions = " ".join(c.value for c in at.caption)
    assert "198 respondents, weighted" in captions  # the uploaded file (the configured one has 400)
    open_page(at, "views/staff_changes.py")
    log = shown_tables(at)[0].value
    assert list(log["action"]) == ["load survey responses"] and list(log["who"]) == ["rita@example.org"]
