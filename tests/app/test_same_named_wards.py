"""Two wards with one name (as Dartford and Gravesham each have a "Town"): every page tells them apart.

Wards are identified by code; where two names collide the label says which ("Town (Dartford)").
A fixture area is Medway's with Luton and Twydall both renamed "Town", in two districts.
"""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from helpers import ROOT, csv_bytes, shown_tables, street_row, ward_points

APP = str(ROOT / "app.py")
AREA_DIR = ROOT / "data" / "medway"
LUTON, TWYDALL = "E05014459", "E05014470"
LABELS = {LUTON: "Town (Dartford)", TWYDALL: "Town (Gravesham)"}


@pytest.fixture(scope="module")
def town_area(tmp_path_factory):
    from csp_data.config import load_area
    from csp_data.store import Store
    from csp_data.store.ingest import ingest

    root = tmp_path_factory.mktemp("towns")
    boundaries = json.loads((AREA_DIR / "boundaries" / "wards_2023.geojson").read_text())
    for feature in boundaries["features"]:
        props = feature["properties"]
        if props["WD25CD"] in LABELS:
            props["WD25NM"] = "Town"
            props["LAD25NM"] = "Dartford" if props["WD25CD"] == LUTON else "Gravesham"
    (root / "wards_2023.geojson").write_text(json.dumps(boundaries))
    text = (AREA_DIR / "area.toml").read_text(encoding="utf-8")
    text = re.sub(
        r'"([^"\n]+)"',
        lambda m: f'"{(AREA_DIR / m.group(1)).as_posix()}"' if (AREA_DIR / m.group(1)).exists() else m.group(0),
        text,
    )
    text = text.replace(
        f'"{(AREA_DIR / "boundaries" / "wards_2023.geojson").as_posix()}"',
        f'"{(root / "wards_2023.geojson").as_posix()}"',
    )
    text = text.replace(f'path = "{(AREA_DIR / "store").as_posix()}"', f'path = "{(root / "store").as_posix()}"')
    assert (root / "store").as_posix() in text and (root / "wards_2023.geojson").as_posix() in text
    area_file = root / "area.toml"
    area_file.write_text(text, encoding="utf-8")
    points = ward_points()
    rows = []
    for month in (f"2025-{m:02d}" for m in range(1, 13)):
        rows = [
            street_row(month, "Burglary", *points["Luton"], crime_id=f"l{month}{i}", location="On or near High Street")
            for i in range(3)
        ]
        rows += [
            street_row(
                month, "Burglary", *points["Twydall"], crime_id=f"t{month}{i}", location="On or near High Street"
            )
            for i in range(2)
        ]
        (root / f"{month}-kent-street.csv").write_bytes(csv_bytes(rows))
    area = load_area(area_file)
    ingest([root / f"2025-{m:02d}-kent-street.csv" for m in range(1, 13)], area, Store(root / "store"))
    return area_file


@pytest.fixture
def app(town_area, monkeypatch):
    monkeypatch.setenv("CSP_AREA_FILE", str(town_area))
    monkeypatch.delenv("CSP_STORE_DIR", raising=False)

    def run(page: str | None = None, **state) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        assert not at.exception
        if page:
            at.switch_page(page).run()
            assert not at.exception, at.exception
        return at

    return run


def test_overview_names_the_two_towns_apart(app):
    at = app()
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    tables = [d.value for d in shown_tables(at)]
    names = {n for t in tables if "ward_name" in t.columns for n in t["ward_name"]}
    assert {"Town (Dartford)", "Town (Gravesham)"} <= names
    assert "Town, Town" not in text


def test_ward_map_lists_and_opens_each_town(app):
    for code, label in LABELS.items():
        at = app("views/ward_map.py")
        box = next(s for s in at.selectbox if label in s.options)  # AppTest lists the labels shown
        assert box.options.count(label) == 1 and "Town" not in box.options
        box.set_value(code).run()
        assert not at.exception
        assert label in [h.value for h in at.subheader]


def test_hotspots_top_streets_keep_the_two_high_streets_apart(app):
    at = app("views/hotspots.py")
    streets = next(d.value for d in shown_tables(at) if "location" in d.value.columns and "share" in d.value.columns)
    high = streets[streets["location"] == "On or near High Street"].set_index("ward_name")["incidents"].to_dict()
    assert high == {"Town (Dartford)": 36, "Town (Gravesham)": 24}
    box = at.selectbox(key="hotspots_ward")
    assert {"Town (Dartford)", "Town (Gravesham)"} <= set(box.options)


@pytest.mark.parametrize(
    "page",
    [
        "views/seasonality.py",
        "views/priorities.py",
        "views/survey.py",
        "views/benchmarking.py",
        "views/data_sources.py",
    ],
)
def test_other_pages_run_for_the_area(app, page):
    at = app(page)
    assert not at.error, [e.value for e in at.error]
