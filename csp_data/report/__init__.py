"""The councillors' scrutiny pack: the chosen period as a PDF or DOCX briefing for a committee.

Modules
-------
``model``         the pack as plain data: a cover and sections of headings, paragraphs, lists, tables, pictures
``content``       :func:`build_pack`: the Overview's figures, the crime picture in context, charts and wards
``benchmarking``  the Most Similar Group section
``priorities``    the plan's priorities, live indicators and KPIs with RAG status
``survey``        the residents' survey as published
``since``         "What changed since the last pack"
``caveats``       caveats, sources and licences
``glossary``      the terms the pack uses, explained
``pictures``      the pages' Altair charts as PNG (vl-convert)
``pdf``           the PDF (Typst), ``docx`` the Word document (python-docx)
``output``        the formats, and writing a file whole or not at all

Nothing here imports streamlit: the sidebar button (:mod:`csp_data.ui.report`) and the command line
(``python -m csp_data report``) call these.
"""

from csp_data.report.content import build_pack, coverage_words
from csp_data.report.model import Bullets, Heading, Image, Pack, Paragraph, Section, Table, period_title
from csp_data.report.output import (
    FORMATS,
    PackFile,
    ReportError,
    choose_format,
    open_output,
    pack_file_name,
    render_pack,
)

__all__ = [
    "FORMATS",
    "Bullets",
    "Heading",
    "Image",
    "Pack",
    "PackFile",
    "Paragraph",
    "ReportError",
    "Section",
    "Table",
    "build_pack",
    "choose_format",
    "coverage_words",
    "open_output",
    "pack_file_name",
    "period_title",
    "render_pack",
]
