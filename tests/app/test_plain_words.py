"""Issue 14: no page shows a file name, a server path, a command or a configuration table to a visitor.

Every public page is run as the app runs it, and all of its text (titles, headings, paragraphs,
captions, messages, figures, widget labels and options, the grids' column headings) is scanned.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from helpers import shown_tables

ROOT = Path(__file__).parents[2]
PAGES = [
    "views/overview.py",
    "views/ward_map.py",
    "views/hotspots.py",
    "views/seasonality.py",
    "views/priorities.py",
    "views/survey.py",
    "views/benchmarking.py",
    "views/data_sources.py",
    "views/glossary.py",
    "views/accessibility.py",
]
#: What a visitor should never read, each with what it catches.
FORBIDDEN = {
    "a file name": re.compile(r"\b[\w.-]+\.(?:csv|parquet|ya?ml|toml|geojson|json|txt|py|zip|jsonl)\b", re.I),
    "a server path": re.compile(r"(?:^|[\s(\"'])/(?:work|home|tmp|root|srv|var|etc|usr|opt)/"),
    "a command": re.compile(r"python -m|\bpip install\b|\bmake (?:test|setup|serve|lint|screenshots)\b"),
    "code": re.compile(r"`"),
    "a configuration table": re.compile(r"\[(?:survey|plans|staff|auth|benchmarks|population|wards?)\]"),
}


def page_text(at: AppTest) -> list[str]:
    """Every piece of text the page shows, element by element."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for metric in at.metric:
        texts += [metric.label, str(metric.value), str(metric.proto.help or "")]
    for expander in at.expander:
        texts.append(expander.label)
    for kind in ("selectbox", "radio", "multiselect"):
        for widget in getattr(at, kind):
            texts.append(widget.label)
            texts += [str(o) for o in widget.options]
    for table in shown_tables(at):  # headings, their explanations (titles) and every cell as a reader sees it
        texts += table.headings + re.findall(r'title="([^"]*)"', table.body)
        texts += [str(v) for column in table.text.columns for v in table.text[column]]
    return texts


def offences(texts: list[str]) -> list[str]:
    return [f"{what}: {text[:160]!r}" for text in texts for what, pattern in FORBIDDEN.items() if pattern.search(text)]


@pytest.fixture(scope="module")
def opened():
    pages = {}

    def open_page(page: str) -> AppTest:
        if page not in pages:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
            at.run()
            at.switch_page(page).run()
            pages[page] = at
        return pages[page]

    return open_page


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_file_names_paths_or_commands(opened, page):
    at = opened(page)
    assert not at.exception
    assert offences(page_text(at)) == []


def test_a_ward_profile_shows_none_either(opened):
    from csp_data.config import load_area
    from csp_data.store.geography import ward_boundaries

    area = load_area(ROOT / "data" / "medway" / "area.toml")
    code = ward_boundaries(area.current_wards)["ward_code"].iloc[0]
    at = opened("views/ward_map.py")
    at.selectbox(key=f"ward_map_ward_{area.current_wards.vintage}").set_value(code).run()
    assert not at.exception and len(at.subheader) == 1
    assert offences(page_text(at)) == []


def test_the_scan_finds_what_it_looks_for():
    found = offences(
        [
            "From ons_csp.parquet",
            "Plan file: plans.yaml",
            "the file /work/main/data/medway/store/ledger",
            "Load some with python -m csp_data ingest PATH",
            'set `responses = "..."`',
            "in the [survey] table",
            "(001_56599b7bae25a7d4.txt, …)",
        ]
    )
    assert len(found) == 7
    assert offences(["Source: data.police.uk (Open Government Licence).", "Rate per 1,000 residents"]) == []
