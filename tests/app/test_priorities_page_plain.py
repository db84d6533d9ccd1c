"""AppTest: the Priorities and progress page reads plainly to a resident (issue 14) and does no needless
work on a rerun (issue 16).

All of the page's text is scanned, the cells of its tables included; its charts are checked for a text
alternative that names what they show; its downloads for being written only when clicked.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from helpers import ROOT, open_folds, shown_tables

PAGE = "views/priorities.py"
FILE_NAME = re.compile(r"\b[\w.-]+\.(?:csv|parquet|ya?ml|toml|geojson|json|txt|py|pdf|docx)\b", re.I)


@pytest.fixture(scope="module")
def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["period_kind"] = "Calendar year"
    at.run()
    at = open_folds(at.switch_page(PAGE).run())
    assert not at.exception and not at.error
    return at


def page_text(at: AppTest) -> list[str]:
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        texts += [str(e.value) for e in getattr(at, kind)]
    texts += [m.label for m in at.metric] + [e.label for e in at.expander]
    for frame in [t.text for t in shown_tables(at)]:
        texts += [str(c) for c in frame.columns] + [str(v) for column in frame.columns for v in frame[column]]
    texts += [chart.proto.alt for chart in at.get("vega_lite_chart")]
    return texts


def test_no_file_names_codes_or_developer_words(page):
    texts = page_text(page)
    assert len(texts) > 500
    for text in texts:
        assert not FILE_NAME.search(text), text
        assert "`" not in text and "Plan file" not in text, text
        assert not re.search(r"\bseed\b", text), text  # the plan file's word for its source documents
        assert not re.search(r"\bYE\b|\(RAG\)", text), text
    # The ONS years in words, and their source named as a publication.
    joined = "\n".join(texts)
    assert "Year ending December 2023" in joined
    assert "Office for National Statistics, Crime in England and Wales: police recorded crime by community" in joined


def test_jargon_explained_once_each(page):
    text = "\n".join(c.value for c in page.caption)
    for term in (
        "ASB (anti-social behaviour)",
        "PSPO (Public Spaces Protection Order)",
        "Outcome 22",
        "SDS40",
        "CFO (Creating Future Opportunities)",
        "CSP (Community Safety Partnership)",
    ):
        assert text.count(f"**{term}**:") == 1, term
    intro = page.caption[1].value
    assert "key performance indicators (KPIs: figures the partnership reports to show progress)" in intro


def test_empty_parts_are_sentences(page):
    text = "\n".join(m.value for m in page.markdown)
    assert "The plan lists nothing still to do." in text  # priority 2 has nothing still to do
    assert "The plan attaches no KPI to this priority." in text


def test_every_chart_says_what_it_shows(page):
    charts = page.get("vega_lite_chart")
    assert [c.proto.alt.split(" recorded each month")[0] for c in charts] == [
        "Bar chart of anti-social behaviour incidents",
        "Bar chart of \u201cViolence and sexual offences\u201d crimes",
        "Bar chart of \u201cDrugs\u201d crimes",
        "Bar chart of \u201cPossession of weapons\u201d crimes",
    ]
    year = re.search(r"Calendar year (\d{4})", page.header[0].value).group(1)
    for chart in charts:
        assert f"in Medway, Jan {year} to Dec {year}; highest " in chart.proto.alt


def test_downloads_are_written_when_clicked_not_on_each_rerun(page):
    buttons = page.get("download_button")
    assert len(buttons) >= 12
    assert all(b.proto.HasField("deferred_file_id") and not b.proto.url for b in buttons)
