"""Shared test helpers: paths, the real shared data, and tiny police.uk files built for a test.

Imported by tests as ``from helpers import ...`` (``tests/`` is on pytest's pythonpath).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import geopandas as gpd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_RAW = ROOT.parent / "shared" / "data" / "raw"
MEDWAY_AREA_FILE = ROOT / "data" / "medway" / "area.toml"
# The embedded store's incidents as the README tells analysts to read them: through `current`.
EMBEDDED_STORE_GLOB = str(ROOT / "data" / "medway" / "store" / "current" / "incidents" / "*" / "*" / "*.parquet")

HEADER = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]


def medway_area_text(plans: Path | None = None) -> str:
    """Medway's area file with every path made absolute (so a copy can live anywhere), its plan file
    replaced by ``plans`` when given."""
    import re

    folder = MEDWAY_AREA_FILE.parent
    text = MEDWAY_AREA_FILE.read_text(encoding="utf-8")
    text = re.sub(
        r'"([^"\n]+)"', lambda m: f'"{(folder / m[1]).as_posix()}"' if (folder / m[1]).exists() else m[0], text
    )
    if plans is not None:
        named = f'"{(folder / "plans" / "plans.yaml").as_posix()}"'
        assert named in text
        text = text.replace(named, f'"{plans.as_posix()}"')
    return text


def shared_raw() -> Path:
    """The shared raw data folder; tests that need it skip without it, except in CI where they fail."""
    if not SHARED_RAW.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the shared data at {SHARED_RAW}")
        pytest.skip(f"shared data not found at {SHARED_RAW}")
    return SHARED_RAW


def ward_points() -> dict[str, tuple[float, float]]:
    """A point well inside each 2023 Medway ward, by ward name (from the boundary file)."""
    wards = gpd.read_file(ROOT / "data" / "medway" / "boundaries" / "wards_2023.geojson")
    return {
        row.WD25NM: (row.geometry.representative_point().x, row.geometry.representative_point().y)
        for row in wards.itertuples()
    }


def street_row(
    month: str,
    crime_type: str,
    lon,
    lat,
    lsoa_name: str = "Medway 001A",
    *,
    crime_id: str = "x",
    location: str = "On or near Test Street",
    lsoa_code: str = "E01016070",
    force: str = "Kent Police",
    outcome: str = "Under investigation",
) -> list[str]:
    asb = crime_type == "Anti-social behaviour"
    return [
        "" if asb else crime_id,
        month,
        force,
        force,
        "" if lon is None else str(lon),
        "" if lat is None else str(lat),
        location,
        lsoa_code if lsoa_name else "",
        lsoa_name,
        crime_type,
        "" if asb else outcome,
        "",
    ]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def open_folds(at):
    """Open every fold on an AppTest page (:func:`csp_data.ui.folds.fold`) as a visitor's clicks would, and
    run it again, until none is closed (an open fold can hold another). Returns ``at``."""
    from csp_data.ui.folds import FOLD_KEY_PREFIX

    for _ in range(5):
        keys = [e.proto.id.split("-", 2)[-1] for e in at.expander]
        closed = [
            k for k in keys if k.startswith(FOLD_KEY_PREFIX) and not (k in at.session_state and at.session_state[k])
        ]
        if not closed:
            return at
        for key in closed:
            at.session_state[key] = True
        at.run()
    raise AssertionError("folds kept closing")


class ShownTable:
    """One table on an AppTest page (:func:`csp_data.ui.tables.table_html`), read back from its HTML:
    ``value`` holds the figures it shows under their column names (from each cell's ``data-value``),
    ``headings`` the headings a reader sees and ``text`` the cells as a reader sees them."""

    def __init__(self, body: str) -> None:
        import json

        import lxml.html
        import pandas as pd

        self.body = body
        root = lxml.html.fromstring(body)
        heads = root.xpath("//thead/th | //thead/tr/th")
        self.names = [th.get("data-name") for th in heads]
        self.headings = [th.text_content() for th in heads]
        rows = root.xpath("//tbody/tr")
        cells = [row.xpath("./th | ./td") for row in rows]
        self.value = pd.DataFrame([[json.loads(c.get("data-value")) for c in r] for r in cells], columns=self.names)
        self.text = pd.DataFrame([[c.text_content() for c in r] for r in cells], columns=self.headings)
        self.row_headings = [next(c.text_content() for c in r if c.tag == "th") for r in cells]


def shown_tables(at) -> list[ShownTable]:
    """Every table (:func:`csp_data.ui.tables.table_html`) on an AppTest page, in page order."""
    return [ShownTable(e.proto.body) for e in at.get("html") if 'class="csp-table' in e.proto.body]


def sent_spec(chart: dict) -> dict:
    """A chart written as a dict (csp_data.charts.vegalite) as the page sends it (its tables as Arrow bytes),
    checked against the Vega-Lite schema that Altair ships (the page skips that check); the tables stand
    in as empty lists of rows for the check."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    from csp_data.ui.charts import finished

    spec = finished(chart)
    validate_jsonschema({**spec, "datasets": {name: [] for name in spec["datasets"]}}, load_schema())
    return spec
