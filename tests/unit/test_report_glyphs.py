"""The PDF pack with text its fonts cannot draw (emoji, Chinese) and with very long words: the PDF is made,
each such character is a square and the cover says so, the Word pack keeps the text as written, and a
long word wraps inside its table cell instead of running over the next column or off the page."""

from __future__ import annotations

import io
import random
import re
import subprocess
import unicodedata
from datetime import date

import docx
import pandas as pd
import pytest

from csp_data.report import Pack, Paragraph, Section, Table, render_pack
from csp_data.report.glyphs import STAND_IN, drawable_characters, printable, undrawable

PLAN_TEXT = "Safer streets for every boy 👦 and family 👍🏽 🏳️‍🌈: 社区安全"
A4_WIDTH, RIGHT_MARGIN = 595.276, 1.9 / 2.54 * 72  # points; pdf.py's page margin is 1.9 cm


def pack(*blocks, title: str = "Medway community safety: scrutiny pack") -> Pack:
    return Pack(
        title=title,
        area_name="Medway",
        short_name="Medway",
        period_title="Calendar year 2025",
        span_label="Jan 2025 to Dec 2025",
        coverage="12 of 12 months loaded",
        made=date(2026, 1, 2),
        sections=[Section("Priorities", list(blocks))],
    )


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True).stdout.decode()


def test_the_fonts_draw_english_and_the_squares_but_not_these_emoji_or_chinese():
    covered = drawable_characters()
    assert all(ord(c) in covered for c in "Medway £1,234 – “quoted” é ü ▲▼ ● □")
    assert undrawable(PLAN_TEXT) == ["👦", "👍", "🏽", "🏳", "🌈", "社", "区", "安", "全"]
    # Each character becomes a square; the joiner and the variation selector need no glyph and stay.
    assert printable(PLAN_TEXT) == "Safer streets for every boy □ and family □□ □️\u200d□: □□□□"


def test_a_plan_with_emoji_and_chinese_makes_a_pdf_that_says_what_the_squares_are():
    table = pd.DataFrame({"KPI 👦": [PLAN_TEXT, "plain"], "Status": ["On track 🟢", "Off track"]})
    made = pack(
        Paragraph(PLAN_TEXT),
        Table(table, caption=f"Caption {PLAN_TEXT}", note="Under 社区"),
        title=f"Scrutiny pack 👦 {PLAN_TEXT}",
    )
    text = pdf_text(render_pack(made, "pdf"))  # Typst refused this text before (PDF/UA-1: no font draws it)
    flat = " ".join(text.split())
    assert "Safer streets for every boy □ and family □□" in flat
    assert ": □□□□" in flat and "👦" not in flat and "社" not in flat
    assert f"are shown as {STAND_IN}. The Word version of the pack shows them as written" in flat
    document = docx.Document(io.BytesIO(render_pack(made, "docx")))
    words = " ".join(p.text for p in document.paragraphs) + " ".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert PLAN_TEXT in words and "shown as □" not in words


def test_a_pack_every_font_draws_has_no_note():
    text = pdf_text(render_pack(pack(Paragraph("Safer streets 😀 ℹ️ مرحبا שלום Ελλάδα")), "pdf"))
    assert "shown as" not in text and "😀" in text


@pytest.mark.slow
def test_any_characters_at_all_make_a_pdf():
    """Two thousand assigned characters drawn at random from every plane in use (seeded): the PDF is made."""
    rng = random.Random(20261203)
    chosen = []
    while len(chosen) < 2000:
        code = rng.choice(
            [rng.randrange(0x20, 0x3000), rng.randrange(0x3000, 0x10000), rng.randrange(0x10000, 0x2FFFF)]
        )
        character = chr(code)
        if unicodedata.category(character) not in ("Cn", "Cs", "Co"):
            chosen.append(character)
    text = "".join(chosen)
    pdf = render_pack(pack(Paragraph(text), Table(pd.DataFrame({"Cells": [text[:300], text[300:600]]}))), "pdf")
    assert pdf.startswith(b"%PDF")


def test_a_long_word_wraps_inside_its_cell_and_the_page(tmp_path):
    word = "MedwayCommunitySafetyPartnershipPlan" * 9  # 324 letters: no space, hyphen or slash to break at
    table = pd.DataFrame({"KPI": [word], "Status": ["Green"], "Latest value": ["12"], "Target": ["10"]})
    path = tmp_path / "pack.pdf"
    path.write_bytes(
        render_pack(pack(Paragraph(f"See {word} for the plan."), Table(table, widths=(2, 1, 1, 1))), "pdf")
    )
    box = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', box)
    assert words
    assert max(float(right) for _, _, right, _ in words) <= A4_WIDTH - RIGHT_MARGIN + 1
    # The KPI column is two fifths of the width: none of the word's pieces reaches the Status column.
    (status_left, status_top) = [(float(left), float(top)) for left, top, _, text in words if text == "Green"][0]
    pieces = [  # the word's pieces in the table (below the paragraph)
        (float(left), float(right))
        for left, top, right, text in words
        if float(top) >= status_top - 1 and "Medway" in text
    ]
    assert len(pieces) > 3 and all(right < status_left for _, right in pieces)


def test_with_no_font_files_nothing_is_replaced(monkeypatch):
    """A machine whose fonts cannot be read: Typst sets the text in its own fonts, as before, not in squares."""
    from csp_data.report import glyphs

    monkeypatch.setattr(glyphs, "drawable_characters", lambda: frozenset())
    assert printable("Medway 👦 社区") == "Medway 👦 社区" and undrawable("Medway") == []


def test_breaks_fall_after_an_address_s_punctuation_and_never_inside_a_character():
    assert printable("https://www.medway.gov.uk/community-safety-plan") == (
        "https:/\u200b/\u200bwww.\u200bmedway.\u200bgov.\u200buk/\u200bcommunity-\u200bsafety-\u200bplan"
    )
    accented = "x" * 19 + "e\u0301" + "y" * 20  # the accent is its own code point, after the 20th character
    assert printable(accented) == "x" * 19 + "e\u0301\u200b" + "y" * 20
    assert "\u200b\U0001f3fd" not in printable("a" * 19 + "👍\U0001f3fd" + "b" * 20)


def test_the_documents_title_and_author_keep_a_long_name_whole(tmp_path):
    """Places to break are for the page: the PDF's own title and author (what a reader's window and a screen
    reader announce) keep a long name as written, with no zero-width spaces in it."""
    name = "Swale" * 60  # 300 letters without a space
    path = tmp_path / "pack.pdf"
    path.write_bytes(render_pack(pack(Paragraph("Text."), title=f"{name}: scrutiny pack"), "pdf"))
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    title = next(line for line in info.splitlines() if line.startswith("Title:"))
    assert name[1:] in title and "\u200b" not in info  # the title reads "Medway swaleSwale...: scrutiny pack"
