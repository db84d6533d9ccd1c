"""The accessibility statement: the standard aimed at, how the dashboard was tested, what does not work
yet, and how to ask for another format or report a problem.

The words are for any partnership: names come from the area file. The tests it describes are
``tests/browser/test_accessibility.py`` (axe-core and a keyboard walk of every page); when they or the
known limits change, this text and :data:`STATEMENT_DATE` change with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from csp_data.config import Area
from csp_data.markdown import markdown_text
from csp_data.ui.theme import site_name

#: When the statement was last prepared against the tests and the pages as they were.
STATEMENT_DATE = date(2026, 11, 30)
STANDARD = "the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA"
REGULATIONS = "the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018"
EASS = "https://www.equalityadvisoryservice.com/"


@dataclass(frozen=True)
class Section:
    """One part of the statement: a heading and its text (Markdown)."""

    heading: str
    text: str


def long_date(day: date) -> str:
    """'30 November 2026' (no leading zero, as GOV.UK writes dates)."""
    return f"{day.day} {day:%B %Y}"


def contact_text(area: Area) -> str:
    """The ways to reach the partnership, from the area file's ``[contact]`` table, as a list."""
    contact = area.contact
    if contact is None:
        return (
            "The people who run this site have not yet added their contact details to it. Until they do, "
            f"please use the contact details on {markdown_text(area.name)}'s own website."
        )
    lines = []
    if contact.team:
        lines.append(f"- **Who:** {markdown_text(contact.team)}")
    if contact.email:
        lines.append(f"- **Email:** [{markdown_text(contact.email)}](mailto:{contact.email})")
    if contact.phone:
        lines.append(f"- **Telephone:** {markdown_text(contact.phone)}")
    if contact.address:
        lines.append(f"- **Post:** {markdown_text(', '.join(contact.address.splitlines()))}")
    if contact.web:
        lines.append(f"- **Online:** [{markdown_text(contact.web)}]({contact.web})")
    return "You can reach us:\n\n" + "\n".join(lines)


def statement_sections(area: Area, prepared: date = STATEMENT_DATE) -> list[Section]:
    """The statement for ``area``, section by section, in plain English."""
    name, publisher = site_name(area), area.name
    return [
        Section(
            "Using this dashboard",
            f"This statement is for the {name} dashboard, published by {publisher}. We want as many "
            "people as possible to be able to use it. You should be able to:\n\n"
            "- move through every page and use every control with a keyboard alone, and see where you are;\n"
            "- use your browser to zoom in and to change colours and text size;\n"
            "- find every figure shown in a chart or on a map in a table as well, and download any table "
            "as a spreadsheet file (CSV);\n"
            "- read every table with a screen reader, which announces each figure's column and row headings.",
        ),
        Section(
            "How accessible this dashboard is",
            f"We aim to meet {STANDARD}, as {REGULATIONS} require of public sector websites. The dashboard "
            "**partially meets** that standard: the parts that do not work yet are listed below.",
        ),
        Section(
            "What does not work yet",
            "- **The maps can only partly be used with a keyboard, and not with a screen reader.** Once a "
            "map is selected, the arrow keys move it and the + and - keys zoom in and out, but a ward or "
            "a square cannot be chosen, nor its figures read, without a mouse or touch screen. The same "
            "figures are in the table under each map, and on the Ward map the box *Ward profile: choose "
            "a ward* opens any ward's profile without the map. (WCAG 2.1.1 Keyboard, 1.1.1 Non-text content.)\n"
            "- **Charts are pictures.** A screen reader may announce some charts only as a visualisation, "
            "without saying what they show. The figures of every chart are in the table under it (often in "
            "a fold-out whose title starts *Table*). The *Show data* item of a chart's own menu is not that "
            "table: it lists the chart's raw data under technical column names, and moves keyboard focus to "
            "the top of the page. (WCAG 1.1.1 Non-text content, 2.4.3 Focus order.)\n"
            "- **Wide or long tables scroll within their box.** On a narrow screen, or for a table of more "
            "than 30 rows, select the table with the Tab key and scroll it with the arrow keys. Tables cannot "
            "be sorted on the page: every table can be downloaded as a CSV file, with the *Download* button "
            "under it, to sort and filter in a spreadsheet. (WCAG 1.4.10 Reflow.)\n"
            "- **On a narrow phone screen** some charts are cut off at the side or their legends are "
            "shortened (for example the small charts of each crime type on *Seasonality and trends*). "
            "The table under each chart gives the same figures. On the narrowest screens (320 pixels wide) the "
            "maps on *Ward map* and *Hotspots* open cut off at both sides: drag or zoom the map, or use the "
            "tables under it (every ward's figures on *Ward map*, the hot squares on *Hotspots*). "
            "(WCAG 1.4.10 Reflow.)\n"
            "- **In a narrow browser window, or zoomed to 200% or more,** the sidebar opens over the page, and "
            "stays open after you choose a page from it: close it with its *Collapse sidebar* button («) to "
            "see the page. Phones and tablets close it themselves. When it opens, keyboard focus does not move "
            "into it, and the Escape key does not close it. "
            "(WCAG 2.4.3 Focus order.)\n"
            "- **The scrutiny pack** (the PDF and Word briefings in the sidebar) has not yet been checked "
            "against the standard.\n"
            "- **The optional street basemap** on the maps comes from another provider (CARTO), and is "
            "not covered by this statement.",
        ),
        Section(
            "How we tested this dashboard",
            "- **Automated checks on every page.** Each time the dashboard is changed, its tests open "
            "every page, this one included, in the Chromium web browser and check it with the axe-core "
            "accessibility checker against the WCAG 2.0, 2.1 and 2.2 rules at levels A and AA. Each page "
            "is checked at its full length, and the Ward map also with a ward profile open. The tests fail "
            "if the checker finds any problem in the dashboard's own content.\n"
            "- **A keyboard-only walk.** The same tests press the Tab key through every page. Every "
            "control must be reached, and each must show a clear focus outline when it is.\n"
            "- **Desktop and phone.** The pages have been looked at on a desktop screen (1,440 pixels "
            "wide), a phone screen (390 pixels wide) and at 320 pixels wide, the narrowest the standard asks "
            "pages to work at.\n\n"
            "Automated checks find only some kinds of problem. The dashboard has not yet been tested by "
            "disabled people who use it, or audited by an independent specialist.",
        ),
        Section(
            "Asking for another format, or telling us about a problem",
            f"If you need anything on this dashboard in another format (for example a table as a "
            f"spreadsheet, large print, easy read, audio or braille), or you find a problem that is not "
            f"listed here, please contact {publisher}. Tell us which page you were on and what you were "
            "trying to do. Every table can already be downloaded as a CSV file, which spreadsheet "
            "programs and screen readers can open.\n\n" + contact_text(area),
        ),
        Section(
            "If you are not happy with our reply",
            "The Equality and Human Rights Commission (EHRC) enforces the accessibility regulations. If "
            "you are not happy with how we answer a complaint about accessibility, contact the "
            f"[Equality Advisory and Support Service (EASS)]({EASS}).",
        ),
        Section(
            "About this statement",
            f"This statement was prepared on {long_date(prepared)}. The automated checks described above "
            "run with the dashboard's tests on every change.",
        ),
    ]


def show_statement(area: Area) -> None:
    """The statement, each section under its own heading (h2, below the page's h1)."""
    for section in statement_sections(area):
        st.header(section.heading, anchor=False)
        st.markdown(section.text)
