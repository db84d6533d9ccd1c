"""The scrutiny pack as a Word document (python-docx), for officers to add their narrative.

Real structure, so that the document reads well in Word, in a screen reader and when restyled: the
"Title", "Heading 1" and "Heading 2" styles (and so Word's navigation pane and contents field), bullet
lists in "List Bullet", real tables whose header row repeats on every page, and the charts as pictures
with their text alternative (the picture's description). A4, English (UK), page numbers, and a running
header with the area and the period.
"""

from __future__ import annotations

import io

from csp_data.report.model import (
    Block,
    Bullets,
    Heading,
    Image,
    Pack,
    Paragraph,
    Table,
    clean_text,
    made_label,
    title_with_span,
)

TEXT_WIDTH_MM = 170  # A4 less 20 mm margins
ACCENT = (0x0B, 0x3C, 0x5D)
HEADER_FILL = "E6EDF3"
FONT = "Arial"


def _xml(tag: str, **attributes):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _property(text: str) -> str:
    """A document property: Word allows 255 characters (a long area name in a title would pass that)."""
    text = clean_text(text)
    return text if len(text) <= 255 else text[:254] + "…"


def _set_up(document, pack: Pack) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    section.different_first_page_header_footer = True  # the cover has neither
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10)
    # English (UK) for the whole document: spelling, hyphenation and screen readers.
    defaults = styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in run_defaults.findall(qn("w:lang")):
        run_defaults.remove(old)
    run_defaults.append(_xml("w:lang", val="en-GB", eastAsia="en-GB", bidi="ar-SA"))
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 12)):
        style = styles[name]
        style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
        style.font.color.rgb = RGBColor(*ACCENT)
        # The template's theme fonts would win over the font named: drop them, so headings are in FONT.
        fonts = style.element.rPr.find(qn("w:rFonts"))
        for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for name, before in (("Heading 1", 20), ("Heading 2", 12)):
        styles[name].paragraph_format.space_before = Pt(before)
        styles[name].paragraph_format.space_after = Pt(6)
    styles["Caption"].font.size = Pt(9)
    styles["Caption"].font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    properties = document.core_properties
    properties.title = _property(pack.document_title)
    properties.subject = _property(f"{pack.area_name}: {title_with_span(pack.period_title, pack.span_label)}")
    properties.author = _property(pack.area_name)
    properties.language = "en-GB"
    properties.keywords = "community safety; crime; anti-social behaviour; scrutiny"

    header = section.header.paragraphs[0]
    header.text = clean_text(f"{pack.area_name} · Scrutiny pack: {title_with_span(pack.period_title, pack.span_label)}")
    header.runs[0].font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = 1  # centre
    for text, field in (("Page ", "PAGE"), (" of ", "NUMPAGES")):
        footer.add_run(text).font.size = Pt(8)
        simple = _xml("w:fldSimple", instr=f" {field} ")
        run = _xml("w:r")
        run.append(_xml("w:t"))
        run[-1].text = "1"
        simple.append(run)
        footer._p.append(simple)


def _paragraph(document, block: Paragraph) -> None:
    from docx.shared import Pt, RGBColor

    paragraph = document.add_paragraph()
    run = paragraph.add_run(clean_text(block.text))
    if block.style == "lead":
        run.font.size = Pt(11.5)
    elif block.style == "note":
        run.font.size = Pt(8.5)
        run.font.color.rgb = RGBColor(0x40, 0x40, 0x40)


def _shade(cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_xml("w:shd", val="clear", color="auto", fill=fill))


def _table(document, block: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    if block.caption:
        caption = document.add_paragraph(style="Caption")
        caption.add_run(clean_text(block.caption)).bold = True
        caption.paragraph_format.keep_with_next = True
    headers = block.headers
    widths = block.widths or (1,) * len(headers)
    total = sum(widths)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths):  # the grid, which fixed-layout tables are drawn by
        column.width = Mm(TEXT_WIDTH_MM * width / total)
    margins = _xml("w:tblCellMar")
    for side, twips in (("top", "45"), ("bottom", "45"), ("left", "85"), ("right", "85")):
        margins.append(_xml(f"w:{side}", w=twips, type="dxa"))
    table._tbl.tblPr.append(margins)
    glance = block.style == "glance"
    size = Pt(10.5) if glance else Pt(8.5)
    numeric = [column in block.numeric for column in block.frame.columns]
    rows = [headers, *block.cells()]
    for index, values in enumerate(rows):
        row = table.rows[0] if index == 0 else table.add_row()
        row._tr.get_or_add_trPr().append(_xml("w:cantSplit", val="true"))
        if index == 0:
            row._tr.get_or_add_trPr().append(_xml("w:tblHeader", val="true"))  # repeated on every page
        for cell, text, width, right in zip(row.cells, values, widths, numeric):
            cell.width = Mm(TEXT_WIDTH_MM * width / total)
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(text)
            run.font.size = size
            if index == 0:
                run.bold = True
                _shade(cell, HEADER_FILL)
            elif glance and right:
                run.bold = True  # the key figures of the cover
    if block.note:
        _paragraph(document, Paragraph(block.note, "note"))
    else:
        document.add_paragraph().paragraph_format.space_after = Pt(2)


def _image(document, block: Image) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    document.add_picture(io.BytesIO(block.png), width=Mm(TEXT_WIDTH_MM * block.width))
    picture_paragraph = document.paragraphs[-1]
    picture_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture_paragraph.paragraph_format.keep_with_next = True
    inline = picture_paragraph.runs[-1]._r.xpath(".//wp:inline")[0]
    inline.docPr.set("descr", clean_text(block.alt))  # the picture's text alternative
    inline.docPr.set("title", clean_text(block.caption))
    caption = document.add_paragraph(clean_text(block.caption), style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _block(document, block: Block) -> None:
    if isinstance(block, Heading):
        document.add_heading(clean_text(block.text), level=2)
    elif isinstance(block, Paragraph):
        _paragraph(document, block)
    elif isinstance(block, Bullets):
        for item in block.items:
            document.add_paragraph(clean_text(item), style="List Bullet")
    elif isinstance(block, Table):
        _table(document, block)
    elif isinstance(block, Image):
        _image(document, block)
    else:
        raise TypeError(f"the pack holds a block the DOCX cannot show: {type(block).__name__}")


def _cover(document, pack: Pack) -> None:
    from docx.shared import Pt

    document.add_paragraph(clean_text(pack.area_name)).runs[0].font.size = Pt(12)
    document.add_paragraph(clean_text(pack.title), style="Title")
    document.add_paragraph(clean_text(pack.period_title)).runs[0].font.size = Pt(14)
    for label, value in (
        ("Months", pack.span_label),
        ("Data coverage", pack.coverage),
        ("Made on", made_label(pack.made)),
        ("Prepared for", "Councillors at Overview and Scrutiny"),
    ):
        line = document.add_paragraph()
        line.paragraph_format.space_after = Pt(0)
        line.add_run(f"{label}: ").bold = True
        line.add_run(clean_text(value))
    document.add_paragraph()
    for block in pack.cover:
        _block(document, block)
    contents = document.add_paragraph()
    contents.add_run("Contents").bold = True
    for section in pack.sections:
        document.add_paragraph(clean_text(section.heading), style="List Bullet")
    document.add_page_break()


def render_docx(pack: Pack) -> bytes:
    """The pack as DOCX bytes."""
    from docx import Document

    document = Document()
    _set_up(document, pack)
    _cover(document, pack)
    for section in pack.sections:
        document.add_heading(clean_text(section.heading), level=1)
        for block in section.blocks:
            _block(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
