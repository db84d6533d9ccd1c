"""An area file whose plan file is missing (deleted, or a typing error): the Priorities page and the pack's
priorities say so, and nothing else is stopped: the Survey page, the pack's survey section."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from csp_data.config import load_area
from csp_data.report.priorities import priorities_section
from csp_data.report.survey import survey_section
from helpers import ROOT, medway_area_text

AREA_DIR = ROOT / "data" / "medway"


@pytest.fixture
def no_plan(tmp_path, monkeypatch):
    """Medway's area file, every path made absolute, with the plan file named as one that is not there."""
    missing = tmp_path / "plans-removed.yaml"
    text = medway_area_text(missing)
    area_file = tmp_path / "area.toml"
    area_file.write_text(text, encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(area_file))
    return load_area(area_file)


def test_the_pack_says_the_plan_is_missing_and_still_has_the_survey(no_plan):
    priorities = priorities_section(lambda *a, **k: pytest.fail("no query without a plan"), no_plan, None, [], None)
    assert [b.text for b in priorities.blocks] == [
        "The plan file named in the area file could not be read, so no priorities are shown."
    ]
    survey = survey_section(no_plan)
    assert survey.blocks[0].text.startswith("Who was asked:")


def test_the_survey_page_does_not_need_the_plan_file(no_plan):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/survey.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Medway: residents' survey"
    assert "Feeling safe, and knowing how to report" in [h.value for h in at.header]


def test_the_priorities_page_says_the_plan_file_is_missing(no_plan):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/priorities.py").run()
    assert not at.exception
    assert any("plans-removed.yaml" in e.value for e in at.error)
