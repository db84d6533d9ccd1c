"""Every page against a broken store and a broken area file: a message with a hint, never a traceback
or a server path (the one error path: ``ui.guard``)."""

from __future__ import annotations

import os
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from helpers import ROOT

APP = str(ROOT / "app.py")
PAGES = [
    "views/overview.py",
    "views/ward_map.py",
    "views/hotspots.py",
    "views/seasonality.py",
    "views/priorities.py",
    "views/survey.py",
    "views/benchmarking.py",
    "views/data_sources.py",
]
# Pages whose figures all come from the incidents: a damaged data file must stop them with a message.
INCIDENT_PAGES = ["views/overview.py", "views/ward_map.py", "views/hotspots.py", "views/seasonality.py"]


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page != "views/overview.py" and not at.error:
        at.switch_page(page).run()
    return at


def assert_message_without_internals(at: AppTest, tmp_path, *hints: str) -> None:
    assert not at.exception, at.exception
    messages = [e.value for e in at.error]
    assert messages, "the page should say what is wrong"
    text = "\n".join(messages)
    assert str(tmp_path) not in text and str(ROOT) not in text
    assert "Traceback" not in text
    assert any(h in text for h in hints), text


@pytest.fixture
def store_copy(tmp_path, monkeypatch):
    store = tmp_path / "store"
    shutil.copytree(ROOT / "data" / "medway" / "store", store, symlinks=True)
    monkeypatch.setenv("CSP_STORE_DIR", str(store))
    return store


@pytest.mark.parametrize("page", PAGES)
def test_every_page_with_a_damaged_ledger(page, store_copy, tmp_path):
    (store_copy / os.readlink(store_copy / "current") / "ledger.parquet").write_bytes(b"damaged")
    assert_message_without_internals(open_page(page), tmp_path, "python -m csp_data repair")


@pytest.mark.parametrize("page", INCIDENT_PAGES)
def test_incident_pages_with_a_damaged_data_file(page, store_copy, tmp_path):
    version = store_copy / os.readlink(store_copy / "current")
    for part in (version / "incidents").glob("*/*/*.parquet"):
        part.chmod(0o644)
        part.write_bytes(b"PAR1 not really parquet")
    assert_message_without_internals(open_page(page), tmp_path, "python -m csp_data repair")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_with_a_broken_area_file(page, tmp_path, monkeypatch):
    bad = tmp_path / "area.toml"
    bad.write_text(
        "[area]\nname = 'Somewhere'\nshort_name = 'X'\nlocal_authority_codes = ['E06000001']\n"
        "[match]\nlsoa_districts = ['X']\n[[wards]]\nvintage = '2023'\nlabel = 'Wards'\ncurrent = true\n"
        "file = 'missing.geojson'\ncode_field = 'C'\nname_field = 'N'\n"
    )
    monkeypatch.setenv("CSP_AREA_FILE", str(bad))
    at = open_page(page)
    assert_message_without_internals(at, tmp_path, "Check the area file")
    assert "area.toml" in at.error[0].value and "missing.geojson" in at.error[0].value
