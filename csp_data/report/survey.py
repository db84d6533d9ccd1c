"""The pack's survey section: the latest residents' survey as published (the figures, who was asked, and
what the published results leave out), from :mod:`csp_data.survey`."""

from __future__ import annotations

import pandas as pd

from csp_data import survey as sv
from csp_data.area_documents import load_area_documents
from csp_data.config import Area
from csp_data.errors import CspDataError
from csp_data.report.model import Paragraph, Section, Table

HEADING = "What residents say"


def survey_table(latest: sv.Survey) -> Table:
    """Every published answer of the survey, question by question."""
    rows = []
    for question in latest.questions:
        first = True
        for answer in question.answers:
            rows.append(
                {
                    "Question": question.text if first else "",
                    "Answer": answer.option
                    if answer.group == sv.ALL_RESPONDENTS
                    else f"{answer.option} ({answer.group})",
                    "Share": sv.answer_text(answer),
                }
            )
            first = False
    return Table(
        pd.DataFrame(rows, columns=["Question", "Answer", "Share"]),
        caption=f"{latest.title}: the results as published",
        widths=(4, 4.2, 1.2),
        numeric=("Share",),
        grouped=True,
    )


def survey_section(area: Area) -> Section:
    """The section; without survey files, or with one that cannot be read, a sentence says so."""
    try:
        documents = load_area_documents(area, plans=False)
        surveys = sv.load_surveys(list(documents.survey_files)) if documents.survey_files else ()
    except CspDataError:
        return Section(HEADING, [Paragraph("The survey files named in the area file could not be read.")])
    if not surveys:
        return Section(HEADING, [Paragraph("No residents' survey results are held for the area.")])
    latest = surveys[-1]
    multiple = any(q.answer_type == "multiple_choice" for q in latest.questions)
    return Section(
        HEADING,
        [
            Paragraph(f"Who was asked: {sv.samples_text(latest)}. Source: the partnership's published results."),
            survey_table(latest),
            Paragraph(
                sv.published_caveat(latest)
                + (
                    " Where respondents could choose more than one answer, shares add up to more than 100%."
                    if multiple
                    else ""
                ),
                "note",
            ),
        ],
    )
