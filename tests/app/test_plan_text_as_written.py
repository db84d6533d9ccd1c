"""A plan edited on the staff pages is shown on the public Priorities page as written: its summary, titles and
actions cannot add links, pictures, headings or badges to the page."""

from __future__ import annotations

import re

import lxml.html
import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from helpers import ROOT, medway_area_text

PLANS = ROOT / "data" / "medway" / "plans" / "plans.yaml"
LINK = "[click here](https://evil.example/login)"
PICTURE = "![x](https://evil.example/p.png)"
HEADING = "# Fake H1 heading"
BADGE = ":red-badge[All targets met]"


@pytest.fixture
def hostile_plan(tmp_path, monkeypatch):
    text = PLANS.read_text(encoding="utf-8")
    edits = {
        '    title: "Community Safety Plan 2024–2028"': f'    title: "Plan {LINK}"',
        "      Four priorities agreed by the partnership.": f'      "{HEADING}" {PICTURE} {BADGE}',
        '        title: "Tackle Anti-Social Behaviour"': f'        title: "ASB {LINK}"',
        "          Reduce anti-social behaviour through": f"          Reduce {LINK} {PICTURE} through",
        "                  A neighbourhood team of more than 50": f"                  {PICTURE} more than 50",
    }
    for old, new in edits.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    plans = tmp_path / "plans.yaml"
    plans.write_text(text, encoding="utf-8")
    area_file = tmp_path / "area.toml"
    area_file.write_text(medway_area_text(plans), encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(area_file))


def markdown_of(at: AppTest) -> list[str]:
    """The Markdown of every element that Streamlit draws as Markdown."""
    found = [*at.markdown, *at.caption, *at.header, *at.subheader, *at.title, *at.error, *at.info]
    return [e.value for e in found] + [e.label for e in at.expander]


def test_plan_text_is_shown_as_written(hostile_plan):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at.switch_page("views/priorities.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    sources = markdown_of(at)
    drawn = [lxml.html.fragment_fromstring(MarkdownIt("commonmark").render(s), create_parent="div") for s in sources]
    text = "\n".join(d.text_content() for d in drawn)
    # every piece of the plan is on the page, as written
    for piece in (LINK, PICTURE, HEADING, BADGE):
        assert piece in text
    assert "ASB " + LINK in text and f"Reduce {LINK} {PICTURE} through" in text
    # and none of it became markup: no link or picture to the site, no heading, no badge
    for root in drawn:
        assert not root.xpath("//a[contains(@href, 'evil.example')] | //img | //h1 | //h2 | //h3"), lxml.html.tostring(
            root
        )
    assert not [s for s in sources if re.search(r"(?<!\\):red-badge\[All", s)]  # Streamlit would draw a badge
