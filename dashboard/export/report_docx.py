"""The report pack as a Word file (python-docx), ready to paste into an official report:
headings, each map as a numbered figure with its caption, the figures as a real table,
the data notes, source and date.

Maps are pictures of the A4 page without its own header (the heading and caption say
it, in Word's styles, so a clerk can renumber or restyle them).
"""

from __future__ import annotations

import io
from datetime import datetime

from dashboard.export.render import SLIDE_PICTURE
from dashboard.export.report import ReportPart, cover_lines, summary_rows

DOCX_DPI = 170
BODY_FONT = "Times New Roman"  # the font of Vietnamese official documents (Decree 30/2020)


def _table(doc, rows: list[list[str]]):
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = value
            if r == 0:
                for run in cell.paragraphs[0].runs:
                    run.font.bold = True
    return table


def docx_report(parts: list[ReportPart], title: str, by: str, made_at: datetime) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    from dashboard.export.writers import picture_png

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(13)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    doc.core_properties.title = title[:255]
    doc.core_properties.author = by or "antt-map"
    doc.core_properties.created = made_at

    doc.add_heading(title, level=0)
    for line in cover_lines(parts, by, made_at):
        doc.add_paragraph(line)
    for i, p in enumerate(parts, 1):
        snap = p.snap
        doc.add_heading(f"{i}. {p.name}", level=1)
        doc.add_paragraph(snap.title)
        for line in snap.subtitle:
            doc.add_paragraph(line, style="List Bullet")
        doc.add_picture(io.BytesIO(picture_png(snap, SLIDE_PICTURE, DOCX_DPI)), width=Cm(16))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption = doc.add_paragraph(f"Hình {i}. {snap.title}", style="Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        figures = [["Chỉ tiêu", "Giá trị", "So sánh"]] + [
            [c.label, c.value, f"{c.delta} {c.versus}".strip() if c.delta else ""]
            for c in snap.cards
        ]
        doc.add_paragraph(f"Bảng {i}. Số liệu chính — {p.name}", style="Caption")
        _table(doc, figures)
        for note in snap.notes:
            doc.add_paragraph(f"Ghi chú: {note}")
        for line in snap.source:
            doc.add_paragraph(line).runs[0].font.size = Pt(11)
    doc.add_heading("Tổng hợp số liệu", level=1)
    _table(doc, summary_rows(parts))
    doc.add_paragraph(f"Số liệu lập lúc {made_at:%H:%M} ngày {made_at:%d/%m/%Y} bằng antt-map.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
