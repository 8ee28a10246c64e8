"""A report as files: the PDF (WeasyPrint, the look of the other PDFs) and an editable .docx
(python-docx) that the authority can finish in a word processor. Both render a ReportDocument."""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from config.pdf import html_to_pdf

from .document import ReportDocument, Table

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADING_COLOUR = RGBColor(0x14, 0x46, 0x6B)


def report_pdf(document: ReportDocument) -> bytes:
    html = render_to_string(
        "pdf/obligations/article7.html",
        {"doc": document, "today": timezone.localdate()},
    )
    return html_to_pdf(html)


def _table(docx, table: Table) -> None:
    if table.caption:
        docx.add_paragraph(table.caption, style="Heading 3")
    grid = docx.add_table(rows=1, cols=len(table.headings))
    grid.style = "Table Grid"
    for cell, heading in zip(grid.rows[0].cells, table.headings, strict=True):
        cell.text = heading
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = value
            if index in table.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def report_docx(document: ReportDocument) -> bytes:
    docx = Document()
    docx.core_properties.title = document.title
    docx.styles["Normal"].font.name = "DejaVu Sans"
    docx.styles["Normal"].font.size = Pt(10)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        docx.styles[name].font.color.rgb = HEADING_COLOUR
    docx.add_paragraph(document.title, style="Title")
    docx.add_paragraph(_("Convention on Cluster Munitions, Article 7"))
    cover = [
        (_("State Party"), document.state_party),
        (_("Reporting period"), document.period),
        (_("Point of contact"), document.point_of_contact or _("to be completed")),
        (
            _("Date of submission"),
            date_format(document.submitted_on, "j F Y")
            if document.submitted_on
            else _("to be completed"),
        ),
    ]
    grid = docx.add_table(rows=0, cols=2)
    grid.style = "Table Grid"
    for label, value in cover:
        cells = grid.add_row().cells
        cells[0].text, cells[1].text = label, value
        for run in cells[0].paragraphs[0].runs:
            run.bold = True
    docx.add_paragraph(
        _("Only figures validated by the national authority are counted in this report.")
    )
    if document.illustrative:
        docx.add_paragraph(
            _("Some figures are illustrative (invented for demonstration, not official).")
        )
    for section in document.sections:
        docx.add_heading(
            _("Form %(letter)s: %(title)s") % {"letter": section.letter, "title": section.title},
            level=1,
        )
        docx.add_paragraph(
            _("Article %(paragraphs)s · %(mark)s")
            % {"paragraphs": section.paragraphs, "mark": section.mark_label}
        )
        for fact in section.facts:
            docx.add_paragraph(fact, style="List Bullet")
        for table in section.tables:
            _table(docx, table)
        if section.empty_note:
            docx.add_paragraph(section.empty_note).runs[0].italic = True
        docx.add_heading(_("Narrative"), level=3)
        for paragraph in (section.narrative or _("to be completed")).split("\n\n"):
            docx.add_paragraph(paragraph.strip())
    if document.waiting or document.gaps:
        docx.add_heading(_("Before sending"), level=1)
    if document.waiting:
        docx.add_paragraph(
            _("Figures waiting for validation, not counted in this report:"), style="Heading 3"
        )
        _table(docx, document.waiting)
    if document.gaps:
        docx.add_paragraph(_("Gaps to check:"), style="Heading 3")
        for gap in document.gaps:
            docx.add_paragraph(gap, style="List Bullet")
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()
